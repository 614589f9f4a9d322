"""How long the test suite takes (issue 15: under 90 s on the 2-core CI machine).

Runs pytest the way `make test` does (its warm-up, then pytest-xdist, `-n auto --dist
worksteal`: two workers per core, tests/conftest.py), with
`--durations=0`, and prints the run's wall time, the sum of every test's durations
(setup + call + teardown: the work to share between the cores, which another process on
the machine inflates far less than the wall time), the CPU time of pytest and its
workers, and the ten slowest tests. Extra arguments go to pytest, e.g.
`python benchmarks/suite_time.py -n 0 tests/ui`.

Not part of `make bench`: it runs the whole suite.
"""

from __future__ import annotations

import re
import resource
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DURATION = re.compile(r"^\s*([\d.]+)s (setup|call|teardown)\s+(\S.*)$")


def warm_up() -> float:
    """What `make test` does first (`make warm`: pytest's rewritten test modules written once)."""
    start = time.perf_counter()
    subprocess.run(["make", "-s", "warm"], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main(argv: list[str]) -> int:
    args = argv or ["-n", "auto", "--dist", "worksteal"]
    cmd = [sys.executable, "-m", "pytest", *args, "--durations=0", "-q"]
    warm = warm_up()
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    wall = time.perf_counter() - start
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    per_test: Counter[str] = Counter()
    for line in done.stdout.splitlines():
        if m := DURATION.match(line):
            per_test[m.group(3)] += float(m.group(1))
    summary = [line for line in done.stdout.splitlines() if " passed" in line or " failed" in line]
    print(" ".join(cmd[1:]))
    print(summary[-1] if summary else done.stdout[-2000:])
    print(f"wall {wall:.1f} s; sum of test durations {sum(per_test.values()):.1f} s over {len(per_test)} tests;")
    print(f"CPU of pytest and its workers {usage.ru_utime + usage.ru_stime:.1f} s")
    print("slowest 10 (setup + call + teardown):")
    for test, seconds in per_test.most_common(10):
        print(f"  {seconds:6.2f} s  {test}")
    by_dir: Counter[str] = Counter()
    by_file: Counter[str] = Counter()
    for test, seconds in per_test.items():
        path = test.split("::")[0]
        by_dir[path.rsplit("/", 1)[0]] += seconds
        by_file[path] += seconds
    print("by folder:", ", ".join(f"{d} {s:.0f} s" for d, s in by_dir.most_common()))
    print("slowest 15 files:")
    for path, seconds in by_file.most_common(15):
        print(f"  {seconds:6.1f} s  {path}")
    print(f"warm-up (make test's two collect-only runs) {warm:.1f} s")
    print(f"RATIO suite wall {wall:.1f} s vs the 90 s goal: {wall / 90:.2f}x")
    return done.returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
