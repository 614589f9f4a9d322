"""Benchmark 2: rate accuracy under 429s, and nothing lost or doubled.

3,000 identify rows at `--rate 200`, one request per row, against the sandbox (in its
own process) answering 10% of requests with 429 and `Retry-After: 1`. From the
sandbox's request log: the request rate on the wire from the first request to the
last row's first attempt (after that only retries of the last refused rows remain,
spaced by their Retry-After, which is not pacing), the whole-run figures, and each
row's applied count, which must be exactly one.
"""

from __future__ import annotations

import sys
import tempfile
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import CIO, compile_project, machine, ratio_line, run_timed, sandbox, write_identify_rows

ROWS = 3_000
TARGET = 200.0


def main() -> int:
    print(f"benchmark 2: rate accuracy, {ROWS:,} identify rows at --rate {TARGET:g}, 10% answered 429")
    print(f"  machine: {machine()}")
    compile_project()
    with tempfile.TemporaryDirectory() as tmp, sandbox() as sb:
        rows_file = Path(tmp) / "people.jsonl"
        rows = write_identify_rows(rows_file, ROWS, "rate")
        sb.reset()
        sb.fault(path="/api/v1/customers/*", status=429, retry_after=1, probability=0.1, times=None)
        elapsed, done = run_timed(
            [CIO, "batch", "identify-customer", str(rows_file), "--rate", f"{TARGET:g}", "--v2-batch", "off"], sb.env
        )
        log = [e for e in sb.requests() if e["api"] == "track"]
        people = {p["id"] for p in sb.state()["people"]}
    if done.returncode != 0:
        print(f"  the batch failed: {done.stderr[-2000:]}")
        return 1
    print("  " + done.stderr.strip().splitlines()[-1])
    times = [e["time"] for e in log]
    first_seen: dict[str, float] = {}
    for e in log:
        first_seen.setdefault(e["path"], e["time"])
    steady_end = max(first_seen.values())
    steady = [t for t in times if t <= steady_end]
    steady_rate = (len(steady) - 1) / (steady_end - times[0])
    whole_rate = (len(times) - 1) / (times[-1] - times[0])
    refused = sum(1 for e in log if e["status"] == 429)
    applied = Counter(e["path"] for e in log if e["status"] is not None and 200 <= e["status"] < 300)
    expected = {f"/api/v1/customers/{r['customer_identifier']}" for r in rows}
    lost = len(expected - set(applied)) + len(expected - {f"/api/v1/customers/{p}" for p in people})
    doubled = sum(1 for path, n in applied.items() if n > 1)
    error = (steady_rate - TARGET) / TARGET
    print(
        f"  requests: {len(times):,} ({refused:,} answered 429, {refused / len(times):.1%}); "
        f"process time {elapsed:.1f} s"
    )
    print(
        f"  request rate while rows were queued: {steady_rate:.1f}/s ({error:+.1%} of {TARGET:g}); "
        f"whole run incl. the last retries' Retry-After: {whole_rate:.1f}/s"
    )
    print(f"  rows lost: {lost}, rows applied twice: {doubled}")
    print(
        ratio_line(
            "achieved rate / target under 10% 429s",
            steady_rate / TARGET,
            "1.00 ± 0.05, 0 lost, 0 doubled",
            f"{steady_rate:.1f}/{TARGET:g} req/s, {lost} lost, {doubled} doubled",
        )
    )
    return 0 if abs(error) <= 0.05 and not lost and not doubled else 1


if __name__ == "__main__":
    sys.exit(main())
