"""Example: a nightly index build moved from SSH to Sluice, with the old path as the fallback.

Needs the `sluice_default` connection (host = Sluice's URL, password = a token), e.g.
AIRFLOW_CONN_SLUICE_DEFAULT='{"conn_type": "sluice", "host": "http://sluice:8080", "password": "..."}'.
"""

from __future__ import annotations

import subprocess
from datetime import datetime, timedelta

from airflow.sdk import DAG

from sluice_airflow.operator import SluiceJobOperator


def build_over_ssh(context):
    """The path being replaced, kept as the fallback while the region's rollout is off, in canary
    without this DAG, or in shadow. Arguments go as a list: nothing is pasted into a shell string."""
    subprocess.run(["ssh", "edge-node", "/opt/search/build-index.sh", "--date", context["ds"]], check=True)
    return {"route": "ssh"}


with DAG(
    dag_id="sluice_example",
    schedule="@daily",
    start_date=datetime(2026, 1, 1),
    catchup=False,
    default_args={"owner": "search", "retries": 2, "retry_delay": timedelta(minutes=5)},  # owner -> labels.team
    tags=["sluice"],
):
    build = SluiceJobOperator(
        task_id="build_index",
        region="us-east-1",
        kind="shell",
        # The script is fixed text; what varies comes in as args and env (templated).
        script='#!/usr/bin/env bash\nset -euo pipefail\necho "building for $1 into $TARGET"\n',
        args=["{{ ds }}"],
        env={"TARGET": "prod"},
        resources={"memoryMb": 1024, "vcores": 1},
        queue="default",
        timeout=timedelta(hours=1),
        labels={"pipeline": "search"},
        legacy=build_over_ssh,
        # deferrable=True (the default): the worker slot is freed while YARN runs the job.
    )

    pi = SluiceJobOperator(
        task_id="pi",
        region="us-east-1",
        kind="hadoop-jar",
        jar="/opt/hadoop/share/hadoop/mapreduce/hadoop-mapreduce-examples.jar",
        args=["pi", "2", "10"],
        deferrable=False,  # wait in the worker instead
    )

    build >> pi
