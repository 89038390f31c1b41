"""The asynchronous client the trigger uses in the triggerer's event loop (httpx): read a job,
follow its events, cancel it. Same retry rules as client.SluiceClient (only repeatable calls here),
never blocking the loop."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import AsyncIterator
from typing import Any

import httpx

from .client import CONNECT_TIMEOUT_SECONDS, SSE_IDLE_SECONDS, _may_retry_within
from .errors import Action, SluiceApiError, SluiceConnectionError
from .retry import MAX_RETRY_AFTER_SECONDS, RetryPolicy, backoff_seconds, parse_retry_after
from .sse import SseMessage, SseParser

log = logging.getLogger(__name__)


class AsyncSluiceClient:
    def __init__(self, base_url: str, token: str, *, policy: RetryPolicy | None = None, timeout: float = 30.0):
        if not base_url or not token:
            raise ValueError("Sluice base URL and token are required (the connection's host and password)")
        self.base_url = base_url.rstrip("/")
        self._token = token
        self.policy = policy or RetryPolicy()
        self._http = httpx.AsyncClient(timeout=httpx.Timeout(timeout, connect=CONNECT_TIMEOUT_SECONDS))

    def __repr__(self) -> str:
        return f"AsyncSluiceClient({self.base_url!r})"

    async def aclose(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> "AsyncSluiceClient":
        return self

    async def __aexit__(self, *exc: Any) -> None:
        await self.aclose()

    async def get_job(self, job_id: str) -> dict[str, Any]:
        return (await self._request("GET", f"/v1/jobs/{job_id}")).json()

    async def cancel(self, job_id: str, reason: str = "cancelled from Airflow") -> dict[str, Any]:
        return (await self._request("POST", f"/v1/jobs/{job_id}/cancel", json_body={"reason": reason[:500]})).json()

    async def job_events(self, job_id: str, last_event_id: str | None = None) -> AsyncIterator[SseMessage]:
        """One connection of the job's events; a cut raises SluiceConnectionError (resume with the last id)."""
        headers = {"Accept": "text/event-stream", **self._auth()}
        if last_event_id:
            headers["Last-Event-ID"] = last_event_id
        path = f"/v1/jobs/{job_id}/events"
        timeout = httpx.Timeout(CONNECT_TIMEOUT_SECONDS, read=SSE_IDLE_SECONDS)
        started, attempt = time.monotonic(), 0
        while True:  # opening is retried like any read; what follows the open is the caller's to resume
            attempt += 1
            try:
                request = self._http.build_request("GET", self.base_url + path, headers=headers, timeout=timeout)
                res = await self._http.send(request, stream=True)
            except httpx.TransportError as err:
                wait = backoff_seconds(attempt)
                if not _may_retry_within(self.policy, attempt, started, wait):
                    raise SluiceConnectionError(f"no answer from Sluice at {self.base_url} to GET {path}: {type(err).__name__}") from err
                await asyncio.sleep(wait)
                continue
            if res.status_code >= 400:
                await res.aread()
                await res.aclose()
                error = _error(res, "GET", path)
                wait = error.retry_after if error.retry_after is not None else backoff_seconds(attempt)
                if error.action is Action.RETRY and wait <= MAX_RETRY_AFTER_SECONDS and _may_retry_within(self.policy, attempt, started, wait):
                    await asyncio.sleep(wait)
                    continue
                raise error
            break
        try:
            if res.status_code == 204:
                return
            parser = SseParser(last_event_id or "")
            async for chunk in res.aiter_text():
                for message in parser.feed(chunk):
                    yield message
        except httpx.TransportError as err:
            raise SluiceConnectionError(f"the event stream of {job_id} was cut: {type(err).__name__}") from err
        finally:
            await res.aclose()

    def _auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self._token}"}

    async def _request(self, method: str, path: str, *, json_body: Any = None) -> httpx.Response:
        headers = self._auth()
        content = None
        if json_body is not None:
            content = json.dumps(json_body)
            headers["Content-Type"] = "application/json"
        started, attempt = time.monotonic(), 0
        while True:
            attempt += 1
            try:
                res = await self._http.request(method, self.base_url + path, content=content, headers=headers)
            except httpx.TransportError as err:
                wait = backoff_seconds(attempt)
                if not _may_retry_within(self.policy, attempt, started, wait):
                    raise SluiceConnectionError(f"no answer from Sluice at {self.base_url} to {method} {path} after {attempt} attempt(s): {type(err).__name__}") from err
                log.warning("Sluice %s %s: %s; retrying in %.1f s", method, path, type(err).__name__, wait)
                await asyncio.sleep(wait)
                continue
            if res.status_code < 400:
                return res
            error = _error(res, method, path)
            wait = error.retry_after if error.retry_after is not None else backoff_seconds(attempt)
            if error.action is Action.RETRY and wait <= MAX_RETRY_AFTER_SECONDS and _may_retry_within(self.policy, attempt, started, wait):
                log.warning("Sluice %s %s answered %d %s; retrying in %.1f s", method, path, error.status, error.code, wait)
                await asyncio.sleep(wait)
                continue
            raise error


def _error(res: httpx.Response, method: str, path: str) -> SluiceApiError:
    try:
        body: Any = res.json()
    except ValueError:
        body = res.text
    return SluiceApiError.from_response(res.status_code, body, parse_retry_after(res.headers.get("Retry-After")), method, path)
