"""Fixtures for the sandbox tests: a fixed clock, an in-process client, credentials."""

from __future__ import annotations

import base64

import httpx
import pytest

from console.sandbox import DEMO_CREDENTIALS, SandboxConfig, create_app

SITE = DEMO_CREDENTIALS["site_id"]
TRACK_KEY = DEMO_CREDENTIALS["track_key"]
APP_KEY = DEMO_CREDENTIALS["app_key"]
WRITE_KEY = DEMO_CREDENTIALS["write_key"]
ALL_KEYS = (TRACK_KEY, APP_KEY, WRITE_KEY)


def basic(user: str, password: str) -> dict[str, str]:
    token = base64.b64encode(f"{user}:{password}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


TRACK = basic(SITE, TRACK_KEY)
APP = {"Authorization": f"Bearer {APP_KEY}"}
CDP = basic(WRITE_KEY, "")
START = 1_750_000_000


class FakeClock:
    def __init__(self, t: float = START) -> None:
        self.t = float(t)

    def __call__(self) -> float:
        return self.t

    def advance(self, seconds: float) -> None:
        self.t += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def make_client(clock):
    """Build an app from config overrides and an AsyncClient mounted on it."""
    clients: list[httpx.AsyncClient] = []

    def make(**overrides) -> httpx.AsyncClient:
        app = create_app(SandboxConfig(clock=clock, **overrides))
        client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://sandbox")
        client.app = app  # type: ignore[attr-defined]
        client.sandbox = app.state.sandbox  # type: ignore[attr-defined]
        clients.append(client)
        return client

    yield make


@pytest.fixture
def client(make_client) -> httpx.AsyncClient:
    return make_client()


@pytest.fixture
def empty_client(make_client) -> httpx.AsyncClient:
    return make_client(demo_data=False)


async def state(client: httpx.AsyncClient) -> dict:
    return (await client.get("/_sandbox/state")).json()


def person(snapshot: dict, **match) -> dict | None:
    for p in snapshot["people"]:
        if all(p.get(k) == v for k, v in match.items()):
            return p
    return None


async def attributes(client: httpx.AsyncClient, customer_id: str, id_type: str = "id") -> httpx.Response:
    from urllib.parse import quote

    return await client.get(
        f"/app-us/v1/customers/{quote(customer_id, safe='')}/attributes", params={"id_type": id_type}, headers=APP
    )


@pytest.fixture
def loopback(clock):
    """A fresh sandbox served by uvicorn on a real loopback port."""
    from console.sandbox import serve_in_thread

    with serve_in_thread(SandboxConfig(clock=clock)) as running:
        yield running
