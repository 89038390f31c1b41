"""Facts about Sluice jobs the provider acts on (src/jobs/job-state.ts, src/jobs/job-spec.ts)."""

from __future__ import annotations

from typing import Any

TERMINAL_STATES = frozenset({"SUCCEEDED", "FAILED", "KILLED", "SHADOWED"})


def is_terminal(state: str | None) -> bool:
    return state in TERMINAL_STATES


def terminal_state_of_event(event: dict[str, Any]) -> str | None:
    """The terminal state an event announces, or None: a state change into one, or a snapshot."""
    if event.get("type") == "job.state_changed" and is_terminal(event.get("to")):
        return event["to"]
    if event.get("type") == "job.snapshot" and is_terminal(event.get("state")):
        return event["state"]
    return None
