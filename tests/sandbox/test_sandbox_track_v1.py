"""Track API v1 over HTTP: every call's happy path, its state change and its 400s."""

from __future__ import annotations

from urllib.parse import quote

from .conftest import START, TRACK, person, state

C = "/track-us/api/v1/customers"


def enc(value: str) -> str:
    return quote(value, safe="")


async def test_identify_creates_then_updates(empty_client):
    r = await empty_client.put(f"{C}/u1", json={"email": "u1@example.com", "plan": "pro"}, headers=TRACK)
    assert r.status_code == 200
    assert r.json() == {}
    assert r.headers["content-type"] == "application/json; charset=utf-8"
    snap = await state(empty_client)
    p = person(snap, id="u1")
    assert p["email"] == "u1@example.com"
    assert p["attributes"] == {"plan": "pro"}
    assert p["timestamps"]["plan"] == START

    await empty_client.put(f"{C}/u1", json={"plan": "enterprise", "seats": 3}, headers=TRACK)
    p = person(await state(empty_client), id="u1")
    assert p["attributes"] == {"plan": "enterprise", "seats": 3}
    assert len((await state(empty_client))["people"]) == 1


async def test_identify_null_or_empty_removes_attribute(empty_client):
    await empty_client.put(f"{C}/u1", json={"a": 1, "b": "x", "c": True}, headers=TRACK)
    await empty_client.put(f"{C}/u1", json={"a": None, "b": ""}, headers=TRACK)
    p = person(await state(empty_client), id="u1")
    assert p["attributes"] == {"c": True}
    assert "a" not in p["timestamps"] and "b" not in p["timestamps"]


async def test_identify_update_only_never_creates(empty_client):
    r = await empty_client.put(f"{C}/ghost", json={"_update": True, "plan": "x"}, headers=TRACK)
    assert r.status_code == 200
    assert (await state(empty_client))["people"] == []
    await empty_client.put(f"{C}/ghost", json={}, headers=TRACK)
    await empty_client.put(f"{C}/ghost", json={"_update": True, "plan": "x"}, headers=TRACK)
    assert person(await state(empty_client), id="ghost")["attributes"] == {"plan": "x"}


async def test_identify_by_email_path_and_unsubscribed(empty_client):
    await empty_client.put(f"{C}/{enc('Mixed@Example.com')}", json={"unsubscribed": True}, headers=TRACK)
    snap = await state(empty_client)
    p = person(snap, email="Mixed@Example.com")
    assert p["id"] is None and p["unsubscribed"] is True
    # email identifiers are case-insensitive
    await empty_client.put(f"{C}/{enc('mixed@example.com')}", json={"unsubscribed": False}, headers=TRACK)
    snap = await state(empty_client)
    assert len(snap["people"]) == 1 and snap["people"][0]["unsubscribed"] is False


async def test_identify_by_cio_id_changes_identifiers_and_unknown_cio_is_dropped(empty_client):
    await empty_client.put(f"{C}/old", json={"email": "a@example.com"}, headers=TRACK)
    cio = (await state(empty_client))["people"][0]["cio_id"]
    r = await empty_client.put(f"{C}/cio_{cio}", json={"id": "new", "email": "b@example.com"}, headers=TRACK)
    assert r.status_code == 200
    p = (await state(empty_client))["people"][0]
    assert (p["id"], p["email"]) == ("new", "b@example.com")
    await empty_client.put(f"{C}/cio_nope", json={"x": 1}, headers=TRACK)
    assert len((await state(empty_client))["people"]) == 1


async def test_identify_reusing_email_updates_existing_person(empty_client):
    await empty_client.put(f"{C}/{enc('a@example.com')}", json={}, headers=TRACK)
    await empty_client.put(f"{C}/id-7", json={"email": "a@example.com", "plan": "pro"}, headers=TRACK)
    snap = await state(empty_client)
    assert len(snap["people"]) == 1
    assert snap["people"][0]["id"] == "id-7" and snap["people"][0]["attributes"] == {"plan": "pro"}


async def test_identify_validation(empty_client):
    long_id = "x" * 151
    r = await empty_client.put(f"{C}/{long_id}", json={}, headers=TRACK)
    assert r.status_code == 400
    assert r.json() == {"meta": {"errors": ["identifier: is 151 bytes; the limit is 150"]}}

    r = await empty_client.put(f"{C}/u", json={"n" * 151: 1}, headers=TRACK)
    assert r.json()["meta"]["errors"] == [f"{'n' * 151}: attribute name is 151 bytes; the limit is 150"]

    r = await empty_client.put(f"{C}/u", json={"bio": "é" * 501}, headers=TRACK)
    assert r.json()["meta"]["errors"] == ["bio: value is 1002 bytes; the limit is 1000"]

    r = await empty_client.put(f"{C}/u", json={f"a{i}": i for i in range(301)}, headers=TRACK)
    assert r.json()["meta"]["errors"] == ["body: has 301 attributes; the limit is 300"]

    r = await empty_client.put(f"{C}/u", json={"id": "y" * 151}, headers=TRACK)
    assert r.json()["meta"]["errors"] == ["id: is 151 bytes; the limit is 150"]

    r = await empty_client.put(f"{C}/u", content=b"{not json", headers=TRACK)
    assert r.status_code == 400 and r.json() == {"meta": {"errors": ["body: is not valid JSON"]}}

    r = await empty_client.put(f"{C}/u", json=[1, 2], headers=TRACK)
    assert r.json() == {"meta": {"errors": ["body: must be a JSON object"]}}
    assert (await state(empty_client))["people"] == []


async def test_identify_at_limits_is_accepted(empty_client):
    r = await empty_client.put(f"{C}/{'x' * 150}", json={f"a{i}": "v" * 1000 for i in range(300)}, headers=TRACK)
    assert r.status_code == 200


async def test_track_event_records_and_creates_person(empty_client):
    r = await empty_client.post(f"{C}/u1/events", json={"name": " purchase ", "data": {"total": 5}}, headers=TRACK)
    assert r.status_code == 200 and r.json() == {}
    snap = await state(empty_client)
    p = person(snap, id="u1")
    [event] = snap["events"]
    assert event["name"] == "purchase" and event["cio_id"] == p["cio_id"]
    assert event["data"] == {"total": 5} and event["timestamp"] == START and event["type"] == "event"


async def test_track_event_dedupes_by_id(empty_client):
    body = {"name": "x", "id": "01HZY0000000000000000000"}
    for _ in range(2):
        await empty_client.post(f"{C}/u1/events", json=body, headers=TRACK)
    assert len((await state(empty_client))["events"]) == 1


async def test_track_event_validation(empty_client):
    r = await empty_client.post(f"{C}/u1/events", json={"data": {}}, headers=TRACK)
    assert r.status_code == 400 and r.json() == {"meta": {"errors": ["name: is required"]}}
    r = await empty_client.post(f"{C}/u1/events", json={"name": "n" * 101}, headers=TRACK)
    assert r.json()["meta"]["errors"] == ["name: is 101 bytes; the limit is 100"]
    big = {"blob": "x" * 100_000}
    r = await empty_client.post(f"{C}/u1/events", json={"name": "n", "data": big}, headers=TRACK)
    assert r.json()["meta"]["errors"] == ["data: is 100011 bytes; the limit is 100000"]
    r = await empty_client.post(f"{C}/u1/events", json={"name": "n", "type": "click"}, headers=TRACK)
    assert r.json()["meta"]["errors"] == ["type: must be one of event, page, screen"]
    r = await empty_client.post(f"{C}/u1/events", json={"name": "n", "timestamp": "yesterday"}, headers=TRACK)
    assert r.json()["meta"]["errors"] == ["timestamp: must be an integer unix timestamp"]
    r = await empty_client.post(f"{C}/u1/events", content=b"", headers=TRACK)
    assert r.json()["meta"]["errors"] == ["name: is required"]
    assert (await state(empty_client))["events"] == []


async def test_anonymous_event_merges_on_identify(empty_client):
    r = await empty_client.post(
        "/track-us/api/v1/events", json={"name": "viewed", "anonymous_id": "anon-1"}, headers=TRACK
    )
    assert r.status_code == 200
    snap = await state(empty_client)
    assert snap["events"][0]["cio_id"] is None and snap["events"][0]["anonymous_id"] == "anon-1"
    await empty_client.put(f"{C}/u9", json={"anonymous_id": "anon-1"}, headers=TRACK)
    snap = await state(empty_client)
    assert snap["events"][0]["cio_id"] == person(snap, id="u9")["cio_id"]
    r = await empty_client.post("/track-us/api/v1/events", json={"anonymous_id": "a"}, headers=TRACK)
    assert r.json() == {"meta": {"errors": ["name: is required"]}}


async def test_delete_removes_person_and_is_quiet_when_absent(empty_client):
    await empty_client.put(f"{C}/u1", json={"a": 1}, headers=TRACK)
    await empty_client.post(f"{C}/u1/events", json={"name": "e"}, headers=TRACK)
    r = await empty_client.delete(f"{C}/u1", headers=TRACK)
    assert r.status_code == 200 and r.json() == {}
    snap = await state(empty_client)
    assert snap["people"] == [] and snap["events"] == []
    r = await empty_client.delete(f"{C}/u1", headers=TRACK)
    assert r.status_code == 200


async def test_devices_add_update_delete(empty_client):
    body = {"device": {"id": "tok/1", "platform": "ios", "attributes": {"app_version": "1.0"}}}
    r = await empty_client.put(f"{C}/u1/devices", json=body, headers=TRACK)
    assert r.status_code == 200
    [device] = person(await state(empty_client), id="u1")["devices"]
    assert device == {"id": "tok/1", "platform": "ios", "last_used": START, "attributes": {"app_version": "1.0"}}
    body = {"device": {"id": "tok/1", "platform": "ios", "last_used": 5, "attributes": {"device_os": "18"}}}
    await empty_client.put(f"{C}/u1/devices", json=body, headers=TRACK)
    [device] = person(await state(empty_client), id="u1")["devices"]
    assert device["last_used"] == 5 and device["attributes"] == {"app_version": "1.0", "device_os": "18"}
    r = await empty_client.delete(f"{C}/u1/devices/{enc('tok/1')}", headers=TRACK)
    assert r.status_code == 200
    assert person(await state(empty_client), id="u1")["devices"] == []
    r = await empty_client.delete(f"{C}/u1/devices/nothing", headers=TRACK)
    assert r.status_code == 200


async def test_device_validation(empty_client):
    r = await empty_client.put(f"{C}/u1/devices", json={"device": {"id": "t", "platform": "windows"}}, headers=TRACK)
    assert r.status_code == 400
    assert r.json() == {"meta": {"errors": ["device.platform: must be one of ios, android"]}}
    r = await empty_client.put(f"{C}/u1/devices", json={"device": {"platform": "ios"}}, headers=TRACK)
    assert r.json() == {"meta": {"errors": ["device.id: is required"]}}
    r = await empty_client.put(f"{C}/u1/devices", json={}, headers=TRACK)
    assert r.json() == {"meta": {"errors": ["device: is required"]}}
    assert (await state(empty_client))["people"] == []


async def test_suppress_blocks_identifiers_until_unsuppressed(empty_client):
    await empty_client.put(f"{C}/u1", json={"email": "u1@example.com"}, headers=TRACK)
    r = await empty_client.post(f"{C}/u1/suppress", headers=TRACK)
    assert r.status_code == 200 and r.json() == {}
    snap = await state(empty_client)
    assert snap["people"] == []
    assert snap["suppressions"][0]["id"] == "u1" and snap["suppressions"][0]["email"] == "u1@example.com"
    # later identifies of either identifier are accepted and ignored
    for ident in ("u1", enc("u1@example.com")):
        r = await empty_client.put(f"{C}/{ident}", json={"plan": "x"}, headers=TRACK)
        assert r.status_code == 200
    r = await empty_client.post(f"{C}/u1/events", json={"name": "e"}, headers=TRACK)
    assert r.status_code == 200
    snap = await state(empty_client)
    assert snap["people"] == [] and snap["events"] == []
    # unsuppressing the email frees both identifiers; the old profile does not come back
    r = await empty_client.post(f"{C}/{enc('u1@example.com')}/unsuppress", headers=TRACK)
    assert r.status_code == 200
    await empty_client.put(f"{C}/u1", json={}, headers=TRACK)
    snap = await state(empty_client)
    assert snap["suppressions"] == [] and person(snap, id="u1")["email"] is None


async def test_suppress_unknown_identifier_still_blocks_it(empty_client):
    await empty_client.post(f"{C}/nobody/suppress", json={}, headers=TRACK)
    await empty_client.put(f"{C}/nobody", json={}, headers=TRACK)
    assert (await state(empty_client))["people"] == []


async def test_merge_moves_data_and_deletes_secondary(empty_client):
    await empty_client.put(f"{C}/keep", json={"plan": "pro", "city": ""}, headers=TRACK)
    await empty_client.put(f"{C}/{enc('anon@example.com')}", json={"plan": "free", "city": "Oslo"}, headers=TRACK)
    await empty_client.post(f"{C}/{enc('anon@example.com')}/events", json={"name": "clicked"}, headers=TRACK)
    await empty_client.put(
        f"{C}/{enc('anon@example.com')}/devices", json={"device": {"id": "t1", "platform": "android"}}, headers=TRACK
    )
    r = await empty_client.post(
        "/track-us/api/v1/merge_customers",
        json={"primary": {"id": "keep"}, "secondary": {"email": "anon@example.com"}},
        headers=TRACK,
    )
    assert r.status_code == 200 and r.json() == {}
    snap = await state(empty_client)
    [p] = snap["people"]
    assert p["id"] == "keep" and p["email"] == "anon@example.com"
    assert p["attributes"] == {"plan": "pro", "city": "Oslo"}  # only gaps are filled
    assert [d["id"] for d in p["devices"]] == ["t1"]
    assert snap["events"][0]["cio_id"] == p["cio_id"]
    assert snap["merges"][0]["applied"] is True


async def test_merge_with_missing_primary_does_nothing(empty_client):
    await empty_client.put(f"{C}/second", json={}, headers=TRACK)
    r = await empty_client.post(
        "/track-us/api/v1/merge_customers",
        json={"primary": {"id": "missing"}, "secondary": {"id": "second"}},
        headers=TRACK,
    )
    assert r.status_code == 200
    snap = await state(empty_client)
    assert person(snap, id="second") is not None and snap["merges"][0]["applied"] is False


async def test_merge_validation_uses_singular_error(empty_client):
    url = "/track-us/api/v1/merge_customers"
    r = await empty_client.post(
        url, json={"primary": {"id": "a", "email": "b@x.com"}, "secondary": {"id": "c"}}, headers=TRACK
    )
    assert r.status_code == 400
    assert r.json() == {"meta": {"error": "primary: must have exactly one of id, email, cio_id"}}
    r = await empty_client.post(url, json={"primary": {"id": "a"}, "secondary": {}}, headers=TRACK)
    assert r.json() == {"meta": {"error": "secondary: must have exactly one of id, email, cio_id"}}
    r = await empty_client.post(url, json={"primary": {"id": "a"}}, headers=TRACK)
    assert r.json() == {"meta": {"error": "secondary: is required"}}
    r = await empty_client.post(url, json={"primary": {"id": ""}, "secondary": {"id": "b"}}, headers=TRACK)
    assert r.json() == {"meta": {"error": "primary.id: must be a non-empty string"}}
    r = await empty_client.post(url, content=b"nope", headers=TRACK)
    assert r.json() == {"meta": {"error": "body: is not valid JSON"}}


async def test_manual_segment_add_and_remove(client):
    url = "/track-us/api/v1/segments/3/add_customers"
    r = await client.post(url, json={"ids": ["user_1002"]}, headers=TRACK)
    assert r.status_code == 200
    r = await client.get(
        "/app-us/v1/customers/user_1002/segments", headers={"Authorization": "Bearer sandbox-app-key-0001"}
    )
    assert 3 in [s["id"] for s in r.json()["segments"]]
    await client.post("/track-us/api/v1/segments/3/remove_customers", json={"ids": ["user_1002"]}, headers=TRACK)
    r = await client.get(
        "/app-us/v1/customers/user_1002/segments", headers={"Authorization": "Bearer sandbox-app-key-0001"}
    )
    assert 3 not in [s["id"] for s in r.json()["segments"]]
    r = await client.post("/track-us/api/v1/segments/1/add_customers", json={"ids": ["x"]}, headers=TRACK)
    assert r.status_code == 400
    r = await client.post("/track-us/api/v1/segments/99/add_customers", json={"ids": ["x"]}, headers=TRACK)
    assert r.status_code == 404


async def test_unknown_route_and_wrong_method(client):
    r = await client.get("/track-us/api/v1/nothing", headers=TRACK)
    assert r.status_code == 404 and r.json()["meta"]["errors"][0].startswith("path:")
    r = await client.post("/track-us/api/v1/customers/u1", headers=TRACK)
    assert r.status_code == 405 and r.headers["allow"] == "DELETE, PUT"
    r = await client.get("/nowhere")
    assert r.status_code == 404
