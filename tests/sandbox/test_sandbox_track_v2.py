"""Track API v2 entity and batch over HTTP, including 207 partial failures."""

from __future__ import annotations

from .conftest import START, TRACK, person, state

ENTITY = "/track-us/api/v2/entity"
BATCH = "/track-us/api/v2/batch"


async def test_entity_identify_event_device(empty_client):
    ops = [
        {
            "type": "person",
            "action": "identify",
            "identifiers": {"id": "v2"},
            "attributes": {"email": "v2@x.com", "plan": "pro"},
        },
        {
            "type": "person",
            "action": "event",
            "identifiers": {"id": "v2"},
            "name": "purchase",
            "attributes": {"total": 3},
        },
        {"type": "person", "action": "page", "identifiers": {"email": "v2@x.com"}, "name": "/pricing"},
        {
            "type": "person",
            "action": "add_device",
            "identifiers": {"id": "v2"},
            "device": {"token": "t1", "platform": "android"},
        },
    ]
    for op in ops:
        r = await empty_client.post(ENTITY, json=op, headers=TRACK)
        assert r.status_code == 200 and r.json() == {}
    snap = await state(empty_client)
    p = person(snap, id="v2")
    assert p["email"] == "v2@x.com" and p["attributes"] == {"plan": "pro"}
    assert [(e["name"], e["type"], e["data"]) for e in snap["events"]] == [
        ("purchase", "event", {"total": 3}),
        ("/pricing", "page", {}),
    ]
    assert p["devices"][0] == {"id": "t1", "platform": "android", "last_used": START, "attributes": {}}
    r = await empty_client.post(
        ENTITY,
        json={"type": "person", "action": "delete_device", "identifiers": {"id": "v2"}, "device": {"token": "t1"}},
        headers=TRACK,
    )
    assert r.status_code == 200
    assert person(await state(empty_client), id="v2")["devices"] == []


async def test_entity_delete_suppress_merge(empty_client):
    for pid in ("a", "b", "c"):
        await empty_client.post(
            ENTITY, json={"type": "person", "action": "identify", "identifiers": {"id": pid}}, headers=TRACK
        )
    await empty_client.post(
        ENTITY,
        json={"type": "person", "action": "merge", "primary": {"id": "a"}, "secondary": {"id": "b"}},
        headers=TRACK,
    )
    await empty_client.post(
        ENTITY, json={"type": "person", "action": "suppress", "identifiers": {"id": "c"}}, headers=TRACK
    )
    snap = await state(empty_client)
    assert [p["id"] for p in snap["people"]] == ["a"] and snap["suppressions"][0]["id"] == "c"
    await empty_client.post(
        ENTITY, json={"type": "person", "action": "delete", "identifiers": {"id": "a"}}, headers=TRACK
    )
    await empty_client.post(
        ENTITY, json={"type": "person", "action": "unsuppress", "identifiers": {"id": "c"}}, headers=TRACK
    )
    snap = await state(empty_client)
    assert snap["people"] == [] and snap["suppressions"] == []


async def test_entity_objects_and_relationships(empty_client):
    op = {
        "type": "object",
        "action": "identify",
        "identifiers": {"object_type_id": "1", "object_id": "acme"},
        "attributes": {"name": "Acme"},
        "cio_relationships": [{"identifiers": {"id": "p1"}}],
    }
    assert (await empty_client.post(ENTITY, json=op, headers=TRACK)).status_code == 200
    [obj] = (await state(empty_client))["objects"]
    assert obj["attributes"] == {"name": "Acme"} and obj["relationships"] == [{"id": "p1"}]


async def test_entity_errors_have_no_meta_wrapper(empty_client):
    r = await empty_client.post(ENTITY, json={"type": "person", "action": "identify", "identifiers": {}}, headers=TRACK)
    assert r.status_code == 400
    assert r.json() == {
        "errors": [
            {
                "reason": "invalid",
                "field": "identifiers",
                "message": "identifiers: must have exactly one of id, email, cio_id",
            }
        ]
    }
    r = await empty_client.post(
        ENTITY, json={"type": "person", "action": "event", "identifiers": {"id": "x"}}, headers=TRACK
    )
    assert r.json() == {"errors": [{"reason": "required", "field": "name", "message": "name: is required"}]}
    r = await empty_client.post(
        ENTITY,
        json={
            "type": "person",
            "action": "add_device",
            "identifiers": {"id": "x"},
            "device": {"id": "t", "platform": "ios"},
        },
        headers=TRACK,
    )
    assert r.json()["errors"] == [
        {"reason": "required", "field": "device.token", "message": "device.token: is required"}
    ]
    r = await empty_client.post(ENTITY, json={"type": "animal", "action": "identify"}, headers=TRACK)
    assert r.json()["errors"][0]["field"] == "type"
    r = await empty_client.post(
        ENTITY, json={"type": "person", "action": "fly", "identifiers": {"id": "x"}}, headers=TRACK
    )
    assert r.json()["errors"][0]["field"] == "action"
    r = await empty_client.post(
        ENTITY, json={"type": "person", "action": "identify", "identifiers": {"phone": "+1555"}}, headers=TRACK
    )
    assert r.json()["errors"][0]["field"] == "identifiers.phone"
    r = await empty_client.post(
        ENTITY,
        json={"type": "person", "action": "identify", "identifiers": {"id": "x"}, "attributes": {"big": "x" * 1001}},
        headers=TRACK,
    )
    assert r.json()["errors"] == [
        {
            "reason": "too_long",
            "field": "attributes.big",
            "message": "attributes.big: value is 1001 bytes; the limit is 1000",
        }
    ]
    r = await empty_client.post(ENTITY, content=b"[", headers=TRACK)
    assert r.json()["errors"][0] == {"reason": "invalid", "field": "body", "message": "body: is not valid JSON"}
    big = {
        "type": "person",
        "action": "identify",
        "identifiers": {"id": "x"},
        "attributes": {f"k{i}": "v" * 900 for i in range(40)},
    }
    r = await empty_client.post(ENTITY, json=big, headers=TRACK)
    assert r.status_code == 400 and r.json()["errors"][0]["reason"] == "too_large"
    assert (await state(empty_client))["people"] == []


async def test_batch_all_good(empty_client):
    batch = [{"type": "person", "action": "identify", "identifiers": {"id": f"b{i}"}} for i in range(3)]
    r = await empty_client.post(BATCH, json={"batch": batch}, headers=TRACK)
    assert r.status_code == 200 and r.json() == {}
    assert len((await state(empty_client))["people"]) == 3


async def test_batch_partial_failure_is_207(empty_client):
    batch = [
        {"type": "person", "action": "identify", "identifiers": {"id": "ok1"}},
        {"type": "person", "action": "identify", "identifiers": {"id": "x", "email": "y@x.com"}},
        {"type": "person", "action": "event", "identifiers": {"id": "ok1"}, "name": "n" * 101},
        {"type": "person", "action": "identify", "identifiers": {"id": "ok2"}},
    ]
    r = await empty_client.post(BATCH, json={"batch": batch}, headers=TRACK)
    assert r.status_code == 207
    assert r.json() == {
        "errors": [
            {
                "batch_index": 1,
                "reason": "invalid",
                "field": "identifiers",
                "message": "identifiers: must have exactly one of id, email, cio_id",
            },
            {
                "batch_index": 2,
                "reason": "too_long",
                "field": "name",
                "message": "name: is 101 bytes; the limit is 100",
            },
        ]
    }
    snap = await state(empty_client)
    assert [p["id"] for p in snap["people"]] == ["ok1", "ok2"] and snap["events"] == []


async def test_batch_malformed_is_400(empty_client):
    r = await empty_client.post(BATCH, json={"ops": []}, headers=TRACK)
    assert r.status_code == 400
    assert r.json()["errors"][0]["field"] == "batch"


async def test_delivery_metric_event(client):
    r = await client.post(
        "/app-us/v1/send/push",
        json={"transactional_message_id": 3, "identifiers": {"id": "user_1001"}},
        headers={"Authorization": "Bearer sandbox-app-key-0001"},
    )
    delivery_id = r.json()["delivery_id"]
    op = {
        "type": "delivery",
        "action": "event",
        "identifiers": {"id": delivery_id},
        "name": "opened",
        "attributes": {"device_token": "ios-token-ada-0001"},
    }
    assert (await client.post(ENTITY, json=op, headers=TRACK)).status_code == 200
    assert (await state(client))["deliveries"][0]["metrics"][0]["name"] == "opened"


async def test_unprefixed_api_path_is_track_in_the_home_region(make_client):
    # customerio-python's batch() posts to /api/v2/batch, ignoring its url_prefix.
    client = make_client(region="eu", demo_data=False)
    batch = {"batch": [{"type": "person", "action": "identify", "identifiers": {"id": "np"}}]}
    r = await client.post("/api/v2/batch", json=batch, headers=TRACK)
    assert r.status_code == 200
    assert person(await state(client), id="np") is not None
    [entry] = client.sandbox.requests
    assert (entry["api"], entry["region"], entry["prefix"], entry["path"]) == ("track", "eu", "", "/api/v2/batch")
