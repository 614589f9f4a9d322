"""Issue 13, items 4-8: hostile input and slow or lying servers end in the documented
exit code with the field (or file) named — never a traceback, never a hang."""

from __future__ import annotations

import httpx
import pytest

from tests.conftest import sandbox_env

DEEP = '{"customer_identifier": "u", "traits": ' + "[" * 10_000


def test_json_nested_ten_thousand_levels_is_refused_naming_the_field(cli, sandbox, tmp_path):
    """Item 4. Before: RecursionError traceback, exit 1."""
    for extra in (["--dry-run"], []):
        result = cli("send", "identify-customer", "--input", DEEP, *extra, env=sandbox_env(sandbox))
        assert result.code == 2, result.err
        assert "traits" in result.err and "100 levels" in result.err and "Traceback" not in result.err
    closed = '{"customer_identifier": "u", "traits": {"a": ' + "[" * 5000 + "]" * 5000 + "}}"
    result = cli("send", "identify-customer", "--input", closed, "--dry-run")
    assert result.code == 2 and "traits" in result.err
    # A JSON field given as text (-f) and a line of a batch file go through the same reader.
    field = cli("send", "identify-customer", "-f", "customer_identifier=u", "-f", "traits=" + "[" * 10_000, "--dry-run")
    assert field.code == 2 and "Traits (traits)" in field.err and "100 levels" in field.err
    rows = tmp_path / "rows.jsonl"
    rows.write_text('{"customer_identifier": "ok", "traits": {}}\n' + DEEP + "\n", encoding="utf-8")
    batch = cli("batch", "identify-customer", str(rows), env=sandbox_env(sandbox), stdin="")
    assert batch.code == 2, batch.err
    assert "line 2" in batch.err and "traits" in batch.err and "100 levels" in batch.err
    assert sandbox.sandbox.requests == []


@pytest.mark.parametrize(
    ("action", "data", "field"),
    [
        ("identify-customer", '{"customer_identifier": "u", "traits": {"name": "\\ud800"}}', "traits"),
        (
            "send-transactional-email",
            '{"transactional_message_id": "1", "to": "a@example.com", '
            '"identifiers": {"id": "u"}, "message_data": {"x": ["\\udfff"]}}',
            "message_data",
        ),
        (
            "send-transactional-email",
            '{"transactional_message_id": "1", "to": "a@example.com", '
            '"identifiers": {"id": "u"}, "headers": {"X-A": "\\ud83d"}}',
            "headers",
        ),
        ("identify-customer", '{"customer_identifier": "u\\ud800"}', "customer_identifier"),
        ("identify-customer", '{"customer_identifier": "u", "traits": {"k\\ud800": 1}}', "traits"),
    ],
)
def test_lone_surrogates_are_refused_naming_the_field(cli, sandbox, action, data, field):
    """Item 5. Before: UnicodeEncodeError traceback (exit 1), or a message naming no field."""
    for extra in (["--dry-run"], []):
        result = cli("send", action, "--input", data, *extra, env=sandbox_env(sandbox))
        assert result.code == 2, result.err
        assert f"({field})" in result.err and "not valid Unicode" in result.err
    assert sandbox.sandbox.requests == []


def test_undecodable_bytes_in_a_field_argument_are_refused_naming_the_field(cli, sandbox):
    """Item 5: `-f device_id=$'d\\xff'` reaches Python as 'd\\udcff' (surrogateescape)."""
    args = ["send", "add-device", "-f", "customer_identifier=u", "-f", "device_id=d\udcff", "-f", "platform=ios"]
    for extra in (["--dry-run"], []):
        result = cli(*args, *extra, env=sandbox_env(sandbox))
        assert result.code == 2, result.err
        assert "Device ID (device_id)" in result.err and "not valid Unicode" in result.err
    assert sandbox.sandbox.requests == []


def test_invalid_utf8_in_an_input_file_names_the_file(cli, short_tmp_path):
    """Item 8. Before: "'utf-8' codec can't decode byte 0xff …" without the file."""
    path = short_tmp_path / "email.json"
    path.write_bytes(b'{"customer_identifier": "u",\n "traits": {"a": "\xff"}}')
    result = cli("send", "identify-customer", "--input", f"@{path}", "--dry-run")
    assert result.code == 2
    assert str(path) in result.err and "not UTF-8" in result.err and "line 2" in result.err
    profile = cli("profile", "set", "u", "--input", f"@{path}")
    assert profile.code == 2 and str(path) in profile.err and "not UTF-8" in profile.err


def test_long_values_are_cut_in_messages(cli):
    """Item 8: a 1.2 MB invalid value was echoed whole into stderr."""
    huge = "x" * 1_200_000
    for args in (
        ["-f", "customer_identifier=u", "-f", "event_name=e", "-f", f"timestamp={huge}"],
        ["-f", "customer_identifier=u", "-f", "event_name=e", "-f", f"{huge}=1"],
        ["-f", huge],
    ):
        result = cli("send", "track-event", *args, "--dry-run")
        assert result.code == 2
        assert len(result.err) < 2_000, len(result.err)
        assert "more characters" in result.err


async def test_retry_after_waits_are_bounded_in_total():
    """Item 7: `Retry-After: 60` three times kept a send waiting 180 s; the waits
    together are now bounded by max_total_wait (--max-wait), and the final 429 says when
    to send again."""
    from console.wire.transport import RetryPolicy
    from tests.core.test_transport import SEND, Script, run

    script = Script((429, {"Retry-After": "60"}))
    ex, waits = await run(SEND, script, RetryPolicy(max_wait=60, max_total_wait=60))
    assert waits == [60.0] and script.calls == 2 and ex.status == 429 and ex.delivered == "no"


async def test_the_deadline_covers_every_attempt_not_each_one():
    """Item 7: --timeout bounds the whole exchange. An identify (harmless to repeat)
    against a server that never answers gets one deadline, not one per attempt."""
    import asyncio

    from console.actions.catalog import get_action
    from console.actions.validation import validate
    from console.wire.request import build_request
    from console.wire.transport import RetryPolicy, perform
    from tests.core.test_transport import CREDS, IDENTIFY

    calls = 0

    async def stall(request):
        nonlocal calls
        calls += 1
        await asyncio.sleep(30)

    spec = validate(get_action(IDENTIFY[0]), IDENTIFY[1])
    async with httpx.AsyncClient(transport=httpx.MockTransport(stall)) as client:
        ex = await perform(
            build_request(spec, CREDS), client, repeat_safe=True, policy=RetryPolicy(deadline=0.3, max_total_wait=5)
        )
    assert calls == 1 and ex.failure is not None and ex.failure.value == "read-timeout"
    assert "0.3 s deadline" in ex.failure_detail


def test_an_unexpected_error_is_a_message_and_an_exit_code_never_a_traceback(cli, monkeypatch, sandbox):
    import console.wire.request

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(console.wire.request.PreparedRequest, "preview", broken)
    result = cli("send", "identify-customer", "-f", "customer_identifier=u", "--dry-run")
    assert result.code == 2 and "unexpected error (RuntimeError: boom); nothing was sent" in result.err
    assert "Traceback" not in result.err

    async def after_sending(*args, **kwargs):
        from console.wire import transport_counter

        transport_counter.attempt_started()
        raise RuntimeError("lost")

    monkeypatch.setattr("console.wire.transport.perform", after_sending)
    result = cli("send", "track-event", "-f", "customer_identifier=u", "-f", "event_name=e", env=sandbox_env(sandbox))
    assert result.code == 3 and "unknown outcome" in result.err and "NOT re-sent" in result.err


@pytest.mark.parametrize("url", ["http://exa mple.com", "ftp://example.com", "http://example.com/\x01x", "example.com"])
def test_a_base_url_variable_that_is_not_a_url_is_refused_naming_it(cli, url):
    result = cli(
        "send",
        "track-event",
        "-f",
        "customer_identifier=u",
        "-f",
        "event_name=e",
        env={"CIO_SITE_ID": "s1", "CIO_TRACK_API_KEY": "TRACKKEY123", "CIO_TRACK_URL": url},
    )
    assert result.code == 2 and "CIO_TRACK_URL" in result.err and "not a base URL" in result.err


def test_a_profile_id_that_is_not_utf8_is_refused(cli):
    result = cli("profile", "show", "u\udcff")
    assert result.code == 2 and "ID holds text that is not valid Unicode" in result.err
