"""`cio-console env ...` and `send --env`, in process, with an in-memory keyring."""

from __future__ import annotations

import io
import sys

import pytest

from console.environments.keystore import SERVICE
from console.environments.store import EnvironmentStore
from console.sandbox import DEMO_CREDENTIALS as DEMO

APP = "app-cli-secret-abcdef123456"


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def stored(memory_keyring, env: str, kind: str) -> str | None:
    return memory_keyring.entries.get((SERVICE, f"{env}:{kind}"))


def sandbox_environment(cli, running, name="Sandbox", region="us", **keys):
    assert (
        cli(
            "env", "add", name, "--region", region, "--site-id", DEMO["site_id"], "--sandbox-root", running.root_url
        ).code
        == 0
    )
    for kind in ("track", "app", "write"):
        value = keys.get(kind, DEMO[f"{kind}_key"])
        if value:
            assert cli("env", "set-key", name, kind, stdin=value + "\n").code == 0


def test_list_on_first_start(cli):
    r = cli("env", "list")
    assert r.code == 0
    lines = r.out.splitlines()
    assert lines[0].split() == ["NAME", "REGION", "SITE", "ID", "TRACK", "APP", "WRITE"]
    assert [line.split()[0] for line in lines[1:]] == ["Editor", "Staging", "Production"]
    assert lines[3].split() == ["Production", "US", "-", "-", "-", "-", "protected"]


def test_add_show_and_list_json(cli):
    r = cli("env", "add", "EU Prod", "--region", "EU", "--site-id", "site-eu-1", "--protected")
    assert r.code == 0 and "Added EU Prod (EU, protected)" in r.out
    assert cli("env", "set-key", "eu prod", "app", stdin=APP).code == 0
    r = cli("env", "show", "eu prod")
    assert r.code == 0
    assert "EU Prod  [protected]" in r.out and "site-eu-1" in r.out
    assert "App API key    set (in the OS keyring)" in r.out and "Track API key  not set" in r.out
    assert "https://api-eu.customer.io" in r.out
    rows = {row["name"]: row for row in cli("env", "list", "--json").json()}
    assert rows["EU Prod"]["keys"] == {"track": False, "app": True, "write": False}
    assert rows["EU Prod"]["region"] == "eu" and rows["EU Prod"]["protected"] is True
    assert cli("env", "show", "EU Prod", "--json").json()["base_urls"]["pipelines"] == "https://cdp-eu.customer.io"


def test_add_refuses_bad_input_and_changes_nothing(cli):
    r = cli("env", "add", "QA", "--region", "asia")
    assert r.code == 2 and "invalid choice: 'asia'" in r.err
    r = cli("env", "add", "staging", "--region", "us")
    assert r.code == 2 and "'Staging' already exists" in r.err
    r = cli("env", "add", "a:b", "--region", "us")
    assert r.code == 2 and "letters, digits" in r.err
    r = cli("env", "add", "QA", "--region", "us", "--site-id", "has space")
    assert r.code == 2 and "Site ID 'has space' is not valid" in r.err
    assert EnvironmentStore().names() == ["Editor", "Staging", "Production"]


def test_set_changes_only_what_is_given(cli):
    assert cli("env", "set", "Staging", "--region", "eu", "--site-id", "s-1").code == 0
    assert cli("env", "set", "Staging", "--protected").code == 0
    env = EnvironmentStore().get("Staging")
    assert (env.region.value, env.site_id, env.protected) == ("eu", "s-1", True)
    r = cli("env", "set", "Production", "--unprotected")
    assert r.code == 0 and "not protected" in r.out
    assert cli("env", "set", "Staging", "--site-id", "").code == 0
    assert EnvironmentStore().get("Staging").site_id is None
    r = cli("env", "set", "Staging")
    assert r.code == 2 and "nothing to change" in r.err
    r = cli("env", "set", "Nope", "--region", "us")
    assert r.code == 2 and "Known environments: Editor, Staging, Production" in r.err


def test_set_urls(cli):
    assert (
        cli(
            "env", "set", "Editor", "--url", "app=http://127.0.0.1:9/app-us", "--url", "track=http://127.0.0.1:9/t"
        ).code
        == 0
    )
    assert cli("env", "set", "Editor", "--url", "track=").code == 0
    env = EnvironmentStore().get("Editor")
    assert {a.value: u for a, u in env.urls.items()} == {"app": "http://127.0.0.1:9/app-us"}
    r = cli("env", "set", "Editor", "--url", "app")
    assert r.code == 2 and "API=URL" in r.err


def test_set_key_from_piped_stdin(cli, memory_keyring):
    r = cli("env", "set-key", "Staging", "app", stdin=f"{APP}\n")
    assert r.code == 0 and "Stored the App API key of Staging" in r.out
    assert stored(memory_keyring, "Staging", "app") == APP
    assert APP not in r.out + r.err


def test_set_key_from_a_hidden_prompt(cli, memory_keyring, monkeypatch):
    prompts = []

    def fake_getpass(prompt):
        prompts.append(prompt)
        return APP

    monkeypatch.setattr("getpass.getpass", fake_getpass)
    monkeypatch.setattr(sys, "stdin", Tty(""))
    r = cli("env", "set-key", "Production", "track")
    assert r.code == 0
    assert prompts == ["Track API key for Production (input hidden): "]
    assert stored(memory_keyring, "Production", "track") == APP


def test_set_key_never_takes_the_key_as_an_argument(cli, memory_keyring):
    r = cli("env", "set-key", "Staging", "app", APP)
    assert r.code == 2 and "unrecognized arguments" in r.err
    assert memory_keyring.entries == {}


@pytest.mark.parametrize(
    "stdin,message",
    [
        ("", "no key on stdin"),
        ("a-key-1\nb-key-2\n", "more than one line"),
        ("has space in it", "spaces or control characters"),
    ],
)
def test_set_key_refuses_unusable_input(cli, memory_keyring, stdin, message):
    r = cli("env", "set-key", "Staging", "write", stdin=stdin)
    assert r.code == 2 and message in r.err and "nothing was stored" in r.err
    assert memory_keyring.entries == {}


def test_set_key_warns_when_one_value_is_stored_as_two_kinds(cli):
    cli("env", "set-key", "Staging", "track", stdin=APP)
    r = cli("env", "set-key", "Staging", "app", stdin=APP)
    assert r.code == 0
    assert "same value as the Track API key of Staging" in r.err


def test_delete_key(cli, memory_keyring):
    cli("env", "set-key", "Staging", "write", stdin=APP)
    r = cli("env", "delete-key", "staging", "write")
    assert r.code == 0 and "Removed the Write API key of Staging" in r.out
    assert memory_keyring.entries == {}
    r = cli("env", "delete-key", "Staging", "write")
    assert r.code == 0 and "was not set" in r.out


def test_rename_moves_the_keys(cli, memory_keyring):
    cli("env", "set-key", "Editor", "app", stdin=APP)
    r = cli("env", "rename", "editor", "Dev")
    assert r.code == 0 and "Renamed Editor to Dev" in r.out
    assert stored(memory_keyring, "Dev", "app") == APP and stored(memory_keyring, "Editor", "app") is None


def test_delete_needs_confirmation_and_removes_the_keys(cli, memory_keyring, monkeypatch):
    cli("env", "set-key", "Staging", "app", stdin=APP)
    r = cli("env", "delete", "Staging")
    assert r.code == 2 and "add --yes" in r.err
    monkeypatch.setattr(sys, "stdin", Tty(""))
    monkeypatch.setattr("builtins.input", lambda prompt: "staging")  # not the exact name
    r = cli("env", "delete", "Staging")
    assert r.code == 2 and "did not match" in r.err
    assert "Staging" in EnvironmentStore().names()
    monkeypatch.setattr("builtins.input", lambda prompt: "Staging")
    r = cli("env", "delete", "Staging")
    assert r.code == 0 and "Deleted Staging and its keys" in r.out
    assert memory_keyring.entries == {}
    assert cli("env", "delete", "Editor", "--yes").code == 0
    assert EnvironmentStore().names() == ["Production"]


def test_without_a_keyring(cli, monkeypatch):
    import keyring.backends.fail
    import keyring.core

    monkeypatch.setattr(keyring.core, "_keyring_backend", keyring.backends.fail.Keyring())
    r = cli("env", "set-key", "Staging", "app", stdin=APP)
    assert r.code == 2
    assert "The OS keyring is not usable: no keyring backend was found" in r.err
    assert "CIO_APP_API_KEY" in r.err
    r = cli("env", "list")
    assert r.code == 0
    assert r.out.splitlines()[1].split() == ["Editor", "US", "-", "?", "?", "?"]
    assert "which keys are set is unknown" in r.err


# -- env test -----------------------------------------------------------------------------
def test_env_test_passes(cli, sandbox):
    sandbox_environment(cli, sandbox)
    r = cli("env", "test", "sandbox")
    assert r.code == 0, r.err
    assert r.out.count("PASS") == 4 and "FAIL" not in r.out
    assert "Connection test: Sandbox (region US, Site ID sandbox-site-0001)" in r.out


def test_env_test_fails_with_the_fix(cli, sandbox):
    sandbox_environment(cli, sandbox, app=DEMO["track_key"])
    r = cli("env", "test", "Sandbox")
    assert r.code == 1
    assert "FAIL  App API key" in r.out and "this is a Track API key" in r.out
    assert "Fix: Create or copy an App API key" in r.out
    checks = {c["key"]: c for c in cli("env", "test", "Sandbox", "--json").json()["checks"]}
    assert checks["app"]["status"] == "fail" and checks["track"]["status"] == "pass"


def test_env_test_network_failure_exits_3(cli):
    cli("env", "add", "Nowhere", "--region", "us", "--site-id", "s1", "--sandbox-root", "http://127.0.0.1:9")
    cli("env", "set-key", "Nowhere", "app", stdin=APP)
    r = cli("env", "test", "Nowhere", "--timeout", "2")
    assert r.code == 3 and "connection refused" in r.out


def test_env_test_with_nothing_to_test_or_no_such_environment(cli):
    r = cli("env", "test", "Editor")
    assert r.code == 2 and "has no keys to test" in r.err
    r = cli("env", "test", "Nope")
    assert r.code == 2 and "no environment named 'Nope'" in r.err


def test_env_test_says_when_variables_override(cli, sandbox):
    sandbox_environment(cli, sandbox)
    r = cli("env", "test", "Sandbox", env={"CIO_REGION": "eu"})
    assert "note: CIO_REGION overrides the stored settings of Sandbox" in r.err
    assert "region EU" in r.out


# -- send --env ---------------------------------------------------------------------------------
def test_send_dry_run_with_a_stored_environment(cli, sandbox):
    sandbox_environment(cli, sandbox, region="us")
    r = cli("send", "identify-customer", "--env", "sandbox", "--dry-run", "--input", '{"customer_identifier": "u1"}')
    assert r.code == 0, r.err
    req = r.json()
    assert req["url"] == f"{sandbox.root_url}/track-us/api/v1/customers/u1"
    assert req["headers"]["Authorization"] == "Basic ****"


def test_send_with_a_stored_environment_reaches_the_workspace(cli, sandbox):
    import httpx

    sandbox_environment(cli, sandbox)
    r = cli(
        "send",
        "identify-customer",
        "--env",
        "Sandbox",
        "--input",
        '{"customer_identifier": "env-user-1", "traits": {"plan": "gold"}}',
    )
    assert r.code == 0, r.err
    logged = httpx.get(f"{sandbox.root_url}/_sandbox/requests").json()["requests"]
    assert [(x["path"], x["status"], x["auth"]["key_kind"]) for x in logged] == [
        ("/api/v1/customers/env-user-1", 200, "track")
    ]


def test_send_with_a_missing_stored_key_names_the_command(cli, sandbox):
    sandbox_environment(cli, sandbox, app="")
    r = cli(
        "send",
        "send-push",
        "--env",
        "Sandbox",
        "--input",
        '{"transactional_message_id": "1", "identifiers": {"id": "u1"}}',
    )
    assert r.code == 2
    assert "App API key" in r.err and "environment Sandbox" in r.err and "env set-key NAME app" in r.err


def test_send_with_an_unknown_environment(cli):
    r = cli("send", "identify-customer", "--env", "Prodution", "--dry-run", "--input", '{"customer_identifier": "u1"}')
    assert r.code == 2 and "Known environments: Editor, Staging, Production" in r.err


def test_send_to_a_protected_environment_needs_the_identifier_typed(cli, sandbox):
    import httpx

    sandbox_environment(cli, sandbox, name="Prod")
    assert cli("env", "set", "Prod", "--protected").code == 0
    args = ("send", "destroy-customer", "--env", "Prod", "-f", "customer_identifier=user_1")
    assert cli(*args, "--dry-run").code == 0  # nothing is sent: no question
    r = cli(*args)
    assert r.code == 2 and "Prod (protected) needs confirmation" in r.err and "--confirm user_1" in r.err
    r = cli(*args, "--confirm", "user_2")
    assert r.code == 2 and "Nothing was sent" in r.err
    assert httpx.get(f"{sandbox.root_url}/_sandbox/requests").json()["requests"] == []
    cli(*args, "--confirm", "user_1")
    sent = httpx.get(f"{sandbox.root_url}/_sandbox/requests").json()["requests"]
    assert [(x["method"], x["path"]) for x in sent] == [("DELETE", "/api/v1/customers/user_1")]
    # A read-only or harmless action needs no confirmation.
    assert cli("send", "identify-customer", "--env", "Prod", "-f", "customer_identifier=user_1").code == 0


# -- no keyring: test what the variables supply, like `send --env` -----------------------------
def _no_keyring(monkeypatch) -> None:
    import keyring.backends.fail
    import keyring.core

    monkeypatch.setattr(keyring.core, "_keyring_backend", keyring.backends.fail.Keyring())


def test_env_test_without_a_keyring_tests_the_keys_the_variables_supply(cli, sandbox, monkeypatch):
    cli("env", "add", "Sandbox", "--region", "us", "--site-id", DEMO["site_id"], "--sandbox-root", sandbox.root_url)
    _no_keyring(monkeypatch)
    only_track = {"CIO_TRACK_API_KEY": DEMO["track_key"]}
    sent = cli("send", "identify-customer", "--env", "Sandbox", "-f", "customer_identifier=user_1001", env=only_track)
    assert sent.code == 0, sent.err
    r = cli("env", "test", "Sandbox", env=only_track)
    assert r.code == 0, r.err
    assert "PASS  Track API" in r.out and "PASS  Region" in r.out
    assert "App API key not set (the OS keyring could not be read)" in r.out
    assert "Write API key not set (the OS keyring could not be read)" in r.out
    assert "only the keys in CIO_TRACK_API_KEY" in r.err
    assert "Traceback" not in r.err
    # Nothing at all to test: the way out named is the variables, not the keyring that failed.
    r = cli("env", "test", "Sandbox")
    assert r.code == 2 and "CIO_TRACK_API_KEY" in r.err and "set-key" not in r.err


def test_without_a_keyring_no_fix_suggests_env_set_key(cli, sandbox, monkeypatch):
    cli("env", "add", "Sandbox", "--region", "us", "--site-id", DEMO["site_id"], "--sandbox-root", sandbox.root_url)
    _no_keyring(monkeypatch)
    r = cli(
        "send",
        "send-transactional-email",
        "--env",
        "Sandbox",
        "--input",
        '{"transactional_message_id": "1", "to": "ada.lovelace@example.com"}',
    )
    assert r.code == 2, r.err
    assert "CIO_APP_API_KEY" in r.err and "set-key" not in r.err
    r = cli("env", "test", "Sandbox", "--json", env={"CIO_APP_API_KEY": DEMO["app_key"]})
    checks = {c["key"]: c for c in r.json()["checks"]}
    assert checks["app"]["status"] == "pass"
    assert "CIO_TRACK_API_KEY" in checks["track"]["fix"] and "set-key" not in checks["track"]["fix"]
