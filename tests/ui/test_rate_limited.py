"""A send rate limited to the end: the transport's bounded retries, then a countdown to
when the user may send again. Nothing is re-sent for them (a 429 was not delivered)."""

from __future__ import annotations

from screens.inspector.error_panel import ErrorPanel
from screens.inspector.inspector import Inspector
from tests.ui.workspace_helpers import fill, opened, ready, sandbox_app, settle, until

EVENTS = "/api/v1/customers/*"
MAX_ATTEMPTS = 4  # console.wire.transport.RetryPolicy's default


def text_of(widget) -> str:
    return str(widget.render())


async def test_a_send_still_429_after_its_retries_counts_down_to_sending_again(sandbox, fake_clock):
    # Every attempt is answered 429 with Retry-After: 1 s for the first three (the
    # transport waits and retries), 3 s for the last, whose wait the panel counts down.
    events_before = sandbox.sandbox.snapshot()["events"]
    sandbox.sandbox.add_fault(EVENTS, method="POST", status=429, retry_after=1, times=MAX_ATTEMPTS - 1)
    sandbox.sandbox.add_fault(EVENTS, method="POST", status=429, retry_after=3, times=None)
    app = sandbox_app(sandbox.root_url)
    async with app.run_test(size=(120, 40)) as pilot:
        ws = await ready(pilot)
        ws.select_action("track-event")
        await pilot.pause()
        fill(ws, customer_identifier="user_1001", event_name="purchased")
        await settle(pilot)
        await pilot.press("ctrl+s")
        await until(pilot, lambda: bool(ws.query(ErrorPanel)), "the error panel")
        panel = ws.query_one(ErrorPanel)
        inspector = ws.query_one(Inspector)
        await until(pilot, lambda: panel.send_again_in() is not None, "the final 429", timeout=30)
        assert fake_clock.slept == [1.0] * (MAX_ATTEMPTS - 1)  # each retry waited its Retry-After
        wait = panel.query_one("#why-wait")
        first = panel.send_again_in()
        assert first is not None and 0 < first <= 3
        assert wait.display and text_of(wait) == (
            f"You can send again in {first} s: it was not delivered, and nothing is re-sent automatically."
        )
        assert inspector.border_title.startswith("429 Too Many Requests")
        title = text_of(panel.query_one("#why-title"))
        assert f"after {MAX_ATTEMPTS} attempts" in title
        body = text_of(panel.query_one("#why-body"))
        assert "Customer.io asked to wait 3 s (Retry-After: 3)" in body
        assert "It was not delivered, and nothing is re-sent automatically" in body
        assert "Delivered: unknown" not in text_of(panel.query_one("#why-delivered"))
        # What the panel shows counts down as the (fake) clock moves ...
        lower = [f"You can send again in {n} s:" for n in range(1, first)]
        fake_clock.advance(1)
        await until(
            pilot, lambda: any(t in text_of(wait) for t in lower) or "now" in text_of(wait), "the countdown to move"
        )
        # ... to "now"; nothing is sent by itself meanwhile or after.
        fake_clock.advance(first)
        await until(pilot, lambda: "You can send again now:" in text_of(wait), "the countdown to end")
        assert panel.send_again_in() == 0
        await pilot.pause(0.3)
    sent = [r for r in sandbox.sandbox.requests if r["method"] == "POST"]
    assert len(sent) == MAX_ATTEMPTS and {r["status"] for r in sent} == {429}
    assert sandbox.sandbox.snapshot()["events"] == events_before  # not delivered


async def test_a_429_shown_again_later_can_be_sent_again_now(sandbox, fake_clock):
    """The countdown runs from when the answer came, not from when it is shown again."""
    import dataclasses

    from tests.ui.inspector_helpers import EMAIL

    sandbox.sandbox.add_fault("/v1/send/email", status=429, retry_after=120, times=None)  # over max_wait: no retry
    app = sandbox_app(sandbox.root_url)
    async with app.run_test(size=(120, 40)) as pilot:
        ws = await ready(pilot)
        await opened(pilot, "send-transactional-email")
        fill(ws, **EMAIL)
        await settle(pilot)
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        panel = ws.query_one(ErrorPanel)
        assert panel.send_again_in() in (119, 120)
        assert "1 attempt" not in text_of(panel.query_one("#why-title"))
        outcome = ws.query_one(Inspector).outcome
        ws.query_one(Inspector).show(dataclasses.replace(outcome, at=outcome.at - 600))
        await pilot.pause()
        assert panel.send_again_in() == 0 and "You can send again now:" in text_of(panel.query_one("#why-wait"))
    assert len([r for r in sandbox.sandbox.requests if r["path"] == "/v1/send/email"]) == 1
