"""Pipelines (CDP) calls over HTTP: strict 400/401, permissive 200, state changes."""

from __future__ import annotations

import pytest

from .conftest import CDP, person, state

STRICT = {**CDP, "X-Strict-Mode": "1"}
P = "/cdp-us/v1"


async def test_identify_and_track(empty_client):
    r = await empty_client.post(
        f"{P}/identify", json={"userId": "c1", "traits": {"email": "c1@x.com", "plan": "pro"}}, headers=STRICT
    )
    assert r.status_code == 200 and r.json() == {}
    r = await empty_client.post(
        f"{P}/track",
        json={"userId": "c1", "event": "Signed Up", "properties": {"a": 1}, "timestamp": "2025-06-15T12:00:00Z"},
        headers=STRICT,
    )
    assert r.status_code == 200
    snap = await state(empty_client)
    p = person(snap, id="c1")
    assert p["email"] == "c1@x.com" and p["attributes"] == {"plan": "pro"}
    [e] = snap["events"]
    assert (e["name"], e["data"], e["timestamp"], e["source"]) == ("Signed Up", {"a": 1}, 1749988800, "cdp")


async def test_page_screen_group_alias(empty_client):
    await empty_client.post(f"{P}/page", json={"anonymousId": "anon-1", "name": "Home"}, headers=STRICT)
    await empty_client.post(f"{P}/screen", json={"userId": "c2", "name": "Settings"}, headers=STRICT)
    await empty_client.post(
        f"{P}/group", json={"userId": "c2", "groupId": "acme", "traits": {"name": "Acme"}}, headers=STRICT
    )
    await empty_client.post(f"{P}/alias", json={"previousId": "c2", "userId": "c2-new"}, headers=STRICT)
    snap = await state(empty_client)
    p = person(snap, id="c2-new")
    assert p["relationships"][0]["identifiers"] == {"object_type_id": "1", "object_id": "acme"}
    assert [(e["name"], e["type"]) for e in snap["events"]] == [("Home", "page"), ("Settings", "screen")]
    assert snap["events"][0]["anonymous_id"] == "anon-1"
    assert snap["objects"][0]["attributes"] == {"name": "Acme"}


async def test_semantic_events(empty_client):
    await empty_client.post(f"{P}/identify", json={"userId": "c3"}, headers=STRICT)
    await empty_client.post(
        f"{P}/track",
        headers=STRICT,
        json={
            "userId": "c3",
            "event": "Device Created or Updated",
            "context": {"device": {"token": "tk", "type": "android"}},
        },
    )
    assert person(await state(empty_client), id="c3")["devices"][0]["platform"] == "android"
    await empty_client.post(f"{P}/track", json={"userId": "c3", "event": "User Deleted"}, headers=STRICT)
    assert (await state(empty_client))["people"] == []
    r = await empty_client.post(
        f"{P}/track", json={"userId": "c3", "event": "Device Created or Updated"}, headers=STRICT
    )
    assert (
        r.status_code == 400
        and r.json()["message"] == "context.device.token: is required for Device Created or Updated"
    )


@pytest.mark.parametrize(
    "path,body,message",
    [
        ("identify", {"traits": {"plan": "x"}}, "userId: one of userId, anonymousId is required"),
        ("track", {"userId": "u"}, "event: is required"),
        ("track", {"event": "x"}, "userId: one of userId, anonymousId is required"),
        ("group", {"userId": "u"}, "groupId: is required"),
        ("alias", {"userId": "u"}, "previousId: is required"),
        ("identify", {"userId": "u", "traits": "x"}, "traits: must be an object"),
        ("identify", {"userId": "u", "timestamp": "yesterday"}, "timestamp: must be an ISO-8601 date-time string"),
    ],
)
async def test_strict_mode_400(empty_client, path, body, message):
    r = await empty_client.post(f"{P}/{path}", json=body, headers=STRICT)
    assert r.status_code == 400
    assert r.json() == {"code": "invalid_request", "message": message}
    r = await empty_client.post(f"{P}/{path}", json=body, headers=CDP)
    assert r.status_code == 200 and r.json() == {}
    assert (await state(empty_client))["people"] == []


async def test_permissive_mode_notes_why_a_call_was_ignored(empty_client):
    await empty_client.post(f"{P}/track", json={"userId": "u"}, headers=CDP)
    [entry] = (await empty_client.get("/_sandbox/requests")).json()["requests"]
    assert entry["status"] == 200 and entry["note"] == "ignored: event: is required"


async def test_oversize_call(empty_client):
    body = {"userId": "u", "traits": {"blob": "x" * 33_000}}
    assert (await empty_client.post(f"{P}/identify", json=body, headers=STRICT)).status_code == 400
    assert (await empty_client.post(f"{P}/identify", json=body, headers=CDP)).status_code == 200
    assert (await state(empty_client))["people"] == []


async def test_batch(empty_client):
    body = {
        "batch": [
            {"type": "identify", "userId": "b1", "traits": {"plan": "pro"}},
            {"type": "track", "userId": "b1", "event": "Clicked"},
        ],
        "context": {"ip": "127.0.0.1"},
    }
    assert (await empty_client.post(f"{P}/batch", json=body, headers=STRICT)).status_code == 200
    snap = await state(empty_client)
    assert person(snap, id="b1")["attributes"] == {"plan": "pro"} and snap["events"][0]["name"] == "Clicked"


async def test_batch_with_invalid_item(empty_client):
    body = {"batch": [{"type": "identify", "userId": "ok"}, {"type": "track", "userId": "x"}, {"type": "bogus"}]}
    r = await empty_client.post(f"{P}/batch", json=body, headers=STRICT)
    assert r.status_code == 400
    assert r.json()["message"] == (
        "batch[1].event: is required; batch[2].type: must be one of identify, track, page, screen, group, alias"
    )
    assert (await state(empty_client))["people"] == []  # strict: nothing applied
    r = await empty_client.post(f"{P}/batch", json=body, headers=CDP)
    assert r.status_code == 200
    assert [p["id"] for p in (await state(empty_client))["people"]] == ["ok"]  # permissive: valid items applied
