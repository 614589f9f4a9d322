"""A sliding one-second window over authenticated requests (all APIs share it).

Whether the real servers send Retry-After on 429 is UNCONFIRMED; the sandbox always
does, in integer seconds, since the console's retry logic is built to honour it.
"""

from __future__ import annotations

import math
from collections import deque


class RateLimiter:
    def __init__(self) -> None:
        self._hits: deque[float] = deque()

    def reset(self) -> None:
        self._hits.clear()

    def check(self, now: float, limit: float | None) -> int | None:
        """Record a request at ``now``; return Retry-After seconds if it is over the limit."""
        if limit is None:
            return None
        while self._hits and self._hits[0] <= now - 1.0:
            self._hits.popleft()
        if len(self._hits) + 1 > limit:
            # Rejected requests are not counted, so a polite client gets through after the wait.
            wait = self._hits[0] + 1.0 - now if self._hits else 1.0
            return max(1, math.ceil(wait))
        self._hits.append(now)
        return None
