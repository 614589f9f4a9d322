"""The request log and admin endpoints; no key material ever stored or echoed."""

from __future__ import annotations

import json

from .conftest import ALL_KEYS, APP, APP_KEY, CDP, SITE, TRACK, TRACK_KEY, basic, state


async def test_log_entry_fields(empty_client):
    await empty_client.put("/track-eu/api/v1/customers/u1?x=1", json={"a": 1}, headers=TRACK)
    await empty_client.post("/app-us/v1/send/email", content=b"not json", headers=APP)
    log = (await empty_client.get("/_sandbox/requests")).json()["requests"]
    first, second = log
    assert first["seq"] == 1 and first["api"] == "track" and first["region"] == "eu" and first["prefix"] == "/track-eu"
    assert first["method"] == "PUT" and first["path"] == "/api/v1/customers/u1" and first["query"] == "x=1"
    assert first["body"] == {"a": 1} and first["status"] == 401
    assert first["auth"] == {"scheme": "basic", "key_kind": "track", "valid": True}
    assert second["body"] == "not json" and second["status"] == 400
    assert second["auth"] == {"scheme": "bearer", "key_kind": "app", "valid": True}
    since = (await empty_client.get("/_sandbox/requests", params={"since": 1})).json()["requests"]
    assert [e["seq"] for e in since] == [2]


async def test_log_and_state_never_hold_key_material(client):
    attempts = [
        ("PUT", "/track-us/api/v1/customers/u1", TRACK),
        ("PUT", "/track-us/api/v1/customers/u1", basic(SITE, APP_KEY)),
        ("PUT", "/track-us/api/v1/customers/u1", {"Authorization": f"Bearer {TRACK_KEY}"}),
        ("POST", "/app-us/v1/send/email", APP),
        ("POST", "/app-us/v1/send/email", TRACK),
        ("GET", "/app-eu/v1/workspaces", APP),
        ("POST", "/cdp-us/v1/identify", CDP),
        ("POST", "/cdp-us/v1/identify", {**basic(APP_KEY, ""), "X-Strict-Mode": "1"}),
    ]
    bodies = []
    for method, path, headers in attempts:
        r = await client.request(method, path, json={"userId": "u1"}, headers=headers)
        bodies.append(r.text)
    dumped = json.dumps(client.sandbox.requests) + json.dumps(await state(client)) + "".join(bodies)
    dumped += (await client.get("/_sandbox/config")).text
    for secret in ALL_KEYS:
        assert secret not in dumped
    assert "Authorization" not in json.dumps(client.sandbox.requests)
    kinds = [(e["auth"]["key_kind"], e["auth"]["valid"]) for e in client.sandbox.requests]
    assert kinds == [
        ("track", True),
        ("app", False),
        ("track", False),
        ("app", True),
        ("track", False),
        ("app", True),
        ("write", True),
        ("app", False),
    ]


async def test_reset_restores_demo_state(client):
    await client.delete("/track-us/api/v1/customers/user_1001", headers=TRACK)
    client.sandbox.add_fault("/x", status=500)
    assert len((await state(client))["people"]) == 10
    assert (await client.post("/_sandbox/reset")).status_code == 200
    assert len((await state(client))["people"]) == 11
    assert client.sandbox.requests == [] and client.sandbox.faults == []
    await client.post("/_sandbox/reset", json={"demo_data": False})
    assert (await state(client))["people"] == []


async def test_state_endpoint_lists_everything(client):
    snap = await state(client)
    assert set(snap) >= {"people", "events", "deliveries", "suppressions", "merges", "segments", "templates"}
