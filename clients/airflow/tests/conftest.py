"""The suite runs against a real Sluice (started by test/integration/airflow-provider-real-yarn.test.ts,
which passes its URL, token and region names) and a real Airflow 3 (its metadata DB made here)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import requests

SLUICE_URL = os.environ.get("SLUICE_TEST_URL")
SLUICE_TOKEN = os.environ.get("SLUICE_TEST_TOKEN")
if not SLUICE_URL or not SLUICE_TOKEN:
    raise pytest.UsageError("SLUICE_TEST_URL and SLUICE_TEST_TOKEN are not set: run this suite through "
                            "node --import tsx test/run-tests.ts test/integration/airflow-provider-real-yarn.test.ts")
os.environ["AIRFLOW_CONN_SLUICE_DEFAULT"] = json.dumps({"conn_type": "sluice", "host": SLUICE_URL, "password": SLUICE_TOKEN})
DAGS = Path(__file__).parent / "dags"
os.environ.setdefault("AIRFLOW__CORE__DAGS_FOLDER", str(DAGS))


@pytest.fixture(scope="session", autouse=True)
def airflow_db() -> None:
    subprocess.run([sys.executable, "-m", "airflow", "db", "migrate"], check=True, capture_output=True)


class Sluice:
    """Sluice's API as the tests read it: the jobs' real states, not Airflow's view of them."""

    def __init__(self) -> None:
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {SLUICE_TOKEN}"

    def get(self, path: str, **params: Any) -> Any:
        res = self.session.get(SLUICE_URL + path, params=params, timeout=30)
        res.raise_for_status()
        return res.json()

    def job(self, job_id: str) -> dict[str, Any]:
        return self.get(f"/v1/jobs/{job_id}")

    def jobs_of_run(self, run_id: str, task_id: str | None = None) -> list[dict[str, Any]]:
        jobs = self.get("/v1/jobs", label=f"run_id:{run_id}", limit=500)["jobs"]
        return [j for j in jobs if task_id is None or j["labels"].get("task") == task_id]

    def wait_for(self, find, what: str, timeout: float = 60.0) -> Any:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = find()
            if found:
                return found
            time.sleep(0.3)
        raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture(scope="session")
def sluice() -> Sluice:
    return Sluice()


@pytest.fixture(scope="session")
def dags(airflow_db) -> dict[str, Any]:
    from airflow.dag_processing.dagbag import DagBag

    bag = DagBag(dag_folder=str(DAGS))
    assert not bag.import_errors, bag.import_errors
    return bag.dags


def xcom(run, task_id: str, key: str = "return_value") -> Any:
    from airflow.models.xcom import XComModel
    from airflow.utils.session import create_session
    from sqlalchemy import select

    with create_session() as session:
        row = session.scalars(select(XComModel).where(XComModel.dag_id == run.dag_id, XComModel.run_id == run.run_id,
                                                      XComModel.task_id == task_id, XComModel.key == key)).first()
        return None if row is None else XComModel.deserialize_value(row)


def ti_states(run) -> dict[str, str]:
    return {ti.task_id: str(ti.state) for ti in run.get_task_instances()}
