"""SluiceHook: the `sluice` connection and clients for Sluice's HTTP API.

Connection: the base URL in ``host`` (``http://sluice:8080``, or host, port and schema/extra
``scheme``), the bearer token in ``password``. Extra may instead carry ``base_url`` and ``token``.
"""

from __future__ import annotations

from typing import Any

from airflow.sdk import BaseHook

from .async_client import AsyncSluiceClient
from .client import SluiceClient
from .retry import RetryPolicy


class SluiceHook(BaseHook):
    conn_name_attr = "sluice_conn_id"
    default_conn_name = "sluice_default"
    conn_type = "sluice"
    hook_name = "Sluice"

    def __init__(self, sluice_conn_id: str = default_conn_name, *, policy: RetryPolicy | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        self.sluice_conn_id = sluice_conn_id
        self.policy = policy
        self._client: SluiceClient | None = None

    @classmethod
    def get_ui_field_behaviour(cls) -> dict[str, Any]:
        return {
            "hidden_fields": ["schema", "login"],
            "relabeling": {"host": "Sluice URL", "password": "Token"},
            "placeholders": {"host": "https://sluice.example.com", "extra": '{"timeout": 30}'},
        }

    def get_conn(self) -> SluiceClient:
        if self._client is None:
            base_url, token, timeout = connection_settings(self.get_connection(self.sluice_conn_id))
            self._client = SluiceClient(base_url, token, policy=self.policy, timeout=timeout)
        return self._client

    def new_client(self) -> SluiceClient:
        """A client with its own session: on_kill runs from a signal handler while the main flow may
        be inside a read of the shared session."""
        base_url, token, timeout = connection_settings(self.get_connection(self.sluice_conn_id))
        return SluiceClient(base_url, token, policy=self.policy, timeout=timeout)

    async def aget_async_client(self) -> AsyncSluiceClient:
        base_url, token, timeout = connection_settings(await self.aget_connection(self.sluice_conn_id))
        return AsyncSluiceClient(base_url, token, policy=self.policy, timeout=timeout)

    # The calls the operator makes, so DAG authors can use the hook directly too.
    def submit(self, spec: dict[str, Any], idempotency_key: str) -> dict[str, Any]:
        return self.get_conn().submit(spec, idempotency_key)

    def get_job(self, job_id: str) -> dict[str, Any]:
        return self.get_conn().get_job(job_id)

    def cancel(self, job_id: str, reason: str = "cancelled from Airflow") -> dict[str, Any]:
        return self.get_conn().cancel(job_id, reason)

    def logs(self, job_id: str, file: str = "stdout", application: str | None = None) -> str:
        return self.get_conn().logs(job_id, file, application)

    def list_jobs(self, **query: Any) -> dict[str, Any]:
        return self.get_conn().list_jobs(**query)

    def test_connection(self) -> tuple[bool, str]:
        try:
            self.get_conn().list_jobs(limit=1)
            return True, "Sluice answered"
        except Exception as err:  # the UI shows the message
            return False, str(err)


def connection_settings(conn: Any) -> tuple[str, str, float]:
    """(base URL, token, timeout seconds) of an Airflow connection; ValueError naming what is missing."""
    extra = conn.extra_dejson or {}
    base_url = extra.get("base_url") or _url_from(conn, extra)
    token = extra.get("token") or conn.password
    if not base_url:
        raise ValueError(f"connection {conn.conn_id!r}: no Sluice URL (set host, e.g. http://sluice:8080, or extra base_url)")
    if not token:
        raise ValueError(f"connection {conn.conn_id!r}: no Sluice token (set password, or extra token)")
    return base_url.rstrip("/"), token, float(extra.get("timeout", 30))


def _url_from(conn: Any, extra: dict[str, Any]) -> str | None:
    host = conn.host
    if not host:
        return None
    if "://" in host:
        return host if not conn.port or host.count(":") > 1 else f"{host}:{conn.port}"
    scheme = extra.get("scheme") or conn.schema or "http"
    return f"{scheme}://{host}" + (f":{conn.port}" if conn.port else "")
