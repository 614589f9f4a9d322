"""Benchmark 6b (informational): keys on the batch screen (F7) while it checks a large file.

The screen checks FILE in a worker thread (streamed, as the CLI does). Meanwhile a key is
typed into the Rate field every 50 ms (Textual's own key path, `App.simulate_key`) and
the time until the field shows it is measured: from the key's posting to the value
changing, as a user would see it answered. Run headless (Pilot) at 120x40.

    python benchmarks/batch_screen_keys.py [ROWS]     # default 300,000
"""

from __future__ import annotations

import asyncio
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ROWS = 300_000


async def measure(path: Path) -> tuple[list[float], float]:
    from textual.widgets import Input, Select

    from console.environments.resolve import sandbox_credentials
    from console.sandbox import SandboxConfig, serve_in_thread
    from console.session.session import Session
    from screens.app import CioConsoleApp

    with serve_in_thread(SandboxConfig()) as running:  # idle: a check sends nothing
        app = CioConsoleApp(session=Session(sandbox_credentials(running.root_url)))
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            await pilot.press("f7")
            await pilot.pause()
            screen = app.screen
            screen.query_one("#batch-action", Select).value = "identify-customer"
            screen.query_one("#batch-file", Input).value = str(path)
            rate = screen.query_one("#batch-rate", Input)
            rate.focus()
            await pilot.pause()
            start = time.perf_counter()
            screen.action_check()
            latencies = []
            while screen.job is None:
                before = rate.value
                posted = time.perf_counter()
                app.simulate_key("1")
                while rate.value == before:
                    await asyncio.sleep(0.001)
                latencies.append((time.perf_counter() - posted) * 1000)
                rate.value = ""
                await asyncio.sleep(0.05)
            return latencies, time.perf_counter() - start


def main() -> int:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else ROWS
    print(f"benchmark 6b: keys on the batch screen while it checks {rows:,} identify rows")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "people.jsonl"
        with open(path, "w", encoding="utf-8") as fh:
            for i in range(rows):
                fh.write(json.dumps({"customer_identifier": f"p{i}", "traits": {"plan": "pro", "row": i}}) + "\n")
        latencies, checked_s = asyncio.run(measure(path))
    latencies.sort()
    p95 = latencies[int(len(latencies) * 0.95)]
    print(
        f"  check took {checked_s:.1f} s; {len(latencies)} keys typed meanwhile: median "
        f"{statistics.median(latencies):.1f} ms, p95 {p95:.1f} ms, max {latencies[-1]:.1f} ms"
    )
    print(
        f"RATIO keys answered on F7 during a {rows:,}-row check: p95 {p95:.0f} ms "
        f"({p95 / 100:.2f}x of 100 ms; max {latencies[-1]:.0f} ms; informational)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
