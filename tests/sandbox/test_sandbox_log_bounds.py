"""The request log is bounded in bytes, not only in entries (issue 13, item 9).

Measured as memory (tracemalloc), not time: what the sandbox process keeps after many
large requests must stay near the log's byte bound, whatever the count.
"""

from __future__ import annotations

import gc
import tracemalloc

from console.sandbox.requestlog import MAX_BODY_BYTES, MAX_BYTES

from .conftest import TRACK

MB = 1024 * 1024


async def test_many_one_megabyte_bodies_keep_memory_near_the_byte_bound(empty_client):
    body = b'{"blob": "' + b"x" * (MB - 12) + b'"}'
    assert len(body) == MB
    count = MAX_BYTES // MB * 2 + 8  # twice what the bound can hold
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for i in range(count):
            r = await empty_client.put(
                f"/track-us/api/v1/customers/big{i % 3}",
                content=body,
                headers={**TRACK, "Content-Type": "application/json"},
            )
            assert r.status_code in (200, 400)
        gc.collect()
        held = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert held < MAX_BYTES + 8 * MB, f"{held / MB:.0f} MB held after {count} requests of 1 MB"
    log = empty_client.sandbox.requests
    assert 0 < len(log) < count and log[-1]["seq"] == count  # the newest entries are the ones kept
    assert log[-1]["body"] == {"blob": "x" * (MB - 12)}


async def test_one_body_over_the_entry_limit_is_summarised_not_kept(empty_client):
    await empty_client.put("/track-us/api/v1/customers/small", json={"plan": "pro"}, headers=TRACK)
    huge = b'{"a": "' + b"y" * MAX_BODY_BYTES + b'"}'
    await empty_client.put("/track-us/api/v1/customers/huge", content=huge, headers=TRACK)
    small, big = empty_client.sandbox.requests
    assert small["body"] == {"plan": "pro"}  # not pushed out by the huge one
    assert big["body"] == f"<body not kept in the log: {len(huge):,} bytes>"
    assert empty_client.sandbox.log.bytes_held < MB
