"""F6's status and placeholders tell the truth (issue 12): no "Pick one (Enter)" after the
pick, examples that cannot pass for typed values, and the narrow layout's key only where
it does something."""

from __future__ import annotations

from textual.widgets import Input

from tests.ui.screen_text import screen_lines
from tests.ui.test_transactional_screen import fill, idle, open_transactional, pick, text_of
from tests.ui.workspace_helpers import sandbox_app, until


async def test_the_status_follows_the_pick(sandbox):
    app = sandbox_app(sandbox.root_url)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_transactional(pilot)
        assert "Pick one (Enter)" in text_of(screen, "#tx-status")
        await pick(pilot, screen, "#tx-templates", 1)
        status = text_of(screen, "#tx-status")
        assert "Pick one" not in status and "Message 2 (Password reset) picked" in status, status
        await pick(pilot, screen, "#tx-variants", 0)
        assert "fill in To" in text_of(screen, "#tx-status")
        await fill(pilot, screen, to="grace.hopper@example.com", data='{"expires_in_minutes": 15}')
        assert text_of(screen, "#tx-status").startswith("Previewed")


async def test_placeholders_are_marked_as_examples(sandbox):
    app = sandbox_app(sandbox.root_url)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_transactional(pilot)
        for selector in ("#tx-to", "#tx-identifiers"):
            field = screen.query_one(selector, Input)
            assert field.placeholder.startswith("e.g. "), field.placeholder
            placeholder = field.get_component_rich_style("input--placeholder")
            assert placeholder.italic, selector  # a typed value is upright
        assert screen.query_one("#tx-data").placeholder.startswith("e.g. ")


async def test_the_email_request_key_is_offered_only_where_it_does_something(sandbox):
    app = sandbox_app(sandbox.root_url)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_transactional(pilot)
        await idle(pilot)
        assert "Email/Request" in screen_lines(app)[-1]
        await pilot.resize_terminal(120, 40)
        # The footer is rebuilt once the resize has been laid out: wait for it, not a fixed time.
        await until(pilot, lambda: "Email/Request" not in screen_lines(app)[-1], "the 120-column footer")
        assert "Email/Request" not in screen_lines(app)[-1]
        assert "Send form" in "\n".join(screen_lines(app)) and "Preview (body as text)" in "\n".join(screen_lines(app))
