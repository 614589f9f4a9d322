"""One environment resolver for both faces: the CLI's `--env` and the console's start-up,
palette and F2 get the same credentials for the same environment and variables."""

from __future__ import annotations

import pytest

from console.cli.common import resolve_credentials
from console.environments.resolve import SANDBOX_LABEL, SANDBOX_PROTECTED_LABEL, resolve
from console.environments.store import EnvironmentStore

TRACK = "trk-resolve-0123456789"


@pytest.fixture
def store():
    store = EnvironmentStore()
    store.update("Staging", site_id="site-staging")
    store.set_key("Staging", "track", TRACK)
    return store


def test_the_cli_and_the_console_resolve_a_stored_environment_alike(store, monkeypatch, capsys):
    from screens.app import CioConsoleApp

    monkeypatch.setenv("CIO_REGION", "eu")  # a variable overrides that one field, for both faces
    cli = resolve_credentials("staging")
    console = CioConsoleApp(store=store)._session_for("staging").creds
    assert cli == console
    assert (cli.name, cli.site_id, cli.track_key, cli.region.value) == ("Staging", "site-staging", TRACK, "eu")
    assert "CIO_REGION override the stored settings of Staging" in capsys.readouterr().err


def test_only_the_console_remembers_the_environment_it_switched_to(store):
    resolve("Staging", store=store)
    assert store.last_used != "Staging"
    found = resolve("Staging", store=store, last_used=True)
    assert store.last_used == "Staging" and found.creds.name == "Staging"
    assert resolve(None, store=store, last_used=True).creds.name == "Staging"


def test_no_name_and_no_variables_is_named_by_the_face(store, monkeypatch):
    from screens.app import NO_ENVIRONMENT, CioConsoleApp

    for name in ("CIO_REGION", "CIO_SITE_ID", "CIO_TRACK_API_KEY", "CIO_APP_API_KEY", "CIO_WRITE_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    found = resolve(None, store=store)
    assert found.label is None and found.creds.name is None and not found.sandbox
    assert CioConsoleApp(store=store)._session_for(None).label == NO_ENVIRONMENT


def test_the_sandbox_names_mean_the_embedded_sandbox_only_under_sandbox(store):
    started = []

    def sandbox() -> str:
        started.append(1)
        return "http://127.0.0.1:9"

    plain = resolve(None, store=store, sandbox=sandbox)
    guarded = resolve(SANDBOX_PROTECTED_LABEL.lower(), store=store, sandbox=sandbox)
    assert (plain.creds.name, plain.creds.protected, plain.sandbox) == (SANDBOX_LABEL, False, True)
    assert (guarded.creds.name, guarded.creds.protected) == (SANDBOX_PROTECTED_LABEL, True)
    assert plain.creds.sandbox_root == "http://127.0.0.1:9" and len(started) == 2
    assert resolve("Staging", store=store, sandbox=sandbox).creds.name == "Staging" and len(started) == 2
