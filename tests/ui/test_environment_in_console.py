"""The environment screen inside the console: F2, store keys, switch, and the next send
goes to that environment over loopback; the console reopens on it. Plus its snapshot."""

from __future__ import annotations

from textual.widgets import Input

from console.environments.store import EnvironmentStore
from console.sandbox import DEMO_CREDENTIALS as DEMO
from screens.app import CioConsoleApp
from screens.environments.screen import EnvironmentScreen
from tests.ui.workspace_helpers import fill, opened, send_and_wait, sent, settle, until


async def test_f2_store_keys_switch_and_send_to_that_environment(sandbox, memory_keyring):
    store = EnvironmentStore()
    store.update("Staging", sandbox_root=sandbox.root_url)
    app = CioConsoleApp(store=store)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: app.session is not None, "the first environment")
        assert "no environment" in app.session.label
        await pilot.press("f2")
        await until(pilot, lambda: isinstance(app.screen, EnvironmentScreen), "the environment screen")
        screen = app.screen
        screen._select("Staging")
        await settle(pilot)
        for selector, text in {
            "#env-site-id": DEMO["site_id"],
            "#key-track": DEMO["track_key"],
            "#key-app": DEMO["app_key"],
        }.items():
            screen.query_one(selector, Input).value = text
        await pilot.press("ctrl+s")
        await until(pilot, lambda: store.get("Staging").site_id == DEMO["site_id"], "the save")
        await pilot.press("ctrl+o")
        await until(pilot, lambda: app.session is not None and app.session.label == "Staging", "the switch")
        assert "Staging · US" in app.sub_title and not app.has_class("-protected")
        await pilot.press("escape")
        ws = await opened(pilot, "identify-customer")
        fill(ws, customer_identifier="user_1001", traits='{"plan": "staging-test"}')
        await settle(pilot)
        await send_and_wait(pilot)
        assert [r["path"] for r in sent(sandbox)][-1].endswith("/customers/user_1001")
        assert app.outcomes[-1].ok
        assert DEMO["track_key"] not in store.path.read_text()
    # The console opens on the environment used last, keys from the keyring.
    app = CioConsoleApp(store=EnvironmentStore())
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: app.session is not None, "the first environment")
        assert app.session.label == "Staging" and app.session.creds.track_key == DEMO["track_key"]


async def _production_selected(pilot) -> None:
    await pilot.pause()
    await pilot.press("f2")
    await until(pilot, lambda: isinstance(pilot.app.screen, EnvironmentScreen), "the environment screen")
    pilot.app.screen._select("Production")
    await settle(pilot)
    await pilot.pause()


def test_environment_screen_on_production(snap_compare, memory_keyring):
    store = EnvironmentStore()
    store.update("Production", site_id="site-prod-0001")
    assert snap_compare(CioConsoleApp(store=store), run_before=_production_selected, terminal_size=(120, 40))


async def test_f2_shown_again_reads_what_another_process_changed_keeping_what_is_typed(memory_keyring):
    store = EnvironmentStore()
    app = CioConsoleApp(store=store)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: app.session is not None, "the first environment")
        await pilot.press("f2")
        await until(pilot, lambda: isinstance(app.screen, EnvironmentScreen), "the environment screen")
        screen = app.screen
        screen._select("Staging")
        await settle(pilot)
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, EnvironmentScreen), "the workspace")
        other = EnvironmentStore()  # `cio-console env` in another process: same file, own object
        other.update("Staging", site_id="site-from-elsewhere")
        other.add("QA", "eu")
        await pilot.press("f2")
        await until(pilot, lambda: app.screen is screen, "the same environment screen")
        await until(
            pilot, lambda: screen.query_one("#env-site-id", Input).value == "site-from-elsewhere", "the changed Site ID"
        )
        assert "QA" in [o.id for o in screen.query_one("#env-list").options]
        screen.query_one("#env-site-id", Input).value = "typed-here"
        await pilot.press("escape", "escape")  # unsaved: the second Escape leaves, keeping it
        await until(pilot, lambda: not isinstance(app.screen, EnvironmentScreen), "the workspace again")
        other.update("Staging", site_id="changed-again")
        await pilot.press("f2")
        await until(pilot, lambda: app.screen is screen, "the environment screen again")
        await settle(pilot)
        assert screen.query_one("#env-site-id", Input).value == "typed-here"
