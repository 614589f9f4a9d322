"""The history file: masked, bounded, robust to a corrupt line, and reopened as an Outcome."""

from __future__ import annotations

import json

from console.actions.catalog import get_action
from console.environments.resolve import sandbox_credentials
from console.session.history import History, default_path
from console.session.session import Session


def _secrets(creds) -> list[str]:
    return [s for s in (creds.track_key, creds.app_key, creds.write_key) if s] + creds.redaction_secrets()


async def _send(session: Session, action_id: str, values: dict):
    try:
        return await session.send(get_action(action_id), values)
    finally:
        await session.aclose()


async def test_history_is_masked_and_reopens(sandbox, isolated):
    session = Session(sandbox_credentials(sandbox.root_url))
    # The key typed into a value (someone pasted it into traits) is masked as well.
    traits = json.dumps({"plan": "pro", "note": session.creds.app_key})
    outcome = await _send(session, "identify-customer", {"customer_identifier": "user_h1", "traits": traits})
    assert outcome.ok
    history = History()
    history.append(outcome, session.secrets())
    assert history.path == default_path() and str(isolated) in str(history.path)
    assert history.path.stat().st_mode & 0o777 == 0o600
    text = history.path.read_text()
    for secret in _secrets(session.creds):
        assert secret not in text
    assert "Basic ****" in text and "****" in json.loads(text)["values"]["traits"]
    [entry] = history.load()
    assert entry.action_id == "identify-customer" and entry.env == "Sandbox" and entry.status_text() == "200 OK"
    again = entry.outcome()
    assert again.exchange.status == 200 and again.exchange.request.url == outcome.exchange.request.url
    assert again.exchange.request.body == {"plan": "pro", "note": "****"}
    assert again.explanation is None and again.values["customer_identifier"] == "user_h1"


async def test_a_failure_keeps_its_explanation(sandbox):
    creds = sandbox_credentials(sandbox.root_url)
    import dataclasses

    session = Session(dataclasses.replace(creds, app_key=creds.track_key))
    outcome = await _send(
        session, "send-transactional-email", {"transactional_message_id": "1", "to": "ada@example.com"}
    )
    assert outcome.exchange.status == 401
    history = History()
    history.append(outcome, session.secrets())
    [entry] = history.load()
    assert entry.outcome().explanation.text() == outcome.explanation.text()
    assert creds.track_key not in history.path.read_text()


async def test_corrupt_lines_are_skipped_and_size_is_bounded(sandbox, tmp_path):
    session = Session(sandbox_credentials(sandbox.root_url))
    outcome = await _send(session, "identify-customer", {"customer_identifier": "user_h2"})
    history = History(tmp_path / "h.jsonl", max_entries=5)
    for _ in range(3):
        history.append(outcome, session.secrets())
    with open(history.path, "a") as fh:
        fh.write('{"v": 1, "exchange": {"trunc\n[1, 2]\n')
    history.append(outcome, session.secrets())
    entries = history.load()
    assert len(entries) == 4 and history.skipped == 2
    for _ in range(60):
        history.append(outcome, session.secrets())
    lines = history.path.read_text().splitlines()
    assert len(lines) <= 5 + 50
    assert len(History(history.path).load()) == len(lines)
    assert len(history.load(limit=3)) == 3


async def test_a_huge_body_is_cut(sandbox, tmp_path):
    sandbox.sandbox.add_fault("/api/v1/customers/*", status=200, body={"blob": "x" * 5000})
    session = Session(sandbox_credentials(sandbox.root_url))
    outcome = await _send(session, "identify-customer", {"customer_identifier": "user_h3"})
    history = History(tmp_path / "h.jsonl", max_body=1000)
    history.append(outcome, session.secrets())
    [entry] = history.load()
    assert entry.body_cut_from == len(outcome.exchange.response.text)
    assert len(entry.outcome().exchange.response.text) == 1000
