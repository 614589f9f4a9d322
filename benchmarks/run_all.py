"""Run every benchmark (`make bench`) and end with their ratio lines.

Each benchmark is its own script, run in its own process, printing a `RATIO ...` line.
Benchmark 4 (launch to first frame) lives in `startup.py`, written with the console UI,
and runs when present; benchmark 5 (the inspector with a 5 MB body) belongs to the UI.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from common import machine  # noqa: E402

BENCHMARKS = [
    ("1", "throughput.py", "batch throughput vs the official customerio client"),
    ("2", "rate_accuracy.py", "rate accuracy at --rate 200 with 10% 429s"),
    ("3", "dry_run_startup.py", "send --dry-run start-up vs import httpx, pydantic"),
    ("4", "startup.py", "console launch to first frame vs a bare Textual app"),
    ("5", "inspector.py", "inspector with a 5 MB JSON body: time until a key is answered"),
    ("6", "batch_memory.py", "a batch of 1,000,000 identify rows: peak RSS and rows/s, dry run and sandbox"),
    ("6b", "batch_screen_keys.py", "keys on the batch screen while it checks 300,000 rows (informational)"),
    ("+", "pool.py", "the batch's connection pool vs httpx's stock pool (informational)"),
    ("+", "key_latency.py", "workspace keys until the next painted frame (goal: every key within 100 ms)"),
    ("+", "screen_keys.py", "F2, F3, F4, F6 and Escape back until the next painted frame (goal: 100 ms)"),
]


def main() -> int:
    print(f"cio-console benchmarks — {machine()}\n")
    ratios: list[str] = []
    failed: list[str] = []
    for number, script, title in BENCHMARKS:
        path = HERE / script
        if not path.exists():
            note = "left to the console UI's branch" if number in ("4", "5") else "missing"
            line = f"RATIO {number}. {title}: not run ({script} {note})"
            print(line + "\n")
            ratios.append(line)
            continue
        start = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, str(path)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=HERE.parent
        )
        assert proc.stdout is not None
        for line in proc.stdout:
            print(line, end="", flush=True)
            if line.startswith("RATIO "):
                ratios.append(f"RATIO {number}. " + line[len("RATIO ") :].rstrip())
        code = proc.wait()
        print(f"  ({script}: exit {code}, {time.perf_counter() - start:.0f} s)\n")
        if code != 0:
            failed.append(script)
    print("Summary")
    for line in ratios:
        print("  " + line)
    if failed:
        print(f"  did not meet its goal or failed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
