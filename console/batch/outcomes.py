"""From an Exchange to a row's outcome, and the failed-rows file (`FILE.failed.jsonl`).

The failed file holds, per row that did not succeed, its line, its input, the outcome
and the explanation (`console.explain`), masked of every key. It is appended to as
failures happen (so a crash keeps them) and compacted at the end of a run: a row that
a later `--resume` got through leaves it, and each row appears once.
"""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Iterable

from console.batch.checkpoint import Outcome
from console.exchange import Exchange
from console.redact import redact_data

MAX_BODY_CHARS = 2000

# The API refused the row itself: the same request would be refused again.
_REJECTING = frozenset({400, 404, 405, 409, 410, 413, 415, 422})


def classify(ex: Exchange) -> Outcome:
    if ex.ok:
        return Outcome.OK
    if ex.delivered == "unknown":
        return Outcome.UNKNOWN
    if ex.response is not None and ex.response.status in _REJECTING:
        return Outcome.REJECTED
    # Nothing was applied and it may work later (network, 401/403 keys, 429, 5xx).
    return Outcome.ERROR


def halt_reason(ex: Exchange) -> str | None:
    """Why no further row should be sent: every one would fail the same way."""
    status = ex.status
    if status is None:
        return None
    if status == 401:
        return "401 Unauthorized: the key was refused, so every row would be"
    if status == 403:
        return "403 Forbidden: the key may not do this, so every row would be refused"
    if 300 <= status < 400:
        return f"{status} redirect: the credentials belong to another region; check the region"
    return None


def failure_record(
    *, key: str, line: int, data: dict[str, Any] | None, outcome: Outcome, ex: Exchange | None,
    explanation: Any, secrets: list[str],
) -> dict[str, Any]:
    record: dict[str, Any] = {"line": line, "key": key, "outcome": outcome.value, "input": data}
    if ex is not None:
        record["status"] = ex.status
        record["request"] = {"method": ex.request.method, "url": ex.request.url}
        if ex.response is not None and ex.response.text:
            record["response"] = ex.response.text[:MAX_BODY_CHARS]
        if ex.failure is not None:
            record["failure"] = ex.failure.value
        record["attempts"] = len(ex.attempts)
        record["delivered"] = ex.delivered
    if explanation is not None:
        record["explanation"] = explanation.to_dict()
    return redact_data(record, secrets)


def in_flight_record(*, key: str, line: int, data: dict[str, Any] | None, action_title: str) -> dict[str, Any]:
    """The failed-file record of a row whose run died with its request in flight."""
    from console.explain import Explanation

    why = Explanation(
        "Unknown outcome: the run stopped while this row's request was in flight",
        f"The {action_title} request was sent (or about to be) when the process ended, so "
        "it may have been applied.",
        ["It was NOT re-sent automatically. Check Customer.io (the person's Activity) "
         "before sending this row again, so it is not applied twice."],
        delivered="unknown",
    )
    return {"line": line, "key": key, "outcome": Outcome.UNKNOWN.value, "input": data,
            "delivered": "unknown", "explanation": why.to_dict()}


def default_path(data_file: str | Path) -> Path:
    return Path(f"{data_file}.failed.jsonl")


class FailedFile:
    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._fd = -1

    def open(self) -> None:
        if self._fd < 0:
            self._fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            # Start on a fresh line if a killed run left half a record behind.
            if os.fstat(self._fd).st_size and not self.path.read_bytes().endswith(b"\n"):
                os.write(self._fd, b"\n")

    def append(self, records: Iterable[dict[str, Any]]) -> None:
        data = "".join(json.dumps(r, ensure_ascii=False, separators=(",", ":")) + "\n" for r in records)
        if not data:
            return
        self.open()
        from console.batch.checkpoint import _append

        _append(self._fd, data.encode("utf-8"), self.path)

    def close(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1

    def read(self) -> list[dict[str, Any]]:
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return []
        out = []
        for line in text.splitlines():
            try:
                record = json.loads(line)
            except ValueError:
                continue  # a torn line from a killed run
            if isinstance(record, dict):
                out.append(record)
        return out

    def latest(self, current: dict[str, Outcome | None], present: set[str] | None = None) -> list[dict[str, Any]]:
        """The latest record of each row still failing (see `compact`), by line."""
        latest: dict[str, dict[str, Any]] = {}
        for record in self.read():
            latest[record.get("key", f"line-{record.get('line')}")] = record
        kept = [r for k, r in latest.items()
                if current.get(k) != Outcome.OK and (present is None or k in present)]
        kept.sort(key=lambda r: r.get("line") or 0)
        return kept

    def compact(self, current: dict[str, Outcome | None], present: set[str] | None = None) -> list[dict[str, Any]]:
        """Keep the latest record of each row whose latest outcome is still a failure.

        `current` maps row keys to their outcome now (from the checkpoint); `present`, if
        given, is the keys of the rows in the file now: a row the user has since fixed
        has a new key, and its old failure is dropped. Returns the records kept; removes
        the file when none are left.
        """
        self.close()
        kept = self.latest(current, present)
        if not kept:
            self.path.unlink(missing_ok=True)
            return []
        tmp = self.path.with_name(self.path.name + ".tmp")
        with open(tmp, "w", encoding="utf-8") as fh:
            for record in kept:
                fh.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, self.path)
        return kept
