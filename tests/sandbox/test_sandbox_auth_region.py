"""Auth per key type and region behaviour, over HTTP."""

from __future__ import annotations

import pytest

from .conftest import APP, APP_KEY, CDP, SITE, TRACK, TRACK_KEY, WRITE_KEY, basic, state

IDENTIFY = "/api/v1/customers/u1"
SEND = {"transactional_message_id": 1, "to": "a@example.com", "identifiers": {"id": "u1"}}

TRACK_BAD = {
    "missing": {},
    "malformed": {"Authorization": "Basic !!!not-base64"},
    "wrong key": basic(SITE, "nope"),
    "wrong site": basic("other-site", TRACK_KEY),
    "app key as password": basic(SITE, APP_KEY),
    "write key as password": basic(SITE, WRITE_KEY),
    "write key as user": basic(WRITE_KEY, ""),
    "bearer track key": {"Authorization": f"Bearer {TRACK_KEY}"},
    "bearer app key": APP,
}
APP_BAD = {
    "missing": {},
    "unknown scheme": {"Authorization": f"Token {APP_KEY}"},
    "wrong key": {"Authorization": "Bearer nope"},
    "track key as bearer": {"Authorization": f"Bearer {TRACK_KEY}"},
    "write key as bearer": {"Authorization": f"Bearer {WRITE_KEY}"},
    "basic with track key": TRACK,
    "basic with app key": basic(SITE, APP_KEY),
}
CDP_BAD = {
    "missing": {},
    "track credentials": TRACK,
    "app key as user": basic(APP_KEY, ""),
    "bearer write key": {"Authorization": f"Bearer {WRITE_KEY}"},
    "wrong key": basic("nope", ""),
}


@pytest.mark.parametrize("headers", TRACK_BAD.values(), ids=TRACK_BAD.keys())
async def test_track_rejects_wrong_credentials(empty_client, headers):
    r = await empty_client.put(f"/track-us{IDENTIFY}", json={"a": 1}, headers=headers)
    assert r.status_code == 401
    assert r.content == b""  # Track documents no 401 body
    assert (await state(empty_client))["people"] == []


@pytest.mark.parametrize("headers", APP_BAD.values(), ids=APP_BAD.keys())
async def test_app_rejects_wrong_credentials(empty_client, headers):
    r = await empty_client.post("/app-us/v1/send/email", json=SEND, headers=headers)
    assert r.status_code == 401
    assert r.json()["meta"]["error"].startswith("Authorization: ")
    assert (await state(empty_client))["deliveries"] == []


async def test_app_401_names_the_key_type_without_echoing_it(empty_client):
    r = await empty_client.get("/app-us/v1/workspaces", headers={"Authorization": f"Bearer {TRACK_KEY}"})
    assert r.json() == {
        "meta": {"error": "Authorization: that is a Track API key; this API takes Bearer <App API key>"}
    }
    assert TRACK_KEY not in r.text


@pytest.mark.parametrize("headers", CDP_BAD.values(), ids=CDP_BAD.keys())
async def test_cdp_strict_rejects_wrong_credentials(empty_client, headers):
    r = await empty_client.post("/cdp-us/v1/identify", json={"userId": "u1"}, headers={**headers, "X-Strict-Mode": "1"})
    assert r.status_code == 401
    assert r.json()["code"] == "unauthorized" and r.json()["message"].startswith("Authorization: ")


async def test_cdp_permissive_answers_200_but_ignores_bad_credentials(empty_client):
    r = await empty_client.post("/cdp-us/v1/identify", json={"userId": "u1"}, headers=TRACK)
    assert r.status_code == 200 and r.json() == {}
    assert (await state(empty_client))["people"] == []


async def test_right_keys_work_on_each_api(empty_client):
    assert (await empty_client.put(f"/track-us{IDENTIFY}", json={}, headers=TRACK)).status_code == 200
    assert (await empty_client.get("/app-us/v1/workspaces", headers=APP)).status_code == 200
    strict = {**CDP, "X-Strict-Mode": "1"}
    assert (await empty_client.post("/cdp-us/v1/identify", json={"userId": "u2"}, headers=strict)).status_code == 200


async def test_region_endpoint_on_both_prefixes(make_client):
    for region in ("us", "eu"):
        client = make_client(region=region, workspace_id=77)
        for prefix in ("track-us", "track-eu"):
            r = await client.get(f"/{prefix}/api/v1/accounts/region", headers=TRACK)
            assert r.status_code == 200
            assert r.json() == {"url": f"http://sandbox/track-{region}", "region": region, "environment_id": 77}
        r = await client.get("/track-us/api/v1/accounts/region", headers=basic(SITE, APP_KEY))
        assert r.status_code == 401


async def test_eu_workspace_on_us_track_host_redirects(make_client):
    client = make_client(region="eu", demo_data=False)
    r = await client.put("/track-us/api/v1/customers/a%2Fb?x=1", json={"a": 1}, headers=TRACK)
    assert r.status_code == 301
    assert r.headers["location"] == "http://sandbox/track-eu/api/v1/customers/a%2Fb?x=1"
    assert (await state(client))["people"] == []
    r = await client.put("/track-eu/api/v1/customers/a%2Fb", json={"a": 1}, headers=TRACK)
    assert r.status_code == 200
    assert (await state(client))["people"][0]["id"] == "a/b"


async def test_us_workspace_on_eu_hosts_is_unauthorized(empty_client):
    r = await empty_client.put(f"/track-eu{IDENTIFY}", json={}, headers=TRACK)
    assert r.status_code == 401
    r = await empty_client.post("/app-eu/v1/send/email", json=SEND, headers=APP)
    assert r.status_code == 401 and "region" in r.json()["meta"]["error"]
    r = await empty_client.post("/cdp-eu/v1/identify", json={"userId": "u1"}, headers={**CDP, "X-Strict-Mode": "1"})
    assert r.status_code == 401
    r = await empty_client.post("/cdp-eu/v1/identify", json={"userId": "u1"}, headers=CDP)
    assert r.status_code == 200
    snap = await state(empty_client)
    assert snap["people"] == [] and snap["deliveries"] == []


async def test_eu_workspace_app_api_on_us_prefix_is_unauthorized(make_client):
    client = make_client(region="eu")
    assert (await client.get("/app-us/v1/workspaces", headers=APP)).status_code == 401
    assert (await client.get("/app-eu/v1/workspaces", headers=APP)).status_code == 200
