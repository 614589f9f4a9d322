"""F7, the batch screen: one action for every row of a CSV or JSONL file.

The same flow as `cio-console batch` (console.batch.job: prepare, open, finish): every
row is validated first and invalid rows are listed by line and field; nothing is sent
until the user accepts skipping them. The run goes in a thread worker with its own
event loop (20,000 rows at 1,000/s must not make the UI stutter), with the session's
credentials. A task in that loop copies a progress snapshot every 0.1 s and the UI
redraws from the latest one five times a second, instead of one message per row.
Cancel stops sending and lets requests in flight finish and be recorded, so the
checkpoint is whole and a resume sends only what did not complete.

The screen is kept for the session: Ctrl+B leaves it while a run goes on (the run, its
timer and its failures list carry on hidden; F7 shows them again), and the end of a run
seen from elsewhere is announced in a notification.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Button, Checkbox, DataTable, Header, Input, ProgressBar, Select, Static

from screens.batch import settings as settings_form
from screens.batch import view
from screens.context import console_app
from screens.styles import ASSETS, StyledOnce
from screens.widgets.footer import StableFooter
from screens.widgets.status_line import StatusLine

if TYPE_CHECKING:
    from textual.notifications import SeverityLevel

SNAPSHOT_EVERY = 0.1  # s, in the run's loop
REDRAW_EVERY = 0.2  # s, in the UI: 5 redraws a second whatever the row rate
_RUNNING_FILES: set[str] = set()  # checkpoints a screen is writing: one run per file


class BatchScreen(StyledOnce, Screen):
    HELP_TITLE = "Batch"
    CSS_PATH = [ASSETS / "batch.tcss"]
    HELP = (
        "Apply one action to every row of a CSV file (a header row of field names; JSON columns "
        "hold JSON) or a JSONL file (one JSON object a line), as `cio-console batch` does. "
        "Check file validates every row and lists the invalid ones by line and field; nothing "
        'is sent until you run, and with invalid rows only when you choose "Run anyway, '
        "skipping invalid rows\". Rate (requests/s) and concurrency default to the API's "
        "documented limit. A checkpoint beside the file records every row's outcome: after a "
        "cancel or a crash, tick Resume to send only what did not complete. Rows whose answer "
        "was lost are listed as unknown outcome and never re-sent automatically. Failures, "
        "with their explanation, go to FILE.failed.jsonl. While a run goes on, Ctrl+B goes back "
        "to the workspace and the run carries on: F7 shows it again, and a notification says "
        "when it ends."
    )
    BINDINGS = [
        Binding("ctrl+t", "check", "Check file", id="batch-check", tooltip="Read and validate every row; send nothing"),
        Binding(
            "ctrl+r",
            "run",
            "Run",
            id="batch-run",
            tooltip="Validate, then send every row (stops first if any row is invalid)",
        ),
        Binding(
            "ctrl+y",
            "run_anyway",
            "Run anyway",
            id="batch-run-anyway",
            tooltip="Run anyway, skipping invalid rows: send the valid rows; the invalid ones listed are not sent",
        ),
        Binding(
            "escape",
            "cancel",
            "Cancel run",
            id="batch-cancel",
            priority=True,
            tooltip="Stop sending; requests in flight finish and are recorded (Resume sends the rest)",
        ),
        Binding("escape", "back", "Back", id="batch-back", tooltip="Back to the workspace"),
        Binding(
            "ctrl+b",
            "leave",
            "Leave (keeps running)",
            id="batch-leave",
            tooltip="Back to the workspace while the run goes on; F7 shows it again",
        ),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.job: Any = None  # the last check's Job
        self.batch_run: Any = None  # the BatchRun in progress
        self.result: Any = None  # the last run's Result
        self.running = False
        self._accepted: tuple | None = None  # the invalid rows the user agreed to skip
        self._loop: asyncio.AbstractEventLoop | None = None
        self._snapshot: Any = None  # written by the run's thread, read by the UI
        self._failures_seen = 0
        self._cancel_requested = False
        self._check_progress: tuple[str, int, int] | None = None  # written by the check's thread
        self._check_timer: Any = None
        self._problems_width: int | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="batch-settings"):
            yield from settings_form.compose_settings()
            yield Static("", id="batch-limits")
        with VerticalScroll(id="batch-status-box"):
            yield StatusLine(id="batch-status")
        with Vertical(id="batch-progress"):
            yield ProgressBar(show_eta=False, id="batch-bar")
            yield Static("", id="batch-figures")
        yield DataTable(id="batch-problems", cursor_type="row", zebra_stripes=True)
        yield DataTable(id="batch-failures", cursor_type="row", zebra_stripes=True)
        yield StableFooter()

    def on_mount(self) -> None:
        self.query_one("#batch-settings").border_title = "Batch: one action for every row of a file"
        problems = self.query_one("#batch-problems", DataTable)
        problems.add_columns("Line", "Field", "Problem")
        problems.border_title = "Invalid rows (not sent)"
        failures = self.query_one("#batch-failures", DataTable)
        failures.add_columns("Line", "Outcome", "Status", "Field", "What happened")
        failures.border_title = "Failures"
        for ident in ("#batch-problems", "#batch-failures", "#batch-progress", "#batch-run-anyway-button"):
            self.query_one(ident).display = False
        self._show_limits()
        self.query_one("#batch-file", Input).focus()

    # -- bindings ------------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "cancel":
            return self.running  # otherwise Escape falls through to Back
        if action == "back":
            return not self.running
        if action == "leave":
            return self.running
        if action == "run_anyway":
            return not self.running and self._has_invalid()
        if action in ("check", "run"):
            return None if self.running else True
        return True

    def _has_invalid(self) -> bool:
        return self.job is not None and bool(self.job.checked.invalid) and bool(self.job.checked.valid)

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_leave(self) -> None:
        if self.running and self.app.screen is self:
            self.app.pop_screen()

    def action_check(self) -> None:
        self._start_check(then_run=False, skip_invalid=False)

    def action_run(self) -> None:
        self._start_check(then_run=True, skip_invalid=False)

    def action_run_anyway(self) -> None:
        if self._has_invalid():
            self._accepted = view.invalid_key(self.job)
            self._start_check(then_run=True, skip_invalid=True)

    def action_cancel(self) -> None:
        if not self.running:
            return
        self._cancel_requested = True  # read by the run's thread if its loop is not up yet
        loop, run = self._loop, self.batch_run
        if loop is not None and run is not None:
            view.stop_soon(loop, run, "cancelled: finishing the requests in flight")
        self._status("Cancelling: no new row is sent; requests in flight finish and are recorded…", "warning")

    @on(Button.Pressed, "#batch-check-button")
    def _check_pressed(self) -> None:
        self.action_check()

    @on(Button.Pressed, "#batch-run-button")
    def _run_pressed(self) -> None:
        self.action_run()

    @on(Button.Pressed, "#batch-run-anyway-button")
    def _run_anyway_pressed(self) -> None:
        self.action_run_anyway()

    @on(Select.Changed, "#batch-action")
    def _action_changed(self) -> None:
        self._show_limits()

    @on(Input.Changed, "#batch-rate")
    def _rate_changed(self) -> None:
        self._show_limits()

    def _show_limits(self) -> None:
        action_id = str(self.query_one("#batch-action", Select).value)
        self.query_one("#batch-limits", Static).update(settings_form.limit_hint(action_id))
        rate, concurrency = settings_form.default_placeholders(action_id)
        self.query_one("#batch-rate", Input).placeholder = rate
        # The empty concurrency follows the rate typed (enough requests in flight to hold it).
        typed = settings_form.concurrency_for(self.query_one("#batch-rate", Input).value)
        self.query_one("#batch-concurrency", Input).placeholder = typed or concurrency

    # -- checking ---------------------------------------------------------------------------------
    def settings(self) -> settings_form.Settings:
        return settings_form.read_settings(
            {
                "action_id": self.query_one("#batch-action", Select).value,
                "path": self.query_one("#batch-file", Input).value,
                "rate": self.query_one("#batch-rate", Input).value,
                "concurrency": self.query_one("#batch-concurrency", Input).value,
                "v2_mode": self.query_one("#batch-v2", Select).value,
                "resume": self.query_one("#batch-resume", Checkbox).value,
                "restart": self.query_one("#batch-restart", Checkbox).value,
                "dry_run": self.query_one("#batch-dry-run", Checkbox).value,
            }
        )

    def _start_check(self, *, then_run: bool, skip_invalid: bool) -> None:
        if self.running:
            return
        session = console_app(self).session
        if session is None:
            self._status("The environment is still loading; try again in a moment (nothing sent).", "error")
            return
        try:
            settings = self.settings()
        except settings_form.SettingsError as exc:
            self._status(str(exc), "error")
            return
        self._clear_results()
        self._status(f"Checking {settings.path}…")
        creds = session.creds
        self._check_progress = None
        # The worker only stores the figures; the UI shows them five times a second.
        self._check_timer = self.set_interval(REDRAW_EVERY, self._show_check_progress)

        def progress(rows: int, invalid: int) -> None:
            self._check_progress = (settings.file.name, rows, invalid)

        def work() -> None:
            try:
                job = view.prepare_job(settings, creds, progress)
                # Grouping 20,000 rows into requests takes a while: here, not on the UI's loop.
                dry_run = view.dry_run_text(job) if settings.dry_run and job.checked.valid else ""
            except Exception as exc:  # noqa: BLE001 - every refusal is shown, never a crash
                self.app.call_from_thread(self._check_failed, view.ui_words(f"{exc} (nothing sent)"))
                return
            self.app.call_from_thread(self._checked, job, settings, then_run, skip_invalid, dry_run)

        self.run_worker(work, thread=True, exclusive=True, group="batch-check", exit_on_error=False)

    def _show_check_progress(self) -> None:
        if self._check_progress is not None:
            self._status(view.check_progress_text(*self._check_progress))

    def _stop_check_timer(self) -> None:
        if self._check_timer is not None:
            self._check_timer.stop()
            self._check_timer = None
        self._check_progress = None

    def _check_failed(self, message: str) -> None:
        self._stop_check_timer()
        self._status(message, "error")

    def _checked(
        self, job: Any, settings: settings_form.Settings, then_run: bool, skip_invalid: bool, dry_run: str = ""
    ) -> None:
        self._stop_check_timer()
        previous = self.job
        self.job = job
        self._show_problems(job)
        text = view.validation_text(job)
        self.refresh_bindings()
        self.query_one("#batch-run-anyway-button").display = self._has_invalid()
        if not job.checked.valid:
            self._status(text, "error")
            return
        if settings.dry_run:
            self._status(text + "\n" + dry_run)
            return
        if not then_run:
            self._status(text, "warning" if job.checked.invalid else "")
            return
        if job.checked.invalid and (not skip_invalid or view.invalid_key(job) != self._accepted):
            # The file changed since the user agreed: they agree again to what is listed now.
            changed = skip_invalid and previous is not None
            self._status(("The invalid rows changed since you accepted them. " if changed else "") + text, "warning")
            return
        if not job.plan.sending:
            job.note_in_flight()
            self._status(text + "\nNothing left to send.")
            return
        needed = job.confirmation()
        if needed is None:
            self._start_run(job, settings)
            return
        from screens.widgets.confirm import ConfirmScreen

        expected, what = needed
        session = console_app(self).session
        label = session.label if session is not None else "This environment"

        def answered(typed: str | None) -> None:
            if typed is None or not job.confirmed(expected, typed):
                self._status(
                    f"Not confirmed: nothing sent. {label} is protected; type {expected}, "
                    f"the number of rows that {what}.",
                    "error",
                )
                return
            self._start_run(job, settings)

        self.app.push_screen(
            ConfirmScreen(
                env_label=label, what=f"{job.action.INFO.title} for {expected} rows (they {what})", expected=expected
            ),
            answered,
        )

    def _clear_results(self) -> None:
        """A new check starts from a clean page: the last check's or run's lists would mislead."""
        self.job = None
        for ident in ("#batch-problems", "#batch-failures", "#batch-progress", "#batch-run-anyway-button"):
            self.query_one(ident).display = False
        self.refresh_bindings()

    def _show_problems(self, job: Any) -> None:
        table = self.query_one("#batch-problems", DataTable)
        table.clear()
        rows = view.problem_rows(job, self.size.width)
        for cells, height in rows:
            table.add_row(*cells, height=height)
        more = job.checked.problem_count - len(rows)
        where = f" (all in {job.checked.invalid_file.name})" if job.checked.invalid_file else ""
        table.border_subtitle = f"and {more:,} more{where}" if more > 0 else ""
        table.display = bool(rows)
        self._problems_width = self.size.width

    def on_resize(self) -> None:
        # The problems are wrapped to the width: wrapped again when it changes.
        if self.job is not None and self._problems_width not in (None, self.size.width):
            self._show_problems(self.job)

    # -- running ----------------------------------------------------------------------------------
    def _start_run(self, job: Any, settings: settings_form.Settings) -> None:
        key = str(job.checkpoint_path.resolve())
        if key in _RUNNING_FILES:
            self._status(f"{job.data_file} is being sent by another batch screen; wait for it (nothing sent).", "error")
            return
        _RUNNING_FILES.add(key)
        self.running = True
        self._cancel_requested = False
        self._snapshot = None
        self._failures_seen = 0
        self.query_one("#batch-failures", DataTable).clear()
        self.query_one("#batch-failures").display = False
        self.query_one("#batch-progress").display = True
        self.query_one("#batch-bar", ProgressBar).update(total=max(1, job.plan.sending), progress=0)
        self.query_one("#batch-settings").disabled = True
        self.refresh_bindings()
        # The run keeps the environment it started with, even if the console switches meanwhile.
        where = job.creds.name or "the environment from CIO_* variables"
        self._status(f"Sending {job.plan.sending:,} rows of {job.data_file.name} to {where}… (Escape cancels)")
        self._redraw_timer = self.set_interval(REDRAW_EVERY, self._redraw)
        self.run_worker(
            lambda: self._run_in_thread(job, settings, key),
            thread=True,
            exclusive=True,
            group="batch-run",
            exit_on_error=False,
        )

    def _run_in_thread(self, job: Any, settings: settings_form.Settings, key: str) -> None:
        run = None
        try:
            run = job.open(restart=settings.restart)
            self.batch_run = run
            self._snapshot = run.progress.snapshot()
            asyncio.run(self._drive(run))
            result = job.finish(run)
        except Exception as exc:  # noqa: BLE001 - shown; the checkpoint keeps what was recorded
            message = f"{exc.filename}: {exc.strerror}" if isinstance(exc, OSError) and exc.filename else str(exc)
            self.app.call_from_thread(self._run_failed, message, key)
            return
        self.app.call_from_thread(self._finished, job, run, result, key)

    async def _drive(self, run: Any) -> None:
        self._loop = asyncio.get_running_loop()
        if self._cancel_requested:  # cancelled before the loop existed
            run.stop("cancelled before the first request")

        async def copy_snapshots() -> None:
            while True:
                self._snapshot = run.progress.snapshot()
                await asyncio.sleep(SNAPSHOT_EVERY)

        copier = asyncio.create_task(copy_snapshots())
        try:
            await run.run()
        finally:
            copier.cancel()
            self._snapshot = run.progress.snapshot()
            self._loop = None

    def _redraw(self) -> None:
        snap = self._snapshot
        if snap is None:
            return
        self.query_one("#batch-bar", ProgressBar).update(total=max(1, snap.total), progress=snap.completed)
        figures = view.figures(snap)
        if snap.note:
            figures += f"\n{view.ui_words(snap.note)}"
        self.query_one("#batch-figures", Static).update(Content(figures))
        self._failures_seen = view.add_failures(self.query_one("#batch-failures", DataTable), snap, self._failures_seen)

    def _end_run(self, key: str) -> None:
        _RUNNING_FILES.discard(key)
        self.running = False
        self.batch_run = None
        self._redraw_timer.stop()
        self._redraw()
        self.query_one("#batch-settings").disabled = False
        self.refresh_bindings()

    def _finished(self, job: Any, run: Any, result: Any, key: str) -> None:
        self.result = result
        self._end_run(key)
        text = view.summary_text(job, run, result)
        if result.not_sent:
            # What a resume would send is the obvious next step; tick it for the user.
            self.query_one("#batch-resume", Checkbox).value = True
            self.query_one("#batch-restart", Checkbox).value = False
        clean = result.state.value == "finished" and not result.failures
        self._status(text, "" if clean else "warning")
        self._announce(
            f"{job.data_file.name}: {text.splitlines()[0]} (F7 shows the rest)", "information" if clean else "warning"
        )

    def _run_failed(self, message: str, key: str) -> None:
        self._end_run(key)
        text = view.ui_words(f"The run stopped: {message}")
        self._status(text, "error")
        self._announce(text, "error")

    def _announce(self, text: str, severity: SeverityLevel) -> None:
        """The end of a run the user left running (the screen is hidden): say so wherever they are."""
        if not self.is_current:
            self.app.notify(text, title="Batch", severity=severity, timeout=10)

    def _status(self, text: str, severity: str = "") -> None:
        self.query_one("#batch-status", StatusLine).say(text, severity)
        self.query_one("#batch-status-box", VerticalScroll).scroll_home(animate=False)

    def on_unmount(self) -> None:
        # Leaving with a run going (the app quits): stop sending and let it record what it did.
        loop, run = self._loop, self.batch_run
        if loop is not None and run is not None:
            view.stop_soon(loop, run, "the console closed")
