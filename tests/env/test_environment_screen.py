"""Pilot tests driving the environment screen: fill, save, test, switch environment."""

from __future__ import annotations

import httpx
import pytest
from textual.app import App
from textual.widgets import Button, Input, Static

from console.environments.keystore import SERVICE, MemoryKeyStore
from console.environments.store import EnvironmentStore
from console.sandbox import DEMO_CREDENTIALS as DEMO
from console.sandbox import SandboxConfig, create_app
from console.wire.transport import make_client
from screens.environments.screen import EnvironmentScreen

ROOT = "http://sandbox"  # the in-process sandbox answers whatever the host


class Host(App):
    """A small app hosting the screen, recording what it reports."""

    def __init__(self, store: EnvironmentStore, region: str = "us") -> None:
        super().__init__()
        self.store = store
        self.selected: list[str] = []
        self.clients: list[httpx.AsyncClient] = []
        self.sandbox_app = create_app(SandboxConfig(region=region))

    def client_factory(self, creds):
        client = make_client(transport=httpx.ASGITransport(app=self.sandbox_app))
        self.clients.append(client)
        return client

    def on_mount(self) -> None:
        self.push_screen(EnvironmentScreen(self.store, client_factory=self.client_factory))

    def on_environment_screen_selected(self, message: EnvironmentScreen.Selected) -> None:
        self.selected.append(message.name)


@pytest.fixture
def store():
    s = EnvironmentStore()
    for name in s.names():
        s.update(name, sandbox_root=ROOT)
    return s


async def settle(pilot) -> None:
    """Wait until the screen's workers are done (a newer exclusive one cancels an older)."""
    from textual.worker import WorkerCancelled

    await pilot.pause()
    for _ in range(10):
        try:
            await pilot.app.workers.wait_for_complete()
            break
        except WorkerCancelled:
            continue
    await pilot.pause()


def screen_of(pilot) -> EnvironmentScreen:
    screen = pilot.app.screen
    assert isinstance(screen, EnvironmentScreen)
    return screen


def value(screen, selector: str) -> str:
    return screen.query_one(selector, Input).value


def fill(screen, **values: str) -> None:
    for selector, text in values.items():
        screen.query_one(f"#{selector.replace('_', '-')}", Input).value = text


def check_text(screen, key: str) -> str:
    return str(screen.query_one(f"#check-{key}", Static).render())


async def open_env(pilot, name: str) -> EnvironmentScreen:
    screen = screen_of(pilot)
    screen._select(name)
    await settle(pilot)
    return screen


async def test_fill_and_save(store, memory_keyring):
    app = Host(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = screen_of(pilot)
        assert screen.current == "Editor"
        await pilot.press("down")  # the list has focus: highlight Staging
        await settle(pilot)
        assert screen.current == "Staging"
        screen.query_one("#env-site-id", Input).focus()
        await pilot.press(*"site-typed")  # typed like a person
        fill(screen, key_track=DEMO["track_key"], key_app=DEMO["app_key"])
        await pilot.click("#region-eu")
        await pilot.press("ctrl+s")
        await settle(pilot)
        env = store.get("Staging")
        assert (env.site_id, env.region.value) == ("site-typed", "eu")
        assert memory_keyring.entries == {
            (SERVICE, "Staging:track"): DEMO["track_key"],
            (SERVICE, "Staging:app"): DEMO["app_key"],
        }
        # Saved keys leave the form; the inputs say they are stored.
        assert value(screen, "#key-track") == "" and value(screen, "#key-app") == ""
        assert screen.query_one("#key-app", Input).placeholder.startswith("in the OS keyring")
        assert screen.query_one("#key-write", Input).placeholder.startswith("not set")
        assert "Saved Staging" in str(screen.query_one("#env-message", Static).render())
        text = store.path.read_text()
        assert DEMO["track_key"] not in text and DEMO["app_key"] not in text


async def test_bad_site_id_is_named_and_the_typed_keys_are_kept(store, memory_keyring):
    app = Host(store)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_env(pilot, "Staging")
        fill(screen, env_site_id="has space", key_app=DEMO["app_key"])
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Not saved: Site ID 'has space' is not valid" in str(screen.query_one("#env-message", Static).render())
        assert screen.query_one("#env-site-id", Input).has_class("-invalid")
        assert value(screen, "#key-app") == DEMO["app_key"]  # nothing the user typed is lost
        assert memory_keyring.entries == {}


async def test_the_field_marked_is_the_one_the_error_names_not_a_label_in_its_text(store, memory_keyring):
    """Issue 15: the screen searched the error text for "Site ID" and each key's label, so
    a Site ID typed as "Track API key" marked the Track key too. The error's `field` says."""
    app = Host(store)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_env(pilot, "Staging")
        fill(screen, env_site_id="Track API key")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert screen.query_one("#env-site-id", Input).has_class("-invalid")
        assert not screen.query_one("#key-track", Input).has_class("-invalid")
        fill(screen, env_site_id="site-ok", key_app="abc\x01def")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "App API key contains spaces or control characters" in str(
            screen.query_one("#env-message", Static).render()
        )
        assert screen.query_one("#key-app", Input).has_class("-invalid")
        assert not screen.query_one("#key-track", Input).has_class("-invalid")
        assert memory_keyring.entries == {}


async def test_connection_test_shows_each_check_in_place(store):
    store.update("Staging", site_id=DEMO["site_id"])
    for kind in ("track", "app", "write"):
        store.set_key("Staging", kind, DEMO[f"{kind}_key"])
    app = Host(store)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_env(pilot, "Staging")
        await pilot.press("ctrl+t")
        await settle(pilot)
        for key in ("track", "region", "app", "write"):
            assert screen.query_one(f"#check-{key}").has_class("-pass"), check_text(screen, key)
        assert "workspace 4242" in check_text(screen, "track")
        assert "every key that is set works" in str(screen.query_one("#env-message", Static).render())
        assert all(client.is_closed for client in app.clients)


async def test_connection_test_of_unsaved_values_finds_a_track_key_as_app_key(store, memory_keyring):
    app = Host(store)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_env(pilot, "Editor")
        fill(screen, env_site_id=DEMO["site_id"], key_track=DEMO["track_key"], key_app=DEMO["track_key"])
        await pilot.press("ctrl+t")
        await settle(pilot)
        app_row = screen.query_one("#check-app")
        assert app_row.has_class("-fail")
        assert "this is a Track API key" in check_text(screen, "app") and "Fix:" in check_text(screen, "app")
        assert screen.query_one("#check-track").has_class("-pass")
        assert screen.query_one("#check-write").has_class("-skip")
        assert memory_keyring.entries == {}  # testing saves nothing


async def test_region_mismatch_then_fixed_by_choosing_eu(store):
    store.update("Staging", site_id=DEMO["site_id"])
    store.set_key("Staging", "track", DEMO["track_key"])
    app = Host(store, region="eu")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_env(pilot, "Staging")
        await pilot.press("ctrl+t")
        await settle(pilot)
        assert screen.query_one("#check-region").has_class("-fail")
        assert "in the EU region" in check_text(screen, "region")
        await pilot.click("#region-eu")
        await pilot.press("ctrl+t")
        await settle(pilot)
        assert screen.query_one("#check-region").has_class("-pass")
        assert "EU, as configured" in check_text(screen, "region")


async def test_switch_environment(store):
    app = Host(store)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_env(pilot, "Production")
        assert screen.has_class("-protected")
        assert "PROTECTED" in str(screen.query_one("#env-title", Static).render())
        assert not screen.sub_title  # the header is the App's: the environment in use, not this one
        await pilot.press("ctrl+o")
        await settle(pilot)
        assert app.selected == ["Production"]
        assert store.last_used == "Production"
        screen = await open_env(pilot, "Editor")
        assert not screen.has_class("-protected")
        await pilot.click("#env-use-button")
        await settle(pilot)
        assert app.selected == ["Production", "Editor"]
    # The next screen opens on the environment used last.
    app = Host(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert screen_of(pilot).current == "Editor"


async def test_typed_values_survive_switching_and_block_use_until_saved(store):
    app = Host(store)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_env(pilot, "Staging")
        fill(screen, env_site_id="draft-site", key_write="draft-write-key-1")
        screen = await open_env(pilot, "Production")
        assert value(screen, "#env-site-id") == ""
        assert "unsaved" in str(screen.query_one("#env-list").get_option("Staging").prompt)
        screen = await open_env(pilot, "Staging")
        assert value(screen, "#env-site-id") == "draft-site"
        assert value(screen, "#key-write") == "draft-write-key-1"
        await pilot.press("ctrl+o")
        await settle(pilot)
        assert app.selected == []  # unsaved changes: not switched
        # Leaving asks for a second escape.
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, EnvironmentScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, EnvironmentScreen)


async def test_reveal_toggles_the_typed_keys_only(store):
    store.set_key("Editor", "track", "stored-secret-123456")
    app = Host(store)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_env(pilot, "Editor")
        assert all(screen.query_one(f"#key-{k}", Input).password for k in ("track", "app", "write"))
        fill(screen, key_app="typed-secret-987654")
        masked = app.export_screenshot()
        assert "typed-secret-987654" not in masked and "stored-secret-123456" not in masked
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert not screen.query_one("#key-app", Input).password
        revealed = app.export_screenshot()
        assert "typed-secret-987654" in revealed.replace("&#160;", " ")
        assert "stored-secret-123456" not in revealed  # a stored key is never read into the form
        await pilot.press("ctrl+r")
        assert screen.query_one("#key-app", Input).password


async def test_remove_a_key_takes_two_presses(store, memory_keyring):
    store.set_key("Editor", "app", DEMO["app_key"])
    app = Host(store)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_env(pilot, "Editor")
        button = screen.query_one("#remove-app", Button)
        assert not button.disabled and screen.query_one("#remove-track", Button).disabled
        button.active_effect_duration = 0  # the press animation ignores presses for 0.2 s
        button.focus()
        await pilot.press("enter")
        await settle(pilot)
        assert memory_keyring.entries  # not yet
        assert "again" in str(button.label)
        await pilot.press("enter")
        await settle(pilot)
        assert memory_keyring.entries == {}
        assert screen.query_one("#key-app", Input).placeholder.startswith("not set")


async def test_add_an_environment(store):
    app = Host(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+n")
        await pilot.press(*"QA", "enter")
        await settle(pilot)
        screen = screen_of(pilot)
        assert store.names() == ["Editor", "Staging", "Production", "QA"]
        assert screen.current == "QA"
        await pilot.press("ctrl+n")
        await pilot.press(*"a:b", "enter")
        await settle(pilot)
        assert "Not added" in str(screen.query_one("#env-message", Static).render())
        assert value(screen, "#env-new-name") == "a:b"


async def test_without_a_keyring_keys_can_be_kept_in_memory(store, monkeypatch):
    import keyring.backends.fail
    import keyring.core

    monkeypatch.setattr(keyring.core, "_keyring_backend", keyring.backends.fail.Keyring())
    app = Host(store)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_env(pilot, "Staging")
        assert screen.query_one("#env-memory").display
        fill(screen, env_site_id=DEMO["site_id"], key_app=DEMO["app_key"])
        await pilot.press("ctrl+s")
        await settle(pilot)
        message = str(screen.query_one("#env-message", Static).render())
        assert "no keyring backend was found" in message and "CIO_APP_API_KEY" in message
        assert value(screen, "#key-app") == DEMO["app_key"]  # kept for another try
        assert store.get("Staging").site_id == DEMO["site_id"]  # the settings were saved
        await pilot.click("#env-memory")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(store.keys, MemoryKeyStore)
        assert store.credentials("Staging").app_key == DEMO["app_key"]
        assert "memory (this run only)" in str(screen.query_one("#env-message", Static).render())
        # Each row says where its key really is: the App key in memory, not "the OS keyring".
        await settle(pilot)
        placeholders = {k: screen.query_one(f"#key-{k}", Input).placeholder for k in ("track", "app", "write")}
        assert placeholders["app"].startswith("in memory for this run only"), placeholders
        assert not any("keyring: type to replace" in p for p in placeholders.values()), placeholders
        assert placeholders["track"].startswith("not set")


async def test_a_key_from_a_variable_is_named_as_such(store, memory_keyring, monkeypatch):
    monkeypatch.setenv("CIO_TRACK_API_KEY", DEMO["track_key"])
    app = Host(store)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_env(pilot, "Staging")
        await settle(pilot)
        assert screen.query_one("#key-track", Input).placeholder.startswith("from CIO_TRACK_API_KEY")
        assert screen.query_one("#key-app", Input).placeholder.startswith("not set")


def test_every_binding_has_an_id_and_a_description():
    for binding in EnvironmentScreen.BINDINGS:
        assert binding.id and binding.description, binding
