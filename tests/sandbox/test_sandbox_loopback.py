"""Over a real loopback socket: plain HTTP, redirects with the real port, and TLS."""

from __future__ import annotations

import ssl

import httpx
import pytest

from console.sandbox import SandboxConfig, create_app, serve_in_thread
from tests.tls import self_signed_files

from .conftest import APP, TRACK


async def test_identify_then_read_over_socket(loopback):
    assert loopback.root_url.startswith("http://127.0.0.1:") and loopback.port
    async with httpx.AsyncClient(base_url=loopback.root_url) as c:
        r = await c.put("/track-us/api/v1/customers/sock%2F1", json={"plan": "pro"}, headers=TRACK)
        assert r.status_code == 200 and r.json() == {}
        r = await c.get("/app-us/v1/customers/sock%2F1/attributes", headers=APP)
        assert r.json()["customer"]["attributes"]["plan"] == "pro"
        r = await c.get("/track-eu/api/v1/accounts/region", headers=TRACK)
        assert r.json()["url"] == f"{loopback.root_url}/track-us"


def test_eu_redirect_location_uses_the_real_host_and_port():
    with serve_in_thread(SandboxConfig(region="eu", demo_data=False)) as running:
        r = httpx.post(f"{running.root_url}/track-us/api/v1/customers/u%201/events", json={"name": "x"}, headers=TRACK)
        assert r.status_code == 301
        assert r.headers["location"] == f"{running.root_url}/track-eu/api/v1/customers/u%201/events"
        assert running.base_url("track") == f"{running.root_url}/track-eu"


def test_serve_an_existing_app_and_stop_frees_the_handle():
    app = create_app(SandboxConfig(demo_data=False))
    running = serve_in_thread(app)
    try:
        assert running.app is app and running.sandbox is app.state.sandbox
        assert httpx.get(f"{running.root_url}/_sandbox/state").json()["people"] == []
    finally:
        running.stop()
    with pytest.raises(RuntimeError):
        running.root_url  # noqa: B018


def test_tls(tmp_path):
    pytest.importorskip("cryptography")
    cert_file, key_file = self_signed_files(tmp_path)
    with serve_in_thread(SandboxConfig(), ssl_certfile=str(cert_file), ssl_keyfile=str(key_file)) as running:
        assert running.root_url.startswith("https://127.0.0.1:")
        context = ssl.create_default_context(cafile=str(cert_file))
        with httpx.Client(base_url=running.root_url, verify=context) as c:
            r = c.post(
                "/app-us/v1/send/email",
                headers=APP,
                json={
                    "transactional_message_id": "welcome",
                    "to": "ada@example.com",
                    "identifiers": {"id": "user_1001"},
                },
            )
            assert r.status_code == 200 and r.json()["delivery_id"].startswith("sbx-delivery-")
            r = c.get("/track-us/api/v1/accounts/region", headers=TRACK)
            assert r.json()["url"] == f"{running.root_url}/track-us"
        with pytest.raises(httpx.ConnectError):
            httpx.get(f"{running.root_url}/_sandbox/state")  # an untrusted certificate is refused
