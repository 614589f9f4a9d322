"""F4's view keys: `]` (and `[`) switching the person's story views, each key's time until
the view is in front with the focus in it and the next frame is painted, at 120x40 and 80x24.

Headless (Pilot) against the embedded sandbox over loopback, Hedy (user_1008) looked up.
Each view is shown once first, so its read has come back (the reads run in workers and are
not what a key waits for); then every switch is measured RUNS times. The goal: every key
within 100 ms.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from common import machine, ratio_line
from screen_keys import Frames, _key

RUNS = 7
GOAL_MS = 100.0


async def measure(size: tuple[int, int]) -> dict[str, list[float]]:
    from textual.widgets import Input, TabbedContent

    from console.environments.resolve import sandbox_credentials
    from console.sandbox import SandboxConfig, serve_in_thread
    from console.session.session import Session
    from screens.app import CioConsoleApp
    from screens.profile.screen import VIEWS

    times: dict[str, list[float]] = {}
    with serve_in_thread(SandboxConfig()) as sb:
        app = CioConsoleApp(session=Session(sandbox_credentials(sb.root_url)))
        async with app.run_test(size=size) as pilot:
            await pilot.pause(0.5)
            await pilot.press("f4")
            await pilot.pause(0.3)
            screen = app.screen
            screen.query_one("#lookup-input", Input).value = "user_1008"
            screen.query_one("#lookup-input", Input).focus()
            await pilot.press("enter")
            await app.workers.wait_for_complete()
            for _ in VIEWS:  # each view read once
                await pilot.press("right_square_bracket")
                await pilot.pause(0.2)
                await app.workers.wait_for_complete()
            frames = Frames(app)
            tabs = screen.query_one("#profile-views", TabbedContent)
            panes = [v[0] for v in VIEWS]
            for _ in range(RUNS):
                for key, step in (("right_square_bracket", 1), ("left_square_bracket", -1)):
                    for _ in panes:
                        target = panes[(panes.index(tabs.active) + step) % len(panes)]
                        name = f"{'] to' if step > 0 else '[ to'} {target.removeprefix('view-')}"
                        times.setdefault(name, []).append(
                            await _key(
                                pilot,
                                frames,
                                key,
                                lambda t=target: tabs.active == t and screen.focused is screen._view_focus(),
                            )
                        )
                        await pilot.pause(0.05)
    return times


def main() -> int:
    print(f"F4 view keys — {machine()}")
    worst_name, worst = "", 0.0
    for size in ((120, 40), (80, 24)):
        times = asyncio.run(measure(size))
        print(f" {size[0]}x{size[1]}")
        for name, runs in times.items():
            median = statistics.median(runs)
            print(f"  {name:<22} median {median:6.1f} ms   slowest {max(runs):6.1f} ms   ({len(runs)} runs)")
            if median > worst:
                worst_name, worst = f"{name} at {size[0]}x{size[1]}", median
    print(
        ratio_line(
            "F4 view keys",
            worst / GOAL_MS,
            "<= 1.00x",
            f"slowest median {worst:.0f} ms ({worst_name}) against {GOAL_MS:.0f} ms",
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
