"""App API transactional sends: deliveries, person creation, 400/403/404/413/422."""

from __future__ import annotations

import base64

import pytest

from .conftest import APP, START, person, state

EMAIL = "/app-us/v1/send/email"
PUSH = "/app-us/v1/send/push"


def email_body(**overrides):
    body = {
        "transactional_message_id": 1,
        "to": "ada.lovelace@example.com",
        "identifiers": {"id": "user_1001"},
        "message_data": {"items": [{"name": "Mug"}]},
    }
    body.update(overrides)
    return {k: v for k, v in body.items() if v is not None}


async def test_send_email_records_delivery(client, clock):
    r = await client.post(EMAIL, json=email_body(), headers=APP)
    assert r.status_code == 200
    assert r.json() == {"delivery_id": "sbx-delivery-000001", "queued_at": START}
    r2 = await client.post(EMAIL, json=email_body(), headers=APP)
    assert r2.json()["delivery_id"] == "sbx-delivery-000002"
    [d, _] = (await state(client))["deliveries"]
    assert d["state"] == "queued"
    clock.advance(client.sandbox.config.delivery_delay)
    [d, _] = (await state(client))["deliveries"]
    assert d["channel"] == "email" and d["transactional_message_id"] == 1 and d["state"] == "sent"
    assert d["cio_id"] == "sb000001" and d["request"] == email_body()


@pytest.mark.parametrize("ref", ["welcome", "WELCOME", "Welcome", "1", 1])
async def test_template_by_id_or_trigger_name(client, ref):
    r = await client.post(EMAIL, json=email_body(transactional_message_id=ref), headers=APP)
    assert r.status_code == 200
    assert (await state(client))["deliveries"][0]["transactional_message_id"] == 1


async def test_send_creates_missing_person(client):
    r = await client.post(EMAIL, json=email_body(identifiers={"email": "new.person@example.com"}), headers=APP)
    assert r.status_code == 200
    p = person(await state(client), email="new.person@example.com")
    assert p is not None and p["id"] is None


async def test_send_without_template_needs_from_subject_body(client):
    body = email_body(transactional_message_id=None)
    r = await client.post(EMAIL, json=body, headers=APP)
    assert r.status_code == 400
    assert r.json() == {
        "meta": {
            "error": (
                "from: is required when transactional_message_id is not given; "
                "subject: is required when transactional_message_id is not given; "
                "body: is required when transactional_message_id is not given"
            )
        }
    }
    body.update({"from": "me@acme.example", "subject": "Hi", "body": "<p>Hi</p>"})
    assert (await client.post(EMAIL, json=body, headers=APP)).status_code == 200


@pytest.mark.parametrize("identifiers", [{}, {"id": "a", "email": "b@example.com"}, {"phone_number": "1"}, "u1"])
async def test_identifiers_must_have_exactly_one_key(client, identifiers):
    r = await client.post(EMAIL, json=email_body(identifiers=identifiers), headers=APP)
    assert r.status_code == 400
    assert r.json() == {"meta": {"error": "identifiers: must have exactly one of id, email, cio_id"}}


async def test_send_email_field_errors(client):
    r = await client.post(EMAIL, json=email_body(to=None), headers=APP)
    assert r.json() == {"meta": {"error": "to: is required"}}
    r = await client.post(EMAIL, json=email_body(identifiers=None), headers=APP)
    assert r.json() == {"meta": {"error": "identifiers: is required"}}
    r = await client.post(EMAIL, json=email_body(identifiers={"id": "x" * 151}), headers=APP)
    assert r.json() == {"meta": {"error": "identifiers.id: is 151 bytes; the limit is 150"}}
    r = await client.post(EMAIL, json=email_body(message_data="x"), headers=APP)
    assert r.json() == {"meta": {"error": "message_data: must be an object"}}
    r = await client.post(EMAIL, json=email_body(queue_draft="yes"), headers=APP)
    assert r.json() == {"meta": {"error": "queue_draft: must be a boolean"}}
    r = await client.post(EMAIL, content=b"{", headers=APP)
    assert r.status_code == 400 and r.json() == {"meta": {"error": "body: is not valid JSON"}}
    r = await client.post(EMAIL, json=[], headers=APP)
    assert r.json() == {"meta": {"error": "body: must be a JSON object"}}
    assert (await state(client))["deliveries"] == []


async def test_more_than_15_recipients(client):
    to = ", ".join(f"p{i}@example.com" for i in range(10))
    bcc = ", ".join(f"b{i}@example.com" for i in range(6))
    r = await client.post(EMAIL, json=email_body(to=to, bcc=bcc), headers=APP)
    assert r.status_code == 400
    assert r.json() == {"meta": {"error": "to: 16 recipients across to, cc and bcc; the limit is 15"}}
    r = await client.post(EMAIL, json=email_body(to='"Doe, Jane" <jane@example.com>, x@example.com'), headers=APP)
    assert r.status_code == 200


async def test_payload_over_1mb_is_413(client):
    r = await client.post(EMAIL, json=email_body(message_data={"blob": "x" * (1024 * 1024)}), headers=APP)
    assert r.status_code == 413
    assert r.json()["meta"]["error"].startswith("body: is ")
    assert r.json()["meta"]["error"].endswith("; the limit is 1048576")


async def test_attachments(client):
    ok_file = base64.b64encode(b"hello").decode()
    r = await client.post(EMAIL, json=email_body(attachments={"a.txt": ok_file}), headers=APP)
    assert r.status_code == 200
    r = await client.post(EMAIL, json=email_body(attachments={"a.txt": "***"}), headers=APP)
    assert r.status_code == 400 and r.json() == {"meta": {"error": "attachments.a.txt: is not valid base64"}}
    r = await client.post(EMAIL, json=email_body(attachments={"run.exe": ok_file}), headers=APP)
    assert r.status_code == 403 and r.json()["meta"]["error"].startswith("attachments.run.exe: ")
    big = base64.b64encode(b"x" * (2 * 1024 * 1024 + 1)).decode()
    r = await client.post(EMAIL, json=email_body(attachments={"big.bin": big}), headers=APP)
    assert r.status_code == 413 and r.json()["meta"]["error"].startswith("attachments: ")


async def test_unknown_template_is_404(client):
    r = await client.post(EMAIL, json=email_body(transactional_message_id=99), headers=APP)
    assert r.status_code == 404
    assert r.json() == {"meta": {"error": "transactional_message_id: no transactional message 99"}}
    r = await client.post(EMAIL, json=email_body(transactional_message_id="no_such_trigger"), headers=APP)
    assert r.status_code == 404
    assert (await state(client))["deliveries"] == []


async def test_wrong_channel_template_is_400(client):
    r = await client.post(EMAIL, json=email_body(transactional_message_id="order_shipped"), headers=APP)
    assert r.status_code == 400
    assert r.json()["meta"]["error"].startswith("transactional_message_id: message 3 is a push message")


async def test_unknown_cio_id_is_404(client):
    r = await client.post(EMAIL, json=email_body(identifiers={"cio_id": "nope"}), headers=APP)
    assert r.status_code == 404 and r.json()["meta"]["error"].startswith("identifiers.cio_id: ")
    r = await client.post(EMAIL, json=email_body(identifiers={"cio_id": "sb000002"}), headers=APP)
    assert r.status_code == 200


async def test_422_for_invalid_values(client, clock):
    r = await client.post(EMAIL, json=email_body(to="not-an-email"), headers=APP)
    assert r.status_code == 422
    assert r.json() == {
        "errors": [
            {"detail": "to: 'not-an-email' is not a valid email address", "source": {"pointer": "/to"}, "status": "422"}
        ]
    }
    r = await client.post(EMAIL, json=email_body(identifiers={"email": "nope"}), headers=APP)
    assert r.status_code == 422
    assert r.json()["errors"][0]["source"] == {"pointer": "/identifiers/email"}
    r = await client.post(EMAIL, json=email_body(send_at=START + 91 * 86400), headers=APP)
    assert r.status_code == 422
    assert r.json()["errors"][0] == {
        "detail": "send_at: is more than 90 days ahead",
        "source": {"pointer": "/send_at"},
        "status": "422",
    }
    assert (await state(client))["deliveries"] == []
    r = await client.post(EMAIL, json=email_body(send_at=START + 89 * 86400), headers=APP)
    assert r.status_code == 200
    assert (await state(client))["deliveries"][0]["state"] == "scheduled"


async def test_liquid_to_is_not_validated(client):
    r = await client.post(EMAIL, json=email_body(to="{{ customer.email }}"), headers=APP)
    assert r.status_code == 200


async def test_draft_and_unsubscribed_states(client, clock):
    await client.post(EMAIL, json=email_body(queue_draft=True), headers=APP)
    await client.post(EMAIL, json=email_body(identifiers={"id": "user_1003"}, send_to_unsubscribed=False), headers=APP)
    await client.post(EMAIL, json=email_body(identifiers={"id": "user_1003"}), headers=APP)
    await client.post(EMAIL, json=email_body(identifiers={"id": "user_1003"}, send_to_unsubscribed=True), headers=APP)
    clock.advance(10)
    states = [d["state"] for d in (await state(client))["deliveries"]]
    # The welcome template is not sent to the unsubscribed; the send may say otherwise.
    assert states == ["drafted", "undeliverable", "undeliverable", "opened"]


async def test_send_push(client):
    body = {
        "transactional_message_id": "order_shipped",
        "identifiers": {"id": "user_1001"},
        "message_data": {"order": {"id": "A-1"}},
    }
    r = await client.post(PUSH, json=body, headers=APP)
    assert r.status_code == 200 and set(r.json()) == {"delivery_id", "queued_at"}
    r = await client.post(PUSH, json={**body, "to": "ios-token-ada-0001"}, headers=APP)
    assert r.status_code == 200
    r = await client.post(PUSH, json={**body, "to": "someone-elses-token"}, headers=APP)
    assert r.status_code == 400 and r.json()["meta"]["error"].startswith("to: ")
    deliveries = (await state(client))["deliveries"]
    assert [d["channel"] for d in deliveries] == ["push", "push"]


async def test_push_needs_a_template_even_with_title_and_message(client):
    # APP-SPEC sendPush: transactional_message_id is required; title and message override it.
    body = {"identifiers": {"id": "user_1001"}, "title": "Hi", "message": "Hello"}
    r = await client.post(PUSH, json=body, headers=APP)
    assert r.status_code == 400
    assert r.json() == {"meta": {"error": "transactional_message_id: is required"}}
    r = await client.post(PUSH, json={**body, "transactional_message_id": 3}, headers=APP)
    assert r.status_code == 200


async def test_push_custom_device_is_upserted(client):
    body = {
        "transactional_message_id": 3,
        "identifiers": {"email": "new@example.com"},
        "custom_device": {"token": "tok-new", "platform": "android"},
        "to": "tok-new",
    }
    r = await client.post(PUSH, json=body, headers=APP)
    assert r.status_code == 200
    p = person(await state(client), email="new@example.com")
    assert [d["id"] for d in p["devices"]] == ["tok-new"]
    bad = {**body, "custom_device": {"token": "t", "platform": "web"}}
    r = await client.post(PUSH, json=bad, headers=APP)
    assert r.json() == {"meta": {"error": "custom_device.platform: must be one of ios, android"}}


async def test_push_field_errors(client):
    body = {"transactional_message_id": 3, "identifiers": {"id": "user_1001"}}
    r = await client.post(PUSH, json={**body, "sound": "loud"}, headers=APP)
    assert r.json() == {"meta": {"error": "sound: must be one of default, none"}}
    r = await client.post(PUSH, json={**body, "custom_data": {"n": 1}}, headers=APP)
    assert r.json() == {"meta": {"error": "custom_data.n: must be a string"}}
    r = await client.post(PUSH, json={**body, "transactional_message_id": "welcome"}, headers=APP)
    assert r.status_code == 400


async def test_send_sms_in_app_inbox(client):
    base = {"transactional_message_id": 1, "identifiers": {"id": "user_1002"}}
    r = await client.post("/app-us/v1/send/sms", json={**base, "to": "+15551234567"}, headers=APP)
    assert r.status_code == 200
    r = await client.post("/app-us/v1/send/sms", json={**base, "to": "555-1234"}, headers=APP)
    assert r.status_code == 400
    assert r.json() == {"meta": {"error": "to: must be a phone number in E.164 format, like +15551234567"}}
    r = await client.post("/app-us/v1/send/sms", json=base, headers=APP)
    assert r.json() == {"meta": {"error": "to: is required"}}
    for channel in ("in_app", "inbox_message"):
        r = await client.post(f"/app-us/v1/send/{channel}", json={**base, "message_data": {"x": 1}}, headers=APP)
        assert r.status_code == 200
        r = await client.post(f"/app-us/v1/send/{channel}", json={"identifiers": {"id": "u"}}, headers=APP)
        assert r.json() == {"meta": {"error": "transactional_message_id: is required"}}
    assert [d["channel"] for d in (await state(client))["deliveries"]] == ["sms", "in_app", "inbox_message"]
