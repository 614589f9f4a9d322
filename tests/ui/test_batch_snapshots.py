"""A snapshot of the batch screen after a check found invalid rows (nothing sent).

Deterministic: a fixed sandbox URL, a relative file name (the test runs in tmp_path),
and no run, so no rate, ETA or clock is on screen.
"""

from __future__ import annotations

from textual.widgets import DataTable, Input, Select

from tests.ui.test_batch_screen import BAD_CSV
from tests.ui.workspace_helpers import sandbox_app

FIXED_ROOT = "http://127.0.0.1:8765"


async def _checked(pilot) -> None:
    await pilot.pause()
    await pilot.press("f7")
    await pilot.pause()
    screen = pilot.app.screen
    screen.query_one("#batch-action", Select).value = "track-event"
    screen.query_one("#batch-file", Input).value = "events.csv"
    await pilot.press("ctrl+t")
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    screen.query_one("#batch-problems", DataTable).focus()  # no blinking cursor in the picture
    await pilot.pause()


def test_batch_screen_after_validation(snap_compare, tmp_path, monkeypatch):
    (tmp_path / "events.csv").write_text(BAD_CSV, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert snap_compare(sandbox_app(FIXED_ROOT), run_before=_checked, terminal_size=(120, 40))


def test_batch_screen_after_validation_at_80x24(snap_compare, tmp_path, monkeypatch):
    # Each problem is wrapped to the width, never cut ("...double quotes at li").
    (tmp_path / "events.csv").write_text(BAD_CSV, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert snap_compare(sandbox_app(FIXED_ROOT), run_before=_checked, terminal_size=(80, 24))
