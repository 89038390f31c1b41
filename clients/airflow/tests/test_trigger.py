"""SluiceJobTrigger on its own, as the triggerer runs it (an asyncio task), against the real Sluice:
the deferred task's on_kill path, and the wait's fallback to polling when the event stream fails."""

from __future__ import annotations

import asyncio
import os

from sluice_airflow.async_client import AsyncSluiceClient
from sluice_airflow.errors import SluiceConnectionError
from sluice_airflow.trigger import SluiceJobTrigger
from sluice_airflow.waiting import WaitStats, await_job

from conftest import SLUICE_TOKEN, SLUICE_URL

REGION = os.environ.get("SLUICE_TEST_REGION_EMULATOR", "ra")


def submit(sluice, script: str, key: str) -> dict:
    res = sluice.session.post(f"{SLUICE_URL}/v1/jobs", json={"region": REGION, "name": "trigger-test", "kind": "shell", "script": script,
                                                               "labels": {"dag": "trigger_tests"}}, headers={"Idempotency-Key": key}, timeout=30)
    assert res.status_code == 202, res.text
    return res.json()


def test_a_killed_deferred_task_cancels_its_job_from_the_trigger(sluice, airflow_db):
    """Airflow 3.3's triggerer calls BaseTrigger.on_kill when a user marks a deferred task failed or
    clears it; this one cancels the job, and the running trigger then fires with KILLED."""
    job = submit(sluice, "sleep 300", f"trigger-kill-{os.getpid()}-{id(sluice)}")
    trigger = SluiceJobTrigger(job["id"], poll_interval=1)

    async def scenario():
        running = asyncio.create_task(anext(trigger.run()))
        await asyncio.to_thread(sluice.wait_for, lambda: sluice.job(job["id"])["state"] == "RUNNING", "the job RUNNING")
        await trigger.on_kill()
        return await asyncio.wait_for(running, 30)

    event = asyncio.run(scenario())
    assert event.payload["status"] == "done" and event.payload["state"] == "KILLED", event.payload
    after = sluice.job(job["id"])
    assert (after["state"], after["killReason"]) == ("KILLED", "cancelled")
    assert "trigger on_kill" in after["cancel"]["reason"]


def test_the_wait_polls_when_the_event_stream_fails(sluice):
    job = submit(sluice, "sleep 2; echo done", f"trigger-poll-{os.getpid()}-{id(sluice)}")

    class NoStream(AsyncSluiceClient):
        async def job_events(self, job_id, last_event_id=None):
            raise SluiceConnectionError("stream refused (simulated)")
            yield  # an async generator

    async def scenario():
        async with NoStream(SLUICE_URL, SLUICE_TOKEN) as client:
            stats = WaitStats()
            return await await_job(client, job["id"], poll_interval=0.5, stats=stats), stats

    ended, stats = asyncio.run(scenario())
    assert ended["state"] == "SUCCEEDED" == sluice.job(job["id"])["state"]
    assert stats.polls >= 2 and stats.events == 0
