"""One send path: `cio-console send` and the workspace's Session go through the same core
steps (plan -> guard -> perform -> explain), so the same input puts the same bytes on the
wire, to the sandbox over a real loopback socket."""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest

from console.actions.catalog import get_action
from console.session.session import Session
from console.wire.credentials import from_env
from tests.conftest import sandbox_env


class Recording(httpx.AsyncBaseTransport):
    """Forwards to the real transport (the sandbox's socket) and keeps what went out."""

    def __init__(self, sent: list) -> None:
        self.sent = sent
        self.real = httpx.AsyncHTTPTransport()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        body = await request.aread()
        self.sent.append(
            (
                request.method,
                str(request.url),
                sorted((k, v) for k, v in request.headers.items() if k.lower() != "content-length"),
                body,
            )
        )
        return await self.real.handle_async_request(request)

    async def aclose(self) -> None:
        await self.real.aclose()


INPUTS = [
    ("identify-customer", {"customer_identifier": "one path/1", "traits": {"plan": "pro", "name": "Zoë"}}),
    (
        "track-event",
        {
            "customer_identifier": "user_1001",
            "event_name": "purchased",
            "event_properties": {"price": 29.99},
            "timestamp": 1700000000,
        },
    ),
    (
        "send-transactional-email",
        {
            "transactional_message_id": "welcome",
            "to": "ada.lovelace@example.com",
            "message_data": {"items": [{"name": "Socks"}]},
        },
    ),
]


@pytest.mark.parametrize("action_id,data", INPUTS, ids=[i[0] for i in INPUTS])
def test_cli_send_and_the_workspace_put_the_same_bytes_on_the_wire(action_id, data, cli, sandbox, monkeypatch):
    env = sandbox_env(sandbox)
    from_cli: list = []
    import console.cli.send_cmd as send_cmd

    monkeypatch.setattr(send_cmd, "_client", lambda timeout: httpx.AsyncClient(transport=Recording(from_cli)))
    result = cli("send", action_id, "--input", json.dumps(data), env=env)
    assert result.code == 0, result.err

    from_ui: list = []
    # The workspace's form holds objects as JSON text; the Session reads them back.
    form = {k: (json.dumps(v) if isinstance(v, (dict, list)) else v) for k, v in data.items()}
    session = Session(from_env(env), client_factory=lambda _c: httpx.AsyncClient(transport=Recording(from_ui)))

    async def send():
        try:
            return await session.send(get_action(action_id), form)
        finally:
            await session.aclose()

    outcome = asyncio.run(send())
    assert outcome.ok
    assert len(from_cli) == len(from_ui) == 1
    assert from_cli == from_ui


def test_cli_send_goes_through_the_sessions_send(cli, sandbox, monkeypatch):
    """Not a copy of the pipeline: the CLI's send is the Session's (guard, perform, explain)."""
    calls = []
    real = Session.send_planned

    async def spy(self, planned, **kw):
        calls.append(planned.action.INFO.id)
        return await real(self, planned, **kw)

    monkeypatch.setattr(Session, "send_planned", spy)
    result = cli(
        "send",
        "track-event",
        "--input",
        json.dumps({"customer_identifier": "user_1001", "event_name": "x"}),
        env=sandbox_env(sandbox),
    )
    assert result.code == 0, result.err
    assert calls == ["track-event"]


def test_dry_run_prints_the_request_the_session_plans(cli, sandbox):
    action_id, data = INPUTS[0]
    env = sandbox_env(sandbox)
    result = cli("send", action_id, "--input", json.dumps(data), "--dry-run", env=env)
    assert result.code == 0, result.err
    planned = Session(from_env(env)).plan(get_action(action_id), data, from_form=False, preview=True)
    assert json.loads(result.out) == planned.request.preview()
