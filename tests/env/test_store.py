"""Stored environments: the TOML file, the keys in the (in-memory) keyring, overrides."""

from __future__ import annotations

import stat
import types

import pytest

from console.environments.keystore import SERVICE, KeyringUnavailable, KeyStore, MemoryKeyStore
from console.environments.store import (
    ConfigFileError,
    EnvironmentStore,
    UnknownEnvironment,
    credentials_for,
    default_config_dir,
)
from console.wire.apis import API, Region

TRACK, APP, WRITE = "trk-known-0123456789", "app-known-abcdefabcdef", "wrt-known-9876543210"


@pytest.fixture
def store():
    return EnvironmentStore()


def test_first_start_has_editor_staging_production_with_production_protected(store, isolated):
    envs = store.list()
    assert [e.name for e in envs] == ["Editor", "Staging", "Production"]
    assert [e.protected for e in envs] == [False, False, True]
    assert all(e.region == Region.US and e.site_id is None for e in envs)
    assert store.config_dir == default_config_dir()
    assert str(store.config_dir).startswith(str(isolated / "xdg_config_home"))


def test_file_and_directory_are_owner_only(store):
    store.add("Sandbox", "eu", site_id="site-1")
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o600
    assert stat.S_IMODE(store.config_dir.stat().st_mode) == 0o700
    assert not [p for p in store.config_dir.iterdir() if p.name != "environments.toml"]  # no temp files left


def test_loose_directory_permissions_are_tightened(store):
    store.config_dir.mkdir(parents=True, mode=0o755)
    store.config_dir.chmod(0o755)
    store.update("Editor", site_id="abc")
    assert stat.S_IMODE(store.config_dir.stat().st_mode) == 0o700


def test_settings_survive_a_new_store_and_keys_stay_out_of_the_file(store, memory_keyring):
    store.add("EU Prod", Region.EU, site_id="site-eu", protected=True)
    store.set_key("eu prod", "track", TRACK)
    store.set_key("EU Prod", "app", APP)
    again = EnvironmentStore()
    env = again.get("eu prod")
    assert (env.name, env.region, env.site_id, env.protected) == ("EU Prod", Region.EU, "site-eu", True)
    assert again.key_status("EU Prod") == {"track": True, "app": True, "write": False}
    text = store.path.read_text()
    assert TRACK not in text and APP not in text
    # One keyring entry per environment and key kind, under the service cio-console.
    assert memory_keyring.entries == {(SERVICE, "EU Prod:track"): TRACK, (SERVICE, "EU Prod:app"): APP}


def test_credentials_carry_the_keys_name_protection_and_source(store):
    store.update("Production", site_id="site-p", region="eu")
    for kind, value in (("track", TRACK), ("app", APP), ("write", WRITE)):
        store.set_key("Production", kind, value)
    creds = store.credentials("production")
    assert (creds.track_key, creds.app_key, creds.write_key) == (TRACK, APP, WRITE)
    assert (creds.name, creds.protected, creds.region, creds.site_id) == ("Production", True, Region.EU, "site-p")
    assert creds.source == "environment Production"
    assert creds.base_url(API.APP) == "https://api-eu.customer.io"


def test_unknown_environment_lists_the_known_ones(store):
    with pytest.raises(KeyError) as info:
        store.get("Prodution")
    assert isinstance(info.value, UnknownEnvironment)
    assert "Editor, Staging, Production" in str(info.value) and "'Prodution'" in str(info.value)


@pytest.mark.parametrize("name", ["", " lead", "a:b", "x" * 41, "tab\there", "über"])
def test_invalid_names_are_refused_with_the_rule(store, name):
    with pytest.raises(ValueError, match="letters, digits"):
        store.add(name, "us")
    assert [e.name for e in store.list()] == ["Editor", "Staging", "Production"]


def test_duplicate_names_clash_case_insensitively(store):
    with pytest.raises(ValueError, match="'Staging' already exists"):
        store.add("staging", "us")
    store.add("QA", "us")
    with pytest.raises(ValueError, match="already exists"):
        store.rename("QA", "EDITOR")


def test_bad_site_id_and_region_are_explained(store):
    with pytest.raises(ValueError, match="Site ID 'a b' is not valid"):
        store.update("Editor", site_id="a b")
    with pytest.raises(ValueError, match="region must be one of us, eu"):
        store.update("Editor", region="asia")
    assert store.get("Editor").site_id is None


def test_update_refuses_keys_and_unknown_fields(store):
    with pytest.raises(ValueError, match="Keys are not settings"):
        store.update("Editor", track_key=TRACK)
    assert TRACK not in (store.path.read_text() if store.path.exists() else "")


def test_base_url_overrides_for_the_sandbox(store):
    store.add("Sandbox", "us", sandbox_root="http://127.0.0.1:8765/")
    env = store.update("Sandbox", urls={"app": "http://127.0.0.1:9000/app-us"})
    assert env.base_url(API.TRACK) == "http://127.0.0.1:8765/track-us"
    assert env.base_url(API.APP) == "http://127.0.0.1:9000/app-us"
    with pytest.raises(ValueError, match="not a URL"):
        store.update("Sandbox", sandbox_root="ftp:/nope")
    with pytest.raises(ValueError, match="unknown API 'mail'"):
        store.update("Sandbox", urls={"mail": "http://x"})
    assert EnvironmentStore().get("Sandbox").urls == {API.APP: "http://127.0.0.1:9000/app-us"}


def test_rename_moves_keys_and_last_used(store, memory_keyring):
    store.set_key("Staging", "track", TRACK)
    store.set_last_used("Staging")
    store.rename("staging", "Stage 2")
    assert store.last_used == "Stage 2"
    assert store.credentials("Stage 2").track_key == TRACK
    assert (SERVICE, "Staging:track") not in memory_keyring.entries
    assert [e.name for e in store.list()] == ["Editor", "Stage 2", "Production"]


def test_delete_removes_its_keyring_entries(store, memory_keyring):
    store.set_key("Editor", "app", APP)
    store.set_key("Staging", "app", "other-app-key-000")
    store.set_last_used("Editor")
    store.delete("editor")
    assert store.names() == ["Staging", "Production"]
    assert store.last_used is None
    assert memory_keyring.entries == {(SERVICE, "Staging:app"): "other-app-key-000"}
    # Re-adding the name starts without keys.
    store.add("Editor", "us")
    assert store.key_status("Editor") == {"track": False, "app": False, "write": False}


def test_set_and_delete_key(store):
    with pytest.raises(ValueError, match="App API key is empty"):
        store.set_key("Editor", "app", "  \n")
    with pytest.raises(ValueError, match="spaces or control characters") as info:
        store.set_key("Editor", "app", "abc def-123456")
    assert "abc def" not in str(info.value)  # never echo a key back
    with pytest.raises(ValueError, match="one of track, app, write"):
        store.set_key("Editor", "site", "x")
    store.set_key("Editor", "write", f"  {WRITE}\n")
    assert store.credentials("Editor").write_key == WRITE
    assert store.delete_key("Editor", "write") is True
    assert store.delete_key("Editor", "write") is False
    assert store.key_status("Editor")["write"] is False


def test_last_used(store):
    assert store.last_used is None
    store.set_last_used("production")
    assert EnvironmentStore().last_used == "Production"
    with pytest.raises(UnknownEnvironment):
        store.set_last_used("Nope")


def test_corrupt_file_is_named(store):
    store.config_dir.mkdir(parents=True)
    store.path.write_text("[environments.Editor\nregion = 'us'")
    with pytest.raises(ConfigFileError, match=r"environments\.toml is not valid TOML"):
        store.list()
    store.path.write_text("[environments.Editor]\nregion = 'mars'\n")
    with pytest.raises(ConfigFileError, match="environment 'Editor': region must be one of us, eu"):
        store.list()


# -- the key store ------------------------------------------------------------------------
def test_no_keyring_backend_names_the_cause_and_the_ways_out(store, monkeypatch):
    import keyring.backends.fail
    import keyring.core

    monkeypatch.setattr(keyring.core, "_keyring_backend", keyring.backends.fail.Keyring())
    with pytest.raises(KeyringUnavailable) as info:
        store.set_key("Editor", "track", TRACK)
    text = str(info.value)
    assert "no keyring backend was found" in text and "Secret Service" in text
    assert "CIO_TRACK_API_KEY" in text and "in memory for this run only" in text
    assert "keyrings.alt" not in text  # keyring's own message recommends it; ours must not
    assert not store.path.exists()


def test_plaintext_backends_are_refused(monkeypatch):
    from tests.memory_keyring import MemoryKeyring

    plaintext = types.new_class("PlaintextKeyring", (MemoryKeyring,))
    plaintext.__module__ = "keyrings.alt.file"
    keys = KeyStore(backend=plaintext())
    with pytest.raises(KeyringUnavailable, match="unencrypted in a file"):
        keys.set("Editor", "track", TRACK)


def test_a_locked_keyring_is_explained(store, memory_keyring, monkeypatch):
    from keyring.errors import KeyringLocked

    def locked(*_):
        raise KeyringLocked("Failed to unlock the collection!")

    monkeypatch.setattr(memory_keyring, "get_password", locked)
    with pytest.raises(KeyringUnavailable, match=r"locked.*Unlock it"):
        store.key_status("Editor")


def test_memory_keys_for_this_run_only(store, memory_keyring):
    store.use_memory_keys()
    assert isinstance(store.keys, MemoryKeyStore) and not store.keys.persistent
    store.set_key("Editor", "app", APP)
    assert store.credentials("Editor").app_key == APP
    assert memory_keyring.entries == {}
    assert APP not in repr(store.keys)
    assert EnvironmentStore().key_status("Editor")["app"] is False  # the next run has none


# -- stored environment + CIO_* variables -----------------------------------------------------
def test_variables_override_field_by_field(store):
    store.update("Staging", site_id="site-s", region="us")
    store.set_key("Staging", "track", TRACK)
    store.set_key("Staging", "app", APP)
    creds = credentials_for(
        "staging",
        environ={
            "CIO_APP_API_KEY": "app-from-ci-000",
            "CIO_REGION": "eu",
            "CIO_TRACK_URL": "http://127.0.0.1:1/track-eu/",
        },
    )
    assert creds.track_key == TRACK and creds.site_id == "site-s"  # stored
    assert creds.app_key == "app-from-ci-000" and creds.region == Region.EU  # overridden
    assert creds.base_url(API.TRACK) == "http://127.0.0.1:1/track-eu"
    assert creds.name == "Staging"
    assert "overridden by CIO_REGION, CIO_APP_API_KEY, CIO_TRACK_URL" in creds.source
    assert credentials_for("Staging", environ={}).source == "environment Staging"


def test_without_a_keyring_variables_still_work_and_missing_keys_say_why(store, monkeypatch):
    import keyring.backends.fail
    import keyring.core

    from console.wire.apis import API as Api
    from console.wire.credentials import MissingCredential

    store.update("Staging", site_id="site-s")
    monkeypatch.setattr(keyring.core, "_keyring_backend", keyring.backends.fail.Keyring())
    creds = credentials_for("Staging", environ={"CIO_TRACK_API_KEY": TRACK})
    assert creds.track_key == TRACK and creds.app_key is None
    with pytest.raises(MissingCredential, match="could not be read: no keyring backend"):
        from console.wire.request import auth_header

        auth_header(Api.APP, creds)
    with pytest.raises(KeyringUnavailable):
        credentials_for("Staging", environ={}, strict=True)
