"""Benchmark 6: a batch of 1,000,000 identify rows in bounded memory.

The file is written first (about 70 MB of JSONL). Then, each as its own process:
`cio-console batch identify-customer FILE --dry-run` (every row validated, planned and
turned into its request; the previews go to /dev/null), and a real run against the
sandbox (plain HTTP on loopback, `--rate unlimited`, Track v2 batches). The sandbox runs
in another process, so the figure is the batch's own peak RSS (the sandbox's memory for
a million people is its own business). Peak RSS comes from the kernel's rusage of the
batch process (ru_maxrss); rows/s is the file's rows over the process's wall time.

    python benchmarks/batch_memory.py [ROWS]     # default 1,000,000
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import CIO, compile_project, machine, sandbox

ROWS = 1_000_000
GOAL_MB = 200.0


def write_rows(path: Path, n: int) -> int:
    with open(path, "w", encoding="utf-8") as fh:
        for i in range(n):
            fh.write(
                json.dumps(
                    {
                        "customer_identifier": f"person{i}",
                        "traits": {"plan": "pro", "row": i, "email": f"person{i}@example.com"},
                    }
                )
                + "\n"
            )
    return path.stat().st_size


def measured(args: list[str], env: dict[str, str] | None = None) -> tuple[float, float, int, str]:
    """(seconds, peak RSS in MB, exit code, the end of stderr) of one process."""
    full = {**os.environ, **(env or {})}
    start = time.perf_counter()
    with tempfile.TemporaryFile("w+") as err:
        proc = subprocess.Popen(args, env=full, stdout=subprocess.DEVNULL, stderr=err, stdin=subprocess.DEVNULL)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        elapsed = time.perf_counter() - start
        err.seek(0)
        tail = err.read()[-1500:]
    return elapsed, usage.ru_maxrss / 1024, proc.returncode, tail  # ru_maxrss is in KiB on Linux


def main() -> int:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else ROWS
    print(f"benchmark 6: a batch of {rows:,} identify rows: peak memory and rows/s")
    print(f"  machine: {machine()}")
    compile_project()
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "people.jsonl"
        size = write_rows(path, rows)
        print(f"  file: {size / 1e6:,.0f} MB")
        figures = {}
        elapsed, rss, code, tail = measured(
            [CIO, "batch", "identify-customer", str(path), "--dry-run"],
            {"CIO_SITE_ID": "bench", "CIO_TRACK_API_KEY": "bench-key"},
        )
        if code != 0:
            print(f"  dry run failed (exit {code}): {tail}")
            return 1
        figures["dry run"] = (elapsed, rss)
        print(f"  dry run:           {elapsed:7.1f} s  {rows / elapsed:9,.0f} rows/s  peak RSS {rss:6.1f} MB")
        with sandbox() as sb:
            sb.reset()
            elapsed, rss, code, tail = measured(
                [CIO, "batch", "identify-customer", str(path), "--rate", "unlimited", "--yes", "--restart"], sb.env
            )
            people = len(sb.state()["people"]) if code == 0 else 0
        if code != 0 or people != rows:
            print(f"  real run failed (exit {code}, {people:,} people in the sandbox): {tail}")
            return 1
        figures["real run"] = (elapsed, rss)
        print(
            f"  real run, sandbox: {elapsed:7.1f} s  {rows / elapsed:9,.0f} rows/s  peak RSS {rss:6.1f} MB "
            f"({people:,} people in the sandbox)"
        )
    worst = max(rss for _, rss in figures.values())
    ok = worst <= GOAL_MB
    detail = ", ".join(f"{name} {rss:.0f} MB at {rows / s:,.0f} rows/s" for name, (s, rss) in figures.items())
    print(
        f"RATIO batch of {rows:,} rows, peak RSS: {worst / GOAL_MB:.2f}x of {GOAL_MB:.0f} MB ({detail}; goal ≤ 1.00x)"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
