"""Benchmark 4: `cio-console --sandbox` launch to the first interactive frame, against a
bare Textual app showing one label; and the console's idle memory after start.

Both run as real processes in a real terminal (tmux, 120x40), driven like a person:
the clock starts just before tmux launches the process, and

- "painted" is the first capture of the pane showing the app's first screen: for the
  console, the action list ("Track Event" and "Merge Customers" on screen); for
  the bare app, its label;
- as soon as it is painted a key goes in, and "interactive" is the first capture that
  shows the answer: the console's action filter, given "merge", has narrowed the list
  (Track Event gone, Merge Customers still there); the bare app's label names the
  key. The first interactive frame is the time to that answer; the ratio uses it.

The pane is captured every few milliseconds, so both figures carry the same small
polling delay. The console also resolves its environment in a worker after the first
frame (--sandbox starts the embedded sandbox's server thread); when the header shows
"Sandbox · US" is reported too. Idle memory: VmRSS of the console process 2 s after
the first interactive frame, with the embedded sandbox (uvicorn in a thread) running
in it, against the bare app's.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import CIO, PYTHON, compile_project, machine, ratio_line

RUNS = int(os.environ.get("BENCH_RUNS", "11"))  # BENCH_RUNS=3 for a quick look
POLL_S = 0.004
TIMEOUT_S = 30.0
IDLE_S = float(os.environ.get("BENCH_IDLE", "2"))  # s after the answer before reading RSS
SIZE = ("120", "40")

BARE_APP = textwrap.dedent("""
    from textual.app import App
    from textual.widgets import Label

    class Bare(App):
        def compose(self):
            yield Label("bare textual app", id="label")

        def on_key(self, event):
            self.query_one(Label).update(f"pressed {event.key}")

    Bare().run()
""")


class Run:
    def __init__(self, painted: float, interactive: float, ready: float | None, rss_kb: int | None) -> None:
        self.painted, self.interactive, self.ready, self.rss_kb = painted, interactive, ready, rss_kb


def _tmux(server: str, *args: str) -> str:
    return subprocess.run(["tmux", "-L", server, *args], capture_output=True, text=True).stdout


def _wait(server: str, probe: Callable[[str], bool], start: float) -> float:
    while True:
        screen = _tmux(server, "capture-pane", "-p", "-t", "bench")
        if probe(screen):
            return time.perf_counter() - start
        if time.perf_counter() - start > TIMEOUT_S:
            raise SystemExit(f"timed out waiting for the app; the screen was:\n{screen}")
        time.sleep(POLL_S)


def _rss_kb(pid: int) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def one_run(
    command: str,
    painted: Callable[[str], bool],
    keys: str,
    answered: Callable[[str], bool],
    ready: Callable[[str], bool] | None,
    env: dict[str, str],
) -> Run:
    server = f"cio-bench-{os.getpid()}-{time.monotonic_ns()}"
    env_args = [arg for k, v in env.items() for arg in ("-e", f"{k}={v}")]
    try:
        start = time.perf_counter()
        subprocess.run(
            [
                "tmux",
                "-L",
                server,
                "-f",
                "/dev/null",
                "new-session",
                "-d",
                "-s",
                "bench",
                "-x",
                SIZE[0],
                "-y",
                SIZE[1],
                *env_args,
                f"exec {command}",
            ],
            check=True,
        )
        t_paint = _wait(server, painted, start)
        _tmux(server, "send-keys", "-t", "bench", "-l", keys)
        t_answer = _wait(server, answered, start)
        t_ready = _wait(server, ready, start) if ready else None
        time.sleep(IDLE_S)
        pid = int(_tmux(server, "display-message", "-p", "-t", "bench", "#{pane_pid}").strip() or 0)
        rss = _rss_kb(pid) if pid else None
        return Run(t_paint, t_answer, t_ready, rss)
    finally:
        _tmux(server, "kill-server")


def _median(values: list[float]) -> float:
    return statistics.median(values)


def main() -> int:
    print("benchmark 4: launch to the first interactive frame (tmux 120x40)")
    print(f"  machine: {machine()}")
    if shutil.which("tmux") is None:
        print("RATIO console launch / bare Textual app: not run (needs tmux)")
        return 1
    compile_project()
    with tempfile.TemporaryDirectory() as tmp:
        bare = Path(tmp) / "bare_app.py"
        bare.write_text(BARE_APP, encoding="utf-8")
        # Private config/data dirs: the console must not read the user's environments.
        env = {
            "TERM": "xterm-256color",
            "COLORTERM": "truecolor",
            **{
                var: str(Path(tmp) / var.lower())
                for var in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME")
            },
        }

        def console() -> Run:
            return one_run(
                f"{CIO} --sandbox",
                lambda s: "Track Event" in s and "Merge Customers" in s,
                "merge",
                lambda s: "Track Event" not in s and "Merge Customers" in s,
                lambda s: "Sandbox · US" in s,
                env,
            )

        def baseline() -> Run:
            return one_run(
                f"{PYTHON} {bare}", lambda s: "bare textual app" in s, "m", lambda s: "pressed m" in s, None, env
            )

        console(), baseline()  # warm-up: .pyc files and the disk cache, for both
        consoles: list[Run] = []
        bares: list[Run] = []
        for _ in range(RUNS):  # interleaved, so a busy moment of the machine hits both
            consoles.append(console())
            bares.append(baseline())

    def ms(runs: list[Run], attr: str) -> float:
        return _median([getattr(r, attr) for r in runs]) * 1000

    c_int, b_int = ms(consoles, "interactive"), ms(bares, "interactive")
    print(
        f"  bare Textual app: painted {ms(bares, 'painted'):5.0f} ms, key answered {b_int:5.0f} ms (medians of {RUNS})"
    )
    print(
        f"  cio-console --sandbox: painted {ms(consoles, 'painted'):5.0f} ms, key answered {c_int:5.0f} ms, "
        f"environment ready {ms(consoles, 'ready'):5.0f} ms (medians of {RUNS})"
    )
    rss_c = [r.rss_kb for r in consoles if r.rss_kb]
    rss_b = [r.rss_kb for r in bares if r.rss_kb]
    if rss_c and rss_b:
        print(
            f"  idle memory {IDLE_S:g} s after start (VmRSS, median): cio-console --sandbox "
            f"{statistics.median(rss_c) / 1024:.0f} MiB (embedded sandbox included), bare app "
            f"{statistics.median(rss_b) / 1024:.0f} MiB"
        )
    ratio = c_int / b_int
    print(
        ratio_line(
            "console launch to first interactive frame / bare Textual app",
            ratio,
            "≤ 1.5x",
            f"{c_int:.0f} ms / {b_int:.0f} ms",
        )
    )
    return 0 if ratio <= 1.5 else 1


if __name__ == "__main__":
    sys.exit(main())
