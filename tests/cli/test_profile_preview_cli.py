"""`cio-console profile show|set` and `cio-console preview-email` against the sandbox."""

import json
import shlex

import pytest

from tests.conftest import sandbox_env


@pytest.fixture
def env(sandbox):
    return sandbox_env(sandbox)


def writes(sandbox):
    return [r for r in sandbox.sandbox.requests if r["method"] != "GET"]


# -- profile show ----------------------------------------------------------------------
def test_show_prints_identifiers_attributes_devices_segments(cli, env):
    r = cli("profile", "show", "user_1002", env=env)
    assert r.code == 0, r.err
    assert "Person cio_id sb000002, id user_1002, email grace.hopper@example.com" in r.out
    assert "  seats       250  (set 2025-01-03 00:00 UTC)" in r.out
    assert "android-token-grace-0001  android" in r.out
    assert "Segments (2)\n  1  Paying customers\n  4  Mobile app users" in r.out


def test_show_json(cli, env):
    r = cli("profile", "show", "sb000003", "--id-type", "cio_id", "--json", env=env)
    assert r.code == 0
    data = r.json()
    assert data["identifiers"] == {"id": "user_1003", "email": "alan.turing@example.com", "cio_id": "sb000003"}
    assert data["unsubscribed"] is True and data["attributes"]["plan"]["value"] == "free"


def test_show_ambiguous_email_lists_matches_and_exits_2(cli, env):
    r = cli("profile", "show", "team@example.com", env=env)
    assert r.code == 2 and r.out == ""
    assert "2 people share the email 'team@example.com'" in r.err
    assert "cio_id sb000004, id user_1004" in r.err and "cio_id sb000005, id user_1005" in r.err
    assert "profile show sb000004 --id-type cio_id" in r.err


def test_show_not_found_explains_and_exits_1(cli, env):
    r = cli("profile", "show", "ghost", env=env)
    assert r.code == 1 and r.out == ""
    assert "404 Not Found: no person with id 'ghost'" in r.err and "Next:" in r.err


def test_show_bad_arguments_exit_2(cli, env, sandbox):
    assert cli("profile", "show", "x", "--id-type", "phone", env=env).code == 2
    assert cli("profile", "show", "not-an-email", "--id-type", "email", env=env).code == 2
    assert cli("profile", env=env).code == 2
    assert sandbox.sandbox.requests == []


def test_show_without_app_key_exits_2_naming_it(cli, env):
    r = cli("profile", "show", "user_1001", env={**env, "CIO_APP_API_KEY": ""})
    assert r.code == 2 and "App API key" in r.err


def test_show_network_failure_exits_3(cli, env, fake_clock):
    # A read is repeated on a refused connection: its backoff waits run on the fake clock.
    r = cli("profile", "show", "user_1001", "--timeout", "2", env={**env, "CIO_APP_URL": "http://127.0.0.1:9"})
    assert r.code == 3 and "connection refused" in r.err.lower()


# -- profile set -------------------------------------------------------------------------
def test_set_prints_diff_and_request_sends_verifies_and_undo_works(cli, env, sandbox):
    r = cli(
        "profile",
        "set",
        "user_1001",
        "--input",
        '{"plan": "enterprise", "nickname": "Countess", "city": null}',
        env=env,
    )
    assert r.code == 0, r.err
    assert (
        '  ~ plan: "pro" -> "enterprise"\n  + nickname: (not set) -> "Countess"\n  - city: "London" -> (not set)'
        in r.out
    )
    request = json.loads(r.out.split("Request:\n", 1)[1].split("\nSent:", 1)[0])
    assert request["body"] == {"plan": "enterprise", "nickname": "Countess", "city": ""}
    assert request["headers"]["Authorization"] == "Basic ****"
    assert "verified: all 3 change(s) read back as expected" in r.out
    (write,) = writes(sandbox)
    assert write["body"] == request["body"]

    undo_line = next(line for line in r.out.splitlines() if line.startswith("Undo: "))
    args = shlex.split(undo_line.removeprefix("Undo: "))[1:]
    assert args[:5] == ["profile", "set", "sb000001", "--id-type", "cio_id"]
    undone = cli(*args, env=env)
    assert undone.code == 0, undone.err
    shown = cli("profile", "show", "user_1001", "--json", env=env).json()["attributes"]
    assert shown["plan"]["value"] == "pro" and shown["city"]["value"] == "London" and "nickname" not in shown


def test_set_dry_run_sends_nothing(cli, env, sandbox):
    r = cli("profile", "set", "ada.lovelace@example.com", "--input", '{"plan": "free"}', "--dry-run", env=env)
    assert r.code == 0 and "Dry run: nothing sent." in r.out and '~ plan: "pro" -> "free"' in r.out
    assert writes(sandbox) == []


def test_set_nothing_to_change(cli, env, sandbox):
    r = cli("profile", "set", "user_1002", "--input", '{"seats": 250, "gone": null}', env=env)
    assert r.code == 0 and "Nothing to change" in r.out and writes(sandbox) == []


@pytest.mark.parametrize(
    "given, words",
    [
        ('{"plan": ', "not valid JSON"),
        ('["plan"]', "must be a JSON object"),
        ('{"cio_id": "x"}', "cio_id is assigned by Customer.io"),
    ],
)
def test_set_bad_input_exits_2_and_sends_nothing(cli, env, sandbox, given, words):
    r = cli("profile", "set", "user_1001", "--input", given, env=env)
    assert r.code == 2 and words in r.err
    assert writes(sandbox) == []


def test_set_ambiguous_email_exits_2(cli, env, sandbox):
    r = cli("profile", "set", "team@example.com", "--input", '{"plan": "pro"}', env=env)
    assert r.code == 2 and "profile set sb000004 --id-type cio_id" in r.err and writes(sandbox) == []


def test_set_reads_input_from_stdin(cli, env):
    r = cli("profile", "set", "user_1007", "--input", "@-", env=env, stdin='{"first_name": "Linus T."}')
    assert r.code == 0 and "verified" in r.out


# -- preview-email ---------------------------------------------------------------------------
def test_preview_prints_subject_text_and_missing(cli, env, sandbox):
    data = {"transactional_message_id": "password_reset", "to": "grace.hopper@example.com"}
    r = cli("preview-email", "--input", json.dumps(data), env=env)
    assert r.code == 0, r.err
    assert "Subject: Reset your Acme password" in r.out
    assert "Hi Grace,\n\nSomeone asked to reset the password for grace.hopper@example.com." in r.out
    assert "<p>" not in r.out
    assert "Missing variables (2):\n  trigger.expires_in_minutes (default used)\n  trigger.reset_url" in r.out
    assert writes(sandbox) == []


def test_preview_strict_exits_1_when_a_variable_is_missing(cli, env):
    data = {"transactional_message_id": 2, "to": "grace.hopper@example.com"}
    r = cli("preview-email", "--input", json.dumps(data), "--strict", env=env)
    assert r.code == 1 and "--strict: 2 missing variable(s)" in r.err
    data["message_data"] = {"reset_url": "https://acme.example/r/1", "expires_in_minutes": 10}
    ok = cli("preview-email", "--input", json.dumps(data), "--strict", env=env)
    assert ok.code == 0 and "Missing variables: none" in ok.out
    assert "Choose a new password (https://acme.example/r/1)" in ok.out


def test_preview_html_and_json(cli, env):
    data = {
        "transactional_message_id": 1,
        "to": "ada.lovelace@example.com",
        "language": "es",
        "message_data": {"items": [{"name": "Calcetines"}]},
    }
    html = cli("preview-email", "--input", json.dumps(data), "--html", env=env)
    assert "<li>Calcetines</li>" in html.out
    out = cli("preview-email", "--input", json.dumps(data), "--json", env=env).json()
    assert out["subject"] == "¡Bienvenido a Acme, Ada!" and out["variant"] == "es"
    assert out["languages"] == ["default", "es"] and out["missing"] == []
    assert out["request"]["body"]["identifiers"] == {"email": "ada.lovelace@example.com"}
    assert out["request"]["headers"]["Authorization"] == "Bearer ****"


def test_preview_bad_input_exits_2(cli, env, sandbox):
    r = cli("preview-email", "--input", '{"to": "ada@example.com"}', env=env)
    assert r.code == 2 and "transactional_message_id" in r.err and "is required" in r.err
    assert cli("preview-email", "--input", "nope", env=env).code == 2
    assert sandbox.sandbox.requests == []


def test_preview_unknown_template_exits_1(cli, env):
    r = cli("preview-email", "--input", '{"transactional_message_id": 99, "to": "a@example.com"}', env=env)
    assert r.code == 1 and "No transactional message 99" in r.err


def test_preview_with_a_filter_it_cannot_apply_still_renders_and_says_so(cli, env):
    data = {
        "transactional_message_id": 2,
        "to": "grace.hopper@example.com",
        "subject": "Hello {{ customer.first_name | titlecase }}",
        "message_data": {"reset_url": "https://acme.example/r/1", "expires_in_minutes": 10},
    }
    r = cli("preview-email", "--input", json.dumps(data), env=env)
    assert r.code == 0, r.err
    assert "Subject: Hello Grace" in r.out
    assert "Filters not applied in this preview: titlecase" in r.out
    assert cli("preview-email", "--input", json.dumps(data), "--json", env=env).json()["unapplied_filters"] == [
        "titlecase"
    ]
    strict = cli("preview-email", "--input", json.dumps(data), "--strict", env=env)
    assert strict.code == 1 and "1 filter(s) not applied" in strict.err
