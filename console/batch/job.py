"""A batch job from file to summary: the flow every face (CLI, console screen) follows.

    job = prepare(action, "people.csv", creds, resume=True)   # read, validate, plan
    job.checked.invalid / job.plan / job.guarded_rows          # what to show or ask
    run = job.open()                                           # checkpoint + failed file
    run.progress.subscribe(...)                                # figures while it runs
    await run.run()
    result = job.finish(run)                                   # outcomes, failed rows

Nothing is sent by `prepare`; `open` writes the checkpoint header (or reopens the
earlier run's) and lists rows a killed run left in flight in the failed file.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from console.batch import checkpoint as cp
from console.batch.limits import choose_rate
from console.batch.outcomes import FailedFile, default_path as failed_path, in_flight_record
from console.batch.plan import Plan, plan, use_v2
from console.batch.rows import Validated, read_rows, validate_rows
from console.credentials import Credentials
from console.guard import needed_confirmation
from console.request import build_request
from console.spec import ActionSpec

MAX_CONCURRENCY = 1000


class JobError(ValueError):
    """The job cannot start as asked; the message says why and what to do. Nothing sent."""


@dataclass
class Result:
    state: Any  # progress.State
    current: dict[str, cp.Outcome | None]  # this run's rows -> their outcome now
    failures: list[dict[str, Any]]  # the failed file's records after compaction
    not_sent: int
    failed_file: Path | None  # None when no row is left failing


@dataclass
class Job:
    action: type[ActionSpec]
    creds: Credentials
    data_file: Path
    checked: Validated
    loaded: cp.Loaded | None  # the earlier run being resumed
    plan: Plan
    header: dict[str, Any]
    rate: float | None
    concurrency: int
    with_v2: bool
    timeout: float | None
    notes: list[str] = field(default_factory=list)
    checkpoint: cp.Checkpoint | None = None

    @property
    def checkpoint_path(self) -> Path:
        return cp.default_path(self.data_file)

    @property
    def failed_path(self) -> Path:
        return failed_path(self.data_file)

    @property
    def guarded_rows(self) -> int:
        """Rows that need confirming in a protected environment (0 elsewhere)."""
        return sum(1 for row in self.plan.to_send if needed_confirmation(row.spec, self.creds) is not None)

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

    def open(self, *, restart: bool = False, client: Any = None):
        """The BatchRun, with its checkpoint open. `restart` drops the earlier run's files.
        Raises OSError when the files beside FILE cannot be written."""
        from console.batch.runner import BatchRun, Options

        if restart:
            self.checkpoint_path.unlink(missing_ok=True)
            self.failed_path.unlink(missing_ok=True)
        self.note_in_flight()
        if self.loaded is None:
            self.checkpoint = cp.Checkpoint.create(self.checkpoint_path, self.header)
        else:
            self.checkpoint = cp.Checkpoint.append_to(self.checkpoint_path, self.loaded.valid_length)
        run = BatchRun(self.action, self.creds, self.plan.to_send, checkpoint=self.checkpoint,
                       failed=FailedFile(self.failed_path), client=client,
                       options=Options(rate=self.rate, concurrency=self.concurrency, use_v2=self.with_v2,
                                       timeout=self.timeout))
        run.progress.skipped = self.plan.skipped
        return run

    def note_in_flight(self) -> None:
        """Rows a killed run left in flight join the failed file as unknown outcomes, so
        the user finds them (with their input) where the other unknown rows are."""
        if not self.plan.unknown_skipped:
            return
        failed = FailedFile(self.failed_path)
        listed = {r.get("key") for r in failed.read()}
        failed.append(in_flight_record(key=r.key, line=r.line, data=r.row.data, action_title=self.action.INFO.title)
                      for r in self.plan.unknown_skipped if r.key not in listed)
        failed.close()

    def finish(self, run: Any) -> Result:
        """Close the checkpoint, compact the failed file, and say where every row stands."""
        assert self.checkpoint is not None
        try:
            self.checkpoint.close()
        except OSError as exc:  # the last fsync; the records are with the OS already
            run.note_write_failure(exc)
        # A refused write-ahead record means that request never went out: nothing to add.
        unrecorded = {k: e for k, e in getattr(run, "unrecorded", {}).items() if e.outcome != cp.Outcome.SENDING}
        final = cp.Loaded(self.header, {**(self.loaded.entries if self.loaded else {}), **self.checkpoint.written})
        # This run's view: what the disk refused to record is still what happened.
        now = cp.Loaded(self.header, {**final.entries, **unrecorded})
        current = {row.key: now.outcome(row.key) for row in self.plan.to_send}
        present = {row.key for row in self.checked.valid}
        failed = FailedFile(self.failed_path)
        try:
            failures = failed.compact({k: final.outcome(k) for k in final.entries}, present)
        except OSError as exc:
            # Compacting writes a new copy; without room the appended file stays as it is
            # (whole, with repeats), and the next run compacts it.
            run.note_write_failure(exc)
            failed.path.with_name(failed.path.name + ".tmp").unlink(missing_ok=True)
            failures = failed.latest({k: final.outcome(k) for k in final.entries}, present)
        not_sent = sum(1 for o in current.values() if o in (None, cp.Outcome.ERROR))
        return Result(run.progress.state, current, failures, not_sent, self.failed_path if failures else None)


def prepare(action: type[ActionSpec], data_file: str | Path, creds: Credentials, *, rate: str | float | None = None,
            concurrency: int | None = None, resume: bool = False, restart: bool = False,
            v2_mode: str = "auto", timeout: float | None = None, preview: bool = False) -> Job:
    """Read and validate FILE and decide what this run sends. Raises FileFormatError,
    RateError, MissingCredential or JobError (each with the reason); sends nothing.
    `preview` (a dry run) tolerates missing keys and an earlier run's checkpoint."""
    if resume and restart:
        raise JobError("--resume and --restart contradict each other; pick one")
    if concurrency is not None and not 1 <= concurrency <= MAX_CONCURRENCY:
        raise JobError(f"--concurrency must be between 1 and {MAX_CONCURRENCY} (got {concurrency})")
    data_file = Path(data_file)
    checked = validate_rows(action, read_rows(data_file))
    target = creds.base_url(action.INFO.api)
    if checked.valid:  # a missing key is reported before any question is asked
        build_request(checked.valid[0].spec, creds, preview=preview)
    chosen = choose_rate(action, rate, target)
    header = {"action": action.INFO.id, "target": target, "environment": creds.name or "CIO_* variables",
              "file": data_file.name}
    notes: list[str] = []
    loaded = None if restart else _earlier_run(cp.default_path(data_file), header, resume, preview, notes)
    todo = plan(checked.valid, loaded, action)
    from console.batch.runner import default_concurrency

    return Job(action, creds, data_file, checked, loaded, todo, header, chosen,
               concurrency or default_concurrency(chosen), use_v2(action, v2_mode, len(todo.to_send)),
               timeout, notes)


def _earlier_run(path: Path, header: dict[str, Any], resume: bool, preview: bool, notes: list[str]) -> cp.Loaded | None:
    if not path.exists():
        if resume:
            notes.append(f"no checkpoint at {path}; sending every row")
        return None
    try:
        loaded = cp.load(path)
    except cp.CheckpointError as exc:
        raise JobError(f"{exc}; move it away or pass --restart") from None
    if not loaded.header:
        return None  # killed while writing the header: nothing was sent
    if not resume:
        if preview:
            notes.append(f"{path} records an earlier run; this preview sends every row, as --restart "
                         f"would (--resume previews what is left)")
            return None
        done = sum(1 for k in loaded.entries if loaded.outcome(k) == cp.Outcome.OK)
        raise JobError(
            f"{path} records an earlier run of this file ({done:,} of its rows done). Pass --resume to "
            f"send only the rows it did not complete, or --restart to discard it and send every row again")
    mismatch = [f"{k} {loaded.header.get(k)!r} (now {header[k]!r})"
                for k in ("action", "target") if loaded.header.get(k) != header[k]]
    if mismatch:
        raise JobError(f"{path} is for a different run: {', '.join(mismatch)}. Pass --restart to discard it")
    return loaded
