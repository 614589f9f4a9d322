"""send-sms, send-in-app and send-inbox-message through the CLI against the sandbox."""

from __future__ import annotations

import pytest

from .conftest import api_requests


def _deliveries(sandbox):
    return sandbox.sandbox.state.deliveries


def test_sms_is_delivered_to_the_number(send, sandbox):
    r = send(
        "send-sms",
        {
            "transactional_message_id": "1",
            "identifiers": {"id": "user_1001"},
            "to": "+15551234567",
            "from": "+15557654321",
            "message_data": {"code": "123456"},
        },
    )
    assert r.code == 0, r.err
    [delivery] = _deliveries(sandbox)
    assert (delivery.channel, delivery.to) == ("sms", "+15551234567")
    # It plays out over the sandbox's delivery delay: the steps taken and those to come.
    assert [m["name"] for m in delivery.metrics] + [step[1] for step in delivery.plan] == ["sent", "delivered"]
    assert delivery.request["transactional_message_id"] == 1  # digits are sent as a number
    assert delivery.request["from"] == "+15557654321"
    assert r.out.startswith("200") and delivery.delivery_id in r.out


def test_sms_to_a_number_that_is_not_e164_is_refused_with_a_suggestion(send, sandbox):
    r = send(
        "send-sms", {"transactional_message_id": "1", "identifiers": {"id": "user_1001"}, "to": "+1 (555) 123-4567"}
    )
    assert r.code == 2
    assert "To (to) '+1 (555) 123-4567' is not an E.164 phone number" in r.err
    assert "did you mean +15551234567?" in r.err
    assert api_requests(sandbox, "app") == []


def test_sms_accepts_liquid_for_the_number(send, sandbox):
    r = send(
        "send-sms",
        {"transactional_message_id": "1", "identifiers": {"id": "user_1001"}, "to": "{{customer.phone}}"},
        "--dry-run",
    )
    assert r.code == 0 and r.json()["body"]["to"] == "{{customer.phone}}"


@pytest.mark.parametrize("action,channel", [("send-in-app", "in_app"), ("send-inbox-message", "inbox_message")])
def test_in_app_and_inbox_are_delivered(send, sandbox, action, channel):
    r = send(
        action,
        {
            "transactional_message_id": "welcome",
            "identifiers": {"email": "grace.hopper@example.com"},
            "message_data": {"coupon": "SPRING"},
            "language": "fr",
        },
    )
    assert r.code == 0, r.err
    [delivery] = _deliveries(sandbox)
    assert (delivery.channel, delivery.language) == (channel, "fr")
    assert delivery.cio_id == "sb000002"
    assert delivery.request["transactional_message_id"] == "welcome"  # a trigger name stays text
    [entry] = api_requests(sandbox, "app")
    assert entry["path"] == f"/v1/send/{channel}"


@pytest.mark.parametrize("action", ["send-in-app", "send-inbox-message"])
def test_in_app_and_inbox_need_exactly_one_identifier(send, sandbox, action):
    r = send(action, {"transactional_message_id": "1", "identifiers": {"id": "u", "email": "u@x.com"}})
    assert r.code == 2
    assert "Identifiers (identifiers) must have exactly one of id, email, cio_id (got id, email)" in r.err
    r = send(action, {"identifiers": {"id": "u"}})
    assert r.code == 2 and "Transactional Message ID (transactional_message_id) is required" in r.err
    assert api_requests(sandbox, "app") == []


def test_unknown_template_is_explained_and_nothing_is_delivered(send, sandbox):
    r = send("send-inbox-message", {"transactional_message_id": "99", "identifiers": {"id": "user_1001"}})
    assert r.code == 1
    assert "no such transactional message" in r.err and "Field: transactional_message_id" in r.err
    assert _deliveries(sandbox) == []
