"""Benchmark 1: batch throughput against the official `customerio` Python client.

10,000 identify rows against the sandbox over HTTPS (the official client speaks only
HTTPS) with no rate limit. The official client sends them one by one, as its API
offers (`CustomerIO.identify` per person); `cio-console batch` sends the same rows
concurrently over one pooled client, grouped into Track v2 batch requests (its
default for identify), and, for comparison, one request per row (`--v2-batch off`).
Each side runs as its own process, timed end to end, against a fresh sandbox; the
sandbox's state is checked afterwards to hold all 10,000 people.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import CIO, PYTHON, compile_project, machine, ratio_line, run_timed, sandbox, write_identify_rows

ROWS = 10_000

OFFICIAL = r"""
import json, sys, warnings
warnings.filterwarnings("ignore")  # InsecureRequestWarning: verification is off, as in its own tests
from customerio import CustomerIO
port, site, key, path = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
cio = CustomerIO(site, key, host="127.0.0.1", port=int(port), url_prefix="track-us/api/v1")
cio.http.verify = False
with open(path) as fh:
    for line in fh:
        row = json.loads(line)
        cio.identify(id=row["customer_identifier"], **row["traits"])
"""


def people(sb) -> int:
    return len(sb.state()["people"])


def main() -> int:
    try:
        import customerio  # noqa: F401
    except ImportError:
        print("benchmark 1 needs the official client: pip install -e '.[bench]' (make bench does)")
        return 2
    print(f"benchmark 1: batch throughput, {ROWS:,} identify rows, HTTPS sandbox, no rate limit")
    print(f"  machine: {machine()}")
    compile_project()
    with tempfile.TemporaryDirectory() as tmp, sandbox(tls=True) as sb:
        rows_file = Path(tmp) / "people.jsonl"
        write_identify_rows(rows_file, ROWS)
        env = sb.env
        results = {}

        sb.reset()
        # requests lets REQUESTS_CA_BUNDLE / CURL_CA_BUNDLE override `verify = False`.
        official_s, done = run_timed(
            [PYTHON, "-c", OFFICIAL, str(sb.port), env["CIO_SITE_ID"], env["CIO_TRACK_API_KEY"], str(rows_file)],
            unset=("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"),
        )
        if done.returncode != 0 or people(sb) != ROWS:
            print(f"  official client failed: {done.stderr[-2000:]}")
            return 1
        print(f"  official customerio client, one by one: {official_s:6.2f} s  {ROWS / official_s:8,.0f} rows/s")

        for label, extra, runs in (
            ("cio-console batch (Track v2 batches)", [], 3),
            ("cio-console batch (one request per row)", ["--v2-batch", "off"], 1),
        ):
            times = []
            for _ in range(runs):  # the short runs are noisier: take the median of three
                sb.reset()
                elapsed, done = run_timed(
                    [CIO, "batch", "identify-customer", str(rows_file), "--rate", "unlimited", "--restart", *extra], env
                )
                if done.returncode != 0 or people(sb) != ROWS:
                    print(f"  {label} failed: {done.stderr[-2000:]}")
                    return 1
                times.append(elapsed)
            elapsed = statistics.median(times)
            results[label] = elapsed
            print(f"  {label + ':':40} {elapsed:6.2f} s  {ROWS / elapsed:8,.0f} rows/s")

    best = results["cio-console batch (Track v2 batches)"]
    per_row = results["cio-console batch (one request per row)"]
    print(
        ratio_line(
            "batch throughput vs customerio one by one",
            official_s / best,
            "≥ 10x",
            f"{official_s:.2f} s / {best:.2f} s, Track v2 batches",
        )
    )
    print(
        ratio_line(
            "batch throughput, one request per row, vs customerio",
            official_s / per_row,
            "informational",
            f"{official_s:.2f} s / {per_row:.2f} s",
        )
    )
    return 0 if official_s / best >= 10 else 1


if __name__ == "__main__":
    sys.exit(main())
