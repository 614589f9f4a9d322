"""The follow key (ctrl+g): after a send in the workspace or on F6, the delivery is followed
in the inspector live — each state appears as the sandbox's clock moves, keys are answered
meanwhile — and it is readable at 80x24 as at 120x40.

The sandbox runs on the console's fake clock, held (tests/fake_clock.py): the follow's wait
between two reads lasts until the test moves the clock, so the test sees each state arrive."""

from __future__ import annotations

import pytest

from console.sandbox import SandboxConfig, serve_in_thread
from screens.inspector.delivery import DeliveryView
from tests.ui.workspace_helpers import fill, opened, ready, sandbox_app, settle, status_text, until

EMAIL = {"transactional_message_id": "2", "to": "mary.jackson@example.com"}


@pytest.fixture
def held(fake_clock):
    fake_clock.hold = True
    running = serve_in_thread(SandboxConfig(clock=fake_clock.wall, delivery_delay=1.0))
    yield running
    running.stop()


def shown(view: DeliveryView) -> str:
    return view.text()


@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
async def test_ctrl_g_follows_the_sent_email_live_in_the_inspector(held, fake_clock, size):
    app = sandbox_app(held.root_url)
    async with app.run_test(size=size) as pilot:
        ws = await ready(pilot)
        assert ws.check_action("follow_delivery", ()) is False  # nothing sent yet: not offered
        await opened(pilot, "send-transactional-email")
        fill(ws, **EMAIL)
        await settle(pilot)
        await pilot.press("ctrl+s")
        await until(pilot, lambda: app.outcomes, "the send's answer")
        await until(pilot, lambda: ws.check_action("follow_delivery", ()), "ctrl+g offered")
        assert "ctrl+g follows its delivery" in status_text(ws)
        await pilot.press("ctrl+g")
        await until(pilot, lambda: ws.query("#inspector-delivery"), "the Delivery tab")
        view = ws.query_one("#inspector-delivery", DeliveryView)
        await until(pilot, lambda: "queued" in shown(view), "the first state")
        # Readable: the tab shown, the view on screen with room for its lines.
        await pilot.pause()
        assert ws.query_one("#inspector-tabs").active == "tab-delivery"
        region = view.region
        assert region.width >= 40 and region.height >= 3, region
        if size[0] < 100:  # zoomed to be readable; Escape gives the screen back
            assert ws.maximized is not None
            await pilot.press("escape")
            await until(pilot, lambda: ws.maximized is None, "the zoom restored")
        # Following does not hold the keys: the filter takes them while the follow waits.
        await pilot.press("escape", "m", "e")
        await until(pilot, lambda: ws.query_one("#action-filter").value == "me", "keys typed while following")
        fake_clock.advance(1.0)
        await until(pilot, lambda: "sent" in shown(view), "sent, live")
        assert "Delivered" not in shown(view)
        fake_clock.advance(1.5)
        await until(pilot, lambda: view.finished, "the verdict")
        assert "Delivered: delivered to mary.jackson@example.com" in shown(view)
        sends = [r for r in held.sandbox.requests if r["method"] == "POST"]
        assert len(sends) == 1  # followed by reading only


# -- F6: follow the email sent from the transactional screen, compare the preview with it ------
@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
async def test_f6_follows_its_send_and_compares_the_preview_with_the_delivery(held, fake_clock, size):
    from textual.widgets import Input, TextArea

    from tests.ui.test_transactional_screen import fill as fill_f6
    from tests.ui.test_transactional_screen import open_transactional, pick, text_of

    app = sandbox_app(held.root_url)
    async with app.run_test(size=size) as pilot:
        screen = await open_transactional(pilot)
        assert screen.check_action("follow_delivery", ()) is False
        await pick(pilot, screen, "#tx-templates", 1)  # 2 Password reset
        data = '{"reset_url": "https://acme.example/r/1"}'
        await fill_f6(pilot, screen, to="mary.jackson@example.com", identifiers='{"id": "user_1011"}', data=data)
        await pilot.press("ctrl+s")
        await pilot.pause()
        if "Ctrl+S again" in text_of(screen, "#tx-status"):  # a defaulted variable: sent anyway
            await pilot.press("ctrl+s")
        await until(pilot, lambda: screen.sent_delivery, "the send's delivery id")
        assert screen.query_one("#tx-compare", Input).value == screen.sent_delivery
        assert "ctrl+g follows its delivery" in text_of(screen, "#tx-status")
        await pilot.press("ctrl+g")
        view = screen.query_one("#tx-delivery", DeliveryView)
        await until(pilot, lambda: "queued" in view.text(), "the first state")
        assert view.region.width >= 30 and view.region.height >= 3, view.region  # on screen, room for lines
        fake_clock.advance(1.0)
        await until(pilot, lambda: "sent" in view.text(), "sent, live")
        fake_clock.advance(1.5)
        await until(pilot, lambda: view.finished, "the verdict")
        assert "Delivered: delivered to mary.jackson@example.com" in view.text()
        # The same data: the preview reads as the delivery did.
        await pilot.press("ctrl+f")
        await until(pilot, lambda: screen.comparing, "the comparison")
        assert "reads as delivery" in text_of(screen, "#tx-status")
        assert "Body: same text" in text_of(screen, "#tx-rendered")
        # Without the reset link: the body differs, and the variable that came out empty is named.
        screen.query_one("#tx-data", TextArea).text = "{}"
        await pilot.press("ctrl+r")
        await until(
            pilot, lambda: screen.comparing is None and screen.previewed_data == screen.form_values(), "preview"
        )
        await pilot.press("ctrl+f")
        await until(pilot, lambda: screen.comparing, "the second comparison")
        shown = text_of(screen, "#tx-rendered")
        assert "Body: differs" in shown and "Empty in the preview (1): trigger.reset_url" in shown
        assert "Differs from delivery" in text_of(screen, "#tx-status")
        assert len([r for r in held.sandbox.requests if r["method"] == "POST"]) == 1
