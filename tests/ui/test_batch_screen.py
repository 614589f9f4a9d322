"""The batch screen (F7) against the loopback sandbox: validation first, nothing sent
until accepted, a run where every valid row arrives once, cancel then resume, failures."""

from __future__ import annotations

import dataclasses
import json

from textual.widgets import Checkbox, DataTable, Input, Select

from console.environments.resolve import sandbox_credentials
from console.session.session import Session
from screens.app import CioConsoleApp
from screens.batch.screen import BatchScreen
from tests.batch.conftest import event_counts, events, write_jsonl

BAD_CSV = (
    "customer_identifier,event_name,event_properties\n"
    'u1,batch_test,"{""row"": 1}"\n'
    "u2,,\n"  # line 3: no event name
    'u3,batch_test,"{not json"\n'  # line 4: bad JSON
    "u4,batch_test,\n"
)


def app_for(sandbox, *, protected: bool = False) -> CioConsoleApp:
    creds = sandbox_credentials(sandbox.root_url)
    if protected:
        creds = dataclasses.replace(creds, name="Production", protected=True)
    return CioConsoleApp(session=Session(creds))


async def open_batch(pilot, path, *, action: str = "track-event", rate: str = "", v2: str = "auto") -> BatchScreen:
    await pilot.pause()
    await pilot.press("f7")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, BatchScreen)
    screen.query_one("#batch-action", Select).value = action
    screen.query_one("#batch-file", Input).value = str(path)
    screen.query_one("#batch-rate", Input).value = rate
    screen.query_one("#batch-v2", Select).value = v2
    return screen


async def idle(pilot) -> None:
    """Until the check or run workers are done and the screen has redrawn."""
    screen = pilot.app.screen
    for _ in range(3000):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause(0.02)
        if not getattr(screen, "running", False):
            break
    await pilot.pause()


def track_requests(sandbox) -> list[dict]:
    return [r for r in sandbox.sandbox.requests if r["api"] == "track"]


def table_rows(screen, ident: str) -> list[tuple[str, ...]]:
    table = screen.query_one(ident, DataTable)
    return [tuple(str(c) for c in table.get_row_at(i)) for i in range(table.row_count)]


def status(screen) -> str:
    return str(screen.query_one("#batch-status").render())


async def test_bad_rows_are_listed_by_line_and_field_and_nothing_is_sent_until_accepted(sandbox, tmp_path):
    path = tmp_path / "events.csv"
    path.write_text(BAD_CSV, encoding="utf-8")
    async with app_for(sandbox).run_test(size=(120, 40)) as pilot:
        screen = await open_batch(pilot, path, v2="off")
        await pilot.press("ctrl+r")  # Run: validates first, and stops at the invalid rows
        await idle(pilot)
        problems = table_rows(screen, "#batch-problems")
        assert [(line, field) for line, field, _ in problems] == [("3", "event_name"), ("4", "event_properties")]
        assert "4 rows, 2 valid, 2 invalid" in status(screen)
        assert track_requests(sandbox) == []
        await pilot.press("ctrl+r")  # running again does not skip them silently
        await idle(pilot)
        assert track_requests(sandbox) == []
        assert screen.query_one("#batch-run-anyway-button").display

        await pilot.press("ctrl+y")  # Run anyway, skipping invalid rows
        await idle(pilot)
        assert event_counts(sandbox) == {"u1": 1, "u4": 1}
        assert "2 done, 0 failed" in status(screen)


async def test_a_run_sends_every_valid_row_once_with_the_cli_figures(sandbox, tmp_path):
    path = write_jsonl(tmp_path / "events.jsonl", events(40, "r"))
    async with app_for(sandbox).run_test(size=(120, 40)) as pilot:
        screen = await open_batch(pilot, path, rate="unlimited")
        await pilot.press("ctrl+r")
        await idle(pilot)
        counts = event_counts(sandbox)
        assert len(counts) == 40 and set(counts.values()) == {1}
        figures = str(screen.query_one("#batch-figures").render())
        for words in ("40 of 40", "40 done", "0 failed", "0 retrying", "0 unknown outcome", "rows/s", "ETA"):
            assert words in figures
        assert not path.with_name("events.jsonl.failed.jsonl").exists()


async def test_cancel_half_way_then_resume_sends_only_the_rest(sandbox, tmp_path):
    sandbox.sandbox.add_fault("/api/v1/customers/*", delay=0.2, times=None)
    path = write_jsonl(tmp_path / "events.jsonl", events(60, "c"))
    async with app_for(sandbox).run_test(size=(120, 40)) as pilot:
        screen = await open_batch(pilot, path, rate="30", v2="off")
        await pilot.press("ctrl+r")
        for _ in range(500):
            await pilot.pause(0.02)
            if sum(event_counts(sandbox).values()) >= 15:
                break
        assert screen.running
        await pilot.press("escape")  # Cancel run: in-flight requests finish and are recorded
        await idle(pilot)
        assert isinstance(pilot.app.screen, BatchScreen)  # escape cancelled; it did not leave
        sent_before = sum(event_counts(sandbox).values())
        assert 15 <= sent_before < 60
        assert "interrupted" in status(screen) and "Tick Resume" in status(screen)
        assert "stopped" in str(screen.query_one("#batch-figures").render())  # no ETA for a stopped run
        assert screen.query_one("#batch-concurrency", Input).placeholder == "10"  # the default for 30 req/s
        assert screen.query_one("#batch-resume", Checkbox).value  # ticked for the user

        sandbox.sandbox.clear_faults()
        screen.query_one("#batch-rate", Input).value = "unlimited"
        await pilot.press("ctrl+r")
        await idle(pilot)
        counts = event_counts(sandbox)
        assert len(counts) == 60 and set(counts.values()) == {1}, counts
        assert f"{sent_before:,} rows were completed by an earlier run" in status(screen)


async def test_failures_are_listed_live_with_line_and_explanation(sandbox, tmp_path):
    rows = events(6, "f")
    sandbox.sandbox.add_fault("/api/v1/customers/f2/events", status=400, times=None)
    sandbox.sandbox.add_fault("/api/v1/customers/f4/events", status=400, times=None)
    path = write_jsonl(tmp_path / "events.jsonl", rows)
    async with app_for(sandbox).run_test(size=(120, 40)) as pilot:
        screen = await open_batch(pilot, path, rate="unlimited", v2="off")
        await pilot.press("ctrl+r")
        await idle(pilot)
        failures = table_rows(screen, "#batch-failures")
        # Rows go out concurrently, so failures arrive in either order.
        assert sorted((line, outcome, code) for line, outcome, code, *_ in failures) == [
            ("3", "rejected", "400"),
            ("5", "rejected", "400"),
        ]
        assert all(f[4] for f in failures)  # each says what happened
        failed = [json.loads(line) for line in path.with_name("events.jsonl.failed.jsonl").read_text().splitlines()]
        assert sorted(r["line"] for r in failed) == [3, 5]
        assert "4 done, 2 failed" in status(screen)


async def test_protected_environment_asks_for_the_count_of_guarded_rows(sandbox, tmp_path):
    from screens.widgets.confirm import ConfirmScreen

    path = write_jsonl(tmp_path / "gone.jsonl", [{"customer_identifier": f"g{i}"} for i in range(3)])
    async with app_for(sandbox, protected=True).run_test(size=(120, 40)) as pilot:
        screen = await open_batch(pilot, path, action="destroy-customer", rate="unlimited")
        await pilot.press("ctrl+r")
        await idle(pilot)
        assert isinstance(pilot.app.screen, ConfirmScreen)
        assert pilot.app.screen.expected == "3"
        await pilot.press("escape")
        await pilot.pause()
        assert track_requests(sandbox) == [] and "Not confirmed" in status(screen)

        await pilot.press("ctrl+r")
        await idle(pilot)
        pilot.app.screen.query_one("#confirm-input", Input).value = "3"
        await pilot.press("enter")
        await idle(pilot)
        deleted = [r for r in track_requests(sandbox) if r["method"] == "DELETE"]
        assert len(deleted) == 3


async def test_bad_settings_name_the_setting_and_send_nothing(sandbox, tmp_path):
    path = tmp_path / "events.csv"
    path.write_text(BAD_CSV, encoding="utf-8")
    async with app_for(sandbox).run_test(size=(120, 40)) as pilot:
        screen = await open_batch(pilot, path)
        await pilot.press("ctrl+t")
        await idle(pilot)
        assert screen.query_one("#batch-problems").display
        screen.query_one("#batch-rate", Input).value = "fast"
        await pilot.press("ctrl+r")
        await idle(pilot)
        assert "Rate 'fast' must be a number" in status(screen)
        # The last check's list no longer stands: it is hidden, and so is "Run anyway".
        assert not screen.query_one("#batch-problems").display
        assert not screen.query_one("#batch-run-anyway-button").display
        screen.query_one("#batch-rate", Input).value = ""
        screen.query_one("#batch-file", Input).value = str(tmp_path / "missing.csv")
        await pilot.press("ctrl+r")
        await idle(pilot)
        assert "cannot read" in status(screen) and "missing.csv" in status(screen)
        assert track_requests(sandbox) == []


async def test_dry_run_shows_the_first_request_masked_and_sends_nothing(sandbox, tmp_path):
    from console.sandbox import DEMO_CREDENTIALS

    path = write_jsonl(tmp_path / "events.jsonl", events(12, "d"))
    async with app_for(sandbox).run_test(size=(120, 40)) as pilot:
        screen = await open_batch(pilot, path, v2="off")
        screen.query_one("#batch-dry-run", Checkbox).value = True
        await pilot.press("ctrl+r")
        await idle(pilot)
        text = status(screen)
        assert "Dry run: 12 rows as 12 requests, one per row" in text and "Nothing sent" in text
        assert '"Authorization": "Basic ****"' in text and DEMO_CREDENTIALS.track_key not in text
        assert track_requests(sandbox) == []
        assert not path.with_name("events.jsonl.checkpoint.jsonl").exists()


def test_empty_rate_and_concurrency_say_the_defaults():
    from screens.batch.settings import concurrency_for, default_placeholders

    assert default_placeholders("identify-customer") == ("1000 req/s", "200")
    assert default_placeholders("send-transactional-email") == ("100 req/s", "24")
    assert concurrency_for("20") == "8" and concurrency_for("unlimited") == "16"
    assert concurrency_for("fast") is None and concurrency_for("0") is None


async def test_a_large_file_is_checked_in_the_background_with_progress_and_keys_answered(sandbox, tmp_path):
    import asyncio

    path = write_jsonl(tmp_path / "events.jsonl", events(60_000, "big"))
    async with app_for(sandbox).run_test(size=(120, 40)) as pilot:
        screen = await open_batch(pilot, path)
        screen.query_one("#batch-rate", Input).focus()
        screen.action_check()  # as ctrl+t does; Pilot's press would wait for the check to end
        shown, typed = [], False
        while screen.job is None:
            await asyncio.sleep(0.01)  # the UI's loop keeps turning while the file is checked
            text = status(screen)
            if "invalid so far" in text and text not in shown:
                shown.append(text)
            if len(shown) == 2 and not typed:
                pilot.app.simulate_key("5")
                pilot.app.simulate_key("0")
                typed = True
            if typed and screen.job is None and screen.query_one("#batch-rate", Input).value == "50":
                typed = "answered while checking"
        assert len(shown) >= 2, shown  # the progress was redrawn as rows were checked
        assert typed == "answered while checking"
        await idle(pilot)
        assert "60,000 rows, 60,000 valid, 0 invalid" in status(screen)
        assert track_requests(sandbox) == []
