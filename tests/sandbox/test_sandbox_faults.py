"""Injected faults over HTTP: status, delay + apply, drop, probability, admin API."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from .conftest import APP, TRACK, state

SEND = {"transactional_message_id": 1, "to": "a@example.com", "identifiers": {"id": "user_1001"}}


async def test_status_fault_with_retry_after_then_recovers(client):
    r = await client.post("/_sandbox/faults", json={"path": "/v1/send/email", "status": 429, "retry_after": 2})
    assert r.status_code == 201 and r.json()["fault"]["id"] == 1
    r = await client.post("/app-us/v1/send/email", json=SEND, headers=APP)
    assert r.status_code == 429 and r.headers["retry-after"] == "2"
    assert r.json() == {"meta": {"error": "sandbox fault: too many requests"}}
    assert (await state(client))["deliveries"] == []  # not applied
    r = await client.post("/app-us/v1/send/email", json=SEND, headers=APP)
    assert r.status_code == 200  # times defaults to 1


async def test_fault_body_shape_follows_the_api(client):
    client.sandbox.add_fault("/api/v1/customers/*", status=503, times=None)
    r = await client.put("/track-us/api/v1/customers/x", json={}, headers=TRACK)
    assert r.status_code == 503 and r.json() == {"meta": {"errors": ["sandbox fault: service unavailable"]}}
    r = await client.put("/track-us/api/v1/customers/y", json={}, headers=TRACK)
    assert r.status_code == 503  # times=None: until cleared
    assert (await client.delete("/_sandbox/faults")).status_code == 200
    assert (await client.put("/track-us/api/v1/customers/y", json={}, headers=TRACK)).status_code == 200


async def test_fault_with_custom_body_and_filters(client):
    client.sandbox.add_fault("/v1/send/email", method="POST", api="app", status=500, body={"oops": True})
    # wrong method / api do not match
    assert (await client.get("/app-us/v1/send/email", headers=APP)).status_code == 405
    r = await client.post("/app-us/v1/send/email", json=SEND, headers=APP)
    assert r.status_code == 500 and r.json() == {"oops": True}


async def test_apply_then_fail_delivers_but_answers_with_the_fault(client):
    client.sandbox.add_fault("/v1/send/email", status=504, apply=True)
    r = await client.post("/app-us/v1/send/email", json=SEND, headers=APP)
    assert r.status_code == 504
    assert len((await state(client))["deliveries"]) == 1  # delivered, answer lost
    [entry] = client.sandbox.requests
    assert entry["status"] == 504 and entry["fault"]["applied_status"] == 200


async def test_delay_with_apply_over_a_socket_times_out_but_delivers(loopback):
    loopback.sandbox.add_fault("/v1/send/email", delay=3.0, apply=True)
    async with httpx.AsyncClient(base_url=loopback.root_url, timeout=0.3) as c:
        with pytest.raises(httpx.ReadTimeout):
            await c.post("/app-us/v1/send/email", json=SEND, headers=APP)
    # The send was applied before the delay began; wait for it rather than for a time.
    for _ in range(200):
        if loopback.sandbox.snapshot()["deliveries"]:
            break
        await asyncio.sleep(0.01)
    assert len(loopback.sandbox.snapshot()["deliveries"]) == 1


async def test_delay_without_status_answers_normally(client):
    client.sandbox.add_fault("/v1/send/email", delay=0.01)
    r = await client.post("/app-us/v1/send/email", json=SEND, headers=APP)
    assert r.status_code == 200 and client.sandbox.requests[0]["fault"]["delay"] == 0.01


async def test_drop_in_process_raises_like_a_hangup(client):
    client.sandbox.add_fault("/v1/send/email", drop=True)
    with pytest.raises(httpx.RemoteProtocolError):
        await client.post("/app-us/v1/send/email", json=SEND, headers=APP)
    assert (await state(client))["deliveries"] == []
    [entry] = client.sandbox.requests
    assert entry["status"] is None and entry["fault"]["drop"] is True
    assert (await client.post("/app-us/v1/send/email", json=SEND, headers=APP)).status_code == 200


async def test_drop_over_a_socket_closes_the_connection(loopback):
    loopback.sandbox.add_fault("/v1/send/email", drop=True, apply=True)
    async with httpx.AsyncClient(base_url=loopback.root_url) as c:
        with pytest.raises(httpx.RemoteProtocolError):
            await c.post("/app-us/v1/send/email", json=SEND, headers=APP)
        # the server is fine afterwards, and the dropped send was applied
        assert (await c.get("/app-us/v1/workspaces", headers=APP)).status_code == 200
    assert len(loopback.sandbox.snapshot()["deliveries"]) == 1


async def test_probability(client):
    client.sandbox.add_fault("/v1/workspaces", status=503, probability=0.5, times=None)
    statuses = [(await client.get("/app-us/v1/workspaces", headers=APP)).status_code for _ in range(60)]
    assert set(statuses) == {200, 503}
    client.sandbox.clear_faults()
    client.sandbox.add_fault("/v1/workspaces", status=503, probability=0.0, times=None)
    statuses = [(await client.get("/app-us/v1/workspaces", headers=APP)).status_code for _ in range(20)]
    assert set(statuses) == {200}


async def test_probability_is_reproducible(make_client):
    runs = []
    for _ in range(2):
        c = make_client()
        c.sandbox.add_fault("/v1/workspaces", status=503, probability=0.3, times=None)
        runs.append([(await c.get("/app-us/v1/workspaces", headers=APP)).status_code for _ in range(30)])
    assert runs[0] == runs[1]


async def test_fault_admin_api(client):
    r = await client.post("/_sandbox/faults", json={"path": "v1/no-slash"})
    assert r.status_code == 400 and r.json()["error"].startswith("path: ")
    r = await client.post("/_sandbox/faults", json={"path": "/x", "probability": 2})
    assert r.json()["error"].startswith("probability: ")
    r = await client.post("/_sandbox/faults", json={"path": "/x", "colour": "red"})
    assert r.json()["error"].startswith("colour: ")
    r = await client.post("/_sandbox/faults", json={"path": "/x", "status": 503, "times": 3})
    fault_id = r.json()["fault"]["id"]
    assert [f["id"] for f in (await client.get("/_sandbox/faults")).json()["faults"]] == [fault_id]
    assert (await client.delete(f"/_sandbox/faults/{fault_id}")).status_code == 200
    assert (await client.delete(f"/_sandbox/faults/{fault_id}")).status_code == 404
    with pytest.raises(ValueError, match=r"^status: "):
        client.sandbox.add_fault("/x", status=42)


async def test_faulted_path_matches_encoded_and_decoded_forms(client):
    client.sandbox.add_fault("/api/v1/customers/a%2Fb", status=500, times=None)
    assert (await client.put("/track-us/api/v1/customers/a%2Fb", json={}, headers=TRACK)).status_code == 500
    client.sandbox.clear_faults()
    client.sandbox.add_fault("/api/v1/customers/Jürgen", status=500)
    assert (await client.put("/track-us/api/v1/customers/J%C3%BCrgen", json={}, headers=TRACK)).status_code == 500
