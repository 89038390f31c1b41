"""A synchronous client of Sluice's HTTP API (requests), used by the hook in the worker.

Retries (bounded by RetryPolicy): 429/502/503/504 and the codes ERROR_ACTIONS marks RETRY, waiting
Retry-After; connection failures only for calls that may be repeated — reads, cancel (idempotent:
a second cancel of a job answers 200 with it), and the submit, which always carries an
Idempotency-Key so a repeat returns the job the first one created. The token only ever goes into
the Authorization header: no message or log line of this module contains it.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator
from typing import Any

import requests

from .errors import Action, SluiceApiError, SluiceConnectionError
from .retry import MAX_RETRY_AFTER_SECONDS, RetryPolicy, backoff_seconds, parse_retry_after
from .sse import SseMessage, SseParser

log = logging.getLogger(__name__)

# Sluice writes a heartbeat comment every 15 s on an idle stream: silence for four is a dead connection.
SSE_IDLE_SECONDS = 60.0
CONNECT_TIMEOUT_SECONDS = 10.0


class SluiceClient:
    def __init__(self, base_url: str, token: str, *, session: requests.Session | None = None,
                 policy: RetryPolicy | None = None, timeout: float = 30.0):
        if not base_url:
            raise ValueError("Sluice base URL is empty (the connection's host)")
        if not token:
            raise ValueError("Sluice token is empty (the connection's password)")
        self.base_url = base_url.rstrip("/")
        self._token = token
        self.session = session or requests.Session()
        self.policy = policy or RetryPolicy()
        self.timeout = timeout

    def __repr__(self) -> str:  # never the token
        return f"SluiceClient({self.base_url!r})"

    # --- calls -----------------------------------------------------------------------------

    def submit(self, spec: dict[str, Any], idempotency_key: str) -> dict[str, Any]:
        """POST /v1/jobs. Returns the job (202 new, 200 the one this key already made)."""
        res = self._request("POST", "/v1/jobs", json_body=spec, headers={"Idempotency-Key": idempotency_key}, repeatable=True)
        return res.json()

    def get_job(self, job_id: str) -> dict[str, Any]:
        return self._request("GET", f"/v1/jobs/{job_id}", repeatable=True).json()

    def list_jobs(self, **query: Any) -> dict[str, Any]:
        return self._request("GET", "/v1/jobs", params={k: v for k, v in query.items() if v is not None}, repeatable=True).json()

    def cancel(self, job_id: str, reason: str = "cancelled from Airflow") -> dict[str, Any]:
        return self._request("POST", f"/v1/jobs/{job_id}/cancel", json_body={"reason": reason[:500]}, repeatable=True).json()

    def logs(self, job_id: str, file: str = "stdout", application: str | None = None) -> str:
        """The job container's output, or with ``application`` one of the job's child applications'
        (its AM container: a Spark driver's)."""
        params = {"file": file, **({"application": application} if application else {})}
        return self._request("GET", f"/v1/jobs/{job_id}/logs", params=params, repeatable=True).text

    def job_events(self, job_id: str, last_event_id: str | None = None) -> Iterator[SseMessage]:
        """One connection's worth of the job's events (after ``last_event_id``); ends when the server
        ends the stream (after the terminal event) or answers 204 (resumed at the end). A dropped
        connection raises SluiceConnectionError: the caller resumes with the last id it saw."""
        headers = {"Accept": "text/event-stream"}
        if last_event_id:
            headers["Last-Event-ID"] = last_event_id
        res = self._request("GET", f"/v1/jobs/{job_id}/events", headers=headers, repeatable=True, stream=True,
                            timeout=(CONNECT_TIMEOUT_SECONDS, SSE_IDLE_SECONDS))
        try:
            if res.status_code == 204:
                return
            parser = SseParser(last_event_id or "")
            for chunk in res.iter_content(chunk_size=None, decode_unicode=True):
                yield from parser.feed(chunk)
        except (requests.ConnectionError, requests.Timeout, requests.exceptions.ChunkedEncodingError) as err:
            raise SluiceConnectionError(f"the event stream of {job_id} was cut: {type(err).__name__}") from err
        finally:
            res.close()

    # --- transport -------------------------------------------------------------------------

    def _request(self, method: str, path: str, *, json_body: Any = None, headers: dict[str, str] | None = None,
                 params: dict[str, Any] | None = None, repeatable: bool, stream: bool = False,
                 timeout: Any = None) -> requests.Response:
        started = time.monotonic()
        all_headers = {"Authorization": f"Bearer {self._token}", **(headers or {})}
        data = None
        if json_body is not None:
            data = json.dumps(json_body)
            all_headers["Content-Type"] = "application/json"
        attempt = 0
        while True:
            attempt += 1
            try:
                res = self.session.request(method, self.base_url + path, data=data, headers=all_headers, params=params,
                                           stream=stream, timeout=timeout or (CONNECT_TIMEOUT_SECONDS, self.timeout))
            except (requests.ConnectionError, requests.Timeout) as err:
                wait = backoff_seconds(attempt)
                if not repeatable or not self._may_retry(attempt, started, wait):
                    raise SluiceConnectionError(f"no answer from Sluice at {self.base_url} to {method} {path} "
                                                f"after {attempt} attempt(s): {type(err).__name__}: {err}") from err
                log.warning("Sluice %s %s: %s; retrying in %.1f s (attempt %d)", method, path, type(err).__name__, wait, attempt)
                time.sleep(wait)
                continue
            if res.status_code < 400:
                return res
            error = SluiceApiError.from_response(res.status_code, _body(res), parse_retry_after(res.headers.get("Retry-After")), method, path)
            res.close()
            if error.action is Action.RETRY and repeatable:
                wait = error.retry_after if error.retry_after is not None else backoff_seconds(attempt)
                if wait <= MAX_RETRY_AFTER_SECONDS and self._may_retry(attempt, started, wait):
                    log.warning("Sluice %s %s answered %d %s; retrying in %.1f s (attempt %d)", method, path, error.status, error.code, wait, attempt)
                    time.sleep(wait)
                    continue
            raise error

    def _may_retry(self, attempt: int, started: float, wait: float) -> bool:
        return _may_retry_within(self.policy, attempt, started, wait)


def _may_retry_within(policy: RetryPolicy, attempt: int, started: float, wait: float) -> bool:
    """Another attempt is allowed: attempts left, and the wait still ends within the total time."""
    return attempt < policy.attempts and time.monotonic() - started + wait <= policy.total_seconds


def _body(res: requests.Response) -> Any:
    try:
        return res.json()
    except ValueError:
        return res.text
