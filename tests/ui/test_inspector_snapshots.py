"""Snapshots of the inspector (a success, zoomed; a 401 with its error panel, in the
workspace) and of the history screen.

Deterministic: the outcomes are really sent to the sandbox, then frozen (fixed URL root,
times, dates) before they are shown; the clock's zone is UTC.
"""

from __future__ import annotations

import asyncio
import time

import pytest

from console.environments.resolve import sandbox_credentials
from console.session.history import History
from screens.inspector.inspector import Inspector
from tests.ui.inspector_helpers import EMAIL, FIXED_AT, FIXED_ROOT, frozen, send, track_key_as_app_key
from tests.ui.workspace_helpers import ready, sandbox_app, steady_cursor


@pytest.fixture(autouse=True)
def _steady_cursor(monkeypatch):
    steady_cursor(monkeypatch)


@pytest.fixture
def utc(monkeypatch):
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def _outcome(sandbox, creds, action_id, values):
    return frozen(asyncio.run(send(creds, action_id, values)), sandbox.root_url)


def _showing(outcome, *, zoom: bool = False):
    async def run_before(pilot) -> None:
        # The inspector is mounted after the first form, from the workspace's loader thread.
        inspector = (await ready(pilot)).query_one(Inspector)
        inspector.show(outcome)
        await pilot.pause()
        await pilot.pause()
        if zoom:
            inspector.focus_content()
            await pilot.press("z")
            await pilot.pause()

    return run_before


def test_inspector_success_zoomed(snap_compare, sandbox):
    outcome = _outcome(sandbox, sandbox_credentials(sandbox.root_url), "send-transactional-email", EMAIL)
    assert snap_compare(sandbox_app(FIXED_ROOT), run_before=_showing(outcome, zoom=True), terminal_size=(120, 40))


def test_inspector_401_error_panel(snap_compare, sandbox):
    outcome = _outcome(sandbox, track_key_as_app_key(sandbox.root_url), "send-transactional-email", EMAIL)
    assert outcome.exchange.status == 401
    assert snap_compare(sandbox_app(FIXED_ROOT), run_before=_showing(outcome), terminal_size=(120, 40))


def test_history_screen(snap_compare, sandbox, utc):
    creds = sandbox_credentials(sandbox.root_url)
    history = History()
    sends = [
        (track_key_as_app_key(sandbox.root_url), "send-transactional-email", EMAIL),
        (creds, "identify-customer", {"customer_identifier": "user_123", "traits": '{"plan": "premium"}'}),
        (creds, "send-transactional-email", EMAIL),
    ]
    for i, (who, action_id, values) in enumerate(sends):
        outcome = _outcome(sandbox, who, action_id, values)
        outcome.at = FIXED_AT + 60 * i
        history.append(outcome, creds.redaction_secrets())

    async def run_before(pilot) -> None:
        await pilot.pause()
        await pilot.press("f3")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.pause()

    assert snap_compare(sandbox_app(FIXED_ROOT), run_before=run_before, terminal_size=(120, 40))
