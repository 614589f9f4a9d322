"""The workspace fills and sends each kind of form to the sandbox over loopback."""

from __future__ import annotations

import json

from tests.ui.workspace_helpers import fill, opened, ready, sandbox_app, send_and_wait, sent, settle, status_text, until


async def test_identify_with_traits_json_reaches_the_sandbox(sandbox):
    app = sandbox_app(sandbox.root_url)
    async with app.run_test(size=(120, 40)) as pilot:
        ws = await ready(pilot)
        fill(ws, customer_identifier="user_ws_1", traits='{\n  "plan": "premium",\n  "seats": 3\n}')
        await settle(pilot)
        await send_and_wait(pilot)
        [req] = sent(sandbox)
        assert req["method"] == "PUT" and req["path"].endswith("/customers/user_ws_1")
        assert req["body"] == {"plan": "premium", "seats": 3}
        assert "200" in status_text(ws) and "sent to Sandbox" in status_text(ws)
        assert [o.action_id for o in app.outcomes] == ["identify-customer"]
        assert sandbox.sandbox.snapshot()  # the sandbox still answers


async def test_enum_select_add_device(sandbox):
    app = sandbox_app(sandbox.root_url)
    async with app.run_test(size=(120, 40)) as pilot:
        ws = await ready(pilot)
        await opened(pilot, "add-device")
        fill(ws, customer_identifier="user_1001", device_id="tok_ws", platform="android")
        await settle(pilot)
        await send_and_wait(pilot)
        [req] = sent(sandbox)
        assert req["body"]["device"]["platform"] == "android" and req["body"]["device"]["id"] == "tok_ws"
        assert app.outcomes[-1].ok


async def test_timestamp_is_validated_then_sent(sandbox):
    app = sandbox_app(sandbox.root_url)
    async with app.run_test(size=(120, 40)) as pilot:
        ws = await ready(pilot)
        await opened(pilot, "track-event")
        fill(ws, customer_identifier="user_1001", event_name="purchased", timestamp="yesterday")
        await settle(pilot)
        row = ws.query_one("#row-timestamp")
        assert row.has_class("-invalid")
        assert "Unix seconds" in (row.problem or "")
        await send_and_wait(pilot)
        assert sent(sandbox) == []
        assert "Not sent" in status_text(ws) and "Timestamp" in status_text(ws)
        fill(ws, timestamp="1700000000")
        await settle(pilot)
        assert not row.has_class("-invalid")
        await send_and_wait(pilot)
        [req] = sent(sandbox)
        assert req["body"]["timestamp"] == 1700000000 and req["body"]["name"] == "purchased"


async def test_json_array_batch(sandbox):
    app = sandbox_app(sandbox.root_url)
    async with app.run_test(size=(120, 40)) as pilot:
        ws = await ready(pilot)
        await opened(pilot, "pipelines-batch")
        batch = [
            {"type": "identify", "userId": "user_ws_b", "traits": {"plan": "pro"}},
            {"type": "track", "userId": "user_ws_b", "event": "Signed Up"},
        ]
        fill(ws, batch=json.dumps(batch, indent=2))
        await settle(pilot)
        await send_and_wait(pilot)
        [req] = sent(sandbox)
        assert [item["type"] for item in req["body"]["batch"]] == ["identify", "track"]
        assert app.outcomes[-1].ok


async def test_boolean_switch_is_sent_only_when_set(sandbox):
    app = sandbox_app(sandbox.root_url)
    async with app.run_test(size=(120, 40)) as pilot:
        ws = await ready(pilot)
        await opened(pilot, "send-transactional-email")
        fill(ws, transactional_message_id="1", to="ada.lovelace@example.com")
        await settle(pilot)
        assert "tracked" not in ws.query_one("#preview").request["body"]
        fill(ws, tracked=True)
        await settle(pilot)
        assert ws.query_one("#preview").request["body"]["tracked"] is True
        ws.editor("tracked").focus()
        await pilot.press("delete")  # back to "not set": the API's default
        await settle(pilot)
        assert "tracked" not in ws.query_one("#preview").request["body"]
        await pilot.press("space", "space")  # not set -> true -> false
        await settle(pilot)
        assert "false" in str(ws._form().rows()["tracked"].query_one(".bool-state").render())
        await send_and_wait(pilot)
        [req] = sent(sandbox)
        assert req["body"]["tracked"] is False and req["body"]["to"] == "ada.lovelace@example.com"


async def test_embedded_sandbox_from_the_keyboard_alone():
    """`cio-console --sandbox`: the environment boots in a worker; a newcomer types and sends."""
    from screens.app import CioConsoleApp

    app = CioConsoleApp(sandbox=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        ws = await ready(pilot)
        await pilot.press(*"track ev", "enter")
        await until(
            pilot,
            lambda: (
                ws.state.action_id == "track-event"
                and ws._form().rows()
                and app.focused is ws.editor("customer_identifier")
            ),
            "the form's focus",
        )
        await pilot.press(*"user_1001", "enter", *"signed_up")
        await settle(pilot)
        assert ws.query_one("#preview").request["body"]["name"] == "signed_up"
        await send_and_wait(pilot)
        assert app.outcomes[-1].ok
        [req] = app.sandbox_server.sandbox.requests
        assert req["path"].endswith("/customers/user_1001/events")
