"""The Pipelines actions through `cio-console send`, against the sandbox over loopback."""

from __future__ import annotations

import uuid

import pytest

from .conftest import api_requests


def _one_cdp_request(sandbox, path: str) -> dict:
    [entry] = api_requests(sandbox, "cdp")
    assert entry["path"] == path and entry["status"] == 200
    assert entry["auth"]["valid"] is True
    return entry["body"]


def _is_uuid4(text: str) -> bool:
    return uuid.UUID(text).version == 4


def test_identify_creates_the_person_with_iso_timestamp_and_message_id(send, sandbox):
    r = send(
        "pipelines-identify",
        {
            "user_id": "pl_1",
            "anonymous_id": "anon-9",
            "traits": {"email": "pl1@example.com", "plan": "pro"},
            "timestamp": 1714564800,
        },
    )
    assert r.code == 0, r.err
    body = _one_cdp_request(sandbox, "/v1/identify")
    assert body["userId"] == "pl_1" and body["timestamp"] == "2024-05-01T12:00:00Z"
    assert _is_uuid4(body["messageId"]) and f"messageId generated: {body['messageId']}" in r.err
    person = sandbox.sandbox.state.by_id("pl_1")
    assert person.email == "pl1@example.com" and person.attributes["plan"] == "pro"
    assert person.attributes["anonymous_id"] == "anon-9"


def test_identify_without_any_id_is_refused_before_sending(send, sandbox):
    r = send("pipelines-identify", {"traits": {"plan": "pro"}})
    assert r.code == 2
    assert "User ID (user_id) or Anonymous ID (anonymous_id) is required" in r.err
    assert api_requests(sandbox, "cdp") == []


def test_track_records_the_event(send, sandbox):
    r = send(
        "pipelines-track",
        {
            "user_id": "user_1001",
            "event": "Order Completed",
            "properties": {"total": 12},
            "message_id": "my-id-1",
            "timestamp": "2024-05-01T14:00:00+02:00",
        },
    )
    assert r.code == 0, r.err
    body = _one_cdp_request(sandbox, "/v1/track")
    assert body["messageId"] == "my-id-1" and body["timestamp"] == "2024-05-01T12:00:00Z"
    event = sandbox.sandbox.state.events[-1]
    assert (event.name, event.data, event.source) == ("Order Completed", {"total": 12}, "cdp")
    assert event.cio_id == sandbox.sandbox.state.by_id("user_1001").cio_id


def test_track_without_event_or_with_a_bad_timestamp_is_refused(send, sandbox):
    r = send("pipelines-track", {"user_id": "u", "event": "", "timestamp": "next tuesday"})
    assert r.code == 2
    assert "Event (event) is required" in r.err
    assert "Timestamp (timestamp) is not an ISO-8601 date-time or Unix seconds" in r.err
    assert api_requests(sandbox, "cdp") == []


def test_strict_mode_makes_the_api_refuse_what_it_cannot_use(send, sandbox):
    # Valid for the form, invalid for Customer.io: the semantic device event needs a token.
    # Without X-Strict-Mode the API would answer 200 and drop it.
    r = send("pipelines-track", {"user_id": "user_1001", "event": "Device Created or Updated"})
    assert r.code == 1
    assert r.out.startswith("400")
    assert "context.device.token" in r.err and "Field: context" in r.err
    [entry] = api_requests(sandbox, "cdp")
    assert entry["status"] == 400


def test_page_and_screen(send, sandbox):
    anon = "3f1c8a5e-8a0e-4c1e-9d7b-2f6a1c0b9e11"
    assert (
        send(
            "pipelines-page",
            {"anonymous_id": anon, "name": "Pricing", "properties": {"url": "https://example.com/pricing"}},
        ).code
        == 0
    )
    assert send("pipelines-screen", {"user_id": "user_1002", "name": "Home", "properties": {"tab": "feed"}}).code == 0
    page, screen = sandbox.sandbox.state.events[-2:]
    assert (page.type, page.name, page.anonymous_id, page.cio_id) == ("page", "Pricing", anon, None)
    assert (screen.type, screen.name, screen.data) == ("screen", "Home", {"tab": "feed"})
    assert [e["path"] for e in api_requests(sandbox, "cdp")] == ["/v1/page", "/v1/screen"]


@pytest.mark.parametrize("action", ["pipelines-page", "pipelines-screen"])
def test_page_and_screen_refuse_bad_input(send, sandbox, action):
    r = send(action, {"user_id": "u", "properties": ["not", "an", "object"]})
    assert r.code == 2 and "Properties (properties) must be a JSON object" in r.err
    assert api_requests(sandbox, "cdp") == []


def test_group_relates_the_person_to_the_object(send, sandbox):
    r = send(
        "pipelines-group", {"user_id": "user_1003", "group_id": "acme", "traits": {"name": "Acme", "object_type_id": 2}}
    )
    assert r.code == 0, r.err
    assert 'traits.object_type_id sent as the string "2"' in r.err
    obj = sandbox.sandbox.state.objects["2:acme"]
    assert obj["attributes"] == {"name": "Acme"} and {"id": "user_1003"} in obj["relationships"]


def test_group_needs_a_group_id_and_a_sane_object_type(send, sandbox):
    r = send("pipelines-group", {"user_id": "u", "traits": {"object_type_id": "company"}})
    assert r.code == 2 and "Group ID (group_id) is required" in r.err
    r = send("pipelines-group", {"user_id": "u", "group_id": "g", "traits": {"object_type_id": "company"}})
    assert r.code == 2 and "object_type_id must be a number as a string" in r.err
    assert api_requests(sandbox, "cdp") == []


def test_alias_renames_the_anonymous_profile(send, sandbox):
    r = send("pipelines-alias", {"previous_id": "user_1007", "user_id": "user_7007"})
    assert r.code == 0, r.err
    state = sandbox.sandbox.state
    assert state.by_id("user_1007") is None and state.by_id("user_7007").cio_id == "sb000007"
    assert state.aliases[-1]["previousId"] == "user_1007"


def test_alias_needs_two_different_ids(send, sandbox):
    r = send("pipelines-alias", {"user_id": "u1"})
    assert r.code == 2 and "Previous ID (previous_id) is required" in r.err
    r = send("pipelines-alias", {"previous_id": "u1", "user_id": "u1"})
    assert r.code == 2 and "nothing to merge" in r.err
    assert api_requests(sandbox, "cdp") == []


def test_batch_applies_every_call_with_shared_context(send, sandbox):
    calls = [
        {"type": "identify", "userId": "bt_1", "traits": {"email": "bt1@example.com"}},
        {"type": "track", "userId": "bt_1", "event": "Signed Up", "timestamp": 1714564800},
        {"type": "page", "anonymousId": "anon-b", "name": "Docs"},
    ]
    r = send("pipelines-batch", {"batch": calls, "context": {"ip": "203.0.113.7"}})
    assert r.code == 0, r.err
    body = _one_cdp_request(sandbox, "/v1/batch")
    assert body["context"] == {"ip": "203.0.113.7"}
    ids = [item["messageId"] for item in body["batch"]]
    assert len(set(ids)) == 3 and all(_is_uuid4(i) for i in ids)
    assert body["batch"][1]["timestamp"] == "2024-05-01T12:00:00Z"
    state = sandbox.sandbox.state
    assert state.by_id("bt_1").email == "bt1@example.com"
    assert [e.name for e in state.events[-2:]] == ["Signed Up", "Docs"]


def test_batch_names_each_bad_call_and_sends_nothing(send, sandbox):
    calls = [
        {"type": "track", "userId": "u"},
        {"type": "alias", "previousId": "a", "userId": "b"},
        {"type": "identify", "userId": "u", "context": {"ip": "1.2.3.4"}},
    ]
    r = send("pipelines-batch", {"batch": calls})
    assert r.code == 2
    assert "item 0 (track): event is required" in r.err
    assert "item 1: type must be one of identify, track, page, screen, group (got 'alias')" in r.err
    assert "item 2 (identify): context cannot be set per call" in r.err
    assert api_requests(sandbox, "cdp") == []


def test_pipelines_uses_the_write_key(send, sandbox):
    r = send("pipelines-track", {"user_id": "u", "event": "E"}, CIO_WRITE_API_KEY="wrong-key")
    assert r.code == 1 and "401" in r.out
    assert "Write API key" in r.err
    r = send("pipelines-track", {"user_id": "u", "event": "E"}, CIO_WRITE_API_KEY="")
    assert r.code == 2 and "CIO_WRITE_API_KEY" in r.err


def test_dry_run_shows_the_message_id_and_strict_header(cli, sandbox):
    from tests.conftest import sandbox_env

    r = cli("send", "pipelines-identify", "-f", "user_id=u1", "--dry-run", env=sandbox_env(sandbox))
    assert r.code == 0
    preview = r.json()
    assert preview["headers"]["X-Strict-Mode"] == "1"
    assert f"messageId generated: {preview['body']['messageId']}" in r.err
    assert api_requests(sandbox, "cdp") == []
