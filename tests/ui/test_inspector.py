"""The inspector and its error panel, driven through the workspace against the sandbox."""

from __future__ import annotations

from textual.widgets import Button, Input

from console.session.session import Session
from screens.app import CioConsoleApp
from screens.inspector.error_panel import ErrorPanel
from screens.inspector.inspector import Inspector
from screens.words import ui_text
from tests.ui.inspector_helpers import EMAIL, closed_port_root, track_key_as_app_key
from tests.ui.workspace_helpers import fill, opened, ready, sandbox_app, send_and_wait, settle, until


def text_of(widget) -> str:
    return str(widget.render())


async def _send_form(pilot, action_id: str, **values) -> Inspector:
    ws = await ready(pilot)
    if action_id != "identify-customer":
        await opened(pilot, action_id)
    fill(ws, **values)
    await settle(pilot)
    await send_and_wait(pilot)
    return ws.query_one(Inspector)


async def test_a_track_key_as_app_key_is_explained(sandbox):
    app = CioConsoleApp(session=Session(track_key_as_app_key(sandbox.root_url)))
    async with app.run_test(size=(120, 40)) as pilot:
        inspector = await _send_form(pilot, "send-transactional-email", **EMAIL)
        assert inspector.border_title.startswith("401 Unauthorized") and inspector.has_class("-client")
        panel = inspector.query_one(ErrorPanel)
        assert text_of(panel.query_one("#why-title")) == "401 Unauthorized: the App API rejected the App API key"
        body = text_of(panel.query_one("#why-body"))
        assert "App API key is the same as the Track API key" in body and "App API Keys" in body
        # The panel shows the core's explanation, word for word what the CLI prints.
        # The core's text in the console's words (its controls named as keys: screens/words.py).
        for line in ui_text(app.outcomes[-1].explanation.text()).splitlines():
            assert line.removeprefix("Next: ") in body.replace("\n  • ", "\n") or line.startswith("401")
        # The connection test runs from the panel and names the key that was refused.
        button = panel.query_one("#why-test", Button)
        assert button.display
        panel.focus()
        await pilot.press("t")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        assert "1 check failed" in text_of(panel.query_one("#why-test-status"))
        app_row = text_of(panel.query_one("#check-app"))
        assert "✗" in app_row and "Track API key" in app_row


async def test_a_429_is_retried_with_a_countdown(sandbox, fake_clock):
    sandbox.sandbox.add_fault("/api/v1/customers/*", status=429, retry_after=1, times=1)
    fake_clock.hold = True  # the transport's 1 s wait lasts until the test moves the clock
    app = sandbox_app(sandbox.root_url)
    async with app.run_test(size=(120, 40)) as pilot:
        ws = await ready(pilot)
        fill(ws, customer_identifier="user_429")
        await settle(pilot)
        await pilot.press("ctrl+s")
        inspector = ws.query_one(Inspector)
        # until the 429 came back and the transport waits its 1 s
        await until(
            pilot,
            lambda: (
                fake_clock.sleeping
                and inspector.query(ErrorPanel)
                and inspector.query_one(ErrorPanel).seconds_left() is not None
            ),
            "the retry wait",
        )
        panel = inspector.query_one(ErrorPanel)
        left = panel.seconds_left()
        await until(pilot, lambda: f"retrying in {left} s" in text_of(panel.query_one("#why-wait")), "the countdown")
        wait = text_of(panel.query_one("#why-wait"))
        assert panel.query_one("#why-wait").display and inspector.has_class("-busy")
        assert "429 Too Many Requests (Retry-After: 1)" in wait and f"retrying in {left} s" in wait and left == 1
        assert fake_clock.slept == [1.0]
        fake_clock.advance(1)
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        assert not panel.query_one("#why-wait").display and panel.seconds_left() is None
        assert inspector.border_title.startswith("200 OK") and "2 attempts" in inspector.border_subtitle
        attempts = text_of(inspector.query_one("#inspector-attempts"))
        assert "#1 429" in attempts and "retried: 429 Too Many Requests (Retry-After: 1)" in attempts
        assert "#2 200" in attempts and "after waiting 1 s" in attempts
        assert len(sandbox.sandbox.requests) == 2


async def test_a_network_failure_is_explained(sandbox):
    app = sandbox_app(closed_port_root())
    async with app.run_test(size=(120, 40)) as pilot:
        inspector = await _send_form(pilot, "track-event", customer_identifier="user_1", event_name="purchased")
        assert inspector.has_class("-network") and inspector.border_title.startswith("no answer: refused")
        panel = inspector.query_one(ErrorPanel)
        assert "Network failure: connection refused by 127.0.0.1:" in text_of(panel.query_one("#why-title"))
        assert "Nothing was sent" in text_of(panel.query_one("#why-body"))
        assert not panel.query_one("#why-test").display
        body = inspector.query_one("#inspector-body")
        assert body.lines == [] and "no answer" in body._note


async def test_a_lost_answer_to_a_send_is_not_resent(sandbox):
    sandbox.sandbox.add_fault("/api/v1/customers/*", drop=True, apply=True, method="POST")
    app = sandbox_app(sandbox.root_url)
    async with app.run_test(size=(120, 40)) as pilot:
        inspector = await _send_form(pilot, "track-event", customer_identifier="user_1001", event_name="purchased")
        panel = inspector.query_one(ErrorPanel)
        warning = panel.query_one("#why-delivered")
        assert warning.display and "may have been delivered, so it was not re-sent" in text_of(warning)
        assert "NOT re-sent automatically" in text_of(panel.query_one("#why-body"))
        assert len(sandbox.sandbox.requests) == 1


async def test_a_5_mb_body_does_not_block_keys(sandbox):
    big = {
        "customers": [
            {"id": i, "email": f"user{i}@example.com", "plan": "premium", "tags": ["a", "b"]} for i in range(70_000)
        ]
    }
    sandbox.sandbox.add_fault("/api/v1/customers/*", status=200, body=big)
    app = sandbox_app(sandbox.root_url)
    async with app.run_test(size=(120, 40)) as pilot:
        ws = await ready(pilot)
        fill(ws, customer_identifier="user_big")
        await settle(pilot)
        await pilot.press("ctrl+s")
        inspector = ws.query_one(Inspector)
        for _ in range(100):
            await pilot.pause(0.05)
            if inspector.outcome is not None:
                break
        assert inspector.outcome.exchange.response.size > 5_000_000
        # Right after the 5 MB answer is shown, a key typed into the filter lands at once.
        ws.query_one("#action-filter", Input).focus()
        await pilot.press("x")
        assert ws.query_one("#action-filter", Input).value == "x"
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        view = inspector.query_one("#inspector-body")
        assert view.is_json and len(view.lines) > 400_000 and view.lines[1] == '  "customers": ['
        assert "5." in inspector.border_subtitle and "MB" in inspector.border_subtitle


async def test_a_207_lists_the_failed_operations(sandbox):
    import json

    ops = [
        {"type": "person", "action": "identify", "identifiers": {"id": "p207"}, "attributes": {"plan": "pro"}},
        {"type": "person", "action": "identify", "identifiers": {"phone": "+15551234567"}},
    ]
    app = sandbox_app(sandbox.root_url)
    async with app.run_test(size=(120, 40)) as pilot:
        inspector = await _send_form(pilot, "track-v2-batch", batch=json.dumps(ops))
        assert inspector.border_title.startswith("207") and inspector.has_class("-partial")
        panel = inspector.query_one(ErrorPanel)
        assert text_of(panel.query_one("#why-title")).startswith("207 Multi-Status: 1 of 2 operations")
        body = text_of(panel.query_one("#why-body"))
        assert '#1 person identify {"phone": "+15551234567"} [identifiers.phone]: phone is not enabled' in body
        assert "The other 1 was applied." in body and "index 1" in body


async def test_a_status_class_styles_the_inspector_frame_only(sandbox):
    """The inspector restyles only itself when its status changes (Inspector._set_status):
    that holds while no rule of any stylesheet reaches a widget by an ancestor's status
    class (`Inspector.-ok Tab {...}` would need the whole subtree restyled)."""
    from textual.css.model import CombinatorType

    from screens.inspector.texts import STATUS_CLASSES

    app = sandbox_app(sandbox.root_url)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)  # the inspector's stylesheet loaded
        for rule in app.stylesheet.rules:
            for selector_set in rule.selector_set:
                selectors = selector_set.selectors
                last = max(i for i, s in enumerate(selectors) if i == 0 or s.combinator != CombinatorType.SAME)
                ancestors = {s.name for s in selectors[:last]}
                assert not ancestors & set(STATUS_CLASSES), rule.css
        # And the frame still follows the status: an answer recolours it.
        inspector = app.screen.query_one(Inspector)
        before = inspector.styles.border_top
        screen = await opened(pilot, "identify-customer")
        fill(screen, customer_identifier="status-frame", traits='{"plan": "pro"}')
        await settle(pilot)
        await send_and_wait(pilot)
        await until(pilot, lambda: inspector.has_class("-ok"), "the inspector's ok status")
        assert inspector.styles.border_top != before
