"""Benchmark (informational): the batch's connection pool against httpx's stock pool.

Holding Track's 1000 requests/s against a server ~50 ms away takes ~100 requests in
flight. httpcore 1.0's pool does work proportional to the square of its size on every
request (see console/batch/pool.py); the batch's pool does the same bookkeeping in one
pass. 2,000 identify rows, one request per row, --rate 1000, 120 connections, against
the sandbox (its own process) holding every answer 50 ms.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import compile_project, machine, ratio_line, sandbox

ROWS, RATE, CONNECTIONS, LATENCY = 2_000, 1000.0, 120, 0.05


async def run(sb, tmp: Path, linear: bool) -> float:
    import httpx

    from console.actions.catalog import get_action
    from console.actions.validation import validate
    from console.batch.checkpoint import Checkpoint
    from console.batch.outcomes import FailedFile
    from console.batch.pool import linear_transport
    from console.batch.rows import BatchRow, ValidRow
    from console.batch.runner import BatchRun, Options
    from console.wire.credentials import from_env
    from console.wire.transport import make_client

    action = get_action("identify-customer")
    rows = []
    for i in range(ROWS):
        data = {"customer_identifier": f"pool{i}", "traits": {"n": i}}
        rows.append(ValidRow(BatchRow(i + 1, data, key=f"k{i}"), validate(action, data)))
    limits = httpx.Limits(max_connections=CONNECTIONS, max_keepalive_connections=CONNECTIONS)
    transport = linear_transport(limits) if linear else httpx.AsyncHTTPTransport(limits=limits)
    name = "linear" if linear else "stock"
    batch = BatchRun(
        action,
        from_env(sb.env),
        rows,
        checkpoint=Checkpoint.create(tmp / f"{name}.cp", {}),
        failed=FailedFile(tmp / f"{name}.failed"),
        client=make_client(transport=transport),
        options=Options(rate=RATE, concurrency=CONNECTIONS),
    )
    start = time.perf_counter()
    await batch.run()
    elapsed = time.perf_counter() - start
    if batch.progress.snapshot().done != ROWS:
        raise SystemExit(f"{name} pool: not every row was done")
    return elapsed


def main() -> int:
    print(
        f"benchmark: connection pool, {ROWS:,} rows at --rate {RATE:g}, {CONNECTIONS} connections, "
        f"{LATENCY * 1000:.0f} ms answers"
    )
    print(f"  machine: {machine()}")
    compile_project()
    with tempfile.TemporaryDirectory() as tmp, sandbox() as sb:
        sb.reset()
        sb.fault(path="/api/v1/customers/*", delay=LATENCY, times=None)
        stock = asyncio.run(run(sb, Path(tmp), linear=False))
        sb.reset()
        sb.fault(path="/api/v1/customers/*", delay=LATENCY, times=None)
        linear = asyncio.run(run(sb, Path(tmp), linear=True))
    print(f"  httpx's stock pool: {stock:5.2f} s  {ROWS / stock:6,.0f} req/s")
    print(f"  the batch's pool:   {linear:5.2f} s  {ROWS / linear:6,.0f} req/s")
    print(
        ratio_line(
            "batch pool vs stock pool at 120 connections",
            stock / linear,
            "informational",
            f"{stock:.2f} s / {linear:.2f} s",
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
