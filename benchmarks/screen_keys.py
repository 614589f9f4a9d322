"""Keys of the screens beyond the workspace (F2, F3, F4, F6): each key's time until the
console has answered it and painted the result, at 120x40.

The console runs headless (Textual's Pilot) against the embedded sandbox over loopback.
Each key is sent as the terminal driver sends it; the time runs until the key has done
its work (the screen it opens is in front) and the next frame is painted, which is what a
person waits for.
Each screen is shown once first (the first showing builds it; it is kept afterwards), then
every key is measured RUNS times; the median and the slowest run are printed. The goal:
every key within 100 ms.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from common import machine, ratio_line

RUNS = 9
GOAL_MS = 100.0


class Frames:
    """Records when the App paints a frame (its `_display`, which the headless driver has too)."""

    def __init__(self, app) -> None:
        self.last = 0.0
        original = app._display

        def display(screen, renderable):
            original(screen, renderable)
            self.last = time.perf_counter()

        app._display = display


async def _key(pilot, frames: Frames, key: str, done) -> float:
    """From the key's arrival (sent as the terminal driver sends it) until `done()` holds and
    a frame has been painted after that."""
    from textual import events

    app = pilot.app
    event = events.Key(key, None)
    event.set_sender(app)
    start = time.perf_counter()
    app._driver.send_message(event)
    seen = None
    while time.perf_counter() - start < 5:
        await asyncio.sleep(0.0005)
        if seen is None and done():
            seen = time.perf_counter()
        if seen is not None and frames.last >= seen:
            return (frames.last - start) * 1000
    raise RuntimeError(f"{key}: no answer within 5 s")


async def measure() -> dict[str, list[float]]:
    from console.environments.resolve import sandbox_credentials
    from console.sandbox import SandboxConfig, serve_in_thread
    from console.session.session import Session
    from screens.app import CioConsoleApp

    times: dict[str, list[float]] = {}
    with serve_in_thread(SandboxConfig()) as sb:
        app = CioConsoleApp(session=Session(sandbox_credentials(sb.root_url)))
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause(0.5)
            for key in ("f2", "f3", "f4", "f6"):  # build each kept screen once
                await pilot.press(key)
                await pilot.pause(0.3)
                await pilot.press("escape")
                await pilot.pause(0.1)
            await app.workers.wait_for_complete()
            frames = Frames(app)
            workspace = app.screen_stack[0]
            for _ in range(RUNS):
                for key, screen_id in (
                    ("f2", "environments"),
                    ("f3", "history"),
                    ("f4", "profile"),
                    ("f6", "transactional"),
                ):
                    shown = app.get_screen(f"registry:{screen_id}")
                    times.setdefault(f"{key} (open)", []).append(
                        await _key(pilot, frames, key, lambda s=shown: app.screen is s)
                    )
                    await pilot.pause(0.1)
                    times.setdefault(f"escape from {key}", []).append(
                        await _key(pilot, frames, "escape", lambda: app.screen is workspace)
                    )
                    await pilot.pause(0.1)
    return times


def main() -> int:
    print(f"Screen keys (F2, F3, F4, F6) at 120x40 — {machine()}")
    times = asyncio.run(measure())
    worst_name, worst = "", 0.0
    for name, runs in times.items():
        median = statistics.median(runs)
        print(f"  {name:<16} median {median:6.1f} ms   slowest {max(runs):6.1f} ms   ({len(runs)} runs)")
        if median > worst:
            worst_name, worst = name, median
    print(
        ratio_line(
            "screen keys",
            worst / GOAL_MS,
            "<= 1.00x",
            f"slowest median {worst:.0f} ms ({worst_name}) against {GOAL_MS:.0f} ms",
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
