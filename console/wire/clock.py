"""The clock the console waits on: Retry-After waits between attempts (`console.wire.transport`)
and the countdowns that show them (`screens.inspector.error_panel`), from when the answer came
(`Outcome.at`). Looked up at call time, so a
test can put a fake clock here and check the waits without sitting through them."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime

monotonic = time.monotonic
wall = time.time  # when an answer came (Outcome.at), and how long ago that was


async def sleep(seconds: float) -> None:
    await asyncio.sleep(seconds)


def utc_text(ts: float | None, *, seconds: bool = False) -> str:
    """A Unix time as every face prints it, in UTC (the same text on every machine)."""
    if ts is None:
        return "-"
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%d %H:%M:%S UTC" if seconds else "%Y-%m-%d %H:%M UTC")
