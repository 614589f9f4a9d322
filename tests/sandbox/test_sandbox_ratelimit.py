"""Rate limiting with Retry-After, driven by the injectable clock."""

from __future__ import annotations

from .conftest import APP, CDP, TRACK


async def test_over_the_limit_is_429_with_retry_after(make_client, clock):
    client = make_client(rate_limit=3)
    for _ in range(3):
        assert (await client.get("/app-us/v1/workspaces", headers=APP)).status_code == 200
    r = await client.get("/app-us/v1/workspaces", headers=APP)
    assert r.status_code == 429
    assert r.headers["retry-after"] == "1"
    assert r.json() == {"meta": {"error": "rate limit: over 3 requests per second"}}
    r = await client.put("/track-us/api/v1/customers/u", json={}, headers=TRACK)
    assert r.status_code == 429 and r.json()["meta"]["errors"][0].startswith("rate limit: ")
    r = await client.post("/cdp-us/v1/identify", json={"userId": "u"}, headers=CDP)
    assert r.status_code == 429 and r.json()["code"] == "rate_limited"
    clock.advance(1.0)
    assert (await client.get("/app-us/v1/workspaces", headers=APP)).status_code == 200


async def test_unauthenticated_requests_do_not_count(make_client):
    client = make_client(rate_limit=1)
    for _ in range(5):
        assert (await client.get("/app-us/v1/workspaces")).status_code == 401
    assert (await client.get("/app-us/v1/workspaces", headers=APP)).status_code == 200


async def test_window_slides(make_client, clock):
    client = make_client(rate_limit=2)
    await client.get("/app-us/v1/workspaces", headers=APP)
    clock.advance(0.6)
    await client.get("/app-us/v1/workspaces", headers=APP)
    clock.advance(0.3)
    assert (await client.get("/app-us/v1/workspaces", headers=APP)).status_code == 429
    clock.advance(0.2)  # the first request left the window
    assert (await client.get("/app-us/v1/workspaces", headers=APP)).status_code == 200


async def test_unlimited_by_default(client):
    for _ in range(50):
        assert (await client.get("/app-us/v1/workspaces", headers=APP)).status_code == 200
