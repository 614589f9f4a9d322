"""The form: live JSON validation, send blocked until fixed, values kept across actions,
the preview equal to `send --dry-run`, prefill, examples, load_values and F1 help."""

from __future__ import annotations

import json

from tests.conftest import sandbox_env
from tests.ui.workspace_helpers import fill, opened, ready, sandbox_app, send_and_wait, sent, settle, status_text, until


def error_of(ws, name: str) -> str:
    return ws._form().rows()[name].problem or ""


async def test_invalid_json_shows_line_and_column_and_blocks_send(sandbox):
    app = sandbox_app(sandbox.root_url)
    async with app.run_test(size=(120, 40)) as pilot:
        ws = await ready(pilot)
        fill(ws, customer_identifier="user_1001", traits='{\n  "plan": "premium",\n  "seats": \n}')
        await settle(pilot)
        row = ws._form().rows()["traits"]
        assert row.has_class("-invalid")
        assert "line 4, column 1" in error_of(ws, "traits")
        preview = ws.query_one("#preview")
        assert preview.request is None and "Traits (traits) is not valid JSON" in preview.text()
        await send_and_wait(pilot)
        assert sent(sandbox) == []
        assert "Not sent: fix Traits" in status_text(ws)
        # What was typed is still there, mistakes included, and focus went to it.
        assert ws.editor("traits").text.endswith('"seats": \n}')
        assert app.focused is ws.editor("traits")


async def test_array_in_object_field_is_refused(sandbox):
    app = sandbox_app(sandbox.root_url)
    async with app.run_test(size=(120, 40)) as pilot:
        ws = await ready(pilot)
        fill(ws, customer_identifier="user_1001", traits='["plan"]')
        await settle(pilot)
        assert "must be a JSON object" in error_of(ws, "traits")
        fill(ws, traits='"premium"')
        await settle(pilot)
        assert "must be a JSON object" in error_of(ws, "traits") and "got a string" in error_of(ws, "traits")
        await send_and_wait(pilot)
        assert sent(sandbox) == []


async def test_values_are_kept_when_switching_actions_and_back(sandbox):
    app = sandbox_app(sandbox.root_url)
    async with app.run_test(size=(120, 40)) as pilot:
        ws = await ready(pilot)
        fill(ws, customer_identifier="kept_1", traits='{"half": ')
        await settle(pilot)
        await opened(pilot, "track-event")
        fill(ws, event_name="viewed")
        await settle(pilot)
        ws.select_action("identify-customer")
        await settle(pilot)
        assert ws.editor("customer_identifier").value == "kept_1"
        assert ws.editor("traits").text == '{"half": '
        assert ws._form().rows()["traits"].has_class("-invalid")
        await opened(pilot, "track-event")
        assert ws.editor("event_name").value == "viewed"


async def test_required_fields_are_marked_after_a_send_attempt(sandbox):
    app = sandbox_app(sandbox.root_url)
    async with app.run_test(size=(120, 40)) as pilot:
        ws = await ready(pilot)
        await settle(pilot)
        assert not ws._form().rows()["customer_identifier"].has_class("-invalid")
        await send_and_wait(pilot)
        assert ws._form().rows()["customer_identifier"].has_class("-invalid")
        assert "is required" in error_of(ws, "customer_identifier")
        assert sent(sandbox) == []


async def test_preview_equals_send_dry_run(sandbox, cli):
    data = {
        "customer_identifier": "user 1/2",
        "event_name": "purchased",
        "event_properties": {"price": 29.99, "items": ["socks"]},
        "timestamp": 1700000000,
    }
    dry = cli("send", "track-event", "--input", json.dumps(data), "--dry-run", env=sandbox_env(sandbox))
    assert dry.code == 0, dry.err
    app = sandbox_app(sandbox.root_url)
    async with app.run_test(size=(120, 40)) as pilot:
        ws = await ready(pilot)
        await opened(pilot, "track-event")
        fill(
            ws,
            customer_identifier="user 1/2",
            event_name="purchased",
            event_properties=json.dumps(data["event_properties"]),
            timestamp="1700000000",
        )
        await settle(pilot)
        preview = ws.query_one("#preview")
        assert preview.request == dry.json()
        shown = preview.text()
        assert dry.json()["url"] in shown and "Basic ****" in shown
        assert "sandbox-track-key-0001" not in shown


async def test_prefill_anonymous_id_and_f5_examples(sandbox):
    from console.environments import anonymous

    app = sandbox_app(sandbox.root_url)
    async with app.run_test(size=(120, 40)) as pilot:
        ws = await ready(pilot)
        await opened(pilot, "track-anonymous")
        expected = anonymous.current(anonymous.key_for(app.session.creds))
        assert ws.editor("anonymous_id").value == expected
        await pilot.press("f5")
        await settle(pilot)
        assert ws.editor("anonymous_id").value == expected  # a filled field keeps its value
        assert ws.editor("event_name").value == "purchased"
        assert json.loads(ws.editor("event_properties").text) == {"page": "pricing"}
        assert ws.query_one("#preview").request["body"]["name"] == "purchased"


async def test_load_values_opens_the_form_with_them(sandbox):
    app = sandbox_app(sandbox.root_url)
    async with app.run_test(size=(120, 40)) as pilot:
        ws = await ready(pilot)
        ws.load_values(
            "add-device",
            {
                "customer_identifier": "user_1001",
                "device_id": "tok",
                "platform": "ios",
                "attributes": {"app_version": "2.0"},
            },
        )
        await settle(pilot)
        assert ws.state.action_id == "add-device"
        assert ws.editor("platform").value == "ios"
        assert json.loads(ws.editor("attributes").text) == {"app_version": "2.0"}
        assert ws.query_one("#preview").request["body"]["device"]["platform"] == "ios"


async def test_filter_narrows_the_action_list(sandbox):
    app = sandbox_app(sandbox.root_url)
    async with app.run_test(size=(120, 40)) as pilot:
        ws = await ready(pilot)
        ws.query_one("#action-filter").value = "pipelines tr"
        await pilot.pause()
        ids = [o.id for o in ws.query_one("#action-options").options if o.id]
        assert ids == ["pipelines-track"]
        await pilot.press("enter")
        await until(
            pilot,
            lambda: (
                ws.state.action_id == "pipelines-track" and ws._form().rows() and app.focused is ws.editor("user_id")
            ),
            "straight into the form",
        )
        await pilot.press(*"u1")
        await pilot.pause()
        assert ws.editor("user_id").value == "u1"


async def test_f1_lists_the_workspace_keys(sandbox):
    from screens.widgets.help import HelpScreen

    app = sandbox_app(sandbox.root_url)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        described = {row[1] for row in app.screen.rows}
        assert {"Send", "Examples", "Help", "Quit"} <= described
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)


async def test_switching_environment_recomputes_prefill_and_preview(sandbox):
    import dataclasses

    from console.environments import anonymous
    from console.environments.resolve import sandbox_credentials
    from console.session.session import Session

    app = sandbox_app(sandbox.root_url)
    async with app.run_test(size=(120, 40)) as pilot:
        ws = await ready(pilot)
        await opened(pilot, "track-anonymous")
        fill(ws, event_name="viewed")
        await settle(pilot)
        first = ws.editor("anonymous_id").value
        assert ws.query_one("#preview").request["body"]["anonymous_id"] == first
        other = dataclasses.replace(sandbox_credentials(sandbox.root_url), site_id="other-site", name="Other")
        app.session = Session(other)
        second = anonymous.current(anonymous.key_for(other))
        assert second != first
        await until(pilot, lambda: ws.editor("anonymous_id").value == second, "the new anonymous id")
        await settle(pilot)
        assert ws.query_one("#preview").request["body"]["anonymous_id"] == second
        assert ws.editor("event_name").value == "viewed"  # what the user typed stays


async def test_a_large_body_previews_quickly_and_is_sent_whole(sandbox):
    from screens.widgets.request_preview import SHOWN_BODY_CHARS

    app = sandbox_app(sandbox.root_url)
    async with app.run_test(size=(120, 40)) as pilot:
        ws = await ready(pilot)
        await opened(pilot, "pipelines-batch")
        batch = [
            {"type": "track", "userId": f"user_{i}", "event": "Viewed", "properties": {"n": i}} for i in range(2000)
        ]
        fill(ws, batch=json.dumps(batch))
        preview = ws.query_one("#preview")
        for _ in range(50):  # a big document: wait for the debounced preview, not a fixed time
            await settle(pilot)
            if preview.request is not None:
                break
        assert preview.request is not None, (preview.problem, str(preview.query_one("#preview-text").render()))
        assert len(preview.request["body"]["batch"]) == 2000
        assert len(json.dumps(preview.request["body"])) > SHOWN_BODY_CHARS
        await send_and_wait(pilot)
        [req] = sent(sandbox)
        assert len(req["body"]["batch"]) == 2000


async def test_unknown_action_is_reported_not_a_crash(sandbox):
    app = sandbox_app(sandbox.root_url)
    async with app.run_test(size=(120, 40)) as pilot:
        ws = await ready(pilot)
        ws.select_action("identify-custmer")
        ws.load_values("no-such-action", {"a": 1})
        await pilot.pause()
        assert ws.state.action_id == "identify-customer"
        assert any("did you mean identify-customer" in n.message.lower() for n in app._notifications)


async def test_escape_goes_back_to_the_action_list_keeping_the_form(sandbox):
    app = sandbox_app(sandbox.root_url)
    async with app.run_test(size=(120, 40)) as pilot:
        ws = await opened(pilot, "track-event")
        fill(ws, customer_identifier="kept")
        await pilot.press("escape")
        await pilot.pause()
        assert app.focused is ws.query_one("#action-filter")
        await pilot.press("down", "down", "enter")
        await pilot.pause()
        assert ws.state.action_id == "track-anonymous"
        await pilot.press("escape", "down", "up", "enter")
        await pilot.pause()
        assert ws.editor("customer_identifier").value == "kept"


async def test_palette_action_entry_opens_its_form_over_another_screen(sandbox):
    from screens.widgets.help import HelpScreen

    app = sandbox_app(sandbox.root_url)
    async with app.run_test(size=(120, 40)) as pilot:
        ws = await ready(pilot)
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        app.open_action("add-device")
        await until(
            pilot,
            lambda: (
                app.screen is ws
                and ws.state.action_id == "add-device"
                and ws._form().rows()
                and app.focused is ws.editor("customer_identifier")
            ),
            "the form's focus",
        )


async def test_palette_reset_anonymous_id_gives_the_form_a_new_visitor(sandbox):
    from console.environments import anonymous
    from screens.workspace.anonymous_reset import reset_anonymous_id

    app = sandbox_app(sandbox.root_url)
    async with app.run_test(size=(120, 40)) as pilot:
        ws = await ready(pilot)
        await opened(pilot, "track-anonymous")
        fill(ws, event_name="viewed")
        await settle(pilot)
        first = ws.editor("anonymous_id").value
        reset_anonymous_id(app)
        await until(pilot, lambda: ws.editor("anonymous_id").value != first, "a new anonymous id")
        await settle(pilot)
        second = ws.editor("anonymous_id").value
        assert second == anonymous.peek(anonymous.key_for(app.session.creds))  # the CLI sees the same id
        assert ws.query_one("#preview").request["body"]["anonymous_id"] == second
        assert ws.editor("event_name").value == "viewed"


async def test_keys_typed_while_a_new_form_mounts_land_in_its_first_field(sandbox):
    from textual import events

    app = sandbox_app(sandbox.root_url)
    async with app.run_test(size=(120, 40)) as pilot:
        ws = await ready(pilot)
        ws.select_action("suppress-customer")
        for ch in "bob42":  # queued at once, as a fast typist's keys arrive
            key = events.Key(ch, ch)
            key.set_sender(app)
            app.post_message(key)
        await until(
            pilot,
            lambda: ws._form().rows() and ws.editor("customer_identifier").value == "bob42",
            "every key in the identifier",
        )
        assert ws.query_one("#action-filter").value == ""


async def test_enter_right_behind_the_filter_text_opens_the_first_match_of_all_of_it(sandbox):
    from textual import events

    app = sandbox_app(sandbox.root_url)
    async with app.run_test(size=(120, 40)) as pilot:
        ws = await ready(pilot)
        for key, ch in [*((c, c) for c in "unsupp"), ("enter", "\r")]:  # one burst: no rebuild in between
            event = events.Key(key, ch)
            event.set_sender(app)
            app.post_message(event)
        await until(pilot, lambda: ws.state.action_id == "unsuppress-customer", "Unsuppress Customer opened")


async def test_the_palettes_anonymous_id_reset_reaches_the_open_form(sandbox):
    """The reset runs in the palette's command and the App (on its AnonymousIdReset message)
    refreshes the workspace: the form and its preview show the new id, not the forgotten one."""
    from console.environments import anonymous
    from screens.workspace.anonymous_reset import reset_anonymous_id

    app = sandbox_app(sandbox.root_url)
    async with app.run_test(size=(120, 40)) as pilot:
        ws = await ready(pilot)
        await opened(pilot, "track-anonymous")
        fill(ws, event_name="viewed")
        await settle(pilot)
        first = ws.editor("anonymous_id").value
        key = anonymous.key_for(app.session.creds, sandbox=app.session.sandbox)
        reset_anonymous_id(app)
        await until(pilot, lambda: anonymous.current(key) != first, "the reset")
        new = anonymous.current(key)
        await until(pilot, lambda: ws.editor("anonymous_id").value == new, "the new anonymous id in the form")
        await settle(pilot)
        assert ws.query_one("#preview").request["body"]["anonymous_id"] == new
        assert ws.editor("event_name").value == "viewed"  # what the user typed stays
