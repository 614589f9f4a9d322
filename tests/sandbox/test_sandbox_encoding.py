"""Percent-encoded identifiers round-trip through every kind of path."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from .conftest import APP, TRACK, attributes, person, state

IDS = ["a/b", "a b", "Jürgen", "a'b(c)*!", "100%", "x?y#z", "semi;colon"]


@pytest.mark.parametrize("raw", IDS)
async def test_ids_round_trip(empty_client, raw):
    enc = quote(raw, safe="")
    assert (
        await empty_client.put(f"/track-us/api/v1/customers/{enc}", json={"n": 1}, headers=TRACK)
    ).status_code == 200
    assert person(await state(empty_client), id=raw) is not None
    r = await attributes(empty_client, raw)
    assert r.status_code == 200 and r.json()["customer"]["id"] == raw
    await empty_client.post(f"/track-us/api/v1/customers/{enc}/events", json={"name": "e"}, headers=TRACK)
    await empty_client.put(
        f"/track-us/api/v1/customers/{enc}/devices", json={"device": {"id": raw, "platform": "ios"}}, headers=TRACK
    )
    p = person(await state(empty_client), id=raw)
    assert [d["id"] for d in p["devices"]] == [raw]
    await empty_client.delete(f"/track-us/api/v1/customers/{enc}/devices/{enc}", headers=TRACK)
    assert person(await state(empty_client), id=raw)["devices"] == []
    await empty_client.delete(f"/track-us/api/v1/customers/{enc}", headers=TRACK)
    assert (await state(empty_client))["people"] == []


async def test_plus_in_email_path_and_query(empty_client):
    email = "a+b@x.com"
    r = await empty_client.put(f"/track-us/api/v1/customers/{quote(email, safe='')}", json={}, headers=TRACK)
    assert r.status_code == 200
    assert person(await state(empty_client), email=email) is not None
    # httpx encodes params as %2B, so the + survives
    r = await empty_client.get("/app-us/v1/customers", params={"email": email}, headers=APP)
    assert [x["email"] for x in r.json()["results"]] == [email]
    r = await attributes(empty_client, email, "email")
    assert r.json()["customer"]["identifiers"]["email"] == email
    # an unencoded + in a query string is a space, as the docs warn
    r = await empty_client.get("/app-us/v1/customers?email=a+b@x.com", headers=APP)
    assert r.json() == {"results": []}


async def test_encoded_slash_is_not_a_separator(empty_client):
    await empty_client.put("/track-us/api/v1/customers/a%2Fevents", json={}, headers=TRACK)
    assert person(await state(empty_client), id="a/events") is not None
    r = await empty_client.put("/track-us/api/v1/customers/a/b", json={}, headers=TRACK)
    assert r.status_code == 404


async def test_request_log_keeps_the_raw_encoded_path(empty_client):
    await empty_client.put("/track-us/api/v1/customers/J%C3%BCrgen%2F1", json={}, headers=TRACK)
    [entry] = empty_client.sandbox.requests
    assert entry["path"] == "/api/v1/customers/J%C3%BCrgen%2F1"
    assert person(await state(empty_client), id="Jürgen/1") is not None
