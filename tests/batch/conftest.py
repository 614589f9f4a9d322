"""Helpers for batch tests: writing row files, and counting what the sandbox applied."""

from __future__ import annotations

import json
import time
from collections import Counter
from pathlib import Path

import pytest

from tests.conftest import sandbox_env


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def people(n: int, prefix: str = "b") -> list[dict]:
    return [{"customer_identifier": f"{prefix}{i}", "traits": {"batch_row": i}} for i in range(n)]


def events(n: int, prefix: str = "e") -> list[dict]:
    return [
        {"customer_identifier": f"{prefix}{i}", "event_name": "batch_test", "event_properties": {"row": i}}
        for i in range(n)
    ]


def was_applied(entry: dict) -> bool:
    """Whether the sandbox processed a logged request (a fault may answer for it)."""
    fault = entry.get("fault")
    if fault and fault.get("apply"):
        return 200 <= (fault.get("applied_status") or 0) < 300
    status = entry.get("status")
    return status is not None and 200 <= status < 300


def applied_paths(sandbox) -> Counter:
    """How many times each Track v1 path was applied."""
    return Counter(e["path"] for e in sandbox.sandbox.requests if e["api"] == "track" and was_applied(e))


def event_counts(sandbox, name: str = "batch_test") -> Counter:
    """Events recorded per person id."""
    snap = sandbox.sandbox.snapshot()
    by_cio = {p["cio_id"]: p["id"] for p in snap["people"]}
    return Counter(by_cio.get(e["cio_id"]) for e in snap["events"] if e["name"] == name)


def wait_for(probe, timeout: float = 30.0):
    deadline = time.monotonic() + timeout
    while not (value := probe()) and time.monotonic() < deadline:
        time.sleep(0.02)
    return value


@pytest.fixture
def batch(cli, sandbox):
    """batch(action, file, *args, stdin=None, **env_overrides) -> CliResult against the sandbox."""

    def run(action: str, path: Path, *args: str, stdin: str | None = None, **overrides: str):
        return cli("batch", action, str(path), *args, env=sandbox_env(sandbox, **overrides), stdin=stdin)

    return run
