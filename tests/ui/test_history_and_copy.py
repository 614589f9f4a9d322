"""History (persisted with keys masked, reopened, loaded back into the form) and copying
(curl with keys masked; revealed only on the explicit palette command; the body)."""

from __future__ import annotations

import json

from textual.widgets import DataTable

from console.environments.resolve import sandbox_credentials
from console.session.history import default_path
from screens.history.screen import HistoryScreen
from screens.inspector.inspector import Inspector
from tests.ui.inspector_helpers import secrets_of
from tests.ui.workspace_helpers import fill, ready, sandbox_app, send_and_wait, settle

TRAITS = '{"plan": "premium"}'


async def _identify(pilot, who: str = "user_hist"):
    ws = await ready(pilot)
    fill(ws, customer_identifier=who, traits=TRAITS)
    await settle(pilot)
    await send_and_wait(pilot)
    return ws


async def test_history_persists_masked_and_reopens(sandbox):
    app = sandbox_app(sandbox.root_url)
    async with app.run_test(size=(120, 40)) as pilot:
        await _identify(pilot)
    text = default_path().read_text()
    assert "user_hist" in text and "Basic ****" in text
    for secret in secrets_of(sandbox_credentials(sandbox.root_url)):
        assert secret not in text

    # A new run of the console finds it, shows it in an inspector and loads it into the form.
    again = sandbox_app(sandbox.root_url)
    async with again.run_test(size=(120, 40)) as pilot:
        ws = await ready(pilot)
        await pilot.press("f3")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        screen = again.screen
        assert isinstance(screen, HistoryScreen)
        table = screen.query_one(DataTable)
        assert table.row_count == 1
        row = table.get_row_at(0)
        assert (
            row[1] == "Sandbox" and row[2] == "Identify Customer" and row[3] == "user_hist" and str(row[5]) == "200 OK"
        )
        inspector = screen.query_one(Inspector)
        await pilot.pause()
        assert inspector.border_title.startswith("200 OK") and inspector.has_class("-ok")
        assert "/customers/user_hist" in str(inspector.query_one("#inspector-request-head").render())
        assert again.inspected is inspector.outcome
        await pilot.press("l")
        await pilot.pause()
        assert again.screen is ws
        assert ws.editor("customer_identifier").value == "user_hist"
        assert json.loads(ws.editor("traits").text) == {"plan": "premium"}


async def test_copy_as_curl_masks_keys_unless_revealed(sandbox):
    app = sandbox_app(sandbox.root_url)
    secrets = secrets_of(sandbox_credentials(sandbox.root_url))
    async with app.run_test(size=(120, 40)) as pilot:
        await _identify(pilot)
        await pilot.press("f8")
        curl = app.clipboard
        assert curl.startswith("curl -sS -X PUT") and '"$CIO_TRACK_API_KEY"' in curl and "user_hist" in curl
        assert not any(s in curl for s in secrets)
        # Revealing is its own palette command, never the default.
        await pilot.press("ctrl+p")
        await pilot.press(*"reveal keys")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        revealed = app.clipboard
        assert any(s in revealed for s in secrets) and "Authorization: Basic " in revealed
        await pilot.press("f9")
        assert json.loads(app.clipboard) == {}

        # From the history nothing can be revealed: it never held the keys.
        await pilot.press("f3")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        from screens.inspector.copying import copy_curl

        app.copy_to_clipboard("")
        copy_curl(app, reveal=True)
        assert app.clipboard == ""
        await pilot.press("f8")
        assert "$CIO_TRACK_API_KEY" in app.clipboard and not any(s in app.clipboard for s in secrets)


async def test_copy_with_nothing_inspected_says_so(sandbox):
    app = sandbox_app(sandbox.root_url)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.press("f8")
        await pilot.pause()
        assert app.clipboard == ""
        assert any("Nothing to copy yet" in str(n.message) for n in app._notifications)


async def test_a_corrupt_history_line_is_skipped(sandbox):
    app = sandbox_app(sandbox.root_url)
    async with app.run_test(size=(120, 40)) as pilot:
        await _identify(pilot, "user_a")
        with open(default_path(), "a") as fh:
            fh.write("{not json\n")
        await _identify(pilot, "user_b")
        await pilot.press("f3")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        assert screen.query_one(DataTable).row_count == 2
        status = str(screen.query_one("#history-status").render())
        assert "2 exchanges" in status and "1 unreadable line skipped" in status
        assert "/customers/user_b" in str(screen.query_one("#inspector-request-head").render())


async def test_history_help_zoom_and_back(sandbox):
    app = sandbox_app(sandbox.root_url)
    async with app.run_test(size=(120, 40)) as pilot:
        ws = await _identify(pilot)
        await pilot.press("f3")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        history = app.screen
        await pilot.press("enter")  # into the inspector
        await pilot.press("z")
        inspector = history.query_one(Inspector)
        assert history.maximized is inspector
        await pilot.press("escape")
        assert history.maximized is None and app.screen is history
        await pilot.press("f1")
        await pilot.pause()
        assert "history.jsonl" in str(app.screen.query_one("#help-text").render())
        await pilot.press("escape")
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is ws


async def test_an_unwritable_history_is_reported_not_fatal(sandbox):
    default_path().parent.parent.mkdir(parents=True, exist_ok=True)
    default_path().parent.write_text("a file where the directory should be")
    app = sandbox_app(sandbox.root_url)
    async with app.run_test(size=(120, 40)) as pilot:
        await _identify(pilot)
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        assert app.outcomes[-1].ok
        assert any("Not saved to the history" in str(n.message) for n in app._notifications)
