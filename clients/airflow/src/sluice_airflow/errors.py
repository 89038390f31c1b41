"""Sluice's API errors as Python exceptions.

Sluice answers every error as ``{"error": {"code", "message", "issues"?}}`` with a stable code
(src/api/api-error.ts). What this provider does about each code is in ONE table, ``ERROR_ACTIONS``:
retry it, fall back to the legacy path, or give up.
"""

from __future__ import annotations

from enum import Enum
from typing import Any


class Action(str, Enum):
    RETRY = "retry"  # try again after Retry-After (or a backoff): nothing was recorded
    FALLBACK = "fallback"  # the rollout sends this job the old way (operator's legacy=)
    FAIL = "fail"  # a caller's mistake or a state retrying will not change


# Codes not listed here FAIL. Statuses retried whatever the code: see RETRY_STATUSES.
ERROR_ACTIONS: dict[str, Action] = {
    "STORE_UNAVAILABLE": Action.RETRY,  # 503, Redis down; nothing recorded
    "NOT_READY": Action.RETRY,  # 503
    "WORKER_UNAVAILABLE": Action.RETRY,  # 503, the region's worker did not answer (logs)
    "TOO_MANY_STREAMS": Action.RETRY,  # 429 with Retry-After
    "REGION_DISABLED": Action.FALLBACK,  # 409, rollout mode "off"
    "NOT_IN_ROLLOUT": Action.FALLBACK,  # 409, canary that does not include this job
}

# Statuses worth another try of a repeatable call (the TypeScript client's RETRY_STATUSES).
RETRY_STATUSES = frozenset({429, 502, 503, 504})


class SluiceError(Exception):
    """Anything that went wrong talking to Sluice."""


class SluiceApiError(SluiceError):
    """Sluice answered with an error: ``status``, ``code``, ``message`` and, for a bad spec, ``issues``."""

    def __init__(self, status: int, code: str, message: str, issues: list[dict[str, Any]] | None = None,
                 retry_after: float | None = None, method: str = "", path: str = ""):
        self.status = status
        self.code = code
        self.message = message
        self.issues = issues or []
        self.retry_after = retry_after
        self.method = method
        self.path = path
        detail = "; ".join(f"{'.'.join(str(p) for p in i.get('path', [])) or '(body)'}: {i.get('message')}" for i in self.issues)
        super().__init__(f"Sluice {method} {path} answered {status} {code}: {message}" + (f" [{detail}]" if detail and detail not in message else ""))

    @property
    def action(self) -> Action:
        if self.code in ERROR_ACTIONS:
            return ERROR_ACTIONS[self.code]
        return Action.RETRY if self.status in RETRY_STATUSES else Action.FAIL

    @classmethod
    def from_response(cls, status: int, body: Any, retry_after: float | None, method: str, path: str) -> "SluiceApiError":
        err = body.get("error") if isinstance(body, dict) else None
        if isinstance(err, dict) and isinstance(err.get("code"), str):
            return cls(status, err["code"], str(err.get("message", "")), err.get("issues") or None, retry_after, method, path)
        # Not Sluice's error shape (a proxy's page, an empty body): say what came back.
        text = body if isinstance(body, str) else repr(body)
        return cls(status, f"HTTP_{status}", text[:300], None, retry_after, method, path)


class SluiceConnectionError(SluiceError):
    """No answer from Sluice (refused, reset, timed out) after the retries."""


class SluiceJobFailed(SluiceError):
    """The job ended FAILED or KILLED (raised as AirflowException by the operator)."""
