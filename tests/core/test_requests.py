"""Every action builds the request Customer.io and the official clients expect."""

import base64

import pytest

from console.actions.catalog import all_actions, get_action
from console.actions.validation import validate
from console.wire.apis import API, Region
from console.wire.credentials import Credentials, MissingCredential
from console.wire.request import build_request

CREDS = Credentials(site_id="site1", track_key="trackkey1", app_key="appkey1", write_key="writekey1")
BASIC = "Basic " + base64.b64encode(b"site1:trackkey1").decode()


def req(action_id, data, creds=CREDS):
    return build_request(validate(get_action(action_id), data), creds)


CASES = [
    (
        "identify-customer",
        {"customer_identifier": "user_123", "traits": {"plan": "premium", "gone": None}},
        "PUT",
        "https://track.customer.io/api/v1/customers/user_123",
        {"plan": "premium", "gone": None},
    ),
    (
        "track-event",
        {
            "customer_identifier": "u1",
            "event_name": "purchased",
            "event_properties": {"price": 29.99},
            "timestamp": 1700000000,
            "event_id": "01HQ",
        },
        "POST",
        "https://track.customer.io/api/v1/customers/u1/events",
        {"name": "purchased", "data": {"price": 29.99}, "timestamp": 1700000000, "id": "01HQ"},
    ),
    (
        "track-anonymous",
        {"anonymous_id": "anon_1", "event_name": "viewed", "event_properties": {"page": "pricing"}},
        "POST",
        "https://track.customer.io/api/v1/events",
        {"anonymous_id": "anon_1", "name": "viewed", "data": {"page": "pricing"}},
    ),
    (
        "destroy-customer",
        {"customer_identifier": "u1"},
        "DELETE",
        "https://track.customer.io/api/v1/customers/u1",
        None,
    ),
    (
        "add-device",
        {
            "customer_identifier": "u1",
            "device_id": "tok",
            "platform": "ios",
            "attributes": {"app_version": "1.0"},
            "last_used": 1700000000,
        },
        "PUT",
        "https://track.customer.io/api/v1/customers/u1/devices",
        {"device": {"id": "tok", "platform": "ios", "attributes": {"app_version": "1.0"}, "last_used": 1700000000}},
    ),
    (
        "delete-device",
        {"customer_identifier": "u1", "device_token": "tok/1 x"},
        "DELETE",
        "https://track.customer.io/api/v1/customers/u1/devices/tok%2F1%20x",
        None,
    ),
    (
        "suppress-customer",
        {"customer_identifier": "u1"},
        "POST",
        "https://track.customer.io/api/v1/customers/u1/suppress",
        {},
    ),
    (
        "unsuppress-customer",
        {"customer_identifier": "u1"},
        "POST",
        "https://track.customer.io/api/v1/customers/u1/unsuppress",
        {},
    ),
    (
        "merge-customers",
        {
            "primary_identifier_type": "id",
            "primary_identifier": "u1",
            "secondary_identifier_type": "email",
            "secondary_identifier": "a@x.com",
        },
        "POST",
        "https://track.customer.io/api/v1/merge_customers",
        {"primary": {"id": "u1"}, "secondary": {"email": "a@x.com"}},
    ),
    (
        "send-transactional-email",
        {
            "transactional_message_id": "3",
            "to": "ann@x.com",
            "identifiers": {"id": "u1"},
            "message_data": {"a": 1},
            "from": "hi@acme.com",
            "send_to_unsubscribed": False,
        },
        "POST",
        "https://api.customer.io/v1/send/email",
        {
            "transactional_message_id": 3,
            "to": "ann@x.com",
            "identifiers": {"id": "u1"},
            "message_data": {"a": 1},
            "from": "hi@acme.com",
            "send_to_unsubscribed": False,
        },
    ),
    (
        "send-push",
        {
            "transactional_message_id": "3",
            "identifiers": {"id": "u1"},
            "title": "Hi",
            "message": "There",
            "custom_data": {"k": "v"},
        },
        "POST",
        "https://api.customer.io/v1/send/push",
        {
            "transactional_message_id": 3,
            "identifiers": {"id": "u1"},
            "title": "Hi",
            "message": "There",
            "custom_data": {"k": "v"},
        },
    ),
]


@pytest.mark.parametrize("action_id,data,method,url,body", CASES, ids=[c[0] for c in CASES])
def test_request_shape(action_id, data, method, url, body):
    r = req(action_id, data)
    assert r.method == method
    assert r.url == url
    assert r.body == body
    if get_action(action_id).INFO.api == API.TRACK:
        assert r.headers["Authorization"] == BASIC
    else:
        assert r.headers["Authorization"] == "Bearer appkey1"
    assert ("Content-Type" in r.headers) == (body is not None)


def test_every_action_has_a_case():
    assert {c[0] for c in CASES} >= set(all_actions()) - {
        a
        for a in all_actions()
        if all_actions()[a].INFO.api == API.PIPELINES
        or "v2" in a
        or a in ("send-sms", "send-in-app", "send-inbox-message")
    }


@pytest.mark.parametrize(
    "raw,encoded",
    [
        ("a/b", "a%2Fb"),
        ("a+b@x.com", "a%2Bb%40x.com"),
        ("J\u00fcrgen", "J%C3%BCrgen"),
        ("with space", "with%20space"),
        ("a'b(c)*!", "a%27b%28c%29%2A%21"),
        ("cio_03000001", "cio_03000001"),
    ],
)
def test_every_path_segment_is_percent_encoded(raw, encoded):
    assert req("identify-customer", {"customer_identifier": raw}).url.endswith("/customers/" + encoded)
    r = req("delete-device", {"customer_identifier": raw, "device_token": raw})
    assert r.url.endswith(f"/customers/{encoded}/devices/{encoded}")


def test_eu_region_uses_eu_hosts():
    eu = Credentials(region=Region.EU, site_id="s", track_key="t", app_key="a")
    assert req("identify-customer", {"customer_identifier": "u"}, eu).url.startswith("https://track-eu.customer.io/")
    send = {"transactional_message_id": "1", "to": "a@x.com"}
    assert req("send-transactional-email", send, eu).url == "https://api-eu.customer.io/v1/send/email"


def test_sandbox_root_and_overrides():
    sandbox = Credentials(region=Region.EU, site_id="s", track_key="t", sandbox_root="http://127.0.0.1:8765")
    assert (
        req("destroy-customer", {"customer_identifier": "u"}, sandbox).url
        == "http://127.0.0.1:8765/track-eu/api/v1/customers/u"
    )
    override = Credentials(site_id="s", track_key="t", urls={API.TRACK: "http://h:1/track-us/"})
    assert (
        req("destroy-customer", {"customer_identifier": "u"}, override).url == "http://h:1/track-us/api/v1/customers/u"
    )


def test_identifiers_filled_from_single_recipient_and_noted():
    r = req("send-transactional-email", {"transactional_message_id": "welcome", "to": '"Ann" <ann@x.com>'})
    assert r.body["identifiers"] == {"email": "ann@x.com"}
    assert r.body["transactional_message_id"] == "welcome"  # a trigger name stays a string
    assert any("identifiers filled from To" in n for n in r.notes)


def test_merge_strips_cio_prefix_in_identifier_objects():
    r = req(
        "merge-customers",
        {
            "primary_identifier_type": "cio_id",
            "primary_identifier": "cio_0300",
            "secondary_identifier_type": "id",
            "secondary_identifier": "u2",
        },
    )
    assert r.body == {"primary": {"cio_id": "0300"}, "secondary": {"id": "u2"}}
    assert r.notes


def test_missing_key_is_refused_before_sending_but_previewable():
    spec = validate(get_action("send-push"), {"identifiers": {"id": "u"}, "transactional_message_id": "3"})
    with pytest.raises(MissingCredential) as err:
        build_request(spec, Credentials(site_id="s", track_key="t"))
    assert "App API key" in str(err.value) and "CIO_APP_API_KEY" in str(err.value)
    preview = build_request(spec, Credentials(), preview=True)
    assert preview.preview()["headers"]["Authorization"] == "<not set: App API key>"


def test_preview_masks_keys_and_content_is_the_body():
    r = req("identify-customer", {"customer_identifier": "u", "traits": {"name": "J\u00fcrgen"}})
    shown = str(r.preview()) + repr(r)
    assert "trackkey1" not in shown and base64.b64encode(b"site1:trackkey1").decode() not in shown
    assert r.preview()["headers"]["Authorization"] == "Basic ****"
    assert r.content() == '{"name":"J\u00fcrgen"}'.encode()
