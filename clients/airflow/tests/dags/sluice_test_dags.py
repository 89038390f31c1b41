"""The DAGs the pytest suite runs with dag.test() (Airflow runs only DAGs it parsed from its DAG
folder). Regions come from the environment the node harness sets (SLUICE_TEST_REGION_*)."""

from __future__ import annotations

import os
from datetime import timedelta

from airflow.sdk import DAG

from sluice_airflow.operator import SluiceJobOperator

EMU = os.environ.get("SLUICE_TEST_REGION_EMULATOR", "ra")
YARN = os.environ.get("SLUICE_TEST_REGION_YARN", "ry")
OFF = os.environ.get("SLUICE_TEST_REGION_OFF", "roff")
CANARY = os.environ.get("SLUICE_TEST_REGION_CANARY", "rcanary")
SHADOW = os.environ.get("SLUICE_TEST_REGION_SHADOW", "rshadow")

OK_SCRIPT = 'echo "out:$#:$1:$TARGET"; echo "to stderr" >&2'
DEFAULTS = {"owner": "data-eng", "retries": 0}


def legacy_callable(context):
    """The old path (e.g. the SSH command being replaced): what it returns is the task's result."""
    return {"ran": "legacy", "task": context["ti"].task_id}


def _dag(dag_id: str, default_args: dict | None = None) -> DAG:
    return DAG(dag_id=dag_id, schedule=None, default_args=default_args or DEFAULTS, catchup=False)


for mode, deferrable in (("deferrable", True), ("worker", False)):
    with _dag(f"sluice_ok_{mode}"):
        SluiceJobOperator(task_id="ok", region=EMU, script=OK_SCRIPT, args=["{{ dag.dag_id }}"], env={"TARGET": "prod"},
                          deferrable=deferrable, poll_interval=1)
    with _dag(f"sluice_fail_{mode}"):
        SluiceJobOperator(task_id="exit3", region=EMU, script="echo failing >&2; exit 3", deferrable=deferrable, poll_interval=1)
    with _dag(f"sluice_timeout_{mode}"):
        SluiceJobOperator(task_id="slow", region=EMU, script="sleep 300", timeout=timedelta(seconds=3),
                          deferrable=deferrable, poll_interval=1)

# Killed while waiting in the worker: the test sends the SIGTERM a worker gets, the task runner calls on_kill.
with _dag("sluice_kill_worker"):
    SluiceJobOperator(task_id="long", region=EMU, script="sleep 300", deferrable=False, poll_interval=1)

# A new try is a new job: the first try fails, Airflow retries at once, the retry fails too.
with _dag("sluice_retry_worker", default_args={**DEFAULTS, "retries": 1, "retry_delay": timedelta(0)}):
    SluiceJobOperator(task_id="exit3", region=EMU, script="exit 3", deferrable=False, poll_interval=1)

# Through a real YARN: one success deferred, one failure waited on in the worker.
with _dag("sluice_yarn"):
    SluiceJobOperator(task_id="ok", region=YARN, script=OK_SCRIPT, args=["yarn"], env={"TARGET": "real"},
                      deferrable=True, poll_interval=2)
    SluiceJobOperator(task_id="exit3", region=YARN, script="echo failing >&2; exit 3", deferrable=False, poll_interval=2)

# A PySpark job on the real YARN: its driver's output reaches the task log, its Spark UI the XCom.
with _dag("sluice_spark"):
    SluiceJobOperator(task_id="count", region=YARN, kind="spark", application=os.environ.get("SLUICE_TEST_SPARK_APP", "/tmp/word_count.py"),
                      args=["b", "a", "b"], conf={"spark.sql.shuffle.partitions": "2"}, resources={"memoryMb": 1024},
                      deferrable=True, poll_interval=2)

# The rollout fallback: off and canary misses refuse the job, shadow records it without running it.
with _dag("sluice_fallback"):
    for region, task in ((OFF, "off"), (CANARY, "canary"), (SHADOW, "shadow")):
        SluiceJobOperator(task_id=task, region=region, script="echo on sluice", legacy=legacy_callable, poll_interval=1)
    SluiceJobOperator(task_id="off_no_legacy", region=OFF, script="echo on sluice", poll_interval=1)

# A submit whose first answer is lost: the test drops it, the hook's retry gets the same job back.
with _dag("sluice_lost_answer"):
    SluiceJobOperator(task_id="ok", region=EMU, script="echo once", deferrable=False, poll_interval=1)
