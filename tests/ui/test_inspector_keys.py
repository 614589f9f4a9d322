"""Ctrl+R takes the focus from the workspace into the inspector; there [ and ] switch its
tabs, the keys scroll what is shown, and Escape goes back to the action filter."""

from __future__ import annotations

from textual.widgets import Input, TabbedContent
from textual.widgets._footer import FooterKey

from screens.inspector.inspector import Inspector
from tests.ui.workspace_helpers import fill, ready, sandbox_app, send_and_wait, settle, status_text, until

LONG_BODY = {"people": [{"id": f"user_{n}", "email": f"user_{n}@example.com"} for n in range(200)]}


def inside(widget, ancestor) -> bool:
    return widget is not None and (widget is ancestor or ancestor in widget.ancestors)


async def test_ctrl_r_focuses_the_inspector_whose_tabs_and_body_scroll_by_keys(sandbox):
    sandbox.sandbox.add_fault("/api/v1/customers/*", method="PUT", status=200, body=LONG_BODY)
    app = sandbox_app(sandbox.root_url)
    async with app.run_test(size=(120, 40)) as pilot:
        ws = await ready(pilot)
        footer_keys = {k.key for k in ws.query(FooterKey)}
        assert "ctrl+r" in footer_keys
        # Nothing sent yet: nothing to inspect, and the focus stays where it was.
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert "Nothing to inspect yet" in status_text(ws) and isinstance(app.focused, Input)

        fill(ws, customer_identifier="user_1")
        await settle(pilot)
        await send_and_wait(pilot)
        inspector = ws.query_one(Inspector)
        assert inspector.border_title.startswith("200 OK")
        await pilot.press("ctrl+r")
        body = inspector.query_one("#inspector-body")
        await until(pilot, lambda: app.focused is body, "the focus in the body")
        assert app.focused is body
        assert body.scroll_y == 0
        await pilot.press("pagedown", "down")
        await until(pilot, lambda: body.scroll_y > 1, "the body to scroll")
        assert body.scroll_y > 1  # the JSON body scrolled by keys

        tabs = inspector.query_one(TabbedContent)
        await pilot.press("right_square_bracket")
        await until(pilot, lambda: inside(app.focused, tabs.get_pane("tab-headers")), "the Headers tab")
        assert tabs.active == "tab-headers" and inside(app.focused, tabs.get_pane("tab-headers"))
        await pilot.press("right_square_bracket", "right_square_bracket")
        await until(pilot, lambda: inside(app.focused, tabs.get_pane("tab-attempts")), "the Attempts tab")
        assert tabs.active == "tab-attempts" and inside(app.focused, tabs.get_pane("tab-attempts"))
        await pilot.press("right_square_bracket")  # Why is hidden after a success: round to Body
        await until(pilot, lambda: app.focused is body, "the Body tab")
        assert tabs.active == "tab-body" and app.focused is body
        await pilot.press("left_square_bracket")
        await until(pilot, lambda: tabs.active == "tab-attempts", "the Attempts tab")
        assert tabs.active == "tab-attempts"
        # The tab keys show in the footer while the inspector has the focus.
        assert {"left_square_bracket", "right_square_bracket", "z"} <= {k.key for k in ws.query(FooterKey)}

        await pilot.press("escape")
        await until(pilot, lambda: app.focused is ws.query_one("#action-filter", Input), "the action filter")
        assert app.focused is ws.query_one("#action-filter", Input)
    assert len([r for r in sandbox.sandbox.requests if r["method"] == "PUT"]) == 1


async def test_ctrl_r_opens_the_why_tab_of_a_failure_which_scrolls(sandbox):
    sandbox.sandbox.add_fault("/api/v1/customers/*", method="PUT", status=401)
    app = sandbox_app(sandbox.root_url)
    async with app.run_test(size=(120, 30)) as pilot:  # short: the explanation overflows
        ws = await ready(pilot)
        fill(ws, customer_identifier="user_1")
        await settle(pilot)
        await send_and_wait(pilot)
        await pilot.press("ctrl+r")
        await pilot.pause()
        panel = ws.query_one("#inspector-why")
        assert app.focused is panel and panel.max_scroll_y > 0
        await pilot.press("end")
        await pilot.pause()
        assert panel.scroll_y == panel.max_scroll_y


async def test_f1_lists_the_inspector_key(sandbox):
    app = sandbox_app(sandbox.root_url)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.press("f1")
        await pilot.pause()
        rows = app.screen.rows
        assert any(key == "^r" and does == "Response" for key, does, _, _ in rows)
