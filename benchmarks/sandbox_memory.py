"""The sandbox's memory after many large requests (issue 13, item 9).

`cio-console sandbox` runs in its own process; 700 identify PUTs with 1 MB bodies go to
it over loopback, and its resident memory (VmRSS, /proc) is read before and after. The
request log used to keep every body (capped only at 10,000 entries): 59 -> 733 MB. It
is now bounded in bytes too (console/sandbox/requestlog.py).

    .venv/bin/python benchmarks/sandbox_memory.py [--requests 700]
"""

from __future__ import annotations

import argparse
import base64
import gc
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import machine, sandbox

MB = 1024 * 1024


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise SystemExit("no VmRSS: this benchmark needs Linux's /proc")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=700)
    args = parser.parse_args()
    import httpx

    body = b'{"blob": "' + b"x" * (MB - 12) + b'"}'
    with sandbox() as sb:
        token = base64.b64encode(f"{sb.env['CIO_SITE_ID']}:{sb.env['CIO_TRACK_API_KEY']}".encode()).decode()
        headers = {"Authorization": f"Basic {token}", "Content-Type": "application/json"}
        with httpx.Client(base_url=sb.env["CIO_TRACK_URL"], headers=headers, timeout=60) as client:
            client.put("/api/v1/customers/warmup", json={"a": "1"})
            before = rss_mb(sb.pid)
            start = time.perf_counter()
            for i in range(args.requests):
                client.put(f"/api/v1/customers/big{i % 7}", content=body)
            elapsed = time.perf_counter() - start
            gc.collect()
            time.sleep(0.5)
            after = rss_mb(sb.pid)
        kept = len(sb.requests())
    print(machine())
    print(
        f"{args.requests} PUTs of 1 MB in {elapsed:.1f} s; sandbox RSS {before:.0f} MB -> {after:.0f} MB; "
        f"request log keeps {kept} entries"
    )


if __name__ == "__main__":
    main()
