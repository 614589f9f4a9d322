"""Failures are explained for the action and API at hand."""

import json

import httpx

from console.actions.catalog import get_action
from console.actions.validation import validate
from console.cli.words import CLI_WORDS
from console.diagnose.explain import explain
from console.wire.credentials import Credentials
from console.wire.error_body import api_errors
from console.wire.exchange import Exchange, Failure, Response
from console.wire.request import build_request
from screens.words import UI_WORDS

CREDS = Credentials(site_id="s", track_key="trackkey1", app_key="appkey1")


def exchange(action_id, data, status=None, body=None, headers=None, failure=None, delivered="no"):
    action = get_action(action_id)
    req = build_request(validate(action, data), CREDS)
    resp = None
    if status is not None:
        text = body if isinstance(body, str) else json.dumps(body) if body is not None else ""
        resp = Response(status, httpx.codes.get_reason_phrase(status), headers or {}, text)
    return Exchange(req, 0.0, response=resp, failure=failure, delivered=delivered), action


IDENTIFY = ("identify-customer", {"customer_identifier": "u1"})
DEVICE = ("add-device", {"customer_identifier": "u1", "device_id": "d", "platform": "ios"})
SEND = ("send-transactional-email", {"transactional_message_id": "99", "to": "a@x.com"})


def test_success_needs_no_explanation():
    ex, action = exchange(*IDENTIFY, status=200, body={})
    assert explain(ex, action, CREDS) is None


def test_401_on_track_points_at_site_id_track_key_and_region():
    ex, action = exchange(*IDENTIFY, status=401)
    e = explain(ex, action, CREDS)
    assert "Track API rejected the Site ID + Track API key" in e.title
    assert "App API key pasted as the Track key" in e.cause and "region" in e.cause
    assert e.offer_connection_test


def test_401_on_app_points_at_the_app_key():
    ex, action = exchange(*SEND, status=401)
    e = explain(ex, action, CREDS)
    assert "App API rejected the App API key" in e.title
    assert "Track API key used where Send Transactional Email needs the App API key" in e.cause


def test_401_when_the_same_key_is_set_for_both():
    same = Credentials(site_id="s", track_key="k" * 10, app_key="k" * 10)
    ex, action = exchange(*SEND, status=401)
    assert "same as the Track API key" in explain(ex, action, same).cause


def test_redirect_to_eu_explains_the_region():
    ex, action = exchange(
        *IDENTIFY, status=301, headers={"location": "https://track-eu.customer.io/api/v1/customers/u1"}
    )
    e = explain(ex, action, CREDS)
    assert "EU workspace" in e.title and "--region eu" in CLI_WORDS.render(" ".join(e.steps))
    assert "choose EU on the environment screen" in UI_WORDS.render(" ".join(e.steps))


def test_400_names_the_field_from_the_message_prefix():
    ex, action = exchange(
        *DEVICE, status=400, body={"meta": {"errors": ["device.platform: must be one of ios, android"]}}
    )
    e = explain(ex, action, CREDS)
    assert e.field == "platform" and "device.platform" in e.api_message


def test_400_path_identifier_maps_to_the_customer_field():
    ex, action = exchange(*IDENTIFY, status=400, body={"meta": {"errors": ["identifier: is 151 bytes"]}})
    assert explain(ex, action, CREDS).field == "customer_identifier"


def test_identify_attribute_errors_map_to_traits():
    ex, action = exchange(*IDENTIFY, status=400, body={"meta": {"errors": ["plan: value over 1000 bytes"]}})
    assert explain(ex, action, CREDS).field == "traits"


def test_422_json_api_pointer_maps_to_the_field():
    body = {"errors": [{"detail": "not an email", "source": {"pointer": "/identifiers/email"}, "status": "422"}]}
    ex, action = exchange(*SEND, status=422, body=body)
    e = explain(ex, action, CREDS)
    assert e.field == "identifiers" and e.api_message == "not an email"


def test_404_on_a_send_is_the_template():
    ex, action = exchange(*SEND, status=404, body={"meta": {"error": "no transactional message 99"}})
    e = explain(ex, action, CREDS)
    assert e.field == "transactional_message_id" and "no such transactional message" in e.title


def test_429_mentions_the_limit_and_retry_after():
    ex, action = exchange(*SEND, status=429, headers={"retry-after": "2"})
    e = explain(ex, action, CREDS)
    assert "10 requests/s" in e.cause and e.retry_after == 2.0


def test_413_and_403_and_5xx():
    for status, words in ((413, "too large"), (403, "refused this request"), (500, "server error")):
        ex, action = exchange(*SEND, status=status, body={"meta": {"error": "x"}})
        assert words in explain(ex, action, CREDS).title


def test_timeout_on_a_send_says_it_may_have_been_delivered():
    ex, action = exchange(*SEND, failure=Failure.READ_TIMEOUT, delivered="unknown")
    e = explain(ex, action, CREDS)
    assert e.title.startswith("Unknown outcome") and "NOT re-sent" in e.steps[0]
    assert e.delivered == "unknown"


def test_network_failures_say_nothing_was_sent():
    for failure, words in (
        (Failure.DNS, "could not resolve"),
        (Failure.REFUSED, "connection refused"),
        (Failure.TLS, "TLS handshake"),
        (Failure.CONNECT_TIMEOUT, "could not connect"),
    ):
        ex, action = exchange(*SEND, failure=failure)
        e = explain(ex, action, CREDS)
        assert words in e.title and "Nothing was sent" in e.cause


def test_error_body_shapes():
    assert [e.message for e in api_errors('{"meta":{"error":"x"}}')] == ["x"]
    assert [e.field for e in api_errors('{"meta":{"errors":["name: is required"]}}')] == ["name"]
    v2 = api_errors('{"errors":[{"batch_index":3,"reason":"r","field":"identifiers","message":"m"}]}')
    assert (v2[0].index, v2[0].field, v2[0].message) == (3, "identifiers", "m")
    assert api_errors('{"code":"invalid","message":"userId: required"}')[0].field == "userId"
    assert api_errors("<html>Bad Gateway</html>")[0].message == "<html>Bad Gateway</html>"
    assert api_errors("") == []


def test_the_connection_test_hint_names_the_real_key():
    ex, action = exchange(*IDENTIFY, status=401)
    text = UI_WORDS.render(explain(ex, action, CREDS).text())  # the console's words: its key
    assert "ctrl+t on the environment screen" in text and "or T in" not in text


def test_422_without_a_field_does_not_refer_to_a_named_value():
    for body in ({"meta": {"error": "something is off"}}, ""):
        ex, action = exchange(*SEND, status=422, body=body)
        e = explain(ex, action, CREDS)
        assert e.field is None
        assert not any("Fix the value Customer.io named" in s for s in e.steps), e.steps
        assert "named no field" in e.steps[0]
    ex, action = exchange(*SEND, status=422, body="")
    assert "cio-console actions send-transactional-email" in CLI_WORDS.render(explain(ex, action, CREDS).steps[0])
    body = {"errors": [{"detail": "not an email", "source": {"pointer": "/identifiers/email"}, "status": "422"}]}
    ex, action = exchange(*SEND, status=422, body=body)
    assert explain(ex, action, CREDS).steps[0].startswith("Fix identifiers")
