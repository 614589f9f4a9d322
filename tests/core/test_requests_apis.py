"""Request shapes of the Pipelines, extra App send and Track v2 actions."""

import base64
import uuid

import pytest

from console.actions.catalog import all_actions, get_action
from console.actions.validation import validate
from console.wire.apis import API
from console.wire.credentials import Credentials
from console.wire.request import build_request

from .test_requests import CASES as SEED_CASES

CREDS = Credentials(site_id="site1", track_key="trackkey1", app_key="appkey1", write_key="writekey1")
AUTH = {
    API.TRACK: "Basic " + base64.b64encode(b"site1:trackkey1").decode(),
    API.APP: "Bearer appkey1",
    API.PIPELINES: "Basic " + base64.b64encode(b"writekey1:").decode(),
}
CDP = "https://cdp.customer.io/v1"
APP = "https://api.customer.io/v1/send"
V2 = "https://track.customer.io/api/v2"

CASES = [
    (
        "pipelines-identify",
        {
            "user_id": "u1",
            "anonymous_id": "a1",
            "traits": {"plan": "pro"},
            "timestamp": "1714564800",
            "context": {"ip": "203.0.113.7"},
        },
        f"{CDP}/identify",
        {
            "type": "identify",
            "userId": "u1",
            "anonymousId": "a1",
            "traits": {"plan": "pro"},
            "timestamp": "2024-05-01T12:00:00Z",
            "context": {"ip": "203.0.113.7"},
        },
    ),
    (
        "pipelines-track",
        {"anonymous_id": "a1", "event": "Signed Up", "properties": {"k": 1}, "integrations": {"All": False}},
        f"{CDP}/track",
        {
            "type": "track",
            "anonymousId": "a1",
            "event": "Signed Up",
            "properties": {"k": 1},
            "integrations": {"All": False},
        },
    ),
    (
        "pipelines-page",
        {"user_id": "u1", "name": "Pricing", "properties": {"url": "https://x.com/p"}},
        f"{CDP}/page",
        {"type": "page", "userId": "u1", "name": "Pricing", "properties": {"url": "https://x.com/p"}},
    ),
    (
        "pipelines-screen",
        {"user_id": "u1", "name": "Home"},
        f"{CDP}/screen",
        {"type": "screen", "userId": "u1", "name": "Home"},
    ),
    (
        "pipelines-group",
        {"user_id": "u1", "group_id": "acme", "traits": {"object_type_id": "2", "name": "Acme"}},
        f"{CDP}/group",
        {"type": "group", "userId": "u1", "groupId": "acme", "traits": {"object_type_id": "2", "name": "Acme"}},
    ),
    ("pipelines-alias", {"previous_id": "a1", "user_id": "u1"}, f"{CDP}/alias", {"previousId": "a1", "userId": "u1"}),
    (
        "pipelines-batch",
        {"batch": [{"type": "track", "userId": "u1", "event": "E"}], "context": {"locale": "fr"}},
        f"{CDP}/batch",
        {"batch": [{"type": "track", "userId": "u1", "event": "E"}], "context": {"locale": "fr"}},
    ),
    (
        "send-sms",
        {
            "transactional_message_id": "7",
            "identifiers": {"id": "u1"},
            "to": "+15551234567",
            "from": "+15557654321",
            "send_to_unsubscribed": False,
            "tracked": True,
        },
        f"{APP}/sms",
        {
            "transactional_message_id": 7,
            "identifiers": {"id": "u1"},
            "to": "+15551234567",
            "from": "+15557654321",
            "send_to_unsubscribed": False,
            "tracked": True,
        },
    ),
    (
        "send-in-app",
        {
            "transactional_message_id": "promo",
            "identifiers": {"cio_id": "03"},
            "message_data": {"a": 1},
            "send_at": 1900000000,
        },
        f"{APP}/in_app",
        {
            "transactional_message_id": "promo",
            "identifiers": {"cio_id": "03"},
            "message_data": {"a": 1},
            "send_at": 1900000000,
        },
    ),
    (
        "send-inbox-message",
        {"transactional_message_id": "4", "identifiers": {"email": "a@x.com"}, "queue_draft": True},
        f"{APP}/inbox_message",
        {"transactional_message_id": 4, "identifiers": {"email": "a@x.com"}, "queue_draft": True},
    ),
    (
        "track-v2-entity",
        {
            "type": "person",
            "action": "add_device",
            "identifiers": {"id": "u1"},
            "device_token": "tok",
            "device_platform": "ios",
            "device_last_used": 1700000000,
            "device_attributes": {"v": "1"},
        },
        f"{V2}/entity",
        {
            "type": "person",
            "action": "add_device",
            "identifiers": {"id": "u1"},
            "device": {"token": "tok", "platform": "ios", "last_used": 1700000000, "attributes": {"v": "1"}},
        },
    ),
    (
        "track-v2-batch",
        {"batch": [{"type": "person", "action": "event", "identifiers": {"id": "u1"}, "name": "e"}]},
        f"{V2}/batch",
        {"batch": [{"type": "person", "action": "event", "identifiers": {"id": "u1"}, "name": "e"}]},
    ),
]


def _without_message_ids(body):
    """The body with every generated messageId checked (a uuid4) and taken out."""
    calls = body.get("batch", [body])
    out = {**body, "batch": [dict(c) for c in calls]} if "batch" in body else dict(body)
    for call in out.get("batch", [out]):
        assert uuid.UUID(call.pop("messageId")).version == 4
    return out


def req(action_id, data):
    return build_request(validate(get_action(action_id), data), CREDS)


@pytest.mark.parametrize("action_id,data,url,body", CASES, ids=[c[0] for c in CASES])
def test_request_shape(action_id, data, url, body):
    r = req(action_id, data)
    api = get_action(action_id).INFO.api
    assert (r.method, r.url) == ("POST", url)
    assert r.headers["Authorization"] == AUTH[api]
    assert r.headers["Content-Type"] == "application/json"
    assert ("X-Strict-Mode" in r.headers) == (api == API.PIPELINES)
    if api == API.PIPELINES:
        assert _without_message_ids(r.body) == body
    else:
        assert r.body == body


def test_every_action_has_a_request_case():
    assert {c[0] for c in CASES} | {c[0] for c in SEED_CASES} == set(all_actions())


def test_message_id_is_fixed_per_spec_so_the_preview_is_what_is_sent():
    spec = validate(get_action("pipelines-track"), {"user_id": "u", "event": "E"})
    first, second = build_request(spec, CREDS), build_request(spec, CREDS, preview=True)
    assert first.content() == second.content()
    again = req("pipelines-track", {"user_id": "u", "event": "E"})
    assert again.body["messageId"] != first.body["messageId"]  # a new request, a new id
    given = req("pipelines-track", {"user_id": "u", "event": "E", "message_id": "mine"})
    assert given.body["messageId"] == "mine" and not any("messageId" in n for n in given.notes)


def test_batch_message_ids_are_per_call_and_kept_when_given():
    spec = validate(
        get_action("pipelines-batch"),
        {
            "batch": [
                {"type": "track", "userId": "u", "event": "a"},
                {"type": "track", "userId": "u", "event": "b", "messageId": "given"},
                {"type": "identify", "anonymousId": "x", "timestamp": 1714564800},
            ]
        },
    )
    body = build_request(spec, CREDS).body
    assert build_request(spec, CREDS).body == body
    ids = [item["messageId"] for item in body["batch"]]
    assert ids[1] == "given" and len(set(ids)) == 3
    assert body["batch"][2]["timestamp"] == "2024-05-01T12:00:00Z"
    assert spec.batch[2]["timestamp"] == 1714564800  # the input stays as typed


def test_timestamp_without_a_zone_is_sent_as_utc_with_a_note():
    r = req("pipelines-identify", {"user_id": "u", "timestamp": "2024-05-01T12:00:00.250"})
    assert r.body["timestamp"] == "2024-05-01T12:00:00.250Z"
    assert any("no time zone; sent as UTC" in n for n in r.notes)


def test_eu_region_uses_the_eu_pipelines_host():
    eu = Credentials(region="eu", write_key="w")
    spec = validate(get_action("pipelines-alias"), {"previous_id": "a", "user_id": "b"})
    assert build_request(spec, eu).url == "https://cdp-eu.customer.io/v1/alias"


def test_group_object_type_id_number_is_sent_as_text_without_changing_the_input():
    spec = validate(get_action("pipelines-group"), {"user_id": "u", "group_id": "g", "traits": {"object_type_id": 3}})
    built = build_request(spec, CREDS)
    assert built.body["traits"] == {"object_type_id": "3"} and spec.traits == {"object_type_id": 3}
