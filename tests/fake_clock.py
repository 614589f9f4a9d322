"""A clock for tests that check waits without sitting through them.

`console.wire.clock` is what the transport's Retry-After waits sleep on and what the error
panel's countdowns read; the `fake_clock` fixture (tests/conftest.py) puts one of these
there. Each wait is recorded in `slept`, so a test still checks what was waited.

By default a sleep moves the clock on at once (the wait takes no real time). With
`hold=True` a sleep lasts until the test moves the clock past its end with `advance()`,
so a test can look at the screen while the console waits, then let it go on.
"""

from __future__ import annotations

import asyncio
import time


class FakeClock:
    def __init__(self, *, hold: bool = False, start: float = 10_000.0) -> None:
        self.now = self._start = start
        self._wall_start = time.time()
        self.hold = hold
        self.slept: list[float] = []  # every sleep asked for, in order
        self.sleeping = 0  # sleeps under way (held ones wait for advance())

    def monotonic(self) -> float:
        return self.now

    def wall(self) -> float:
        """Wall-clock time (an answer's `at`), moving with `now` only."""
        return self._wall_start + (self.now - self._start)

    def advance(self, seconds: float) -> None:
        self.now += seconds

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        end = self.now + max(0.0, seconds)
        self.sleeping += 1
        try:
            if not self.hold:
                self.now = max(self.now, end)
            # Always give the loop a turn, as a real sleep would; a held sleep polls the
            # fake time (any event loop, no cross-loop primitives).
            await asyncio.sleep(0)
            while self.now < end:
                await asyncio.sleep(0.005)
        finally:
            self.sleeping -= 1
