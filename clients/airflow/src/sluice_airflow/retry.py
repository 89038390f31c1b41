"""When a call is tried again and how long it waits first: one place for the numbers.

Mirrors the TypeScript client (src/client/retry-policy.ts): exponential backoff with equal jitter,
a 429/503 waits its Retry-After (up to MAX_RETRY_AFTER_SECONDS; more than that ends the retries, the
error carries the seconds), and every call's retries are bounded by attempts and by total time.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from email.utils import parsedate_to_datetime

BACKOFF_BASE_S = 0.1
BACKOFF_MAX_S = 2.0
MAX_RETRY_AFTER_SECONDS = 30.0


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 6  # the first try and 5 retries
    total_seconds: float = 120.0  # no call spends longer than this retrying


def backoff_seconds(attempt: int, rnd: float | None = None) -> float:
    """The wait before retry number ``attempt`` (1, 2, …)."""
    ceiling = min(BACKOFF_MAX_S, BACKOFF_BASE_S * 2 ** max(0, attempt - 1))
    r = random.random() if rnd is None else rnd
    return ceiling / 2 + r * ceiling / 2


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Retry-After as seconds: delta-seconds or an HTTP date; None when absent or unreadable."""
    if not value:
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when is None:
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))
