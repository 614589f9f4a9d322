"""Benchmark 3: `cio-console send --dry-run` process time against `python -c "import httpx, pydantic"`.

Both as fresh processes of the same interpreter, timed end to end; the median of 21
runs each, after one warm-up run (so both read .pyc files from a warm disk cache).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import CIO, PYTHON, compile_project, machine, median_time, ratio_line

RUNS = 21
ENV = {"CIO_SITE_ID": "site-123", "CIO_TRACK_API_KEY": "bench-track-key"}


def main() -> int:
    print("benchmark 3: `cio-console send --dry-run` start-up")
    print(f"  machine: {machine()}")
    compile_project()
    baseline_args = [PYTHON, "-c", "import httpx, pydantic"]
    send_args = [
        CIO,
        "send",
        "identify-customer",
        "--input",
        json.dumps({"customer_identifier": "user_123", "traits": {"plan": "pro"}}),
        "--dry-run",
    ]
    median_time(baseline_args, 1)
    median_time(send_args, 1, ENV)
    baseline = median_time(baseline_args, RUNS)
    send = median_time(send_args, RUNS, ENV)
    print(f"  python -c 'import httpx, pydantic': {baseline * 1000:6.0f} ms (median of {RUNS})")
    print(f"  cio-console send --dry-run:         {send * 1000:6.0f} ms (median of {RUNS})")
    print(
        ratio_line(
            "send --dry-run / import httpx, pydantic",
            send / baseline,
            "≤ 1.5x",
            f"{send * 1000:.0f} ms / {baseline * 1000:.0f} ms",
        )
    )
    return 0 if send / baseline <= 1.5 else 1


if __name__ == "__main__":
    sys.exit(main())
