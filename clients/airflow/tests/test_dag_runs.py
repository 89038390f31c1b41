"""DAG runs through dag.test() (Airflow 3's in-process runner, which runs a deferred task's trigger
inline and then resumes the task) against the real Sluice; every outcome is checked on Sluice's side."""

from __future__ import annotations

import calendar
import os
import signal
import threading
import time

import pytest

from conftest import ti_states, xcom

CANARY_TEAM = os.environ.get("SLUICE_TEST_CANARY_TEAM", "canary-team")


def run(dags, dag_id: str):
    return dags[dag_id].test()


@pytest.mark.parametrize("mode", ["deferrable", "worker"])
def test_success_pushes_ids_and_writes_the_logs(dags, sluice, mode, capfd):
    dr = run(dags, f"sluice_ok_{mode}")
    assert ti_states(dr) == {"ok": "success"}
    [job] = sluice.jobs_of_run(dr.run_id)
    assert job["state"] == "SUCCEEDED"
    assert job["labels"] == {"dag": f"sluice_ok_{mode}", "task": "ok", "run_id": dr.run_id, "team": "data-eng"}
    app = job["application"]["id"]
    assert xcom(dr, "ok") == {"job_id": job["id"], "application_id": app, "child_applications": [], "state": "SUCCEEDED"}
    assert xcom(dr, "ok", "sluice_job_id") == job["id"] and xcom(dr, "ok", "application_id") == app
    waited = xcom(dr, "ok", "sluice_waited_by")
    if mode == "deferrable":
        # execute_complete pushes this only when resumed from the trigger's event; the trigger saw the
        # job's events over SSE (not only polls).
        assert waited["by"] == "trigger" and waited["events"] >= 2, waited
    else:
        assert waited["by"] == "worker", waited
    out = capfd.readouterr().out
    assert f"out:1:sluice_ok_{mode}:prod" in out and "to stderr" in out
    assert "test-admin-token" not in out  # the token never reaches a log


@pytest.mark.parametrize("mode", ["deferrable", "worker"])
def test_exit_3_fails_the_task_with_sluices_error(dags, sluice, mode, capfd):
    dr = run(dags, f"sluice_fail_{mode}")
    assert ti_states(dr) == {"exit3": "failed"}
    [job] = sluice.jobs_of_run(dr.run_id)
    assert job["state"] == "FAILED" and job["error"]["code"] == "APPLICATION_FAILED"
    out = capfd.readouterr().out
    assert f"Sluice job {job['id']} ended FAILED: APPLICATION_FAILED" in out
    assert "failing" in out  # the job's stderr, in the task log


@pytest.mark.parametrize("mode", ["deferrable", "worker"])
def test_sluice_timeout_kills_the_job_and_fails_the_task(dags, sluice, mode, capfd):
    dr = run(dags, f"sluice_timeout_{mode}")
    assert ti_states(dr) == {"slow": "failed"}
    [job] = sluice.jobs_of_run(dr.run_id)
    assert (job["state"], job["killReason"], job["error"]["code"]) == ("KILLED", "timeout", "TIMEOUT")
    assert f"Sluice job {job['id']} ended KILLED: TIMEOUT" in capfd.readouterr().out


def test_a_killed_worker_task_cancels_its_job(dags, sluice):
    """SIGTERM is what a worker's task process gets when the task is cleared or marked failed; the
    task runner's handler calls the operator's on_kill."""
    started = time.time()
    found: dict = {}

    def kill_when_running():
        def running():
            jobs = sluice.get("/v1/jobs", label="dag:sluice_kill_worker", state="RUNNING")["jobs"]
            return [j for j in jobs if calendar.timegm(time.strptime(j["createdAt"][:19], "%Y-%m-%dT%H:%M:%S")) >= started - 2]
        found["job"] = sluice.wait_for(running, "the kill DAG's job RUNNING")[0]
        handler = signal.getsignal(signal.SIGTERM)
        found["handler"] = handler
        if callable(handler):  # the task runner's; never the default, which would end pytest
            os.kill(os.getpid(), signal.SIGTERM)

    thread = threading.Thread(target=kill_when_running, daemon=True)
    thread.start()
    dr = run(dags, "sluice_kill_worker")
    thread.join(5)
    assert callable(found.get("handler")), f"no SIGTERM handler while the task ran: {found}"
    job = sluice.job(found["job"]["id"])
    assert job["labels"]["run_id"] == dr.run_id
    assert (job["state"], job["killReason"]) == ("KILLED", "cancelled")
    assert "on_kill" in job["cancel"]["reason"]
    assert ti_states(dr) == {"long": "failed"}


def test_a_new_try_submits_a_new_job(dags, sluice):
    dr = run(dags, "sluice_retry_worker")
    jobs = sluice.jobs_of_run(dr.run_id)
    assert len(jobs) == 2, [j["id"] for j in jobs]
    assert {j["state"] for j in jobs} == {"FAILED"}
    assert len({j["idempotencyKey"] for j in jobs}) == 2


def test_a_lost_answer_then_the_retry_makes_one_job(dags, sluice, monkeypatch):
    """The first submit reaches Sluice, its answer is dropped (a connection reset as the response
    comes back); the client retries with the same Idempotency-Key and gets the same job (200)."""
    import requests
    from requests.adapters import HTTPAdapter

    import sluice_airflow.hook as hook_module
    from sluice_airflow.client import SluiceClient

    posts: list[int] = []

    class LosingAdapter(HTTPAdapter):
        def send(self, request, *args, **kwargs):
            response = super().send(request, *args, **kwargs)
            if request.method == "POST" and request.path_url == "/v1/jobs":
                posts.append(response.status_code)
                if len(posts) == 1:
                    raise requests.ConnectionError("connection reset while reading the answer (simulated)")
            return response

    class LosingClient(SluiceClient):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.session.mount("http://", LosingAdapter())

    monkeypatch.setattr(hook_module, "SluiceClient", LosingClient)
    dr = run(dags, "sluice_lost_answer")
    assert posts == [202, 200], posts  # the retry was answered with the existing job
    [job] = sluice.jobs_of_run(dr.run_id)
    assert job["state"] == "SUCCEEDED"
    assert ti_states(dr) == {"ok": "success"}


def test_the_rollout_fallback_runs_the_legacy_path(dags, sluice, capfd):
    dr = run(dags, "sluice_fallback")
    assert ti_states(dr) == {"off": "success", "canary": "success", "shadow": "success", "off_no_legacy": "failed"}
    for task, code in (("off", "REGION_DISABLED"), ("canary", "NOT_IN_ROLLOUT")):
        assert xcom(dr, task) == {"ran": "legacy", "task": task}
        assert code in xcom(dr, task, "sluice_route")["reason"]
        assert sluice.jobs_of_run(dr.run_id, task) == []  # refused: nothing recorded
    [shadowed] = sluice.jobs_of_run(dr.run_id, "shadow")
    assert shadowed["state"] == "SHADOWED" and xcom(dr, "shadow") == {"ran": "legacy", "task": "shadow"}
    out = capfd.readouterr().out
    assert f"Sluice shadowed job {shadowed['id']} in region" in out and "findings:" in out
    assert "REGION_DISABLED" in out and "has no legacy= fallback" in out
    # The canary lets its own team in: the refusal above was the rollout's, not a broken region.
    decision = sluice.get(f"/v1/regions/{dags['sluice_fallback'].get_task('canary').region}/rollout/decision", team=CANARY_TEAM)
    assert decision["route"] == "sluice"


def test_a_spark_job_through_a_real_yarn(dags, sluice, capfd):
    dr = run(dags, "sluice_spark")
    assert ti_states(dr) == {"count": "success"}
    job, = sluice.jobs_of_run(dr.run_id, "count")
    [child] = job["childApplications"]
    assert job["state"] == "SUCCEEDED" and child["type"] == "SPARK" and child["finalStatus"] == "SUCCEEDED"
    assert xcom(dr, "count")["child_applications"] == [{"id": child["id"], "type": "SPARK", "tracking_url": child["trackingUrl"]}]
    out = capfd.readouterr().out
    assert f"stdout of child application {child['id']}" in out and "counted a=1 b=2" in out


def test_through_a_real_yarn(dags, sluice, capfd):
    dr = run(dags, "sluice_yarn")
    assert ti_states(dr) == {"ok": "success", "exit3": "failed"}
    ok, = sluice.jobs_of_run(dr.run_id, "ok")
    failed, = sluice.jobs_of_run(dr.run_id, "exit3")
    assert ok["state"] == "SUCCEEDED" and ok["application"]["finalStatus"] == "SUCCEEDED"
    assert xcom(dr, "ok")["application_id"] == ok["application"]["id"]
    assert xcom(dr, "ok", "sluice_waited_by")["by"] == "trigger"
    assert failed["state"] == "FAILED" and "Exit code: 3" in failed["error"]["message"]
    out = capfd.readouterr().out
    assert "out:1:yarn:real" in out and "failing" in out
