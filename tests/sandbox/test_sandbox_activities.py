"""The activity log and the paginated person reads: what the sandbox received is recorded
with its time, and `start`/`limit`/`next` page through it without gaps or repeats."""

from __future__ import annotations

import pytest

from .conftest import APP, START, TRACK

A = "/app-us/v1"


async def activities(client, who="user_1001", **params) -> dict:
    r = await client.get(f"{A}/customers/{who}/activities", params=params, headers=APP)
    assert r.status_code == 200, r.text
    return r.json()


async def test_identify_event_device_and_delivery_are_recorded_with_their_time(client, clock):
    await client.put("/track-us/api/v1/customers/user_1001", json={"plan": "enterprise", "city": None}, headers=TRACK)
    clock.advance(5)
    await client.post(
        "/track-us/api/v1/customers/user_1001/events", json={"name": "purchase", "data": {"total": 3}}, headers=TRACK
    )
    clock.advance(5)
    await client.put(
        "/track-us/api/v1/customers/user_1001/devices",
        json={"device": {"id": "tok-2", "platform": "android"}},
        headers=TRACK,
    )
    await client.delete("/track-us/api/v1/customers/user_1001/devices/tok-2", headers=TRACK)
    r = await client.post(
        f"{A}/send/email",
        headers=APP,
        json={"transactional_message_id": 1, "identifiers": {"id": "user_1001"}, "to": "ada.lovelace@example.com"},
    )
    delivery = r.json()["delivery_id"]
    clock.advance(1)
    got = (await activities(client, limit=100))["activities"]
    newest = [(a["type"], a["timestamp"]) for a in got[:7]]
    assert newest == [
        ("delivered_email", START + 11),
        ("sent_email", START + 10),
        ("device_change", START + 10),
        ("device_change", START + 10),
        ("event", START + 5),
        ("attribute_change", START),
        ("event", 1735776000),
    ]
    assert got[0]["delivery_id"] == delivery and got[0]["delivery_type"] == "email"
    assert got[0]["data"] == {"delivery_id": delivery, "delivered": START + 11}
    assert [a["data"]["action"] for a in got[2:4]] == ["removed", "added"]
    assert got[4]["name"] == "purchase" and got[4]["data"] == {"total": 3}
    assert got[5]["data"] == {"city": {"from": "London", "to": ""}, "plan": {"from": "pro", "to": "enterprise"}}
    assert got[0]["customer_identifiers"] == {
        "id": "user_1001",
        "email": "ada.lovelace@example.com",
        "cio_id": "sb000001",
    }


async def test_filters_by_type_and_name(client):
    await client.post("/track-us/api/v1/customers/user_1001/events", json={"name": "viewed"}, headers=TRACK)
    events = (await activities(client, type="event"))["activities"]
    assert [a["name"] for a in events] == ["viewed", "purchase", "signed_up"]
    assert [a["name"] for a in (await activities(client, name="purchase"))["activities"]] == ["purchase"]
    r = await client.get(f"{A}/customers/user_1001/activities", params={"type": "nonsense"}, headers=APP)
    assert r.status_code == 400 and "type" in r.json()["meta"]["error"]


async def test_profile_create_merge_and_suppression(client, clock):
    await client.put("/track-us/api/v1/customers/newbie", json={"email": "n@example.com"}, headers=TRACK)
    got = (await activities(client, "newbie"))["activities"]
    assert [a["type"] for a in got] == ["attribute_change", "profile_create"]
    assert got[0]["data"] == {"email": {"from": "", "to": "n@example.com"}}
    clock.advance(1)
    await client.post(
        "/track-us/api/v1/merge_customers",
        headers=TRACK,
        json={"primary": {"id": "user_1001"}, "secondary": {"id": "newbie"}},
    )
    merged = (await activities(client, "user_1001", limit=100))["activities"]
    assert merged[0]["type"] == "profile_merge" and merged[0]["data"]["secondary"]["id"] == "newbie"
    # The secondary's recent activity came across with it.
    assert "profile_create" in [a["type"] for a in merged]
    await client.post("/track-us/api/v1/customers/user_1001/suppress", headers=TRACK)
    r = await client.get(f"{A}/customers/user_1001/activities", headers=APP)
    assert r.status_code == 404  # a suppressed person's profile is deleted


async def test_relationships_are_activities_and_a_read(client):
    op = {
        "type": "person",
        "action": "add_relationships",
        "identifiers": {"id": "user_1002"},
        "cio_relationships": [
            {"identifiers": {"object_type_id": "1", "object_id": "acme"}, "relationship_attributes": {"role": "admin"}}
        ],
    }
    await client.post(
        "/track-us/api/v2/entity",
        headers=TRACK,
        json={
            "type": "object",
            "action": "identify",
            "identifiers": {"object_type_id": "1", "object_id": "acme"},
            "attributes": {"name": "Acme Inc"},
        },
    )
    await client.post("/track-us/api/v2/entity", json=op, headers=TRACK)
    rels = (await client.get(f"{A}/customers/user_1002/relationships", headers=APP)).json()
    assert rels == {
        "cio_relationships": [
            {
                "object_type_id": 1,
                "identifiers": {"object_id": "acme"},
                "attributes": {"name": "Acme Inc"},
                "relationship_attributes": {"role": "admin"},
            }
        ],
        "next": "",
    }
    assert (await activities(client, "user_1002"))["activities"][0]["type"] == "add_relationship"
    await client.post("/track-us/api/v2/entity", json={**op, "action": "delete_relationships"}, headers=TRACK)
    assert (await client.get(f"{A}/customers/user_1002/relationships", headers=APP)).json()["cio_relationships"] == []
    assert (await activities(client, "user_1002"))["activities"][0]["type"] == "delete_relationship"


async def test_activities_paginate_without_gaps_or_repeats(client, clock):
    for i in range(23):
        clock.advance(1)
        await client.post("/track-us/api/v1/customers/user_1002/events", json={"name": f"e{i}"}, headers=TRACK)
    first = await activities(client, "user_1002")
    assert len(first["activities"]) == 10 and first["next"]  # the default limit
    pages, start = [], None
    while True:
        params = {"limit": 7, **({"start": start} if start else {})}
        body = await activities(client, "user_1002", **params)
        pages.append([a["name"] for a in body["activities"]])
        if len(pages) == 2:
            # Something new arriving while a client pages does not shift the pages to come.
            clock.advance(1)
            await client.post("/track-us/api/v1/customers/user_1002/events", json={"name": "late"}, headers=TRACK)
        start = body["next"]
        if not start:
            break
    names = [n for p in pages for n in p]
    assert [len(p) for p in pages] == [7, 7, 7, 3]  # 23 events and the demo's signed_up
    assert names == [f"e{i}" for i in range(22, -1, -1)] + ["signed_up"]
    assert len(set(names)) == len(names)


@pytest.mark.parametrize(
    "params,field",
    [
        ({"limit": "101"}, "limit"),
        ({"limit": "0"}, "limit"),
        ({"limit": "ten"}, "limit"),
        ({"start": "bogus"}, "start"),
        ({"id_type": "phone"}, "id_type"),
    ],
)
async def test_bad_paging_is_a_400_naming_the_field(client, params, field):
    r = await client.get(f"{A}/customers/user_1001/activities", params=params, headers=APP)
    assert r.status_code == 400 and r.json()["meta"]["error"].startswith(f"{field}:")


async def test_messages_paginate_and_filter_by_time(client, clock):
    ids = []
    for _ in range(5):
        clock.advance(100)
        r = await client.post(
            f"{A}/send/email",
            headers=APP,
            json={"transactional_message_id": 2, "identifiers": {"id": "user_1002"}, "to": "grace.hopper@example.com"},
        )
        ids.append(r.json()["delivery_id"])
    url = f"{A}/customers/user_1002/messages"
    seen, start = [], ""
    while True:
        body = (await client.get(url, params={"limit": 2, "start": start}, headers=APP)).json()
        seen.append([m["id"] for m in body["messages"]])
        start = body["next"]
        if not start:
            break
    assert seen == [[ids[4], ids[3]], [ids[2], ids[1]], [ids[0]]]
    window = (await client.get(url, params={"start_ts": START + 200, "end_ts": START + 400}, headers=APP)).json()
    assert [m["id"] for m in window["messages"]] == [ids[3], ids[2], ids[1]] and window["next"] == ""
    for params, field in (
        ({"limit": 1001}, "limit"),
        ({"start_ts": "yesterday"}, "start_ts"),
        ({"start": "x"}, "start"),
    ):
        r = await client.get(url, params=params, headers=APP)
        assert r.status_code == 400 and r.json()["meta"]["error"].startswith(f"{field}:")


async def test_the_log_is_bounded_and_keeps_the_newest(client, monkeypatch):
    from console.sandbox import activities as log

    monkeypatch.setattr(log, "LIMIT", 20)
    for i in range(50):
        await client.post("/track-us/api/v1/customers/user_1002/events", json={"name": f"e{i}"}, headers=TRACK)
    kept = client.sandbox.state.activities
    assert len(kept) <= 20 and kept[-1].name == "e49"
    await client.put("/track-us/api/v1/customers/user_1002", json={"bio": "x" * 1000}, headers=TRACK)
    change = (await activities(client, "user_1002", type="attribute_change"))["activities"][0]
    assert change["data"]["bio"] == {"from": "", "to": "x" * 1000}
