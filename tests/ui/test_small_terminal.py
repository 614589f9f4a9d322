"""F2, F4 and F6 do their job at 80x24 (a common laptop/SSH size), and nothing on them is
cut at 120 columns: every label, button and placeholder fits or wraps. Plus snapshots of
the three screens at 80x24 (deterministic: fixed URL, demo data, no clock on screen)."""

from __future__ import annotations

import pytest
from rich.cells import cell_len
from textual.widgets import Button, Input, Label

from console.environments.store import EnvironmentStore
from screens.environments.screen import EnvironmentScreen
from tests.ui.fixed_root import fixed_root_app
from tests.ui.screen_text import screen_text
from tests.ui.test_profile_screen import idle, look_up, open_profile
from tests.ui.test_transactional_screen import fill, open_transactional, pick
from tests.ui.workspace_helpers import sandbox_app, settle, until

SMALL = (80, 24)


async def _f2(pilot) -> EnvironmentScreen:
    await pilot.pause()
    await pilot.press("f2")
    await until(pilot, lambda: isinstance(pilot.app.screen, EnvironmentScreen), "the environment screen")
    pilot.app.screen._select("Production")
    await settle(pilot)
    await pilot.pause()
    return pilot.app.screen


def _cut(screen) -> list[str]:
    """Every label, button and (empty) input's placeholder that does not fit its widget."""
    cut = []
    for label in screen.query(Label):
        if not label.display or not label.region.width:
            continue
        text = str(label.render())
        if label.region.height <= 1 and cell_len(text) > label.content_region.width:
            cut.append(f"label {text!r}")
    for button in screen.query(Button):
        if button.display and button.region.width and cell_len(str(button.label)) > button.content_region.width:
            cut.append(f"button {button.label}")
    for field in screen.query(Input):
        if field.display and field.region.width and not field.value and field.placeholder:
            if cell_len(field.placeholder) > field.content_region.width - 1:  # the cursor's cell
                cut.append(f"placeholder {field.placeholder!r}")
    return cut


async def test_f2_at_80x24_shows_its_buttons(memory_keyring):
    store = EnvironmentStore()
    from screens.app import CioConsoleApp

    app = CioConsoleApp(store=store)
    async with app.run_test(size=SMALL) as pilot:
        await until(pilot, lambda: app.session is not None, "the first environment")
        screen = await _f2(pilot)
        text = screen_text(app)
        for shown in (
            "Save",
            "Test connection",
            "Use this environment",
            "Track key",
            "Write key",
            "Protected (sends and deletes ask to confirm)",
        ):
            assert shown in text, (shown, text)
        assert not _cut(screen), _cut(screen)
        # The buttons are in the visible part of the form, not scrolled away.
        form = screen.query_one("#env-form")
        for button in screen.query("#env-buttons Button"):
            assert form.region.contains_region(button.region), button


async def test_f4_at_80x24_shows_the_attributes_with_rows(sandbox):
    app = sandbox_app(sandbox.root_url)
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_profile(pilot)
        await look_up(pilot, screen, "user_1001")
        table = screen.query_one("#attributes")
        assert table.content_region.height >= 5, table.content_region
        text = screen_text(app)
        for attribute in ("city", "company", "first_name", "language"):
            assert attribute in text, (attribute, text)
        assert "Identify request" in text and "Devices" in text
        assert not _cut(screen), _cut(screen)


async def test_f6_at_80x24_previews_and_shows_the_request(sandbox):
    app = sandbox_app(sandbox.root_url)
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_transactional(pilot)
        await pick(pilot, screen, "#tx-templates", 1)
        await fill(pilot, screen, to="grace.hopper@example.com", data='{"expires_in_minutes": 15}')
        text = screen_text(app)
        assert "Send form" in text and "/v1/send/email" in text, text
        assert "grace.hopper@example.com" in text
        await pilot.press("ctrl+e")
        await pilot.pause()
        text = screen_text(app)
        assert "Preview (body as text)" in text and "Subject" in text and "Data check" in text, text
        assert "Send form" not in text
        # No focus is left on a field that is not on screen.
        assert app.focused is None or app.focused.region.width
        await pilot.press("ctrl+e")
        await pilot.pause()
        assert "Send form" in screen_text(app) and app.focused is screen.query_one("#tx-to")


@pytest.mark.parametrize("size", [(120, 40), SMALL])
async def test_no_label_button_or_placeholder_is_cut(sandbox, memory_keyring, size):
    app = sandbox_app(sandbox.root_url)
    async with app.run_test(size=size) as pilot:
        screen = await _f2(pilot)
        assert not _cut(screen), ("F2", _cut(screen))
        await pilot.press("escape")
        screen = await open_profile(pilot)
        await look_up(pilot, screen, "user_1001")
        assert not _cut(screen), ("F4", _cut(screen))
        await pilot.press("escape")
        screen = await open_transactional(pilot)
        await pick(pilot, screen, "#tx-templates", 1)
        await idle(pilot)
        assert not _cut(screen), ("F6", _cut(screen))


# -- snapshots at 80x24 -------------------------------------------------------------------------
def _env_screen(pilot):
    return _f2(pilot)


def _profile(pilot):
    async def run():
        screen = await open_profile(pilot)
        await look_up(pilot, screen, "user_1001")
        await idle(pilot)

    return run()


def _transactional(pilot):
    async def run():
        screen = await open_transactional(pilot)
        await pick(pilot, screen, "#tx-templates", 1)
        await fill(pilot, screen, to="grace.hopper@example.com", data='{"expires_in_minutes": 15}')
        await idle(pilot)

    return run()


def test_environment_screen_at_80x24(snap_compare, memory_keyring):
    from screens.app import CioConsoleApp

    store = EnvironmentStore()
    store.update("Production", site_id="site-prod-0001")
    assert snap_compare(CioConsoleApp(store=store), run_before=_env_screen, terminal_size=SMALL)


def test_profile_at_80x24(snap_compare, sandbox):
    assert snap_compare(fixed_root_app(sandbox.root_url), run_before=_profile, terminal_size=SMALL)


def test_transactional_at_80x24(snap_compare, sandbox):
    assert snap_compare(fixed_root_app(sandbox.root_url), run_before=_transactional, terminal_size=SMALL)


def _footer_cut(screen) -> list[str]:
    from textual.widgets._footer import FooterKey

    keys = [k for k in screen.query(FooterKey) if k.display]
    palette = [k for k in keys if k.has_class("-command-palette")]
    right = min((k.region.x for k in palette), default=screen.size.width)
    return [f"{k.key} {k.description}" for k in keys if k not in palette and k.region.right > right]


@pytest.mark.parametrize("size", [(120, 40), SMALL])
async def test_footers_show_whole_keys_only(sandbox, memory_keyring, size):
    app = sandbox_app(sandbox.root_url)
    async with app.run_test(size=size) as pilot:
        for key, _ready in (("f2", None), ("f4", None), ("f6", None), ("f3", None)):
            await pilot.press(key)
            await pilot.pause(0.3)
            await idle(pilot)
            assert not _footer_cut(app.screen), (key, size, _footer_cut(app.screen))
            await pilot.press("escape")
            await pilot.pause(0.1)


@pytest.mark.parametrize(("size", "width_class"), [((80, 24), "-narrow"), ((120, 40), "-wide")])
async def test_a_screen_is_built_for_the_terminals_width_and_not_restyled_on_its_first_resize(
    sandbox, size, width_class
):
    """F4's profile, F6's transactional and F2's environment screens carry their width
    classes from the start, and the first showing does not restyle the screen whole again
    (both screens/styles.StyledOnce): the first Resize finds nothing to change. Shown again
    later, it is restyled, as Textual does."""
    from textual.css.stylesheet import Stylesheet

    from screens.profile.screen import ProfileScreen
    from screens.transactional.screen import TransactionalScreen

    app = sandbox_app(sandbox.root_url)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        for make in (ProfileScreen, TransactionalScreen, lambda: EnvironmentScreen(EnvironmentStore())):
            screen = make()
            assert screen.has_class(width_class), type(screen).__name__
            updated: list = []
            update_nodes = Stylesheet.update_nodes

            def spy(self, nodes, animate=False, _seen=updated, _update=update_nodes):
                nodes = list(nodes)
                _seen.extend(nodes)
                return _update(self, nodes, animate=animate)

            Stylesheet.update_nodes = spy
            try:
                await app.push_screen(screen)
                await pilot.pause()
                await pilot.resize_terminal(*size)  # the same size again: a Resize, nothing to change
                await pilot.pause()
            finally:
                Stylesheet.update_nodes = update_nodes
            assert not [n for n in updated if n is screen], type(screen).__name__  # styled once, as built
            app.pop_screen()
            await pilot.pause()
            updated.clear()
            Stylesheet.update_nodes = spy
            try:
                await app.push_screen(screen)  # shown again
                await pilot.pause()
            finally:
                Stylesheet.update_nodes = update_nodes
            assert [n for n in updated if n is screen], type(screen).__name__
            app.pop_screen()
            await pilot.pause()
