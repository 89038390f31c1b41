"""The rollout fallback: run the task the old way (the operator's ``legacy=``) when Sluice's rollout
says this job is not for Sluice yet — REGION_DISABLED (mode off), NOT_IN_ROLLOUT (a canary that does
not include it) — or when the job was only shadowed (mode shadow: recorded, judged, never run)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from airflow.sdk import BaseOperator

Legacy = BaseOperator | Callable[[Any], Any]


def check_legacy(legacy: Any) -> None:
    if legacy is None:
        return
    if isinstance(legacy, BaseOperator):
        # A task of the DAG would also run on its own, as a task, every run.
        if legacy.has_dag():
            raise ValueError(f"legacy= operator {legacy.task_id!r} is a task of DAG {legacy.dag_id!r}: "
                             "create it outside the `with DAG(...)` block (it runs only as the fallback)")
        return
    if not callable(legacy):
        raise TypeError(f"legacy= must be an operator or a callable(context), not {type(legacy).__name__}")


def run_legacy(legacy: Legacy, context: Any) -> Any:
    if isinstance(legacy, BaseOperator):
        legacy.render_template_fields(context)
        return legacy.execute(context)
    return legacy(context)


def describe_shadow(job: dict[str, Any]) -> str:
    """What Sluice would have done with a SHADOWED job, as one log line."""
    report = job.get("shadow") or {}
    queue = report.get("queue") or {}
    findings = "; ".join(f"{f.get('code')}: {f.get('message')}" for f in report.get("findings") or []) or "none"
    known = {True: "known to the RM", False: "NOT known to the RM", None: "not yet checked"}.get(queue.get("known"))
    return (f"Sluice shadowed job {job.get('id')} in region {job.get('region')}: it would "
            f"{'have run' if report.get('wouldRun') else 'NOT have run'}; queue {queue.get('name')} ({known}); "
            f"findings: {findings}; checked at {report.get('checkedAt')}")
