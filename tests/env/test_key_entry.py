"""Issue 13, items 1-3: keys are checked where they enter (CIO_* variables, stdin, the
keyring, the environment screen's inputs), and no output holds a key in any encoding
(raw, Basic base64, URL-encoded), whatever the key looks like and whatever goes wrong.
"""

from __future__ import annotations

import base64
import json
import uuid
from urllib.parse import quote, quote_plus

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from console.sandbox import DEMO_CREDENTIALS as demo
from tests.conftest import sandbox_env
from tests.faults.server import FaultServer

EMAIL = ["--input", '{"transactional_message_id": "1", "to": "ada@example.com", "identifiers": {"id": "u1"}}']
SITE = "leak-site-9"


def forms(key: str, site: str = SITE) -> list[str]:
    """Every form a key can leak in (the Basic forms without padding, as they appear
    inside any longer base64 run)."""
    b64 = [base64.b64encode(pair.encode()).decode().rstrip("=") for pair in (f"{site}:{key}", f"{key}:")]
    return [key, quote(key, safe=""), quote_plus(key), json.dumps(key)[1:-1], *b64]


def leaks(text: str, key: str) -> list[str]:
    return [form for form in forms(key) if len(form) >= 6 and form in text]


@pytest.fixture(scope="module")
def faults():
    with FaultServer() as server:
        yield server


def test_a_key_ending_in_cr_is_stripped_and_works(cli, sandbox):
    """Item 1: a key saved on Windows ends in CR. Before: exit 3 and the raw key in the
    error ("Illegal header value b'Bearer …\\r'")."""
    env = sandbox_env(sandbox, CIO_APP_API_KEY=demo.app_key + "\r", CIO_TRACK_API_KEY=" " + demo.track_key + "\n")
    sent = cli("send", "send-transactional-email", *EMAIL, env=env)
    assert sent.code == 0, sent.err
    event = cli("send", "track-event", "-f", "customer_identifier=u1", "-f", "event_name=x", env=env)
    assert event.code == 0, event.err
    assert demo.app_key not in sent.out + sent.err
    profile = cli("profile", "show", "user_1001", env=env)  # before: the raw key in its error
    assert profile.code == 0, profile.err


@pytest.mark.parametrize(
    ("key", "what"),
    [
        ("APPSECRET456\r\nX-Evil: 1", "spaces or control characters"),
        ("APP SECRET456", "spaces or control characters"),
        ("APPSECR\x1bET456", "spaces or control characters"),
        ("APPSECRÉT456", "non-ASCII"),  # item 3: before, a UnicodeEncodeError traceback, exit 1
        ("APPSECRET\u200b456", "non-ASCII"),  # a zero-width space from a web page
    ],
)
def test_a_key_that_cannot_be_sent_is_refused_naming_the_variable_not_the_value(cli, sandbox, key, what):
    env = sandbox_env(sandbox, CIO_APP_API_KEY=key)
    for extra in ([], ["--dry-run"], ["--json"]):
        result = cli("send", "send-transactional-email", *EMAIL, *extra, env=env)
        assert result.code == 2, result.err
        assert "CIO_APP_API_KEY" in result.err and what in result.err
        assert "SECR" not in result.out + result.err and "Traceback" not in result.err
    assert sandbox.sandbox.requests == []


def test_a_key_in_the_keyring_with_a_cr_is_stripped_and_a_bad_one_named(cli, sandbox, memory_keyring):
    cli("env", "add", "Win", "--region", "us", "--site-id", demo.site_id, "--sandbox-root", sandbox.root_url)
    memory_keyring.set_password("cio-console", "Win:app", demo.app_key + "\r\n")  # written by another tool
    assert cli("send", "send-transactional-email", *EMAIL, "--env", "Win").code == 0
    memory_keyring.set_password("cio-console", "Win:app", "APPSECRÉT456")
    refused = cli("send", "send-transactional-email", *EMAIL, "--env", "Win")
    assert refused.code == 2
    assert "App API key of Win in the OS keyring" in refused.err and "SECR" not in refused.err
    tested = cli("env", "test", "Win")
    assert tested.code == 2 and "App API key of Win in the OS keyring" in tested.err, tested.err


def test_set_key_from_stdin_refuses_a_non_ascii_key_without_echoing_it(cli):
    cli("env", "add", "Staging", "--region", "us", "--site-id", "s1")
    result = cli("env", "set-key", "Staging", "app", stdin="APPSECRÉT456\r\n")
    assert result.code == 2 and "non-ASCII" in result.err and "SECR" not in result.out + result.err
    assert cli("env", "set-key", "Staging", "app", stdin="APPSECRET456\r\n").code == 0


def test_the_environment_screen_checks_typed_keys_the_same_way():
    from console.environments.file import Environment
    from console.wire.apis import Region
    from console.wire.credentials import InvalidKey
    from screens.environments.form import FormValues, form_credentials

    env = Environment(name="Staging", region=Region.US, site_id="s1", protected=False)
    values = FormValues(
        region=Region.US, site_id="s1", protected=False, keys={"track": " TRACKKEY123\r", "app": "", "write": ""}
    )
    assert form_credentials(None, env, values).track_key == "TRACKKEY123"
    bad = FormValues(
        region=Region.US, site_id="s1", protected=False, keys={"track": "TRACKKÉY123", "app": "", "write": ""}
    )
    with pytest.raises(InvalidKey, match="Track API key typed here contains a non-ASCII") as info:
        form_credentials(None, env, bad)
    assert "KÉY" not in str(info.value)


def test_json_explanation_api_message_is_redacted(cli, faults):
    """Item 2: an error body that echoes the credentials. Before, `--json`'s
    explanation.api_message held "echo Basic …" and "echo Bearer …" in clear."""
    for action, args, var in (
        ("track-event", ["-f", "customer_identifier=u", "-f", "event_name=e"], "CIO_TRACK_URL"),
        ("send-transactional-email", EMAIL, "CIO_APP_URL"),
    ):
        env = {
            "CIO_SITE_ID": SITE,
            "CIO_TRACK_API_KEY": "TRACKSECRET123",
            "CIO_APP_API_KEY": "APPSECRET456",
            var: faults.url("echo", uuid.uuid4().hex),
        }
        result = cli("send", action, *args, "--json", env=env)
        assert result.code == 1
        message = result.json()["explanation"]["api_message"]
        assert message and "echo" in message
        for key in ("TRACKSECRET123", "APPSECRET456"):
            assert leaks(result.out + result.err, key) == [], result.out


def test_the_batch_failed_file_holds_no_echoed_key(cli, faults, tmp_path):
    rows = tmp_path / "events.jsonl"
    rows.write_text('{"customer_identifier": "u1", "event_name": "e"}\n', encoding="utf-8")
    env = {
        "CIO_SITE_ID": SITE,
        "CIO_TRACK_API_KEY": "TRACKSECRET123",
        "CIO_TRACK_URL": faults.url("echo", uuid.uuid4().hex, "400"),
    }
    result = cli("batch", "track-event", str(rows), "--yes", "--v2-batch", "off", env=env)
    assert result.code == 1, result.err
    failed = (tmp_path / "events.jsonl.failed.jsonl").read_text(encoding="utf-8")
    assert "echo" in failed
    files = "".join(p.read_text(encoding="utf-8", errors="replace") for p in tmp_path.rglob("*") if p.is_file())
    assert leaks(files + result.out + result.err, "TRACKSECRET123") == []


# Keys as people paste them: any printable ASCII (quotes, %, +, /, = included), with
# whitespace around them that is stripped on entry.
KEYS = st.tuples(
    st.sampled_from(["", " ", "\r", "\n", "\r\n", "\t"]),
    st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7E), min_size=8, max_size=40),
    st.sampled_from(["", "\r", "\n", "\r\n", " "]),
)
PATHS = st.sampled_from([("echo", "401"), ("echo", "400"), ("echo", "500"), ("echo", "429"), ("close", None)])
ACTIONS = st.sampled_from(
    [
        ("track-event", ["-f", "customer_identifier=u", "-f", "event_name=e"]),
        ("identify-customer", ["-f", "customer_identifier=u"]),
        ("send-transactional-email", EMAIL),
        ("pipelines-track", ["-f", "user_id=u", "-f", "event=e"]),
    ]
)


@settings(
    max_examples=30,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(key=KEYS, path=PATHS, action=ACTIONS, as_json=st.booleans())
def test_no_output_holds_a_key_in_any_encoding(cli, faults, key, path, action, as_json):
    before, core, after = key
    raw = before + core + after
    name, args = action
    base = faults.url(path[0], uuid.uuid4().hex, path[1])
    env = {
        "CIO_SITE_ID": SITE,
        "CIO_TRACK_API_KEY": raw,
        "CIO_APP_API_KEY": raw,
        "CIO_WRITE_API_KEY": raw,
        "CIO_TRACK_URL": base,
        "CIO_APP_URL": base,
        "CIO_PIPELINES_URL": base,
    }
    result = cli("send", name, *args, *(["--json"] if as_json else []), "--timeout", "2", "--max-wait", "0", env=env)
    assert result.code in (1, 3), result.err
    assert "Traceback" not in result.err
    assert leaks(result.out + result.err, core) == [], (result.out, result.err)


def test_every_key_that_entered_is_masked_everywhere_without_being_passed():
    """Redaction is structural: a key that came in through a variable is masked by
    redact_text/redact_data (history, failed file, inspector, error panel, curl) and by
    the CLI's streams even where a caller passes no secrets."""
    import io

    from console.wire.credentials import from_env
    from console.wire.redact import MASK, RedactingStream, redact_data, redact_text

    key = 'TRACK/KEY+1%"x\\y'
    from_env({"CIO_SITE_ID": SITE, "CIO_TRACK_API_KEY": key + "\r\n"})
    for form in forms(key):
        text = f"before {form} after"
        assert redact_text(text) == f"before {MASK} after" or form not in redact_text(text), form
        assert form not in json.dumps(redact_data({"k": [text]}))
        sink = io.StringIO()
        stream = RedactingStream(sink)
        stream.write(text[:10])
        stream.write(text[10:] + "\n")
        stream.flush()
        assert form not in sink.getvalue()
