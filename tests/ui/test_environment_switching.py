"""Every path that changes the environment in use (F2's ctrl+o, the palette's `env: …`,
start-up) makes the header, the request's target and the production guard agree — also
under `--sandbox`, where a stored environment may point at the embedded sandbox."""

from __future__ import annotations

from textual.widgets import Input, RadioButton

from console.environments.store import EnvironmentStore
from console.sandbox import DEMO_CREDENTIALS as DEMO
from screens.app import SANDBOX_PROTECTED_LABEL, CioConsoleApp
from screens.environments.screen import EnvironmentScreen
from tests.ui.workspace_helpers import fill, opened, ready, send_and_wait, settle, until


async def _embedded(pilot) -> None:
    app = pilot.app
    await until(pilot, lambda: app.session is not None and app.sandbox_server is not None, "the sandbox")
    await app.workers.wait_for_complete()
    await ready(pilot)


async def _use_from_f2(pilot, name: str) -> EnvironmentScreen:
    app = pilot.app
    await pilot.press("f2")
    await until(pilot, lambda: isinstance(app.screen, EnvironmentScreen), "the environment screen")
    screen = app.screen
    screen._refresh_list()
    screen._select(name)
    await settle(pilot)
    await pilot.press("ctrl+o")
    await until(pilot, lambda: app.session is not None and app.session.label == name, f"the switch to {name}")
    return screen


async def test_ctrl_o_under_sandbox_switches_to_the_stored_environment_it_names(memory_keyring):
    """The repro: Sandbox (protected), F2, "EU Test" (EU, sandbox keys), ctrl+o."""
    app = CioConsoleApp(sandbox=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await _embedded(pilot)
        app.switch_environment(SANDBOX_PROTECTED_LABEL)
        await until(pilot, lambda: app.session.protected, "the protected sandbox")
        assert "PROTECTED" in app.sub_title
        root = app.sandbox_server.root_url
        store = app.store
        store.add("EU Test", "eu", site_id=DEMO["site_id"], sandbox_root=root)
        store.set_key("EU Test", "track", DEMO["track_key"])
        await _use_from_f2(pilot, "EU Test")
        # Header, target and guard all come from EU Test: not the sandbox's US label.
        assert app.sub_title.startswith("EU Test · EU"), app.sub_title
        assert app.session.creds.region.value == "eu"
        assert not app.session.protected and not app.has_class("-protected")
        toasts = [n.message for n in app._notifications]
        assert any("Using EU Test (EU)" in t and "/track-eu" in t for t in toasts), toasts
        await pilot.press("escape")
        ws = await opened(pilot, "identify-customer")
        fill(ws, customer_identifier="user_1001", traits='{"plan": "eu"}')
        await settle(pilot)
        before = len(app.sandbox_server.sandbox.requests)
        await send_and_wait(pilot)
        [req] = app.sandbox_server.sandbox.requests[before:]
        assert (req["api"], req["region"], req["path"]) == ("track", "eu", "/api/v1/customers/user_1001"), req


async def test_ctrl_o_under_sandbox_keeps_a_protected_environments_guard(memory_keyring):
    app = CioConsoleApp(sandbox=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await _embedded(pilot)
        assert not app.session.protected
        store = app.store
        store.add(
            "Prod via sandbox", "us", site_id=DEMO["site_id"], protected=True, sandbox_root=app.sandbox_server.root_url
        )
        store.set_key("Prod via sandbox", "track", DEMO["track_key"])
        await _use_from_f2(pilot, "Prod via sandbox")
        assert app.session.protected and app.has_class("-protected")
        assert "PROTECTED" in app.sub_title
        # The guard is armed: a destroy needs the identifier typed.
        await pilot.press("escape")
        ws = await opened(pilot, "destroy-customer")
        fill(ws, customer_identifier="user_1001")
        await settle(pilot)
        before = len(app.sandbox_server.sandbox.requests)
        await pilot.press("ctrl+s")
        await pilot.pause(0.2)
        assert type(app.screen).__name__ == "ConfirmScreen"
        assert len(app.sandbox_server.sandbox.requests) == before


async def test_palette_offers_stored_environments_under_sandbox_and_start_up_honours_env(memory_keyring):
    store = EnvironmentStore()
    store.update("Production", site_id=DEMO["site_id"])
    app = CioConsoleApp(sandbox=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await _embedded(pilot)
        assert app.environment_names()[:2] == ["Sandbox", SANDBOX_PROTECTED_LABEL]
        assert "Production" in app.environment_names()
        app.switch_environment("Production")
        await until(pilot, lambda: app.session.label == "Production", "the switch")
        # The header is set by the session's watcher once the old client is closed: a loaded
        # machine gets there a moment after the session changed.
        await until(pilot, lambda: "PROTECTED" in app.sub_title, "the header naming the protected environment")
        assert app.session.protected
    # `cio-console --sandbox --env Production` opens on Production, not on the sandbox.
    app = CioConsoleApp(sandbox=True, env_name="Production")
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: app.session is not None, "the first environment")
        assert app.session.label == "Production" and app.session.protected


async def test_f2_header_names_the_environment_in_use_not_the_highlighted_one(memory_keyring):
    app = CioConsoleApp(sandbox=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await _embedded(pilot)
        await pilot.press("f2")
        await until(pilot, lambda: isinstance(app.screen, EnvironmentScreen), "the environment screen")
        screen = app.screen
        screen._select("Production")
        await settle(pilot)
        header = str(app.screen.query_one("HeaderTitle").render())
        assert "Sandbox · US" in header and "Production" not in header, header
        # The header is not painted red for a protected environment that is only highlighted.
        assert not app.has_class("-protected")
        header_bg = app.screen.query_one("Header").styles.background
        screen._select("Editor")
        await settle(pilot)
        assert app.screen.query_one("Header").styles.background == header_bg
        assert screen.query_one("#region-us", RadioButton).value
        assert screen.query_one("#env-site-id", Input) is not None
