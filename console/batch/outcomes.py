"""From an Exchange to a row's outcome, and the failed-rows file (`FILE.failed.jsonl`).

The failed file holds, per row that did not succeed, its line, its input, the outcome
and the explanation (`console.diagnose.explain`), masked of every key. It is appended to as
failures happen (so a crash keeps them) and compacted at the end of a run: a row that
a later `--resume` got through leaves it, and each row appears once.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from console.batch.checkpoint import RowOutcome
from console.batch.keytable import KeyTable
from console.wire.exchange import Exchange
from console.wire.redact import redact_data
from console.words import NEUTRAL, render_data

MAX_BODY_CHARS = 2000
Outcome_of = Callable[[str], "RowOutcome | None"]
Present = Callable[[str], bool]

# The API refused the row itself: the same request would be refused again.
_REJECTING = frozenset({400, 404, 405, 409, 410, 413, 415, 422})


def classify(ex: Exchange) -> RowOutcome:
    if ex.ok:
        return RowOutcome.OK
    if ex.delivered == "unknown":
        return RowOutcome.UNKNOWN
    if ex.response is not None and ex.response.status in _REJECTING:
        return RowOutcome.REJECTED
    # Nothing was applied and it may work later (network, 401/403 keys, 429, 5xx).
    return RowOutcome.ERROR


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
    *,
    key: str,
    line: int,
    data: dict[str, Any] | None,
    outcome: RowOutcome,
    ex: Exchange | None,
    explanation: Any,
    secrets: list[str],
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
        # A file for whoever reads it, from either face: no face's controls (console/words.py).
        record["explanation"] = render_data(NEUTRAL, explanation.to_dict())
    redacted: dict[str, Any] = redact_data(record, secrets)
    return redacted


def in_flight_record(*, key: str, line: int, data: dict[str, Any] | None, action_title: str) -> dict[str, Any]:
    """The failed-file record of a row whose run died with its request in flight."""
    from console.diagnose.explain import Explanation

    why = Explanation(
        "Unknown outcome: the run stopped while this row's request was in flight",
        f"The {action_title} request was sent (or about to be) when the process ended, so it may have been applied.",
        [
            "It was NOT re-sent automatically. Check Customer.io (the person's Activity) "
            "before sending this row again, so it is not applied twice."
        ],
        delivered="unknown",
    )
    return {
        "line": line,
        "key": key,
        "outcome": RowOutcome.UNKNOWN.value,
        "input": data,
        "delivered": "unknown",
        "explanation": why.to_dict(),
    }


def default_path(data_file: str | Path) -> Path:
    return Path(f"{data_file}.failed.jsonl")


class FailedFile:
    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._fd = -1

    def open(self) -> None:
        if self._fd < 0:
            self._fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            os.fchmod(self._fd, 0o600)  # it holds row data (emails, attributes): owner only
            # Start on a fresh line if a killed run left half a record behind.
            if os.fstat(self._fd).st_size and not self.path.read_bytes().endswith(b"\n"):
                os.write(self._fd, b"\n")

    def append(self, records: Iterable[dict[str, Any]]) -> None:
        data = "".join(_dumps(r) + "\n" for r in records)
        if not data:
            return
        self.open()
        from console.batch.checkpoint import _append

        _append(self._fd, data.encode("utf-8", "backslashreplace"), self.path)

    def close(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1

    def records(self) -> Iterator[dict[str, Any]]:
        """Every whole record, read as it goes (a torn line from a killed run is passed over)."""
        try:
            fh = open(self.path, "rb")
        except FileNotFoundError:
            return
        with fh:
            for line in fh:
                try:
                    record = json.loads(line)
                except ValueError:
                    continue
                if isinstance(record, dict):
                    yield record

    def read(self) -> list[dict[str, Any]]:
        return list(self.records())

    def keys(self) -> KeyTable:
        """The rows the file lists."""
        table = KeyTable()
        for record in self.records():
            table.slot(_key(record))
        return table

    def _last(self) -> KeyTable:
        # The index of each row's latest record, in the table's line field.
        last = KeyTable()
        for index, record in enumerate(self.records()):
            last.set_line(last.slot(_key(record)), index)
        return last

    def latest(
        self, current: Outcome_of, present: Present | None = None, out: Callable[[dict[str, Any]], object] | None = None
    ) -> Failures:
        """Each row's latest record, if the row is still failing and still in the file
        (`current(key)`: its outcome now; `present(key)`: whether it is a row of the file
        now — a row the user has since fixed has a new key, and its old failure is
        dropped); each is passed to `out`, in the file's order. Memory: a few dozen
        bytes per row listed, not the records."""
        last = self._last()
        failures = Failures()
        for index, record in enumerate(self.records()):
            key = _key(record)
            if last.line(last.find(key)) != index:
                continue
            if current(key) == RowOutcome.OK or (present is not None and not present(key)):
                continue
            failures.add(record)
            if out is not None:
                out(record)
        return failures

    def compact(self, current: Outcome_of, present: Present | None = None) -> Failures:
        """Keep the latest record of each row still failing (see `latest`). Removes the file
        when none is left. The copy is written beside it (owner only) and replaces it whole."""
        self.close()
        if not self.path.exists():
            return Failures()
        tmp = self.path.with_name(self.path.name + ".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.fchmod(fd, 0o600)  # a leftover copy may have been created wider
        with os.fdopen(fd, "w", encoding="utf-8", errors="backslashreplace") as fh:
            failures = self.latest(current, present, lambda r: fh.write(_dumps(r) + "\n"))
            fh.flush()
            os.fsync(fh.fileno())
        if not failures.count:
            tmp.unlink()
            self.path.unlink(missing_ok=True)
            return failures
        os.replace(tmp, self.path)
        return failures


def _key(record: dict[str, Any]) -> str:
    return str(record.get("key") or f"line-{record.get('line')}")


def _dumps(record: dict[str, Any]) -> str:
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"))


@dataclass
class Failures:
    """The failed file's rows, counted by what a user or an exit code needs to know."""

    count: int = 0
    unknown: int = 0
    network: int = 0  # not delivered for a network reason (no answer at all)
    first: list[dict[str, Any]] = field(default_factory=list)  # the first few records

    def add(self, record: dict[str, Any]) -> None:
        self.count += 1
        if record.get("outcome") == "unknown":
            self.unknown += 1
        elif record.get("outcome") == "error" and record.get("status") is None:
            self.network += 1
        if len(self.first) < 20:
            self.first.append(record)

    def __bool__(self) -> bool:
        return self.count > 0

    def __len__(self) -> int:
        return self.count
