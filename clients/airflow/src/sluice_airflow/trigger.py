"""SluiceJobTrigger: waits in the triggerer (no worker slot held) until a Sluice job ends, then fires
one TriggerEvent: ``{"status": "done", "job_id", "state", "stats"}`` or ``{"status": "error", "job_id",
"message"}``. The operator's execute_complete reads the job again and decides."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from airflow.triggers.base import BaseTrigger, TriggerEvent

from .hook import SluiceHook
from .waiting import WaitStats, await_job


class SluiceJobTrigger(BaseTrigger):
    def __init__(self, job_id: str, sluice_conn_id: str = SluiceHook.default_conn_name, poll_interval: float = 5.0):
        super().__init__()
        self.job_id = job_id
        self.sluice_conn_id = sluice_conn_id
        self.poll_interval = poll_interval

    def serialize(self) -> tuple[str, dict[str, Any]]:
        return (f"{type(self).__module__}.{type(self).__qualname__}",
                {"job_id": self.job_id, "sluice_conn_id": self.sluice_conn_id, "poll_interval": self.poll_interval})

    async def run(self) -> AsyncIterator[TriggerEvent]:
        stats = WaitStats()
        try:
            client = await SluiceHook(self.sluice_conn_id).aget_async_client()
            async with client:
                self.log.info("Waiting for Sluice job %s in the triggerer", self.job_id)
                job = await await_job(client, self.job_id, poll_interval=self.poll_interval, logger=self.log, stats=stats)
        except Exception as err:  # one event either way: the task resumes and raises with the message
            yield TriggerEvent({"status": "error", "job_id": self.job_id, "message": f"{type(err).__name__}: {err}",
                                "stats": vars(stats)})
            return
        yield TriggerEvent({"status": "done", "job_id": self.job_id, "state": job["state"], "stats": vars(stats)})

    async def on_kill(self) -> None:
        """Airflow >= 3.3 calls this when a user marks the deferred task failed/success or clears it (not
        on triggerer restarts or redistribution, which is why the cancel is here and not in cleanup())."""
        client = await SluiceHook(self.sluice_conn_id).aget_async_client()
        async with client:
            job = await client.cancel(self.job_id, "the deferred Airflow task was killed (trigger on_kill)")
            self.log.info("Cancelled Sluice job %s: now %s", self.job_id, job.get("state"))
