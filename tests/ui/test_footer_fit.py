"""At 120 columns the workspace's footer shows each of its keys whole, wherever the focus
is; the keys kept out of it still work and F1 lists every one."""

from __future__ import annotations

import asyncio

from textual.widgets import Footer
from textual.widgets._footer import FooterKey

from screens.widgets.help import HelpScreen
from tests.ui.workspace_helpers import fill, opened, ready, sandbox_app, send_and_wait, settle

HIDDEN = {"quit", "copy-curl", "copy-body", "transactional", "batch"}  # F1 and the palette only


def footer_keys(app) -> list[FooterKey]:
    """The footer's keys, after asserting none is cut or under the palette key."""
    footer = app.screen.query_one(Footer)
    keys = list(footer.query(FooterKey))
    palette = [k for k in keys if k.has_class("-command-palette")]
    limit = palette[0].region.x if palette else footer.region.right
    # (A key the footer hid, because it would not fit whole, is not shown.)
    shown = [k for k in keys if not k.has_class("-command-palette") and k.display and k.parent.display]
    cut = [f"{k.key_display} {k.description}" for k in shown if k.region.right > limit or not k.region.width]
    assert not cut, f"cut off at {app.size.width} columns: {cut}"
    return shown


async def wait_footer(pilot, timeout: float = 3.0) -> None:
    """Until the footer has settled: it recomposes after a refresh when the focus moves,
    then measures what fits after the next one. On a loaded machine that takes longer
    than a fixed pause; a footer that stays cut fails `footer_keys` afterwards."""
    await pilot.pause()  # the App quiet (tests/quiet_wait.py): the recompose and the refresh after it done
    await pilot.pause()
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while loop.time() < end:
        try:
            footer_keys(pilot.app)
            return
        except AssertionError:
            await pilot.pause(0.05)


async def test_the_workspace_footer_fits_120_columns_and_f1_lists_the_rest(sandbox):
    sandbox.sandbox.add_fault("/api/v1/customers/*", method="PUT", status=401)
    app = sandbox_app(sandbox.root_url)
    async with app.run_test(size=(120, 40)) as pilot:
        ws = await ready(pilot)
        await wait_footer(pilot)
        keys = {k.key for k in footer_keys(app)}  # the action filter has the focus
        assert {"ctrl+s", "f5", "escape", "ctrl+r", "f1", "f2", "f3", "f4"} <= keys
        assert not keys & {"ctrl+q", "f6", "f7", "f8", "f9"}

        await opened(pilot, "send-push")  # a switch field (its Delete key joins the footer)
        switch = next(w for w in ws._form().query("BoolSwitch"))
        switch.focus()
        await wait_footer(pilot)
        assert "delete" in {k.key for k in footer_keys(app)}

        ws.select_action("identify-customer")
        await pilot.pause()
        fill(ws, customer_identifier="user_1")
        await settle(pilot)
        await send_and_wait(pilot)
        await pilot.press("ctrl+r")  # the 401's Why panel: the inspector's keys join too
        await wait_footer(pilot)
        assert {"left_square_bracket", "z", "ctrl+r"} <= {k.key for k in footer_keys(app)}

        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        listed = {row[1] for row in app.screen.rows}
    assert {
        "Quit",
        "Copy curl",
        "Copy body",
        "Transactional preview",
        "Batch",
        "Test connection",
        "Previous tab",
        "Next tab",
        "Zoom",
        "Response",
        "Send",
        "Examples",
        "Actions",
    } <= listed


async def test_f6_and_f7_open_their_screens_from_a_json_editor(sandbox):
    """A TextArea binds F6/F7 (select line/all): the console's keys come first."""
    from screens.batch.screen import BatchScreen
    from screens.transactional.screen import TransactionalScreen
    from screens.widgets.fields import JsonEditor

    app = sandbox_app(sandbox.root_url)
    async with app.run_test(size=(120, 40)) as pilot:
        ws = await ready(pilot)
        ws.editor("traits").focus()
        await pilot.pause()
        assert isinstance(app.focused, JsonEditor)
        await pilot.press("f6")
        await pilot.pause()
        assert isinstance(app.screen, TransactionalScreen)
        await pilot.press("escape")
        await pilot.pause()
        ws.editor("traits").focus()
        await pilot.pause()
        await pilot.press("f7")
        await pilot.pause()
        assert isinstance(app.screen, BatchScreen)


async def test_the_footer_always_lists_the_keys_that_work_where_the_focus_is(sandbox):
    """The footer changes only the keys that differ when the focus moves (StableFooter):
    after every move it lists, in order, each shown binding of the focus (key, label,
    enabled or not), as a footer rebuilt from scratch would."""
    app = sandbox_app(sandbox.root_url)
    async with app.run_test(size=(200, 40)) as pilot:  # wide: every key fits
        await ready(pilot)
        moves = ["tab", "tab", "tab", "shift+tab", "escape", "down", "tab", "tab", "ctrl+r", "escape", "tab"]
        for key in moves:
            await pilot.press(key)
            await wait_footer(pilot)
            footer = app.screen.query_one(Footer)
            expected: dict[str, tuple] = {}  # one key per action, the first bound (as Textual's)
            for _, binding, enabled, _ in app.screen.active_bindings.values():
                if binding.show:
                    expected.setdefault(binding.action, (binding.key, binding.description, not enabled))
            keys = [k for k in footer.query(FooterKey) if not k.has_class("-command-palette")]
            shown = [(k.key, k.description, k.has_class("-disabled")) for k in keys]
            assert shown == list(expected.values()), (key, app.focused)
