"""F5's examples are safe to send as they are: for every action, the form filled with its
examples (the very code F5 runs) and sent to the demo sandbox over a loopback socket is
accepted (2xx). Plus what "safe" means beyond the status: recent timestamps, no fixed
event ids that would de-duplicate a second send away, people that are in the demo data."""

from __future__ import annotations

import json
import time

import pytest

from console.actions.catalog import all_actions
from console.environments.resolve import sandbox_credentials
from console.sandbox.demo import demo_data
from console.session.form_state import FormState
from console.session.session import Session

ACTIONS = sorted(all_actions())


def _filled(action_id: str) -> FormState:
    state = FormState(all_actions()[action_id])
    state.fill_examples()
    return state


@pytest.mark.parametrize("action_id", ACTIONS)
async def test_the_examples_filled_form_is_accepted_by_the_demo_sandbox(action_id, sandbox):
    state = _filled(action_id)
    session = Session(sandbox_credentials(sandbox.root_url))
    try:
        outcome = await session.send(state.action, state.filled())
    finally:
        await session.aclose()
    resp = outcome.exchange.response
    assert resp is not None and 200 <= resp.status < 300, (
        f"{action_id}: {resp.status if resp else 'no answer'} "
        f"{outcome.explanation.text() if outcome.explanation else ''}\n{resp.text if resp else ''}"
    )


def _walk(value):
    if isinstance(value, dict):
        for k, v in value.items():
            yield k, v
            yield from _walk(v)
    elif isinstance(value, list):
        for v in value:
            yield from _walk(v)


def test_examples_name_only_demo_people_recent_times_and_no_fixed_event_ids():
    demo = demo_data()
    people = {p.get("id") for p in demo["people"]} | {p.get("email") for p in demo["people"]}
    year_ago = time.time() - 365 * 86400
    for action_id in ACTIONS:
        state = _filled(action_id)
        for name, text in state.filled().items():
            spec = state.specs[name]
            assert "user_123" not in text, (action_id, name, text)
            if spec.meta.kind.value == "timestamp":
                assert int(text) > year_ago, (action_id, name, text)
            elif name == "timestamp":  # Pipelines: ISO-8601 text
                from datetime import datetime

                assert datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp() > year_ago, (action_id, text)
            if name in ("customer_identifier", "user_id", "userId") and spec.meta.kind.value == "identifier":
                assert text in people, (action_id, name, text)
        # Two fills never carry the same event id: a second send would be de-duplicated away.
        again = _filled(action_id)
        for name, text in state.filled().items():
            if "event_id" in name or (
                name in ("messageId", "message_id", "id") and "ulid" in state.specs[name].meta.help.lower()
            ):
                assert again.values[name] != text, (action_id, name)
        for name, text in state.filled().items():
            if state.specs[name].meta.kind.value in ("json-object", "json-array"):
                for key, value in _walk(json.loads(text)):
                    if key in ("event_id", "id") and isinstance(value, str) and value.startswith("01HQ8Z"):
                        pytest.fail(f"{action_id}.{name}: a fixed event id {value}")


async def test_a_push_send_with_an_email_template_says_so_in_english(sandbox):
    from console.actions.catalog import get_action

    session = Session(sandbox_credentials(sandbox.root_url))
    try:
        outcome = await session.send(
            get_action("send-push"), {"transactional_message_id": "2", "identifiers": '{"id": "user_1001"}'}
        )
    finally:
        await session.aclose()
    assert "message 2 is an email message" in outcome.exchange.response.text


async def test_f5_then_two_sends_of_track_event_are_two_recent_events(sandbox):
    """The repro, in the console: F5 on track-event, ctrl+s, ctrl+s: neither is 2023 nor
    de-duplicated away (the sandbox keeps both)."""
    from tests.ui.workspace_helpers import opened, sandbox_app, send_and_wait, settle

    app = sandbox_app(sandbox.root_url)
    async with app.run_test(size=(120, 40)) as pilot:
        ws = await opened(pilot, "track-event")
        await pilot.press("f5")
        await settle(pilot)
        await send_and_wait(pilot)
        await send_and_wait(pilot)
        assert [o.ok for o in app.outcomes] == [True, True]
        bodies = [r["body"] for r in sandbox.sandbox.requests]
        assert len(bodies) == 2 and all("id" not in b for b in bodies)
        assert all(b["timestamp"] > time.time() - 3600 for b in bodies)
        assert ws.state.values["customer_identifier"] == "user_1001"
