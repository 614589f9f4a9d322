"""What is on the workspace is what is sent (issue 12): the action Enter opens is the one
highlighted, which is the first match; every focus stop is visible; no key lands in a field
the focus has left or the user cannot see, even when keys arrive in one burst; focus and
error marks differ; status text follows the state; select-all in the JSON editors; F8/F9
copy what the inspector shows; 80x24 shows the form and the request."""

from __future__ import annotations

import pytest
from textual import events
from textual.widgets import Input, TextArea

from screens.inspector.inspector import Inspector
from screens.workspace.form import ActionForm
from tests.ui.workspace_helpers import fill, opened, ready, sandbox_app, send_and_wait, sent, settle, status_text, until


def burst(app, *keys: str) -> None:
    """Post keys to the App in one go, as a terminal delivers them when they come in one
    read (a fast typist, tmux send-keys): none is handled before the next is queued."""
    for key in keys:
        char = key if len(key) == 1 else {"enter": "\r", "tab": "\t", "escape": "\x1b"}.get(key)
        event = events.Key(key, char)
        event.set_sender(app)
        app.post_message(event)


async def drained(pilot) -> None:
    """Until every key sent has been handled: none held by the App's key gate, and the App
    quiet (each `pilot.pause()` waits for that: tests/quiet_wait.py), twice, since a
    handler may post more. A condition, not a fixed time, so a loaded machine only slows it."""
    await until(pilot, lambda: pilot.app.key_gate.in_flight is None and not pilot.app.key_gate.waiting, "the keys")
    await pilot.pause()
    await pilot.pause()


def value_of(widget) -> str:
    if isinstance(widget, Input):
        return widget.value
    if isinstance(widget, TextArea):
        return widget.text
    return ""


def visible(widget) -> bool:
    """On screen: displayed, a non-empty region inside the screen and inside every
    scrolling ancestor's window."""
    if not widget.display or not widget.region.area:
        return False
    return widget.screen.region.intersection(widget.region).area > 0


def first_listed(ws) -> str | None:
    """The first action the list shows (what Enter must open)."""
    options = ws.query_one("#action-options").options
    return next((o.id for o in options if o.id and not o.disabled), None)


def screen_text(app) -> list[str]:
    return [s.text for s in app.screen._compositor.render_strips()]


def rendered(app, region) -> list[str]:
    """The screen's cells in `region`, text and style (so a colour-only change counts)."""
    strips = app.screen._compositor.render_strips()
    lines = []
    for y in range(region.y, region.bottom):
        strip = strips[y].crop(region.x, region.right)
        lines.append("".join(f"{seg.text}{seg.style}" for seg in strip))
    return lines


# -- defect 2: the filter's highlight follows the filter, Enter opens it ------------------------
async def test_enter_opens_the_first_match_after_editing_the_filter(sandbox):
    app = sandbox_app(sandbox.root_url)
    async with app.run_test(size=(120, 40)) as pilot:
        ws = await ready(pilot)
        await pilot.press(*"unsuppress")
        await pilot.press("home", "delete", "delete")
        await drained(pilot)
        assert ws.query_one("#action-filter", Input).value == "suppress"
        assert first_listed(ws) == "suppress-customer"
        options = ws.query_one("#action-options")
        assert options.highlighted_option.id == "suppress-customer"
        await pilot.press("enter")
        await until(pilot, lambda: ws.state.action_id == "suppress-customer", "Suppress Customer opened")

        await pilot.press("escape")
        await pilot.press("ctrl+a", "ctrl+k")  # (Input: start of line, delete to the end)
        await pilot.press(*"pipe", "backspace", "backspace", "backspace", "backspace", *"iden")
        await drained(pilot)
        assert first_listed(ws) == "identify-customer"
        await pilot.press("enter")
        await until(pilot, lambda: ws.state.action_id == "identify-customer", "Identify Customer opened")


async def test_the_highlight_is_as_bright_while_typing_in_the_filter_as_in_the_list(sandbox):
    app = sandbox_app(sandbox.root_url)
    async with app.run_test(size=(120, 40)) as pilot:
        ws = await ready(pilot)
        await pilot.press(*"track")
        await drained(pilot)
        options = ws.query_one("#action-options")
        row = options.region.y + options.highlighted - options.scroll_offset.y
        x = options.region.x + 3
        typing = app.screen._compositor.get_style_at(x, row)
        await pilot.press("down")  # into the list: Textual's "focused" highlight
        await drained(pilot)
        assert app.focused is options
        listed = app.screen._compositor.get_style_at(x, row)
        assert typing.bgcolor == listed.bgcolor and typing.color == listed.color


# -- defect 3: no invisible focus stop; every stop is visible --------------------------------
async def test_keys_after_tab_from_the_action_list_are_visible_where_they_go(sandbox):
    app = sandbox_app(sandbox.root_url)
    async with app.run_test(size=(120, 40)) as pilot:
        ws = await ready(pilot)
        await settle(pilot)
        await pilot.press("escape", "tab", "tab")
        await drained(pilot)
        focused = app.focused
        assert not isinstance(focused, ActionForm)
        await pilot.press(*"HELLO")
        await drained(pilot)
        assert visible(app.focused) and value_of(app.focused).endswith("HELLO")
        await pilot.press("tab")
        await drained(pilot)
        # Nothing was kept aside to land in another field later.
        holders = [n for n, row in ws._form().rows().items() if "HELLO" in value_of(row.editor())]
        assert holders == ["customer_identifier"]


async def walk_focus_stops(pilot, limit: int = 40) -> list:
    """Tab through the workspace once; each stop must be on screen and look focused."""
    app = pilot.app
    seen = []
    await pilot.press("escape")
    await drained(pilot)
    start = app.focused
    while len(seen) < limit:
        widget = app.focused
        assert widget is not None
        assert visible(widget), f"focus stop {widget!r} is not on screen"
        assert not isinstance(widget, ActionForm), "the form is not a focus stop of its own"
        # What marks the focus (the widget, or its field row's bar): the screen must differ
        # from the same screen with the focus elsewhere.
        region = widget.region.grow((0, 3, 0, 3)).intersection(app.screen.region)
        focused_cells = rendered(app, region)
        app.screen.set_focus(None)
        await pilot.pause()
        unfocused_cells = rendered(app, region)
        assert focused_cells != unfocused_cells, f"focus on {widget!r} does not show"
        app.screen.set_focus(widget)
        await pilot.pause()
        seen.append(widget)
        await pilot.press("tab")
        await drained(pilot)
        if app.focused is start:
            break
    return seen


async def test_every_focus_stop_of_the_workspace_is_visible_and_marked(sandbox):
    app = sandbox_app(sandbox.root_url)
    async with app.run_test(size=(120, 40)) as pilot:
        ws = await ready(pilot)
        fill(ws, customer_identifier="user_1001")
        await settle(pilot)
        await send_and_wait(pilot)  # the inspector's content becomes a stop too
        stops = await walk_focus_stops(pilot)
        kinds = {type(w).__name__ for w in stops}
        assert {"ActionFilter", "ActionOptions", "FieldInput", "JsonEditor"} <= kinds


async def test_keys_typed_while_a_form_mounts_go_only_to_its_first_field(sandbox):
    app = sandbox_app(sandbox.root_url)
    async with app.run_test(size=(120, 40)) as pilot:
        ws = await ready(pilot)
        # Enter opens Track Event (not built yet) and the keys behind it arrive at once.
        burst(app, *"track event", "enter", *"user_9")
        await until(
            pilot,
            lambda: (
                ws.state.action_id == "track-event"
                and isinstance(app.focused, Input)
                and app.focused.id == "field-customer_identifier"
            ),
            "the first field focused",
        )
        await drained(pilot)
        assert ws.query_one("#action-filter", Input).value == "track event"
        assert ws.editor("customer_identifier").value == "user_9"
        # Typed ahead, then Escape before the rows exist: the keys go nowhere, not into a
        # field later.
        burst(app, "escape", *"destroy", "enter", *"abc", "escape")
        await until(pilot, lambda: ws.state.action_id == "destroy-customer", "Destroy Customer opened")
        await drained(pilot)
        assert ws.editor("customer_identifier").value == ""
        assert app.focused is ws.query_one("#action-filter")


# -- defect 15: a key typed right behind a focus-moving key goes where the focus went -------------
async def test_a_key_right_behind_tab_lands_in_the_next_field(sandbox):
    app = sandbox_app(sandbox.root_url)
    async with app.run_test(size=(120, 40)) as pilot:
        ws = await opened(pilot, "track-event")
        await ready(pilot)
        ws.editor("customer_identifier").focus()
        await drained(pilot)
        burst(app, "u", "tab", "e", "v", "tab", "{")
        await drained(pilot)
        assert ws.editor("customer_identifier").value.endswith("u")
        assert ws.editor("event_name").value.endswith("ev")
        editor = app.focused
        assert isinstance(editor, TextArea) and editor.text.startswith("{")
        # Enter moves on from a one-line field; shift+tab back; Escape to the filter.
        ws.editor("customer_identifier").focus()
        await drained(pilot)
        burst(app, "enter", "x", "shift+tab", "y", "escape", "z")
        await drained(pilot)
        # (Tab or Enter into a one-line field selects what it holds: typing replaces it.)
        assert ws.editor("event_name").value == "x"
        assert ws.editor("customer_identifier").value == "y"
        assert ws.query_one("#action-filter", Input).value == "z"


# -- defect 10: focus and error marks differ; a refused value is selected -------------------
async def test_focus_and_error_marks_differ_in_shape(sandbox):
    app = sandbox_app(sandbox.root_url)
    async with app.run_test(size=(120, 40)) as pilot:
        ws = await ready(pilot)
        fill(ws, customer_identifier="user_1", traits="{")
        await settle(pilot)
        ws.editor("customer_identifier").focus()
        await drained(pilot)
        rows = ws._form().rows()
        focused, invalid = rows["customer_identifier"], rows["traits"]
        assert invalid.has_class("-invalid")
        strips = app.screen._compositor.render_strips()
        focus_glyph = strips[focused.region.y].crop(focused.region.x, focused.region.x + 1).text
        error_glyph = strips[invalid.region.y].crop(invalid.region.x, invalid.region.x + 1).text
        assert focus_glyph.strip() and error_glyph.strip() and focus_glyph != error_glyph


async def test_after_a_refusal_typing_replaces_the_refused_value(sandbox):
    sandbox.sandbox.add_fault(
        "/v1/send/email", method="POST", status=400, body={"meta": {"error": "transactional_message_id: not found"}}
    )
    app = sandbox_app(sandbox.root_url)
    async with app.run_test(size=(120, 40)) as pilot:
        ws = await opened(pilot, "send-transactional-email")
        await ready(pilot)
        fill(ws, transactional_message_id="2", to="ada@example.com", identifiers='{"id": "user_1001"}')
        await settle(pilot)
        await send_and_wait(pilot)
        editor = ws.editor("transactional_message_id")
        assert app.focused is editor, status_text(ws)
        await pilot.press("3")
        assert editor.value == "3"


# -- defect 11: status text follows the state ---------------------------------------------------
async def test_not_sent_line_follows_the_fields_and_the_size_follows_the_preview(sandbox):
    app = sandbox_app(sandbox.root_url)
    async with app.run_test(size=(120, 40)) as pilot:
        ws = await ready(pilot)
        preview = ws.query_one("#preview")
        fill(ws, customer_identifier="user_1001", traits='{"plan": "premium"}')
        await settle(pilot)
        assert preview.border_subtitle.startswith("body ")
        fill(ws, traits='{"plan": ')
        await settle(pilot)
        await send_and_wait(pilot)
        assert "Not sent: fix Traits" in status_text(ws)
        assert not preview.border_subtitle.startswith("body "), "a size for a request no longer shown"
        fill(ws, traits='{"plan": "basic"}')
        await settle(pilot)
        assert "Not sent" not in status_text(ws)
        assert preview.border_subtitle.startswith("body ")
        fill(ws, customer_identifier="")
        await settle(pilot)
        assert not preview.border_subtitle.startswith("body ")
        assert sent(sandbox) == []


# -- defect 14: select-all in the JSON editor -------------------------------------------------------
async def test_ctrl_a_selects_all_in_a_json_editor_and_typing_replaces_it(sandbox):
    app = sandbox_app(sandbox.root_url)
    async with app.run_test(size=(120, 40)) as pilot:
        ws = await ready(pilot)
        fill(ws, traits='{\n  "plan": "premium"\n}')
        await settle(pilot)
        ws.editor("traits").focus()
        await drained(pilot)
        await pilot.press("ctrl+a")
        assert ws.editor("traits").selected_text == '{\n  "plan": "premium"\n}'
        await pilot.press("{", "}")
        assert ws.editor("traits").text.startswith("{}")
        await pilot.press("f1")  # discoverable: the help lists it
        await drained(pilot)
        assert "Select all" in {row[1] for row in app.screen.rows}


# -- defect 5: F8/F9 copy what the inspector shows, and say which -----------------------------
async def test_f8_copies_the_exchange_the_inspector_shows_not_the_last_recorded(sandbox):
    from console.actions.catalog import get_action

    app = sandbox_app(sandbox.root_url)
    copied: list[str] = []
    app.copy_to_clipboard = copied.append  # type: ignore[method-assign]
    async with app.run_test(size=(120, 40)) as pilot:
        ws = await ready(pilot)
        fill(ws, customer_identifier="user_shown")
        await settle(pilot)
        await send_and_wait(pilot)
        shown = ws.query_one(Inspector).outcome
        # Another screen (F6) sends and records its exchange meanwhile.
        other = await app.session.send(
            get_action("track-event"), {"customer_identifier": "user_other", "event_name": "elsewhere"}
        )
        app.record(other)
        await pilot.press("f8")
        await drained(pilot)
        assert "/customers/user_shown" in copied[-1] and "user_other" not in copied[-1]
        notes = [n.message for n in app._notifications]
        assert any("Identify Customer" in m and str(shown.exchange.response.status) in m for m in notes)
        await pilot.press("f9")
        assert copied[-1] == shown.exchange.response.text


# -- defect 4 and 12: 80x24 shows the form and the request; the footer shows keys whole ------------
async def test_80x24_shows_the_form_and_the_exact_request(sandbox):
    app = sandbox_app(sandbox.root_url)
    async with app.run_test(size=(80, 24)) as pilot:
        ws = await ready(pilot)
        await pilot.press(*"identify", "enter")
        await until(pilot, lambda: isinstance(app.focused, Input) and app.focused.id == "field-customer_identifier")
        await pilot.press(*"user_80")
        await settle(pilot)
        preview = ws.query_one("#preview")
        assert visible(ws._form()) and visible(preview)
        assert "/customers/user_80" in "\n".join(s.text for s in app.screen._compositor.render_strips())
        await pilot.press("escape")  # the list comes back to pick another
        await drained(pilot)
        assert visible(ws.query_one("#action-options")) and visible(ws._form())


# One test per size, so that pytest-xdist runs them side by side.
@pytest.mark.parametrize("size", [(80, 24), (100, 30), (120, 40)], ids=["80x24", "100x30", "120x40"])
async def test_the_footer_never_shows_part_of_a_key(sandbox, size):
    from tests.ui.test_footer_fit import footer_keys, wait_footer

    app = sandbox_app(sandbox.root_url)
    async with app.run_test(size=size) as pilot:
        ws = await opened(pilot, "send-push")
        await ready(pilot)
        for widget in list(ws.query("ActionFilter, ActionOptions, FieldInput, JsonEditor, BoolSwitch, Select")):
            if not widget.display:
                continue
            widget.focus()
            await wait_footer(pilot)
            footer_keys(app)  # asserts none is cut


async def test_a_placeholder_too_long_for_its_field_ends_in_an_ellipsis(sandbox):
    app = sandbox_app(sandbox.root_url)
    async with app.run_test(size=(100, 30)) as pilot:
        ws = await opened(pilot, "pipelines-track")
        await ready(pilot)
        await settle(pilot)
        editor = ws.editor("message_id")
        editor.scroll_visible(animate=False)
        await drained(pilot)
        full = "e.g. 022bb90c-bbac-11e4-8dfc-aa07a5b093db"
        assert len(full) > editor.content_size.width  # the case: it cannot fit
        line = screen_text(app)[editor.region.y][editor.region.x : editor.region.right].strip()
        assert line.startswith("e.g. 022bb90c") and line.endswith("…"), line


# -- the property: random filter edits, Tab/shift+Tab and typing -------------------------------
FILTER_WORDS = ["ident", "track", "pipe", "send", "supp", "dev", "merge", "batch", "app", "x"]
EDIT_KEYS = ["backspace", "home", "delete", "end", "left"]


def random_session(rng) -> list[list[str]]:
    """Bursts of keys: filter edits then Enter, Tab/shift+Tab, typing, Escape."""
    bursts = []
    for _ in range(rng.randint(3, 6)):
        keys = ["escape", "ctrl+a", "ctrl+k", *rng.choice(FILTER_WORDS)]
        keys += [rng.choice(EDIT_KEYS) for _ in range(rng.randint(0, 3))]
        bursts.append(keys)
        bursts.append(["enter"])
        for _ in range(rng.randint(1, 4)):
            move = rng.choice(["tab", "tab", "shift+tab", ""])
            word = "".join(rng.choice("qwz") for _ in range(rng.randint(1, 3)))
            bursts.append(([move] if move else []) + list(word))
    return bursts


# Four seeded sessions, one test each, so that pytest-xdist runs them side by side.
@pytest.mark.parametrize("seed", range(4))
async def test_property_the_opened_action_is_the_first_listed_and_typing_shows_where_it_goes(sandbox, seed):
    """For seeded random sessions: Enter opens the first action listed, and every typed
    character is in the focused, visible widget (or nowhere: never in another field)."""
    import random

    rng = random.Random(seed)
    app = sandbox_app(sandbox.root_url)
    async with app.run_test(size=rng.choice([(120, 40), (80, 24)])) as pilot:
        ws = await ready(pilot)
        await settle(pilot)
        for keys in random_session(rng):
            if keys == ["enter"]:
                first = first_listed(ws)
                if isinstance(app.focused, Input) and app.focused.id == "action-filter" and first:
                    await pilot.press("enter")
                    await until(
                        pilot,
                        lambda ws=ws, first=first, app=app: (
                            ws.state.action_id == first
                            and app.focused is not None
                            and ws._form() in app.focused.ancestors
                        ),
                        f"{first} opened (seed {seed})",
                    )
                continue
            before = {id(w): value_of(w) for w in ws.query("Input, TextArea")}
            typed = "".join(k for k in keys if len(k) == 1 and k in "qwz")
            burst(app, *keys)
            await drained(pilot)
            target = app.focused
            changed = [
                w
                for w in ws.query("Input, TextArea")
                if value_of(w) != before.get(id(w), "") and w is not target and w.id != "action-filter"
            ]
            assert not changed, f"seed {seed}: {keys} changed {changed}, focus on {target}"
            if typed and isinstance(target, (Input, TextArea)) and target.id != "action-filter":
                assert visible(target), f"seed {seed}: typed into {target!r}, not on screen"
                assert typed in value_of(target), f"seed {seed}: {typed!r} not in {target!r}"
            if isinstance(target, (Input, TextArea)):
                # Nothing typed earlier, while the focus was where no text shows, turns up now.
                for char in "qwz":
                    gained = value_of(target).count(char) - before.get(id(target), "").count(char)
                    assert gained <= typed.count(char), f"seed {seed}: earlier keys landed in {target!r}"
