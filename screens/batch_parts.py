"""Pieces of the batch screen: the settings form, and the words and figures it shows.

The figures are the CLI progress bar's (done, failed, retrying, rate, ETA, unknown
outcome), drawn from the same `console.batch.progress.Snapshot`; the texts reuse the
CLI's wording where a user of both would compare them.
"""
from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Button, Checkbox, Input, Label, Select

from console.errors import InputError
from console.batch.limits import limit_for
from console.batch.progress import FailureItem, Snapshot, State
from console.actions.catalog import all_actions, by_api
from console.cli.batch_view import fmt_eta

FIRST_ACTION = "identify-customer"
SHOWN_PROBLEMS = 500  # invalid rows listed on screen (the count says how many more)
FIELD_WIDTH = 22  # the invalid rows' Field column wraps beyond this
SHOWN_FAILURES = 1000  # live failures listed; every one is in FILE.failed.jsonl anyway
V2_MODES = [("auto", "auto"), ("on", "on"), ("off: one request per row", "off")]


class SettingsError(InputError, ValueError):
    """A setting the screen refuses before reading the file; names the setting (and `field`
    is its key in the form's values)."""


@dataclass(frozen=True)
class Settings:
    action_id: str
    path: str
    rate: str | None  # None: the API's default
    concurrency: int | None
    v2_mode: str
    resume: bool
    restart: bool
    dry_run: bool

    @property
    def action(self) -> Any:
        return all_actions()[self.action_id]

    @property
    def file(self) -> Path:
        return Path(self.path).expanduser()


def action_options() -> list[tuple[str, str]]:
    return [(f"{spec.INFO.title} · {spec.INFO.id}", spec.INFO.id)
            for specs in by_api().values() for spec in specs]


def compose_settings() -> ComposeResult:
    with Horizontal(classes="batch-row"):
        yield Label("Action", classes="batch-label")
        yield Select(action_options(), value=FIRST_ACTION, allow_blank=False, id="batch-action", compact=True)
        yield Label("File", classes="batch-label")
        yield Input(placeholder="people.csv or people.jsonl", id="batch-file", compact=True)
    with Horizontal(classes="batch-row"):
        yield Label("Rate", classes="batch-label")
        yield Input(id="batch-rate", classes="batch-number", compact=True)
        yield Label("Concurrency", classes="batch-label")
        yield Input(id="batch-concurrency", classes="batch-number", type="integer", compact=True)
        yield Label("Track v2", classes="batch-label")
        v2_mode = Select(V2_MODES, value="auto", allow_blank=False, id="batch-v2", compact=True)
        v2_mode.tooltip = "auto: Track v2 batch requests from 10 rows up; on; off: one request per row"
        yield v2_mode
    with Horizontal(classes="batch-row"):
        yield Checkbox("Resume", id="batch-resume", compact=True,
                       tooltip="Send only the rows an earlier run of this file did not complete")
        yield Checkbox("Start over", id="batch-restart", compact=True,
                       tooltip="Discard the earlier run's checkpoint and send every row again")
        yield Checkbox("Dry run", id="batch-dry-run", compact=True, tooltip="Validate and show the requests; send nothing")
        yield Button("Check file", id="batch-check-button", compact=True)
        yield Button("Run", id="batch-run-button", variant="primary", compact=True)
        yield Button("Run anyway, skipping invalid rows", id="batch-run-anyway-button", variant="warning",
                     compact=True)


def read_settings(values: dict[str, Any]) -> Settings:
    """Settings from the form's values; SettingsError names the setting at fault."""
    path = (values["path"] or "").strip()
    if not path:
        raise SettingsError("File: type the path of a CSV or JSONL file (nothing sent)", field="path")
    rate = (values["rate"] or "").strip() or None
    text = (values["concurrency"] or "").strip()
    concurrency = None
    if text:
        try:
            concurrency = int(text)
        except ValueError:
            raise SettingsError(f"Concurrency: {text!r} is not a whole number (nothing sent)",
                                field="concurrency") from None
    if values["resume"] and values["restart"]:
        raise SettingsError("Resume and Start over contradict each other; tick one (nothing sent)",
                            field="restart")
    return Settings(values["action_id"], path, rate, concurrency, values["v2_mode"],
                    bool(values["resume"]), bool(values["restart"]), bool(values["dry_run"]))


def limit_hint(action_id: str) -> str:
    from console.batch.runner import default_concurrency

    limit = limit_for(all_actions()[action_id])
    return (f"Empty rate: {limit.default:g} requests/s, at most {limit.maximum:g}: {limit.what}. "
            f"'unlimited' only against the sandbox. Empty concurrency: "
            f"{default_concurrency(limit.default)}.")


def default_placeholders(action_id: str) -> tuple[str, str]:
    """What an empty Rate and Concurrency mean for this action."""
    from console.batch.runner import default_concurrency

    limit = limit_for(all_actions()[action_id])
    return f"{limit.default:g} req/s", str(default_concurrency(limit.default))


def concurrency_for(rate_text: str) -> str | None:
    """The default concurrency for a typed rate, or None while it is not a rate yet."""
    from console.batch.runner import default_concurrency

    text = rate_text.strip().lower().removesuffix("/s")
    if text in ("unlimited", "none", "max"):
        return str(default_concurrency(None))
    try:
        rate = float(text)
    except ValueError:
        return None
    return str(default_concurrency(rate)) if rate > 0 else None


def ui_words(message: str) -> str:
    """The core's errors name the CLI's flags; on this screen they are checkboxes."""
    return (message.replace("Pass --resume", "Tick Resume").replace("pass --resume", "tick Resume")
            .replace("--restart", "Start over").replace("--resume", "Resume").replace("--rate", "Rate")
            .replace("--concurrency", "Concurrency"))


def validation_text(job: Any) -> str:
    checked, todo = job.checked, job.plan
    lines = [f"{job.data_file.name}: {checked.rows:,} rows, {checked.valid:,} valid, "
             f"{checked.invalid:,} invalid."]
    if checked.invalid_file is not None:
        lines.append(f"Every invalid row, with its problems: {checked.invalid_file}")
    if checked.invalid and checked.valid:
        lines.append("Nothing is sent until you choose \"Run anyway, skipping invalid rows\" (ctrl+y), "
                     "or fix the file and check it again.")
    elif not checked.valid:
        lines.append("No valid rows: nothing can be sent. Fix the file and check it again.")
    if job.loaded is not None:
        from console.cli.batch_report import resume_report

        lines.append(ui_words(resume_report(todo, job.action, job.data_file)))
    lines += [ui_words(f"Note: {n}") for n in job.notes]
    pace = "no rate limit" if job.rate is None else f"{job.rate:g} requests/s"
    lines.append(f"To send: {todo.sending:,} rows at {pace}, {job.concurrency} at once"
                 f"{', as Track v2 batches' if job.with_v2 else ''}.")
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
    import json

    from console.batch import v2
    from console.wire.request import build_request

    first, units, batches = None, 0, 0
    for unit in job.units():  # streamed: a million rows are counted, not held
        first = first or unit
        units += 1
        batches += unit.is_v2
    if first is None:
        return "Dry run: nothing left to send."
    how = (f"{batches:,} Track v2 batch requests and {units - batches:,} single requests"
           if batches else f"{units:,} requests, one per row")
    pace = "no rate limit" if job.rate is None else f"{job.rate:g} requests/s"
    estimate = "" if job.rate is None else f", about {units / job.rate:,.1f} s at that rate"
    req = (v2.build_batch_request(first.ops or [], job.creds, job.action.INFO.id, preview=True) if first.is_v2
           else build_request(first.rows[0].spec, job.creds, preview=True))
    body = json.dumps(req.preview(), ensure_ascii=False, indent=2)
    if len(body) > 4000:
        body = body[:4000] + "\n…"
    return (f"Dry run: {job.plan.sending:,} rows as {how}; {pace}{estimate}. Nothing sent.\n"
            f"The first request:\n{body}")


def figures(s: Snapshot) -> str:
    """The CLI bar's figures, every one always shown (a zero is news too)."""
    target = "no limit" if s.target_rate is None else f"{s.target_rate:g} req/s"
    return " · ".join([
        f"{s.completed:,} of {s.total:,}", f"{s.done:,} done", f"{s.failed:,} failed",
        f"{s.retrying:,} retrying", f"{s.unknown:,} unknown outcome",
        f"{s.rate:,.0f} rows/s ({target})",
        # A stopped run has no ETA: what is left waits for a resume.
        "stopped" if s.state in (State.INTERRUPTED, State.HALTED) else f"ETA {fmt_eta(s.eta_s)}",
    ])


def failure_row(item: FailureItem) -> tuple[str, str, str, str, str]:
    return (str(item.line), item.outcome, str(item.status or ""), item.field or "", item.title)


def summary_text(job: Any, run: Any, result: Any) -> str:
    """Where every row of this run stands (the checkpoint's view), in the CLI's words."""
    from console.cli.batch_report import summary

    text = summary(run, result.state, job.plan, job.data_file, result.failed_file, result.tally)
    return text.replace("Run the same command with --resume to send them",
                        "Tick Resume and run again to send them").replace(
        "run the same command with --resume", "tick Resume and run again")


def prepare_job(settings: Settings, creds: Any, on_progress: Any = None) -> Any:
    from console.batch.job import prepare
    from console.actions.catalog import get_action

    return prepare(get_action(settings.action_id), settings.file, creds, rate=settings.rate,
                   concurrency=settings.concurrency, resume=settings.resume, restart=settings.restart,
                   v2_mode=settings.v2_mode, preview=settings.dry_run, on_progress=on_progress)


def stop_soon(loop: asyncio.AbstractEventLoop, run: Any, reason: str) -> None:
    """Ask the run to stop, from the UI thread, in the run's own loop."""
    try:
        loop.call_soon_threadsafe(run.stop, reason)
    except RuntimeError:
        pass  # the loop has just closed: the run is over already


def invalid_key(job: Any) -> tuple:
    """What the user agreed to skip: how many rows and problems, and the ones listed."""
    checked = job.checked
    return (checked.invalid, checked.problem_count, tuple(sorted(checked.fields.items())),
            tuple((p.line, p.field, p.message) for p in checked.problems))


def check_progress_text(name: str, rows: int, invalid: int) -> str:
    return f"Checking {name}: {rows:,} rows, {invalid:,} invalid so far…"


def add_failures(table: Any, snap: Snapshot, seen: int) -> int:
    """Add the failures (and unknown outcomes) since the `seen` first to the live table, up
    to SHOWN_FAILURES rows; how many have been seen now."""
    new = snap.failed + snap.unknown - seen
    if new <= 0:
        return seen
    room = SHOWN_FAILURES - table.row_count
    items = list(snap.failures)[-new:][:max(0, room)]
    table.add_rows(failure_row(i) for i in items)
    table.display = table.row_count > 0
    if room < new:
        table.border_subtitle = "more: every failure is in the failed file"
    return seen + new
