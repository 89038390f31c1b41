"""Labels and the Idempotency-Key the operator derives from the task (pure helpers).

Sluice's rules (src/jobs/job-spec.ts): a label key is 1-63 of ``a-z 0-9 _ . -`` starting with a
letter or digit; a value at most 63 printable ASCII characters without spaces (the rollout's
allow-lists match values exactly, so the same task must always produce the same value). At most 16
labels. Idempotency-Key (src/api/idempotency.ts): 1-255 printable ASCII without spaces.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

MAX_LABEL_VALUE = 63
_NOT_ALLOWED = re.compile(r"[^\x21-\x7e]")
JOB_NAME_MAX = 200


def label_value(value: Any) -> str:
    """A value Sluice accepts, stable for the same input: other characters become ``_``; one too long
    keeps its start and ends in a hash of the whole, so two long ids that share a start stay apart."""
    text = _NOT_ALLOWED.sub("_", str(value)) or "_"
    if len(text) <= MAX_LABEL_VALUE:
        return text
    digest = hashlib.sha256(str(value).encode()).hexdigest()[:10]
    return f"{text[:MAX_LABEL_VALUE - 11]}~{digest}"


def task_labels(*, dag_id: str, task_id: str, run_id: str, team: str | None) -> dict[str, str]:
    labels = {"dag": label_value(dag_id), "task": label_value(task_id), "run_id": label_value(run_id)}
    if team:
        labels["team"] = label_value(team)
    return labels


def idempotency_key(*, dag_id: str, task_id: str, run_id: str, map_index: int, try_number: int) -> str:
    """The same task try always sends the same key (a retried submit, or a worker restarted after the
    answer was lost, gets the first job back); a new try sends a new one (a new job). Hashed: ids may
    hold any character and be long, and the key must be short printable ASCII."""
    identity = json.dumps([dag_id, task_id, run_id, map_index, try_number], separators=(",", ":"))
    return "airflow-" + hashlib.sha256(identity.encode()).hexdigest()


def job_name(dag_id: str, task_id: str) -> str:
    """Sluice's ``name``: 1-200 printable ASCII characters."""
    name = re.sub(r"[^\x20-\x7e]", "_", f"{dag_id}.{task_id}")
    return name[:JOB_NAME_MAX] or "airflow-task"
