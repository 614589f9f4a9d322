"""The checkpoint: an append-only record of what happened to each row.

One JSON object per line. The first line is a header saying which action, target and
file the run is for; then, per row, a `sending` record written *before* its request
goes out and an outcome record once the answer is in. The last record for a row wins:

- `ok`: done.  `rejected`: Customer.io refused it (400/404/422...), nothing applied;
  fixing the row changes its key, so the fixed row is sent by the next `--resume`.
- `error`: not delivered (refused connection, 401, 5xx, 429 to the end); resume sends it.
- `unknown`: the request went out but its answer was lost (timeout, dropped connection).
- `sending` as the last record: the process died with the request in flight, which is
  the same as `unknown`. Unknown rows are re-sent by `--resume` only when the action is
  harmless to repeat (identify is a PUT); a send or an event never is. (So only actions
  that are not harmless to repeat write `sending` records: for the others a row with
  no record and a row left in flight are both simply sent again.)

Each record is one `write()` to a file opened with O_APPEND, so a killed process
leaves whole lines, except at worst a torn last line, which loading ignores and the
next append cuts off. Records reach the OS as they are written (they survive a crash
or kill of the process); `sync()` (run every fraction of a second and at the end)
makes them survive a crash of the machine too. No request, header or key is ever
written here: only row keys, line numbers, outcomes and statuses.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from console.batch.keytable import CODES, NAMES, KeyTable
from console.errors import LocalStateError

VERSION = 1
_COMPACT = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


class RowOutcome(StrEnum):
    SENDING = "sending"
    OK = "ok"
    REJECTED = "rejected"
    ERROR = "error"
    UNKNOWN = "unknown"


@dataclass
class CheckpointEntry:
    key: str
    line: int
    outcome: RowOutcome
    status: int | None = None


@dataclass
class Loaded:
    header: dict[str, Any]
    entries: dict[str, CheckpointEntry]  # the last record of each row (empty when loaded into a table)
    torn_tail: bool = False  # the last line was half-written (the process died mid-write)
    bad_lines: int = 0  # unreadable lines other than the last (should not happen)
    valid_length: int = 0  # bytes up to the end of the last whole line
    table: KeyTable | None = None  # the last record of each row, compactly (see `load`)

    def outcome(self, key: str) -> RowOutcome | None:
        if self.table is not None:
            slot = self.table.find(key)
            return None if slot < 0 else outcome_of(self.table.outcome_code(slot))
        entry = self.entries.get(key)
        if entry is None:
            return None
        # A request in flight when the process died may or may not have arrived.
        return RowOutcome.UNKNOWN if entry.outcome == RowOutcome.SENDING else entry.outcome

    def count(self, outcome: RowOutcome) -> int:
        if self.table is not None:
            code = CODES[outcome.value]
            return sum(1 for i in self.table.slots() if self.table.outcome_code(i) == code)
        return sum(1 for k in self.entries if self.outcome(k) == outcome)


def outcome_of(code: int) -> RowOutcome | None:
    """A table's outcome code as the run reads it: in flight at a crash is unknown."""
    if not code:
        return None
    outcome = RowOutcome(NAMES[code])
    return RowOutcome.UNKNOWN if outcome == RowOutcome.SENDING else outcome


class CheckpointError(LocalStateError, ValueError):
    """A checkpoint file that cannot be used for this run; the message names it."""


def default_path(data_file: str | Path) -> Path:
    return Path(f"{data_file}.checkpoint.jsonl")


def load(path: str | Path, table: KeyTable | None = None) -> Loaded:
    """Read a checkpoint, tolerating a torn last line. Raises CheckpointError if the
    file is not a checkpoint at all. With `table`, each row's last record goes there
    (a few dozen bytes a row) instead of a dict of entries; the file is read as it goes."""
    path = Path(path)
    try:
        fh = open(path, "rb")
    except OSError as exc:
        raise CheckpointError(f"cannot read the checkpoint {path}: {exc.strerror or exc}") from None
    header: dict[str, Any] | None = None
    entries: dict[str, CheckpointEntry] = {}
    bad = 0
    torn = False
    valid_length = 0
    with fh:
        for line in fh:
            if not line.endswith(b"\n"):
                torn = True  # killed mid-write: the last line is half there
                break
            valid_length += len(line)
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                if header is None:
                    if not isinstance(record, dict) or record.get("checkpoint") != VERSION:
                        raise CheckpointError(f"{path} is not a cio-console batch checkpoint")
                    header = record
                    continue
                key, number, code = record["key"], int(record["line"]), CODES[RowOutcome(record["outcome"]).value]
                if not isinstance(key, str):
                    raise TypeError
            except CheckpointError:
                raise
            except (ValueError, KeyError, TypeError):
                bad += 1
                continue
            if table is not None:
                table.set_outcome(table.slot(key), code, number)
            else:
                entries[key] = CheckpointEntry(key, number, RowOutcome(record["outcome"]), record.get("status"))
    if header is None:
        if torn or bad:
            # Killed while writing the header: nothing was sent yet.
            return Loaded({}, {}, torn_tail=torn, bad_lines=bad, valid_length=0)
        raise CheckpointError(f"{path} is empty; it is not a cio-console batch checkpoint")
    return Loaded(header, entries, torn_tail=torn, bad_lines=bad, valid_length=valid_length, table=table)


@dataclass
class Checkpoint:
    path: Path
    _fd: int = -1
    _dirty: bool = False
    _last_sync: float = field(default_factory=time.monotonic)
    # Each row's last record (the earlier run's, then this process's): what a reload would find.
    table: KeyTable = field(default_factory=KeyTable)

    @classmethod
    def create(cls, path: str | Path, header: dict[str, Any], table: KeyTable | None = None) -> Checkpoint:
        """A new checkpoint (replacing any old one) starting with `header`."""
        path = Path(path)
        tmp = path.with_name(path.name + ".tmp")
        data = (json.dumps({"checkpoint": VERSION, **header}, ensure_ascii=False) + "\n").encode("utf-8")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            _write_all(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)  # a crash leaves the old checkpoint or the new one, never half
        return cls.append_to(path, len(data), table)

    @classmethod
    def append_to(cls, path: str | Path, valid_length: int | None = None, table: KeyTable | None = None) -> Checkpoint:
        """Open an existing checkpoint for appending, cutting off a torn last line."""
        path = Path(path)
        fd = os.open(path, os.O_WRONLY | os.O_APPEND)
        if valid_length is not None and os.fstat(fd).st_size > valid_length:
            os.ftruncate(fd, valid_length)
        return cls(path, fd, table=table if table is not None else KeyTable())

    def record_sending(self, rows: Iterable[tuple[str, int]]) -> None:
        """Write-ahead: these rows' requests are about to go out."""
        self.record(CheckpointEntry(key, line, RowOutcome.SENDING) for key, line in rows)

    def record(self, entries: Iterable[CheckpointEntry]) -> None:
        entries = list(entries)
        self._write(
            [
                {"key": e.key, "line": e.line, "outcome": e.outcome.value}
                | ({"status": e.status} if e.status is not None else {})
                for e in entries
            ]
        )
        table = self.table
        for e in entries:
            table.set_outcome(table.slot(e.key), CODES[e.outcome.value], e.line)

    def outcome(self, key: str) -> RowOutcome | None:
        """The row's last record, as a resume would read it."""
        slot = self.table.find(key)
        return None if slot < 0 else outcome_of(self.table.outcome_code(slot))

    def _write(self, records: list[dict[str, Any]]) -> None:
        if not records:
            return
        data = "".join(_COMPACT.encode(r) + "\n" for r in records)
        _append(self._fd, data.encode("utf-8"), self.path)
        self._dirty = True

    def sync(self) -> None:
        """Make what was written survive a crash of the machine (not only of the process).
        Raises OSError (with the checkpoint's name) when the disk refuses."""
        if self._fd >= 0 and self._dirty:
            self._dirty = False
            try:
                os.fsync(self._fd)
            except OSError as exc:
                exc.filename = exc.filename or str(self.path)
                raise
            self._last_sync = time.monotonic()

    def close(self) -> None:
        if self._fd >= 0:
            self.sync()
            os.close(self._fd)
            self._fd = -1


def _write_all(fd: int, data: bytes) -> None:
    # One write() per batch of records; loop only if the OS takes part of it.
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _append(fd: int, data: bytes, path: Path) -> None:
    """Append whole records or nothing. A write the disk refuses part-way (ENOSPC, EIO)
    is cut back to where it started, so the records already there stay whole and none of
    this batch half-exists; the OSError (naming the file) tells the caller."""
    start = os.lseek(fd, 0, os.SEEK_END)
    try:
        _write_all(fd, data)
    except OSError as exc:
        try:
            os.ftruncate(fd, start)  # frees blocks; needs no space
        except OSError:
            pass  # a torn last line is what loading tolerates anyway
        exc.filename = exc.filename or str(path)
        raise
