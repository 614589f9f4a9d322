"""Outcomes for inspector tests: really sent to the sandbox, optionally frozen (fixed
URL root, times and dates) so a snapshot of them is deterministic."""

from __future__ import annotations

import dataclasses
import re
import socket

from console.actions.catalog import get_action
from console.environments.resolve import sandbox_credentials
from console.session.session import SendOutcome, Session

FIXED_ROOT = "http://127.0.0.1:8765"
FIXED_AT = 1795910400.0  # 2026-11-29 00:00:00 UTC
FIXED_DATE = "Sun, 29 Nov 2026 00:00:00 GMT"
EMAIL = {"transactional_message_id": "1", "to": "ada@example.com"}


def secrets_of(creds) -> list[str]:
    """Every form of the demo keys that must never be shown, stored or copied."""
    return [s for s in (creds.track_key, creds.app_key, creds.write_key) if s] + creds.redaction_secrets()


def track_key_as_app_key(root_url: str):
    creds = sandbox_credentials(root_url)
    return dataclasses.replace(creds, app_key=creds.track_key)


def closed_port_root() -> str:
    """A loopback URL nothing listens on (bound, then closed)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


async def send(creds, action_id: str, values: dict) -> SendOutcome:
    session = Session(creds)
    try:
        return await session.send(get_action(action_id), values)
    finally:
        await session.aclose()


def frozen(outcome: SendOutcome, root_url: str) -> SendOutcome:
    """The same outcome with the parts that change per run fixed (port, times, dates)."""
    ex = outcome.exchange
    ex.request.url = ex.request.url.replace(root_url, FIXED_ROOT)
    ex.started_at = FIXED_AT
    ex.elapsed_ms = 12.0
    for attempt in ex.attempts:
        attempt.elapsed_ms = 12.0
    if ex.response is not None:
        ex.response.headers["date"] = FIXED_DATE
        ex.response.text = re.sub(r'"queued_at":\d{10}', '"queued_at":1795910400', ex.response.text)
    outcome.at = FIXED_AT
    return outcome
