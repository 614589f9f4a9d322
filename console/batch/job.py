"""A batch job from file to summary: the flow every face (CLI, console screen) follows.

    job = prepare(action, "people.csv", creds, resume=True)   # read, validate, plan
    job.checked / job.plan / job.guarded_rows                  # what to show or ask
    run = job.open()                                           # checkpoint + failed file
    run.progress.subscribe(...)                                # figures while it runs
    await run.run()
    result = job.finish(run)                                   # outcomes, failed rows

Nothing is sent by `prepare`; `open` writes the checkpoint header (or reopens the
earlier run's) and lists rows a killed run left in flight in the failed file.

Any size: the file is streamed, twice. `prepare` reads it once to validate every row
(the invalid ones go to FILE.invalid.jsonl, the first few are kept to show) and to plan
(each row's key is looked up in the earlier run's checkpoint). The run reads it again,
validating each row again as it goes out, so no row object outlives its request. What
is kept per row is its key's digest, its flags and its line in a `KeyTable`: tens of
bytes a row, not the row.
"""

from __future__ import annotations

import json
import os
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from console import words
from console.actions.guard import needed_confirmation
from console.actions.spec import ActionSpec
from console.batch import checkpoint as cp
from console.batch.keytable import CODES, IN_FILE, SEEN, TO_SEND, KeyTable
from console.batch.limits import choose_rate
from console.batch.outcomes import FailedFile, Failures, in_flight_record
from console.batch.outcomes import default_path as failed_path
from console.batch.plan import Plan, Unit, iter_units, use_v2
from console.batch.rows import Keyer, RowProblem, ValidRow, iter_rows, validate_row
from console.errors import ConsoleError
from console.wire.credentials import Credentials
from console.wire.request import build_request

if TYPE_CHECKING:
    from console.batch.runner import BatchRun

MAX_CONCURRENCY = 1000
SHOWN_PROBLEMS = 500  # problems kept to show; every one is in FILE.invalid.jsonl
MAX_LINES_KEPT = 1000  # unknown-outcome lines kept for the summary (it shows the first few)
PROGRESS_EVERY = 0.1  # s between progress calls while a file is checked
MAX_RAW_CHARS = 2000

CheckProgress = Callable[[int, int], None]  # (rows checked, invalid so far)


class JobError(ConsoleError, ValueError):
    """The job cannot start as asked; the message says why and what to do. Nothing sent."""


def invalid_path(data_file: str | Path) -> Path:
    return Path(f"{data_file}.invalid.jsonl")


@dataclass
class Checked:
    """What checking the file found (counts; the first problems; all in the invalid file)."""

    rows: int = 0
    valid: int = 0
    invalid: int = 0
    problems: list[RowProblem] = field(default_factory=list)  # the first SHOWN_PROBLEMS
    problem_count: int = 0
    fields: Counter[str] = field(default_factory=Counter)  # every problem, by field
    invalid_file: Path | None = None  # every invalid row with its problems (None: none, or unwritable)
    invalid_file_error: str | None = None
    first: ValidRow | None = None


@dataclass
class Tally:
    """Where this run's rows stand now, from the checkpoint's view (what a resume reads)."""

    ok: int = 0
    rejected: int = 0
    unknown: int = 0
    not_delivered: int = 0  # error, or never tried: a resume sends it
    unknown_lines: list[int] = field(default_factory=list)  # the first MAX_LINES_KEPT, by line

    @property
    def rows(self) -> int:
        return self.ok + self.rejected + self.unknown + self.not_delivered


@dataclass
class Result:
    state: Any  # progress.State
    tally: Tally
    failures: Failures  # the failed file's records after compaction
    not_sent: int
    failed_file: Path | None  # None when no row is left failing


@dataclass
class Job:
    action: type[ActionSpec]
    creds: Credentials
    data_file: Path
    checked: Checked
    loaded: cp.Loaded | None  # the earlier run being resumed
    plan: Plan
    header: dict[str, Any]
    rate: float | None
    concurrency: int
    with_v2: bool
    timeout: float | None
    notes: list[str] = field(default_factory=list)
    checkpoint: cp.Checkpoint | None = None
    table: KeyTable = field(default_factory=KeyTable)
    guarded_rows: int = 0  # rows that need confirming in a protected environment (0 elsewhere)
    file_id: tuple[int, ...] = ()

    @property
    def checkpoint_path(self) -> Path:
        return cp.default_path(self.data_file)

    @property
    def failed_path(self) -> Path:
        return failed_path(self.data_file)

    def confirmation(self) -> tuple[str, str] | None:
        """In a protected environment: (what the user must type, what those rows do), or
        None when no row needs confirming. One typed identifier per row cannot scale to a
        file, so the number of guarded rows is typed instead (the CLI and the screen ask
        the same question)."""
        guarded = self.guarded_rows
        if not guarded:
            return None
        what = "send messages" if self.action.INFO.sends_message else "delete or block data"
        return str(guarded), what

    @staticmethod
    def confirmed(expected: str, typed: str | None) -> bool:
        return (typed or "").replace(",", "").strip() == expected

    def rows_to_send(self) -> Iterator[ValidRow]:
        """The rows this run sends, read from the file again and validated again as they
        come. Only a row checked by `prepare` and planned to send can come out: a row
        edited since has another key and is passed over, so nothing unchecked is sent."""
        self._unchanged()
        self.table.unmark(SEEN)
        keyer = Keyer(self.table, SEEN)
        action, table = self.action, self.table
        for row in iter_rows(self.data_file):
            if row.data is None:
                continue
            # Keyed before it is validated: rows of the same content are equally valid, so
            # the numbering of repeats is the check's, and a row this run does not send
            # (done earlier, or invalid) costs no validation.
            row.key, slot = keyer.key(row.data)
            if not table.flags(slot) & TO_SEND:
                continue
            valid = validate_row(action, row)
            if valid is not None:
                yield valid

    def units(self) -> Iterator[Unit]:
        return iter_units(self.rows_to_send(), self.with_v2)

    def _unchanged(self) -> None:
        if self.file_id and _file_id(self.data_file) != self.file_id:
            raise JobError(f"{self.data_file} changed since it was checked; check it again (nothing sent)")

    def open(self, *, restart: bool = False, client: Any = None) -> BatchRun:
        """The BatchRun, with its checkpoint open. `restart` drops the earlier run's files.
        Raises OSError when the files beside FILE cannot be written, JobError when FILE
        changed since it was checked."""
        from console.batch.runner import BatchRun, Options

        self._unchanged()
        if restart:
            self.checkpoint_path.unlink(missing_ok=True)
            self.failed_path.unlink(missing_ok=True)
        self.note_in_flight()
        if self.loaded is None:
            self.checkpoint = cp.Checkpoint.create(self.checkpoint_path, self.header, self.table)
        else:
            self.checkpoint = cp.Checkpoint.append_to(self.checkpoint_path, self.loaded.valid_length, self.table)
        run = BatchRun(
            self.action,
            self.creds,
            None,
            units=self.units(),
            total=self.plan.sending,
            checkpoint=self.checkpoint,
            failed=FailedFile(self.failed_path),
            client=client,
            options=Options(rate=self.rate, concurrency=self.concurrency, use_v2=self.with_v2, timeout=self.timeout),
        )
        run.progress.skipped = self.plan.skipped
        return run

    def note_in_flight(self) -> None:
        """Rows a killed run left in flight join the failed file as unknown outcomes, so
        the user finds them (with their input) where the other unknown rows are."""
        if not self.plan.unknown_skipped:
            return
        failed = FailedFile(self.failed_path)
        listed = failed.keys()
        failed.append(
            in_flight_record(key=r.key, line=r.line, data=r.row.data, action_title=self.action.INFO.title)
            for r in self.plan.unknown_skipped
            if listed.find(r.key) < 0
        )
        failed.close()

    def finish(self, run: Any) -> Result:
        """Close the checkpoint, compact the failed file, and say where every row stands."""
        assert self.checkpoint is not None
        try:
            self.checkpoint.close()
        except OSError as exc:  # the last fsync; the records are with the OS already
            run.note_write_failure(exc)
        table = self.table
        # The checkpoint's view, and this run's: what the disk refused to record is still
        # what happened (a refused write-ahead record means that request never went out).
        unrecorded = {
            table.find(k): CODES[e.outcome.value]
            for k, e in getattr(run, "unrecorded", {}).items()
            if e.outcome != cp.RowOutcome.SENDING
        }
        tally = Tally()
        unknown_lines: list[int] = []
        for slot in table.slots(TO_SEND):
            outcome = cp.outcome_of(unrecorded.get(slot) or table.outcome_code(slot))
            if outcome == cp.RowOutcome.OK:
                tally.ok += 1
            elif outcome == cp.RowOutcome.REJECTED:
                tally.rejected += 1
            elif outcome == cp.RowOutcome.UNKNOWN:
                tally.unknown += 1
                if len(unknown_lines) < 50 * MAX_LINES_KEPT:
                    unknown_lines.append(table.line(slot))
            else:
                tally.not_delivered += 1
        tally.unknown_lines = sorted(unknown_lines)[:MAX_LINES_KEPT]
        failed = FailedFile(self.failed_path)

        def current(key: str) -> cp.RowOutcome | None:
            slot = table.find(key)
            return None if slot < 0 else cp.outcome_of(table.outcome_code(slot))

        def present(key: str) -> bool:
            slot = table.find(key)
            return slot >= 0 and bool(table.flags(slot) & IN_FILE)

        try:
            failures = failed.compact(current, present)
        except OSError as exc:
            # Compacting writes a new copy; without room the appended file stays as it is
            # (whole, with repeats), and the next run compacts it.
            run.note_write_failure(exc)
            failed.path.with_name(failed.path.name + ".tmp").unlink(missing_ok=True)
            failures = failed.latest(current, present)
        not_sent = tally.not_delivered
        return Result(run.progress.state, tally, failures, not_sent, self.failed_path if failures.count else None)


def _file_id(path: Path) -> tuple[int, ...]:
    try:
        st = os.stat(path)
    except OSError:
        return ()
    return (st.st_size, st.st_mtime_ns, st.st_ino)


def prepare(
    action: type[ActionSpec],
    data_file: str | Path,
    creds: Credentials,
    *,
    rate: str | float | None = None,
    concurrency: int | None = None,
    resume: bool = False,
    restart: bool = False,
    v2_mode: str = "auto",
    timeout: float | None = None,
    preview: bool = False,
    on_progress: CheckProgress | None = None,
) -> Job:
    """Read and validate FILE and decide what this run sends. Raises FileFormatError,
    RateError, MissingCredential or JobError (each with the reason); sends nothing.
    `preview` (a dry run) tolerates missing keys and an earlier run's checkpoint.
    `on_progress(rows checked, invalid so far)` is called every PROGRESS_EVERY s."""
    if resume and restart:
        raise JobError(f"{words.RESUME} and {words.RESTART} contradict each other; pick one")
    if concurrency is not None and not 1 <= concurrency <= MAX_CONCURRENCY:
        raise JobError(f"{words.CONCURRENCY} must be between 1 and {MAX_CONCURRENCY} (got {concurrency})")
    data_file = Path(data_file)
    target = creds.base_url(action.INFO.api)
    chosen = choose_rate(action, rate, target)
    header = {
        "action": action.INFO.id,
        "target": target,
        "environment": creds.name or "CIO_* variables",
        "file": data_file.name,
    }
    notes: list[str] = []
    table = KeyTable()
    loaded = None if restart else _earlier_run(cp.default_path(data_file), header, resume, preview, notes, table)
    if loaded is None:
        table = KeyTable()  # an earlier run not resumed says nothing about this one
    file_id = _file_id(data_file)
    checked, todo, guarded = _check(action, data_file, creds, table, loaded, on_progress)
    if checked.first is not None:  # a missing key is reported before any question is asked
        build_request(checked.first.spec, creds, preview=preview)
    from console.batch.runner import default_concurrency

    return Job(
        action,
        creds,
        data_file,
        checked,
        loaded,
        todo,
        header,
        chosen,
        concurrency or default_concurrency(chosen),
        use_v2(action, v2_mode, todo.sending),
        timeout,
        notes,
        table=table,
        guarded_rows=guarded,
        file_id=file_id,
    )


def _check(
    action: type[ActionSpec],
    data_file: Path,
    creds: Credentials,
    table: KeyTable,
    loaded: cp.Loaded | None,
    on_progress: CheckProgress | None,
) -> tuple[Checked, Plan, int]:
    """One pass over the file: validate, key, plan; invalid rows to the invalid file."""
    checked, todo, guarded = Checked(), Plan(), 0
    keyer = Keyer(table, IN_FILE)
    repeat_safe = action.INFO.is_repeat_safe
    invalid = _InvalidFile(invalid_path(data_file))
    next_report = time.monotonic() + PROGRESS_EVERY
    try:
        for row in iter_rows(data_file):
            checked.rows += 1
            if on_progress is not None and not checked.rows % 256 and time.monotonic() >= next_report:
                on_progress(checked.rows, checked.invalid)
                next_report = time.monotonic() + PROGRESS_EVERY
            valid = validate_row(action, row)
            if valid is None:
                checked.invalid += 1
                for problem in row.problems:
                    checked.problem_count += 1
                    checked.fields[problem.field or "(the row)"] += 1
                    if len(checked.problems) < SHOWN_PROBLEMS:
                        checked.problems.append(problem)
                invalid.add(row)
                continue
            checked.valid += 1
            assert row.data is not None  # else validate_row answered None
            row.key, slot = keyer.key(row.data)
            table.set_line(slot, row.line)
            if checked.first is None:
                checked.first = valid
            earlier = cp.outcome_of(table.outcome_code(slot)) if loaded is not None else None
            if todo.place(valid, earlier, repeat_safe):
                table.mark(slot, TO_SEND)
                if needed_confirmation(valid.spec, creds) is not None:
                    guarded += 1
    finally:
        invalid.close()
    checked.invalid_file, checked.invalid_file_error = invalid.result()
    if on_progress is not None:
        on_progress(checked.rows, checked.invalid)
    return checked, todo, guarded


class _InvalidFile:
    """FILE.invalid.jsonl: every invalid row, its line, its problems and its input (owner
    only: it holds row data). Written as rows are checked; removed when none is invalid."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fh: Any = None
        self._error: str | None = None
        self._count = 0

    def add(self, row: Any) -> None:
        self._count += 1
        if self._error is not None:
            return
        record = {
            "line": row.line,
            "problems": [{"field": p.field, "message": p.message} for p in row.problems],
            "input": row.data,
        }
        if row.data is None and row.text is not None:
            record["text"] = row.text[:MAX_RAW_CHARS]
        try:
            if self._fh is None:
                fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
                os.fchmod(fd, 0o600)  # an older copy may have been created wider
                # A lone surrogate (or a byte that was not UTF-8) is written as its escape.
                self._fh = os.fdopen(fd, "w", encoding="utf-8", errors="backslashreplace")
            self._fh.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n")
        except (OSError, ValueError) as exc:
            self._error = f"{self.path}: {getattr(exc, 'strerror', None) or exc}"

    def close(self) -> None:
        if self._fh is not None:
            try:
                self._fh.close()
            except OSError as exc:
                self._error = self._error or f"{self.path}: {exc.strerror or exc}"
            self._fh = None
        if not self._count:
            try:
                self.path.unlink(missing_ok=True)  # an earlier check's list no longer applies
            except OSError:
                pass

    def result(self) -> tuple[Path | None, str | None]:
        if not self._count or self._error is not None:
            return None, self._error
        return self.path, None


def _earlier_run(
    path: Path, header: dict[str, Any], resume: bool, preview: bool, notes: list[str], table: KeyTable
) -> cp.Loaded | None:
    if not path.exists():
        if resume:
            notes.append(f"no checkpoint at {path}; sending every row")
        return None
    try:
        loaded = cp.load(path, table)
    except cp.CheckpointError as exc:
        raise JobError(f"{exc}; move it away or pass {words.RESTART}") from None
    if not loaded.header:
        return None  # killed while writing the header: nothing was sent
    if not resume:
        if preview:
            notes.append(
                f"{path} records an earlier run; this preview sends every row, as {words.RESTART} "
                f"would ({words.RESUME} previews what is left)"
            )
            return None
        done = loaded.count(cp.RowOutcome.OK)
        raise JobError(
            f"{path} records an earlier run of this file ({done:,} of its rows done). {words.PASS_RESUME} to "
            f"send only the rows it did not complete, or {words.RESTART} to discard it and send every row again"
        )
    mismatch = [
        f"{k} {loaded.header.get(k)!r} (now {header[k]!r})"
        for k in ("action", "target")
        if loaded.header.get(k) != header[k]
    ]
    if mismatch:
        raise JobError(f"{path} is for a different run: {', '.join(mismatch)}. Pass {words.RESTART} to discard it")
    return loaded
