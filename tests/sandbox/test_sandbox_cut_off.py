"""A request whose body is cut off mid-upload is never applied (issue 13, item 10).

Over a real loopback socket with a raw client: httpx cannot send a short body, and
only a real connection can be closed half-way through one.
"""

from __future__ import annotations

import json
import socket
import time

from .conftest import TRACK


def _raw_post(port: int, path: str, body: bytes, announced: int) -> None:
    head = (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAuthorization: {TRACK['Authorization']}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {announced}\r\n\r\n"
    ).encode()
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(head + body)
        if len(body) == announced:
            sock.settimeout(5)
            assert sock.recv(65536).startswith(b"HTTP/1.1 200")


def _wait_for_log(sandbox, count: int) -> list[dict]:
    deadline = time.monotonic() + 10  # a bound for a loaded machine, not a measurement
    while len(sandbox.requests) < count and time.monotonic() < deadline:
        time.sleep(0.01)
    return sandbox.requests


def test_a_body_cut_off_is_logged_as_not_applied_and_changes_nothing(loopback):
    # The first 24 bytes are a complete JSON document on their own (the rest is padding):
    # the worst case, where only the missing bytes tell that the request is not whole.
    whole = json.dumps({"name": "cut_off_buy"}).encode().ljust(44)
    assert len(whole) == 44 and json.loads(whole[:24]) == {"name": "cut_off_buy"}
    before = len(_events(loopback))
    _raw_post(loopback.port, "/track-us/api/v1/customers/user_1001/events", whole[:24], announced=44)
    (entry,) = _wait_for_log(loopback.sandbox, 1)
    assert entry["status"] is None and "not applied" in entry["note"] and "24 bytes" in entry["note"]
    assert len(_events(loopback)) == before
    # The same request sent whole is applied: the test can tell the two apart.
    _raw_post(loopback.port, "/track-us/api/v1/customers/user_1001/events", whole, announced=44)
    entries = _wait_for_log(loopback.sandbox, 2)
    assert entries[1]["status"] == 200
    assert [e["name"] for e in _events(loopback)][before:] == ["cut_off_buy"]


def _events(loopback) -> list[dict]:
    return loopback.sandbox.snapshot()["events"]
