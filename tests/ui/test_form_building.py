"""A form is built a screenful first, the rest in the frames after; the highlighted action's
form is built ahead, hidden (issue 12, Speed). Neither shows: keys go where they would
have gone with the whole form there, and a form built ahead opens as one built on Enter."""

from __future__ import annotations

import json

import pytest
from textual.widgets import Input, TextArea

import screens.workspace.form as form_module
from tests.ui.test_workspace_trust import burst, drained, value_of, visible
from tests.ui.workspace_helpers import ready, sandbox_app, settle, until

BIG = "send-transactional-email"  # 23 fields


@pytest.fixture
def slow_build(monkeypatch):
    """One row a frame below the first screenful: a burst of keys right after the form
    opens always finds rows still missing."""
    monkeypatch.setattr(form_module, "MORE_ROWS", 1)


def editors(ws) -> list:
    return list(ws.query("Input, TextArea"))


async def first_field_focused(pilot, ws, action_id: str) -> None:
    from console.actions.catalog import get_action

    name = get_action(action_id).field_specs()[0].name
    await until(
        pilot,
        lambda: (
            ws.state.action_id == action_id
            and pilot.app.focused is not None
            and pilot.app.focused.id == f"field-{name}"
        ),
        f"{action_id}'s first field focused",
    )


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_tabs_typed_before_the_rows_they_reach_are_built_land_where_they_would(sandbox, slow_build, size):
    app = sandbox_app(sandbox.root_url)
    async with app.run_test(size=size) as pilot:
        ws = await ready(pilot)
        await settle(pilot)
        ws.select_action(BIG)
        await first_field_focused(pilot, ws, BIG)
        form = ws._form()
        specs = form.state.action.field_specs()
        target = specs[10]  # reply_to: a one-line field well below the first screenful
        assert target.name == "reply_to"
        assert not form.built and target.name not in form.rows()  # the premise: not built yet
        before = {id(w): value_of(w) for w in editors(ws)}
        burst(app, "a", *["tab"] * 10, "z", "shift+tab", "y")
        await until(pilot, lambda: form.built, "every row built")
        await drained(pilot)
        await pilot.pause(0.1)
        assert ws.editor(specs[0].name).value == "a"
        assert ws.editor("reply_to").value == "z"
        assert ws.editor(specs[9].name).value == "y"  # preheader, shift+tab from reply_to
        assert app.focused is ws.editor(specs[9].name) and visible(app.focused)
        changed = {w.id for w in editors(ws) if value_of(w) != before.get(id(w), "")}
        assert changed == {f"field-{specs[0].name}", "field-reply_to", f"field-{specs[9].name}"}
        # Every row is there, in the spec's order.
        assert list(form.rows()) == [s.name for s in specs]


async def test_ctrl_s_naming_a_field_not_built_yet_focuses_it_once_built(sandbox, slow_build):
    app = sandbox_app(sandbox.root_url)
    async with app.run_test(size=(80, 24)) as pilot:
        ws = await ready(pilot)
        await settle(pilot)
        # A bad value far down the form, loaded (as history's "load into form" does) before
        # its row exists: Send refuses, marks it and takes the focus to it once it is built.
        ws.load_values(BIG, {"transactional_message_id": "3", "to": "ann@example.com", "send_at": "soon"})
        await first_field_focused(pilot, ws, BIG)
        form = ws._form()
        assert "send_at" not in form.rows()
        burst(app, "ctrl+s")
        await until(pilot, lambda: form.built, "every row built")
        await drained(pilot)
        await pilot.pause(0.1)
        editor = ws.editor("send_at")
        assert app.focused is editor and visible(editor)
        assert form.rows()["send_at"].has_class("-invalid")
        assert editor.value == "soon" and ws.editor("transactional_message_id").value == "3"
        assert sent(sandbox) == []


def sent(sandbox) -> list:
    return [r for r in sandbox.sandbox.requests if r["path"] == "/v1/send/email"]


async def test_values_loaded_while_rows_are_missing_show_in_them_once_built(sandbox, slow_build):
    app = sandbox_app(sandbox.root_url)
    async with app.run_test(size=(80, 24)) as pilot:
        ws = await ready(pilot)
        await settle(pilot)
        values = {
            "transactional_message_id": "3",
            "to": "ann@example.com",
            "language": "fr",
            "headers": '{"X-Test": "1"}',
        }
        ws.load_values(BIG, values)
        await first_field_focused(pilot, ws, BIG)
        await until(pilot, lambda: ws._form().built, "every row built")
        await settle(pilot)
        assert ws.editor("to").value == "ann@example.com"
        assert ws.editor("language").value == "fr"
        headers = ws.editor("headers")
        assert isinstance(headers, TextArea) and json.loads(headers.text) == {"X-Test": "1"}
        assert ws.query_one("#preview").request["body"]["headers"] == {"X-Test": "1"}


async def _open_track_anonymous(pilot, ws, *, pause: bool) -> tuple[object, str]:
    """Type the filter, optionally rest on the highlight, then Enter and a key behind it:
    (the form shown, what its first field holds)."""
    app = pilot.app
    await pilot.press("escape")
    await drained(pilot)
    if pause:
        await pilot.press(*"track anon")
        await until(
            pilot,
            lambda: "track-anonymous" in ws._forms and ws._forms["track-anonymous"].built,
            "the highlighted form built ahead",
        )
        ahead = ws._forms["track-anonymous"]
        assert not ahead.display and not visible(ahead)  # hidden until Enter
        assert ws.state.action_id == "identify-customer"  # nothing else changed
        burst(app, "enter", "q")
    else:
        burst(app, *"track anon", "enter", "q")
    await first_field_focused(pilot, ws, "track-anonymous")
    await drained(pilot)
    await settle(pilot)
    form = ws._form()
    if pause:
        assert form is ahead  # shown, not built again
    return form, ws.editor("anonymous_id").value


async def test_a_form_built_ahead_opens_as_one_built_on_enter(sandbox):
    from console.environments import anonymous

    results = []
    for pause in (False, True):
        app = sandbox_app(sandbox.root_url)
        async with app.run_test(size=(120, 40)) as pilot:
            ws = await ready(pilot)
            await settle(pilot)
            form, first = await _open_track_anonymous(pilot, ws, pause=pause)
            expected = anonymous.current(anonymous.key_for(app.session.creds))
            # The prefill (made on opening) is there, and the key typed behind Enter adds to it.
            assert first == expected + "q"
            assert visible(form) and isinstance(app.focused, Input)
            assert ws.state.values["anonymous_id"] == expected + "q"  # what a send takes
            results.append({n: value_of(r.editor()) for n, r in form.rows().items()})
    assert results[0] == results[1]


async def test_what_was_typed_in_a_form_stays_when_it_is_opened_again(sandbox):
    app = sandbox_app(sandbox.root_url)
    async with app.run_test(size=(120, 40)) as pilot:
        ws = await ready(pilot)
        await settle(pilot)
        await _open_track_anonymous(pilot, ws, pause=True)
        ws.editor("event_name").value = "viewed"
        await settle(pilot)
        await pilot.press("escape", *"identify", "enter")
        await until(pilot, lambda: ws.state.action_id == "identify-customer", "identify opened")
        await pilot.press("escape", *"track anon")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await until(pilot, lambda: ws.state.action_id == "track-anonymous", "track-anonymous again")
        assert ws.editor("event_name").value == "viewed"
