"""The clock the console waits on: Retry-After waits between attempts (`console.wire.transport`)
and the countdowns that show them (`screens.inspector.error_panel`), from when the answer came
(`Outcome.at`). Looked up at call time, so a
test can put a fake clock here and check the waits without sitting through them."""

from __future__ import annotations

import asyncio
import time

monotonic = time.monotonic
wall = time.time  # when an answer came (Outcome.at), and how long ago that was


async def sleep(seconds: float) -> None:
    await asyncio.sleep(seconds)
