"""Sending in a protected environment, and API errors that name a form field."""

from __future__ import annotations

from screens.widgets.confirm import ConfirmScreen
from tests.ui.workspace_helpers import fill, opened, ready, sandbox_app, send_and_wait, sent, settle, status_text, until


async def test_protected_guard_refuses_a_wrong_confirmation_then_accepts_the_right_one(sandbox):
    app = sandbox_app(sandbox.root_url, protected=True, name="Production")
    async with app.run_test(size=(120, 40)) as pilot:
        ws = await ready(pilot)
        await opened(pilot, "destroy-customer")
        guard = ws._form().query_one(".form-guard")
        assert guard.display and "Production is protected" in str(guard.render())
        fill(ws, customer_identifier="user_1001")
        await settle(pilot)
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "the confirmation")
        box = app.screen.query_one("#confirm-input")
        box.value = "user_1002"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)  # still asking
        assert "nothing was sent" in str(app.screen.query_one("#confirm-error").render())
        assert sent(sandbox) == []
        box.value = "user_1001"
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.screen is ws
        [req] = sent(sandbox)
        assert req["method"] == "DELETE" and req["path"].endswith("/customers/user_1001")
        assert app.outcomes[-1].ok and app.outcomes[-1].env_label == "Production"


async def test_backing_out_of_the_guard_sends_nothing(sandbox):
    app = sandbox_app(sandbox.root_url, protected=True, name="Production")
    async with app.run_test(size=(120, 40)) as pilot:
        ws = await ready(pilot)
        await opened(pilot, "suppress-customer")
        fill(ws, customer_identifier="user_1001")
        await settle(pilot)
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "the confirmation")
        await pilot.press("escape")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert sent(sandbox) == [] and app.outcomes == []
        assert "Backed out: nothing was sent" in status_text(ws)


async def test_unguarded_action_in_protected_env_sends_without_asking(sandbox):
    app = sandbox_app(sandbox.root_url, protected=True, name="Production")
    async with app.run_test(size=(120, 40)) as pilot:
        ws = await ready(pilot)
        fill(ws, customer_identifier="user_1001")
        await settle(pilot)
        await send_and_wait(pilot)
        assert len(sent(sandbox)) == 1 and app.screen is ws


async def test_a_422_marks_the_field_the_api_named(sandbox):
    app = sandbox_app(sandbox.root_url)
    async with app.run_test(size=(120, 40)) as pilot:
        ws = await ready(pilot)
        await opened(pilot, "send-transactional-email")
        # The API's scheduling horizon (90 days) is its rule, not the client's.
        fill(ws, transactional_message_id="1", to="ada.lovelace@example.com", send_at="4102444800")
        await settle(pilot)
        assert not ws._form().rows()["send_at"].has_class("-invalid")
        await send_and_wait(pilot)
        assert [r["status"] for r in sent(sandbox)] == [422]
        row = ws._form().rows()["send_at"]
        assert row.has_class("-invalid")
        assert "more than 90 days ahead" in (row.problem or "")
        assert "422" in status_text(ws) and "(send_at)" in status_text(ws)
        assert app.focused is ws.editor("send_at")
        assert app.outcomes[-1].explanation.field == "send_at"
        # The preview still shows the request: only the API can say whether it is wrong.
        assert ws.query_one("#preview").request["body"]["send_at"] == 4102444800
        # Editing the field clears the API's mark; the fixed input goes out.
        fill(ws, send_at="")
        await settle(pilot)
        assert not row.has_class("-invalid")
        await send_and_wait(pilot)
        assert [r["status"] for r in sent(sandbox)] == [422, 200]


async def test_missing_key_is_reported_and_nothing_sent(sandbox):
    import dataclasses

    from console.environments.resolve import sandbox_credentials
    from console.session.session import Session
    from screens.app import CioConsoleApp

    creds = dataclasses.replace(sandbox_credentials(sandbox.root_url), app_key=None)
    app = CioConsoleApp(session=Session(creds))
    async with app.run_test(size=(120, 40)) as pilot:
        ws = await ready(pilot)
        await opened(pilot, "send-transactional-email")
        fill(ws, transactional_message_id="1", to="ada.lovelace@example.com")
        await settle(pilot)
        assert "Authorization" in ws.query_one("#preview").text()  # the preview still shows it
        await send_and_wait(pilot)
        assert sent(sandbox) == []
        assert "Not sent" in status_text(ws) and "App API key" in status_text(ws)


async def test_a_429_is_retried_with_progress_forwarded_to_the_inspector(sandbox, monkeypatch):
    from screens.inspector.inspector import Inspector

    events = []
    original = Inspector.progress

    def spy(self, event):
        events.append((event.kind, event.attempt))
        original(self, event)

    monkeypatch.setattr(Inspector, "progress", spy)
    sandbox.sandbox.add_fault("/api/v1/customers/user_1001", status=429, retry_after=1, times=1)
    app = sandbox_app(sandbox.root_url)
    async with app.run_test(size=(120, 40)) as pilot:
        ws = await ready(pilot)
        fill(ws, customer_identifier="user_1001")
        await settle(pilot)
        await send_and_wait(pilot)
        assert [r["status"] for r in sent(sandbox)] == [429, 200]
        assert ("wait", 1) in events and events[0] == ("attempt", 1)
        assert app.outcomes[-1].ok and "200" in status_text(ws)


async def test_a_dropped_connection_is_reported(sandbox):
    sandbox.sandbox.add_fault("/api/v1/customers/user_1001/events", drop=True, times=None)
    app = sandbox_app(sandbox.root_url)
    async with app.run_test(size=(120, 40)) as pilot:
        ws = await ready(pilot)
        await opened(pilot, "track-event")
        fill(ws, customer_identifier="user_1001", event_name="purchased")
        await settle(pilot)
        await send_and_wait(pilot)
        outcome = app.outcomes[-1]
        assert not outcome.ok and outcome.exchange.response is None
        # A POST whose answer was lost is never sent twice.
        assert len(sent(sandbox)) == 1
        assert "no answer" in status_text(ws)
