"""Snapshots of the workspace at 120x40 (and 100x30), the help screen and the guard's modal.

Deterministic: a fixed sandbox URL (nothing is sent), no clocks, no random ids shown.
"""

from __future__ import annotations

import pytest

from screens.widgets.confirm import ConfirmScreen
from tests.ui.workspace_helpers import fill, opened, ready, sandbox_app, settle, steady_cursor, until

FIXED_ROOT = "http://127.0.0.1:8765"


@pytest.fixture(autouse=True)
def _steady_cursor(monkeypatch):
    steady_cursor(monkeypatch)


async def _identify_filled(pilot) -> None:
    ws = await ready(pilot)  # the first form comes from a loader thread: fill it once it is there
    fill(ws, customer_identifier="user_123", traits='{\n  "first_name": "Ada",\n  "plan": "premium"\n}')
    await settle(pilot)


async def _track_event_invalid(pilot) -> None:
    await pilot.pause()
    ws = await opened(pilot, "track-event")
    fill(
        ws,
        customer_identifier="user_123",
        event_name="purchased",
        event_properties='{"price": 29.99,\n "sku": }',
        timestamp="1700000000000",
    )
    await settle(pilot)
    await pilot.press("end")  # a focused Input's select-on-focus highlight would race the fill


async def _confirm(pilot) -> None:
    await pilot.pause()
    ws = await opened(pilot, "destroy-customer")
    fill(ws, customer_identifier="user_123")
    await settle(pilot)
    await pilot.press("end")
    await pilot.press("ctrl+s")
    await until(pilot, lambda: isinstance(pilot.app.screen, ConfirmScreen), "the confirmation")
    await pilot.pause()


def test_workspace_with_a_filled_form(snap_compare):
    assert snap_compare(sandbox_app(FIXED_ROOT), run_before=_identify_filled, terminal_size=(120, 40))


def test_workspace_with_invalid_fields(snap_compare):
    assert snap_compare(sandbox_app(FIXED_ROOT), run_before=_track_event_invalid, terminal_size=(120, 40))


def test_workspace_small_terminal(snap_compare):
    assert snap_compare(sandbox_app(FIXED_ROOT), run_before=_identify_filled, terminal_size=(100, 30))


async def _identify_opened_at_80(pilot) -> None:
    """80x24: open Identify Customer from the filter, as a user would; the form and the
    exact request it makes are both on screen."""
    await pilot.pause()
    ws = pilot.app.screen
    await pilot.press(*"identify", "enter")
    await until(
        pilot,
        lambda: (
            ws.state is not None
            and ws.state.action_id == "identify-customer"
            and pilot.app.focused is not None
            and ws._form() in pilot.app.focused.ancestors
        ),
    )
    fill(ws, customer_identifier="user_123", traits='{"plan": "premium"}')
    await settle(pilot)
    await pilot.press("end")


def test_workspace_at_80x24_shows_the_form_and_the_request(snap_compare):
    assert snap_compare(sandbox_app(FIXED_ROOT), run_before=_identify_opened_at_80, terminal_size=(80, 24))


def test_help_screen(snap_compare):
    assert snap_compare(sandbox_app(FIXED_ROOT), press=["f1"], terminal_size=(120, 40))


def test_confirm_modal_in_a_protected_environment(snap_compare):
    app = sandbox_app(FIXED_ROOT, protected=True, name="Production")
    assert snap_compare(app, run_before=_confirm, terminal_size=(120, 40))
