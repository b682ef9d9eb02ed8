"""When to retry a failed HTTP attempt and how long to wait first.

kgsynth has ONE retry layer (the openai package's own retries are switched off): statuses
408/409/429/5xx, timeouts and connection errors are retried with jittered exponential backoff,
a ``Retry-After`` header is honoured, and the number of attempts is capped by the endpoint.
The jitter comes from a seeded ``random.Random`` so a test run waits the same each time.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from email.utils import parsedate_to_datetime
from time import time

#: Statuses worth another attempt: timeout, conflict, rate limit, and any server error.
RETRYABLE_STATUSES = frozenset({408, 409, 429})
#: Statuses that mean "too busy": the concurrency limit is cut when one arrives.
OVERLOAD_STATUSES = frozenset({429, 503, 529})
#: Never sleep longer than this for one Retry-After, whatever the server asks.
MAX_RETRY_AFTER = 120.0


def is_retryable(status: int) -> bool:
    """True for 408, 409, 429 and every 5xx."""
    return status in RETRYABLE_STATUSES or status >= 500


def retry_after(headers: Mapping[str, str]) -> float | None:
    """Seconds the server asked us to wait (``retry-after-ms`` or ``Retry-After``), if any."""
    lowered = {key.lower(): value for key, value in headers.items()}
    if "retry-after-ms" in lowered:
        try:
            return min(max(float(lowered["retry-after-ms"]) / 1000, 0.0), MAX_RETRY_AFTER)
        except ValueError:
            pass
    value = lowered.get("retry-after")
    if value is None:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:  # an HTTP date
            seconds = parsedate_to_datetime(value).timestamp() - time()
        except (TypeError, ValueError):
            return None
    return min(max(seconds, 0.0), MAX_RETRY_AFTER)


class Backoff:
    """Full-jitter exponential backoff: attempt n waits ~ base * 2**(n-1), capped, times [0.5, 1)."""

    def __init__(self, base: float, cap: float, seed: int = 0) -> None:
        self.base = base
        self.cap = cap
        self._random = random.Random(seed)

    def delay(self, failed_attempts: int, asked: float | None = None) -> float:
        """Seconds to wait after ``failed_attempts`` failures; never less than the server asked."""
        exponential = min(self.cap, self.base * 2 ** (failed_attempts - 1))
        jittered = exponential * (0.5 + self._random.random() / 2)
        return max(jittered, asked or 0.0)
