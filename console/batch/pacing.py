"""Holding a steady request rate, and slowing it when Customer.io answers 429.

`Pacer` is a GCRA scheduler: each request takes the next slot on a grid spaced
1/rate apart, measured from a monotonic clock, so waits never drift (a late wake-up
does not push every later slot back, as sleeping "1/rate after the last send" would).
A small tolerance lets a request that woke a few milliseconds late be caught up, but
the long-run rate can never exceed the target.

`AdaptiveRate` watches every answer (retries included). A scattering of 429s is noise
that each row's own retry (after its Retry-After) absorbs; a sustained share of 429s
means the run is above the server's limit, so the rate is cut to about the share that
got through, then recovered in small steps once 429s stop.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]


class Pacer:
    def __init__(
        self,
        rate: float | None,
        *,
        clock: Clock = time.monotonic,
        sleep: Sleep = asyncio.sleep,
        tolerance: float = 0.02,
    ) -> None:
        self._clock = clock
        self._sleep = sleep
        self._tolerance = tolerance  # seconds a late request may be caught up by
        self._tat = 0.0  # theoretical arrival time of the next request
        self._paused_until = 0.0
        self.rate: float | None = None
        self._interval = 0.0
        self.set_rate(rate)

    def set_rate(self, rate: float | None) -> None:
        if rate is not None and rate <= 0:
            raise ValueError("rate must be positive or None")
        self.rate = rate
        self._interval = 1.0 / rate if rate else 0.0

    def pause_until(self, when: float) -> None:
        """Send nothing before `when` (a monotonic time), e.g. for a long Retry-After."""
        self._paused_until = max(self._paused_until, when)
        self._tat = max(self._tat, when)

    @property
    def paused_for(self) -> float:
        return max(0.0, self._paused_until - self._clock())

    def reserve(self) -> float:
        """Take the next slot; return how long to wait for it (0 when it is now)."""
        now = self._clock()
        if self._interval == 0.0:
            return max(0.0, self._paused_until - now)
        slack = max(self._interval, self._tolerance)
        if self._tat < now - slack:
            # Idle, or far behind: start a new grid now rather than burst to catch up.
            slot = now
        else:
            # On schedule, or a little late (the slot may be just past): keep the grid.
            slot = self._tat
        slot = max(slot, self._paused_until)
        self._tat = slot + self._interval
        return max(0.0, slot - now)

    async def acquire(self) -> None:
        wait = self.reserve()
        if wait > 0:
            await self._sleep(wait)


@dataclass
class RateChange:
    rate: float | None
    reason: str


class AdaptiveRate:
    WINDOW = 0.5  # seconds of answers judged together
    MIN_SAMPLES = 10  # fewer answers than this in a window say too little
    THRESHOLD = 0.25  # share of 429s above which the run is taken to be over the limit
    COOLDOWN = 1.0  # seconds after a cut before recovering
    STEP = 0.05  # recovery per window, as a share of the target
    FLOOR = 0.5  # never slower than this many requests/s

    def __init__(
        self,
        pacer: Pacer,
        target: float | None,
        *,
        clock: Clock = time.monotonic,
        on_change: Callable[[RateChange], None] | None = None,
    ) -> None:
        self.pacer = pacer
        self.target = target
        self._clock = clock
        self._on_change = on_change
        self._window_start = clock()
        self._answers = 0
        self._limited = 0
        self._retry_after: float | None = None
        self._last_cut = float("-inf")
        self._ceiling: float | None = target  # where recovery stops (unlimited: the rate at the first cut)
        self.cuts = 0

    @property
    def current(self) -> float | None:
        return self.pacer.rate

    @property
    def slowed(self) -> bool:
        return self.current != self.target

    def observe(self, status: int, retry_after: float | None = None) -> None:
        """Called for every answer, including each retry's."""
        self._answers += 1
        if status == 429:
            self._limited += 1
            if retry_after is not None:
                self._retry_after = max(self._retry_after or 0.0, retry_after)
        now = self._clock()
        elapsed = now - self._window_start
        if elapsed >= self.WINDOW and self._answers >= self.MIN_SAMPLES:
            self._judge(now, elapsed)

    def _judge(self, now: float, elapsed: float) -> None:
        share = self._limited / self._answers
        observed = self._answers / elapsed
        retry_after = self._retry_after
        self._window_start, self._answers, self._limited, self._retry_after = now, 0, 0, None
        current = self.current
        if share > self.THRESHOLD:
            base = current if current is not None else observed
            if self._ceiling is None:
                self._ceiling = base
            # About the share that got through: the server's limit, if it is one.
            new = max(self.FLOOR, base * max(0.5, 1.0 - share))
            self.pacer.set_rate(new)
            self._last_cut = now
            self.cuts += 1
            if share >= 0.9 and retry_after:
                # Nearly everything refused: stop for as long as the server asked.
                self.pacer.pause_until(now + retry_after)
            self._changed(f"{share:.0%} of answers were 429: slowed to {new:.0f}/s")
            return
        if current is None or now - self._last_cut < self.COOLDOWN:
            return
        ceiling = self._ceiling if self._ceiling is not None else current
        if current >= ceiling:
            return
        new = current + max(ceiling * self.STEP, self.FLOOR)
        if new >= ceiling:
            self.pacer.set_rate(self.target)
            self._ceiling = self.target
            self._changed("no more 429s: back to the full rate")
        else:
            self.pacer.set_rate(new)
            self._changed(f"recovering: {new:.0f}/s")

    def _changed(self, reason: str) -> None:
        if self._on_change:
            self._on_change(RateChange(self.current, reason))
