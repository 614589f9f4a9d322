"""What the batch screen shows of a job, and the job's steps it runs: the check's and the
dry run's texts, the live figures and failures, the summary (the settings form is
screens/batch/settings.py).

The figures are the CLI progress bar's (done, failed, retrying, rate, ETA, unknown
outcome), drawn from the same `console.batch.progress.Snapshot`; the texts reuse the
CLI's wording where a user of both would compare them.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from console.batch.progress import FailureItem, Snapshot, State
from console.batch.report import fmt_eta
from screens.words import ui_text

if TYPE_CHECKING:
    from screens.batch.settings import Settings

SHOWN_PROBLEMS = 500  # invalid rows listed on screen (the count says how many more)
FIELD_WIDTH = 22  # the invalid rows' Field column wraps beyond this
SHOWN_FAILURES = 1000  # live failures listed; every one is in FILE.failed.jsonl anyway


def ui_words(message: str) -> str:
    """A core text with the controls it names in this screen's words (its checkboxes)."""
    return ui_text(message)


def validation_text(job: Any) -> str:
    checked, todo = job.checked, job.plan
    lines = [f"{job.data_file.name}: {checked.rows:,} rows, {checked.valid:,} valid, {checked.invalid:,} invalid."]
    if checked.invalid_file is not None:
        lines.append(f"Every invalid row, with its problems: {checked.invalid_file}")
    if checked.invalid and checked.valid:
        lines.append(
            'Nothing is sent until you choose "Run anyway, skipping invalid rows" (ctrl+y), '
            "or fix the file and check it again."
        )
    elif not checked.valid:
        lines.append("No valid rows: nothing can be sent. Fix the file and check it again.")
    if job.loaded is not None:
        from console.batch.report import resume_report

        lines.append(ui_words(resume_report(todo, job.action, job.data_file)))
    lines += [ui_words(f"Note: {n}") for n in job.notes]
    pace = "no rate limit" if job.rate is None else f"{job.rate:g} requests/s"
    lines.append(
        f"To send: {todo.sending:,} rows at {pace}, {job.concurrency} at once"
        f"{', as Track v2 batches' if job.with_v2 else ''}."
    )
    return "\n".join(lines)


def problem_rows(job: Any, width: int | None = None) -> list[tuple[tuple[str, str, str], int]]:
    """((line, field, problem), height) for each invalid row's problems, the first
    SHOWN_PROBLEMS. With the table's `width`, the field and the problem are wrapped to fit
    it (a row as many lines high as it needs), so no problem is cut off at 80 columns."""
    import textwrap

    problems = job.checked.problems[:SHOWN_PROBLEMS]
    cells = [(str(p.line), p.field or "(the row)", p.message) for p in problems]
    if width is None or not cells:
        return [(c, 1) for c in cells]
    line_w = max(len("Line"), *(len(c[0]) for c in cells))
    field_w = min(FIELD_WIDTH, max(len("Field"), *(len(c[1]) for c in cells)))
    # The table's border (2), its scrollbar (1) and each column's padding (2).
    text_w = max(20, width - 2 - 1 - 3 * 2 - line_w - field_w)
    out = []
    for line, name, message in cells:
        field_lines = textwrap.wrap(name, field_w, break_on_hyphens=False) or [""]
        text_lines = textwrap.wrap(message, text_w, break_long_words=True) or [""]
        height = max(len(field_lines), len(text_lines))
        out.append(((line, "\n".join(field_lines), "\n".join(text_lines)), height))
    return out


def dry_run_text(job: Any) -> str:
    """What `batch --dry-run` says, and the first request as it would go out (keys masked)."""
    from console.batch.report import dry_run, request_json

    done = dry_run(job)
    if done.first is None:
        return "Dry run: nothing left to send."
    body = request_json(done.first, indent=2)
    if len(body) > 4000:
        body = body[:4000] + "\n…"
    return f"Dry run: {done.text()}\nThe first request:\n{body}"


def figures(s: Snapshot) -> str:
    """The CLI bar's figures, every one always shown (a zero is news too)."""
    target = "no limit" if s.target_rate is None else f"{s.target_rate:g} req/s"
    return " · ".join(
        [
            f"{s.completed:,} of {s.total:,}",
            f"{s.done:,} done",
            f"{s.failed:,} failed",
            f"{s.retrying:,} retrying",
            f"{s.unknown:,} unknown outcome",
            f"{s.rate:,.0f} rows/s ({target})",
            # A stopped run has no ETA: what is left waits for a resume.
            "stopped" if s.state in (State.INTERRUPTED, State.HALTED) else f"ETA {fmt_eta(s.eta_s)}",
        ]
    )


def failure_row(item: FailureItem) -> tuple[str, str, str, str, str]:
    return (str(item.line), item.outcome, str(item.status or ""), item.field or "", item.title)


def summary_text(job: Any, run: Any, result: Any) -> str:
    """Where every row of this run stands (the checkpoint's view), in the CLI's words."""
    from console.batch.report import summary

    return ui_words(summary(run, result.state, job.plan, job.data_file, result.failed_file, result.tally))


def prepare_job(settings: Settings, creds: Any, on_progress: Any = None) -> Any:
    from console.actions.catalog import get_action
    from console.batch.job import prepare

    return prepare(
        get_action(settings.action_id),
        settings.file,
        creds,
        rate=settings.rate,
        concurrency=settings.concurrency,
        resume=settings.resume,
        restart=settings.restart,
        v2_mode=settings.v2_mode,
        preview=settings.dry_run,
        on_progress=on_progress,
    )


def stop_soon(loop: asyncio.AbstractEventLoop, run: Any, reason: str) -> None:
    """Ask the run to stop, from the UI thread, in the run's own loop."""
    try:
        loop.call_soon_threadsafe(run.stop, reason)
    except RuntimeError:
        pass  # the loop has just closed: the run is over already


def invalid_key(job: Any) -> tuple:
    """What the user agreed to skip: how many rows and problems, and the ones listed."""
    checked = job.checked
    return (
        checked.invalid,
        checked.problem_count,
        tuple(sorted(checked.fields.items())),
        tuple((p.line, p.field, p.message) for p in checked.problems),
    )


def check_progress_text(name: str, rows: int, invalid: int) -> str:
    return f"Checking {name}: {rows:,} rows, {invalid:,} invalid so far…"


def add_failures(table: Any, snap: Snapshot, seen: int) -> int:
    """Add the failures (and unknown outcomes) since the `seen` first to the live table, up
    to SHOWN_FAILURES rows; how many have been seen now."""
    new = snap.failed + snap.unknown - seen
    if new <= 0:
        return seen
    room = SHOWN_FAILURES - table.row_count
    items = list(snap.failures)[-new:][: max(0, room)]
    table.add_rows(failure_row(i) for i in items)
    table.display = table.row_count > 0
    if room < new:
        table.border_subtitle = "more: every failure is in the failed file"
    return seen + new
