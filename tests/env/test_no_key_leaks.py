"""Keys configured once, every command run, then no key may appear anywhere: not in the
config dir (or any file the run left), not in any output, not in any log."""

from __future__ import annotations

import base64
import json
import logging

import httpx
import pytest

from console.sandbox import SandboxConfig, serve_in_thread

SITE = "leak-site-0001"
TRACK = "LEAKTRACK-7f3a9c2e1b"
APP = "LEAKAPP-4d8e2a6c0f9b"
WRITE = "LEAKWRITE-1c5e9a3d7b"
WRONG = "LEAKWRONG-0a1b2c3d4e"  # a key Customer.io refuses: failing paths must hide it too
KEYS = [TRACK, APP, WRITE, WRONG]


def forms(key: str) -> list[str]:
    """A key and the forms it travels in (Basic credentials are base64)."""
    out = [key]
    for pair in (f"{SITE}:{key}", f"{key}:"):
        out.append(base64.b64encode(pair.encode()).decode())
    return out


FORBIDDEN = [f for key in KEYS for f in forms(key)]


@pytest.fixture(scope="module")
def workspace():
    config = SandboxConfig(site_id=SITE, track_key=TRACK, app_key=APP, write_key=WRITE)
    with serve_in_thread(config) as running:
        yield running


@pytest.fixture(scope="module")
def eu_workspace():
    config = SandboxConfig(region="eu", site_id=SITE, track_key=TRACK, app_key=APP, write_key=WRITE)
    with serve_in_thread(config) as running:
        yield running


def test_no_command_output_log_or_file_holds_a_key(cli, isolated, workspace, eu_workspace, caplog, monkeypatch):
    caplog.set_level(logging.DEBUG)
    outputs: list[str] = []

    def run(*args, stdin=None, env=None):
        result = cli(*args, stdin=stdin, env=env)
        outputs.extend([result.out, result.err])
        return result

    identify = ["--input", '{"customer_identifier": "leak-user", "traits": {"plan": "gold"}}']
    push = [
        "--input",
        '{"transactional_message_id": "1", "identifiers": {"id": "leak-user"}, "title": "Hi", "message": "Yo"}',
    ]

    # Configure: a good environment, one with a wrong key, one in the wrong region.
    run("env", "add", "Good", "--region", "us", "--site-id", SITE, "--sandbox-root", workspace.root_url)
    run("env", "add", "Wrong", "--region", "us", "--site-id", SITE, "--sandbox-root", workspace.root_url)
    run("env", "add", "Mixed", "--region", "us", "--site-id", SITE, "--sandbox-root", eu_workspace.root_url)
    for name in ("Good", "Mixed"):
        for kind, key in (("track", TRACK), ("app", APP), ("write", WRITE)):
            assert run("env", "set-key", name, kind, stdin=key + "\n").code == 0
    run("env", "set-key", "Wrong", "track", stdin=TRACK)
    run("env", "set-key", "Wrong", "app", stdin=TRACK)  # a Track key as the App key
    run("env", "set-key", "Wrong", "write", stdin=WRONG)

    # Every command, passing and failing.
    assert run("env", "list").code == 0
    assert run("env", "list", "--json").code == 0
    for name in ("Good", "Wrong", "Mixed"):
        assert run("env", "show", name).code == 0
        assert run("env", "show", name, "--json").code == 0
    assert run("env", "test", "Good").code == 0
    assert run("env", "test", "Good", "--json").code == 0
    assert run("env", "test", "Wrong").code == 1
    assert run("env", "test", "Wrong", "--json").code == 1
    assert run("env", "test", "Mixed").code == 1
    assert run("send", "identify-customer", "--env", "Good", "--dry-run", *identify).code == 0
    assert run("send", "send-push", "--env", "Good", "--dry-run", *push).code == 0
    assert run("send", "identify-customer", "--env", "Good", *identify).code == 0
    assert run("send", "identify-customer", "--env", "Good", "--json", *identify).code == 0
    assert run("send", "send-push", "--env", "Wrong", *push).code == 1
    assert run("send", "send-push", "--env", "Wrong", "--json", *push).code == 1
    assert run("send", "identify-customer", "--env", "Mixed", *identify).code == 1
    assert (
        run("send", "identify-customer", "--env", "Good", "--dry-run", *identify, env={"CIO_APP_API_KEY": WRONG}).code
        == 0
    )
    assert run("env", "set", "Wrong", "--region", "eu").code == 0
    assert run("env", "rename", "Wrong", "Wrong2").code == 0
    assert run("env", "delete-key", "Wrong2", "write").code == 0
    assert run("env", "delete", "Wrong2", "--yes").code == 0
    assert run("env", "set-key", "Good", "app", "--help").code == 0

    # Everything the run produced.
    places = {f"output {i}": text for i, text in enumerate(outputs)}
    places["python logs"] = caplog.text
    for running in (workspace, eu_workspace):
        log = httpx.get(f"{running.root_url}/_sandbox/requests").json()
        assert log["requests"], "the sandbox saw the calls"
        places[f"sandbox log {running.root_url}"] = json.dumps(log)
    files = [p for p in isolated.rglob("*") if p.is_file()]
    assert any(p.name == "environments.toml" for p in files)
    for path in files:
        places[str(path)] = path.read_bytes().decode("utf-8", errors="replace")

    leaks = [(where, secret) for where, text in places.items() for secret in FORBIDDEN if secret in text]
    assert leaks == []
    # The test would see a leak: the keys did reach the keyring and the checks ran.
    assert "PASS  App API key" in "".join(outputs) and "this is a Track API key" in "".join(outputs)
