"""Text that becomes a number only when it is one (issue 13, item 14), and inputs that use
the wire names of fields (item 15).

Item 14 is tested as a class: every place the console or the sandbox reads typed text
as a number — template ids in every send, integer and timestamp fields, template and
segment ids in the sandbox, timestamps in a profile answer.
"""

from __future__ import annotations

import json

import httpx
import pytest

from console.actions.catalog import all_actions, get_action
from console.actions.validation import InvalidInput, validate
from console.people.model import profile_from_response
from console.sandbox import SandboxConfig, create_app
from console.wire.credentials import Credentials
from console.wire.request import build_request
from tests.sandbox.conftest import APP, TRACK

CREDS = Credentials(site_id="s", track_key="t", app_key="a", write_key="w")
CANONICAL = {"0": 0, "12": 12, "2147483648": 2147483648}
NOT_CANONICAL = ["0012", "007", "00", "1_000", "+5", "-3", "12.0", "1e3", "١٢", "²", "12a", "0x1F"]
TEMPLATE_SENDS = {
    "send-transactional-email": {"to": "a@example.com"},
    "send-push": {"identifiers": {"id": "u1"}},
    "send-sms": {"identifiers": {"id": "u1"}, "to": "+15551234567"},
    "send-in-app": {"identifiers": {"id": "u1"}},
    "send-inbox-message": {"identifiers": {"id": "u1"}},
}


def _sent_template_id(action_id: str, text: str):
    data = {**TEMPLATE_SENDS[action_id], "transactional_message_id": text}
    return build_request(validate(get_action(action_id), data), CREDS).body["transactional_message_id"]


def test_every_send_that_takes_a_template_is_covered():
    takes = {a for a in all_actions() if any(f.name == "transactional_message_id" for f in get_action(a).field_specs())}
    assert takes == set(TEMPLATE_SENDS)


@pytest.mark.parametrize("action_id", sorted(TEMPLATE_SENDS))
def test_a_trigger_name_of_digits_stays_a_string(action_id):
    for text, number in CANONICAL.items():
        assert _sent_template_id(action_id, text) == number
        assert _sent_template_id(action_id, f" {text} ") == number  # a stray space is not part of an id
    for text in NOT_CANONICAL:
        sent = _sent_template_id(action_id, text)
        assert sent == text and isinstance(sent, str), (text, sent)


@pytest.mark.parametrize("text", ["²", "١٢", "1.5", "12a"])
def test_integer_fields_refuse_what_is_not_a_whole_number_by_name(text):
    with pytest.raises(InvalidInput) as err:
        validate(
            get_action("send-transactional-email"),
            {"transactional_message_id": "1", "to": "a@example.com", "send_at": text},
        )
    assert err.value.fields == ["send_at"]
    assert "must be Unix seconds, a whole number" in err.value.text()


def test_integer_fields_read_ascii_whole_numbers():
    spec = validate(
        get_action("track-event"), {"customer_identifier": "u", "event_name": "e", "timestamp": " 0001700000000 "}
    )
    assert spec.value("timestamp") == 1700000000


def test_a_profile_answer_with_odd_timestamps_is_read_not_crashed():
    profile = profile_from_response(
        {
            "customer": {
                "identifiers": {"cio_id": "c1", "id": "u1"},
                "attributes": {"plan": "pro", "seats": "3"},
                "timestamps": {"plan": "²", "seats": "1700000000", "x": "١٢"},
                "devices": [{"id": "d1", "last_used": "²"}],
            }
        }
    )
    assert profile.timestamps == {"seats": 1700000000}
    assert profile.devices[0].last_used is None


async def test_the_sandbox_reads_0001_as_a_trigger_name_not_template_1():
    app = create_app(SandboxConfig())
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://sb") as client:
        r = await client.post(
            "/app-us/v1/send/email",
            headers=APP,
            json={
                "transactional_message_id": "0001",
                "to": "ada.lovelace@example.com",
                "identifiers": {"id": "user_1001"},
            },
        )
        assert r.status_code == 404 and "0001" in r.text
        r = await client.post(
            "/app-us/v1/send/email",
            headers=APP,
            json={
                "transactional_message_id": "1",
                "to": "ada.lovelace@example.com",
                "identifiers": {"id": "user_1001"},
            },
        )
        assert r.status_code == 200
        assert (await client.get("/app-us/v1/transactional/0001", headers=APP)).status_code == 404
        assert (await client.get("/app-us/v1/transactional/1", headers=APP)).status_code == 200
        assert (await client.get("/app-us/v1/segments/01", headers=APP)).status_code == 404
        r = await client.post("/track-us/api/v1/segments/03/add_customers", headers=TRACK, json={"ids": ["user_1001"]})
        assert r.status_code == 404


# -- item 15: wire names ---------------------------------------------------------------
WIRE_NAMED = {
    "pipelines-identify": {"userId": "u1", "anonymousId": "a1", "messageId": "m1"},
    "pipelines-track": {"userId": "u1", "event": "E", "messageId": "m1"},
    "pipelines-page": {"anonymousId": "a1", "name": "Home"},
    "pipelines-screen": {"userId": "u1", "name": "Feed"},
    "pipelines-group": {"userId": "u1", "groupId": "acme"},
    "pipelines-alias": {"previousId": "a1", "userId": "u1"},
    "track-event": {"customer_identifier": "u1", "name": "purchased", "data": {"p": 1}, "id": "01HQ"},
    "track-anonymous": {"anonymous_id": "a1", "name": "viewed", "data": {"p": 1}},
    "track-v2-entity": {"type": "person", "action": "event", "identifiers": {"id": "u1"}, "name": "e", "id": "01HQ"},
}


def test_every_action_whose_wire_name_differs_is_covered():
    differs = {a for a in all_actions() if get_action(a).wire_aliases()}
    assert differs == set(WIRE_NAMED)


@pytest.mark.parametrize("action_id", sorted(WIRE_NAMED))
def test_a_payload_with_wire_names_sends_as_is(action_id):
    action = get_action(action_id)
    data = WIRE_NAMED[action_id]
    spec = validate(action, data)
    aliases = action.wire_aliases()
    # One name per field in what is kept (history, forms): the field's own name.
    kept = spec.input_dict()
    assert not set(kept) & set(aliases) and all(kept[aliases[w]] == v for w, v in data.items() if w in aliases)
    # The same request as the field names give.
    by_name = {aliases.get(k, k): v for k, v in data.items()}
    a = build_request(spec, CREDS).body
    b = build_request(validate(action, by_name), CREDS).body
    if "messageId" in a and "message_id" not in by_name:
        a, b = {**a, "messageId": None}, {**b, "messageId": None}
    assert a == b


@pytest.mark.parametrize("action_id", sorted(WIRE_NAMED))
def test_both_names_with_different_values_is_an_error_naming_both(action_id):
    action = get_action(action_id)
    data = dict(WIRE_NAMED[action_id])
    wire, name = next((w, n) for w, n in action.wire_aliases().items() if w in data)
    other = {"x": 1} if isinstance(data[wire], dict) else "something-else"
    with pytest.raises(InvalidInput) as err:
        validate(action, {**data, name: other})
    assert err.value.fields == [name]
    assert wire in err.value.text() and f"({name})" in err.value.text()
    # The same value under both names is the same field given twice: accepted.
    assert validate(action, {**data, name: data[wire]}).value(name) == data[wire]


def test_the_cli_sends_a_pasted_segment_payload(cli, sandbox):
    from tests.conftest import sandbox_env

    payload = {
        "type": "track",
        "userId": "user_1001",
        "event": "Order Completed",
        "properties": {"total": 9},
        "messageId": "seg-0001",
        "timestamp": "2024-05-01T12:00:00Z",
    }
    r = cli("send", "pipelines-track", "--input", json.dumps(payload), env=sandbox_env(sandbox))
    assert r.code == 0, r.err
    (sent,) = [e for e in sandbox.sandbox.requests if e["api"] == "cdp"]
    assert sent["status"] == 200 and sent["body"] == payload
    wrong = cli(
        "send", "pipelines-track", "--input", json.dumps({**payload, "type": "identify"}), env=sandbox_env(sandbox)
    )
    assert wrong.code == 2 and "use pipelines-identify" in wrong.err


async def test_the_sandbox_query_numbers_are_read_not_crashed():
    app = create_app(SandboxConfig())
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://sb") as client:
        r = await client.post("/app-us/v1/customers?limit=²", headers=APP, json={"filter": {"and": []}})
        assert r.status_code == 400 and "limit" in r.text
        r = await client.post(
            "/app-us/v1/customers?limit=2&start=²",
            headers=APP,
            json={"filter": {"attribute": {"field": "plan", "operator": "exists"}}},
        )
        assert r.status_code == 200
        assert (await client.get("/_sandbox/requests?since=²")).status_code == 200


def test_the_actions_listing_names_the_wire_names(cli):
    r = cli("actions", "pipelines-group")
    assert r.code == 0 and "also accepted as groupId (its name on the wire)" in r.out


def test_a_conflict_is_quoted_briefly_whatever_the_value():
    deep: list = []
    for _ in range(50_000):
        deep = [deep]
    for value in (deep, "x" * 100_000, "\ud800"):
        with pytest.raises(InvalidInput) as err:
            validate(get_action("pipelines-track"), {"userId": value, "user_id": "u1", "event": "E"})
        assert err.value.fields == ["user_id"] and len(err.value.text()) < 300
    with pytest.raises(InvalidInput) as err:
        validate(get_action("pipelines-track"), {"type": deep, "userId": "u1", "event": "E"})
    assert "leave type out" in err.value.text() and len(err.value.text()) < 200


@pytest.mark.parametrize("text", ["nan", "NaN", "inf", "-inf", "infinity"])
def test_a_batch_rate_must_be_a_finite_number(text):
    from console.batch.limits import RateError, choose_rate

    for url in ("https://track.customer.io", "http://127.0.0.1:8765/track-us"):
        with pytest.raises(RateError) as err:
            choose_rate(get_action("identify-customer"), text, url)
        assert "must be a number of requests per second" in str(err.value)
