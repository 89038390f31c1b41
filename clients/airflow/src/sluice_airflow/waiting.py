"""Waiting for a job to end: follow its events (SSE), resuming after the last event seen; when the
stream fails, read the job (GET /v1/jobs/{id}) — the answer the wait trusts — and try the stream
again after ``poll_interval``. Sync for the worker, async for the trigger: the same steps."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from dataclasses import dataclass
from typing import Any

from .async_client import AsyncSluiceClient
from .client import SluiceClient
from .errors import Action, SluiceApiError, SluiceConnectionError
from .jobs import is_terminal, terminal_state_of_event

log = logging.getLogger(__name__)


@dataclass
class WaitStats:
    """What the wait went through (the trigger reports it in its event: proof it ran)."""
    events: int = 0
    streams: int = 0
    polls: int = 0


def _stream_failure(err: Exception) -> bool:
    """Errors of the stream the wait gets past by polling; anything else (404, 401) is raised."""
    if isinstance(err, SluiceConnectionError):
        return True
    return isinstance(err, SluiceApiError) and (err.action is Action.RETRY or err.code == "INVALID_LAST_EVENT_ID")


def _seen(message: Any, stats: WaitStats, logger: Any) -> bool:
    """One event of the stream: counted and logged; whether it ends the job."""
    event = json.loads(message.data)
    stats.events += 1
    if event.get("type") == "job.state_changed":
        app = (event.get("application") or {}).get("id")
        logger.info("Sluice job %s: %s -> %s%s", event.get("jobId"), event.get("from"), event.get("to"), f" ({app})" if app else "")
    return bool(terminal_state_of_event(event))


def _resume_after(err: Exception, last_id: str | None, job_id: str, logger: Any) -> str | None:
    """A failed stream: raises what polling can't get past, else the event id to resume after."""
    if not _stream_failure(err):
        raise err
    logger.warning("Sluice job %s: event stream failed (%s); reading the job instead", job_id, err)
    # The stream expired under us: start over (its terminal events are replayed).
    return None if isinstance(err, SluiceApiError) and err.code == "INVALID_LAST_EVENT_ID" else last_id


def wait_for_job(client: SluiceClient, job_id: str, *, poll_interval: float = 5.0, logger: Any = log,
                 stats: WaitStats | None = None) -> dict[str, Any]:
    stats = stats or WaitStats()
    last_id: str | None = None
    while True:
        try:
            stats.streams += 1
            for message in client.job_events(job_id, last_id):
                last_id = message.id or last_id
                if _seen(message, stats, logger):
                    return client.get_job(job_id)
        except Exception as err:
            last_id = _resume_after(err, last_id, job_id, logger)
        stats.polls += 1
        job = client.get_job(job_id)
        if is_terminal(job["state"]):
            return job
        time.sleep(poll_interval)


async def await_job(client: AsyncSluiceClient, job_id: str, *, poll_interval: float = 5.0, logger: Any = log,
                    stats: WaitStats | None = None) -> dict[str, Any]:
    stats = stats or WaitStats()
    last_id: str | None = None
    while True:
        try:
            stats.streams += 1
            async for message in client.job_events(job_id, last_id):
                last_id = message.id or last_id
                if _seen(message, stats, logger):
                    return await client.get_job(job_id)
        except Exception as err:
            last_id = _resume_after(err, last_id, job_id, logger)
        stats.polls += 1
        job = await client.get_job(job_id)
        if is_terminal(job["state"]):
            return job
        await asyncio.sleep(poll_interval)
