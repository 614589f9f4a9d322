"""Track v2 entity and batch through the CLI against the sandbox, 207 included."""

from __future__ import annotations

from .conftest import api_requests


def test_entity_identify_sets_attributes(send, sandbox):
    r = send(
        "track-v2-entity",
        {
            "type": "person",
            "action": "identify",
            "identifiers": {"id": "v2_1"},
            "attributes": {"email": "v2@example.com", "plan": "pro"},
        },
    )
    assert r.code == 0, r.err
    person = sandbox.sandbox.state.by_id("v2_1")
    assert person.email == "v2@example.com" and person.attributes == {"plan": "pro"}
    [entry] = api_requests(sandbox, "track")
    assert entry["path"] == "/api/v2/entity"


def test_entity_add_device_sends_token_not_id(send, sandbox):
    r = send(
        "track-v2-entity",
        {
            "type": "person",
            "action": "add_device",
            "identifiers": {"id": "user_1003"},
            "device_token": "tok-alan",
            "device_platform": "android",
            "device_attributes": {"app_version": "2.0"},
        },
    )
    assert r.code == 0, r.err
    [entry] = api_requests(sandbox, "track")
    assert entry["body"]["device"] == {"token": "tok-alan", "platform": "android", "attributes": {"app_version": "2.0"}}
    device = sandbox.sandbox.state.by_id("user_1003").devices["tok-alan"]
    assert (device.platform, device.attributes) == ("android", {"app_version": "2.0"})


def test_entity_event_is_recorded(send, sandbox):
    r = send(
        "track-v2-entity",
        {
            "type": "person",
            "action": "event",
            "identifiers": {"email": "ada.lovelace@example.com"},
            "name": "purchased",
            "attributes": {"total": 3},
            "timestamp": 1700000000,
        },
    )
    assert r.code == 0, r.err
    event = sandbox.sandbox.state.events[-1]
    assert (event.name, event.data, event.timestamp, event.cio_id) == (
        "purchased",
        {"total": 3},
        1700000000,
        "sb000001",
    )


def test_entity_shape_is_checked_per_type_and_action(send, sandbox):
    r = send(
        "track-v2-entity", {"type": "person", "action": "add_device", "identifiers": {"id": "u"}, "device_token": "t"}
    )
    assert r.code == 2 and "Device Platform (device_platform) is required for add_device: one of ios, android" in r.err
    r = send("track-v2-entity", {"type": "person", "action": "event", "identifiers": {"id": "u", "email": "u@x.com"}})
    assert r.code == 2
    assert "Name (name) is required for person event" in r.err
    assert "must have exactly one of id, email, cio_id, phone (got id, email)" in r.err
    r = send("track-v2-entity", {"type": "delivery", "action": "identify"})
    assert r.code == 2 and "Action (action) must be one of event for type delivery" in r.err
    r = send("track-v2-entity", {"type": "person", "action": "delete", "identifiers": {"id": "u"}, "name": "x"})
    assert r.code == 2 and "Name (name) is not used by person delete" in r.err
    assert api_requests(sandbox, "track") == []


def test_entity_over_32_kb_is_refused(send, sandbox):
    r = send(
        "track-v2-entity",
        {
            "type": "person",
            "action": "identify",
            "identifiers": {"id": "u"},
            "attributes": {f"a{i}": "x" * 900 for i in range(40)},
        },
    )
    assert r.code == 2 and "an operation may be at most 32768 bytes" in r.err
    assert api_requests(sandbox, "track") == []


def test_batch_applies_every_operation(send, sandbox):
    ops = [
        {"type": "person", "action": "identify", "identifiers": {"id": "b1"}, "attributes": {"plan": "free"}},
        {"type": "person", "action": "event", "identifiers": {"id": "b1"}, "name": "signed_up"},
        {"type": "person", "action": "suppress", "identifiers": {"id": "user_1002"}},
    ]
    r = send("track-v2-batch", {"batch": ops})
    assert r.code == 0, r.err
    state = sandbox.sandbox.state
    assert state.by_id("b1").attributes == {"plan": "free"} and state.events[-1].name == "signed_up"
    assert state.by_id("user_1002") is None and state.suppressions[-1].id == "user_1002"


def test_batch_with_a_v1_device_id_is_refused_before_sending(send, sandbox):
    ops = [
        {"type": "person", "action": "identify", "identifiers": {"id": "ok"}},
        {
            "type": "person",
            "action": "add_device",
            "identifiers": {"id": "u"},
            "device": {"id": "t", "platform": "ios"},
        },
    ]
    r = send("track-v2-batch", {"batch": ops})
    assert r.code == 2
    assert (
        "operation 1 (person add_device): device.id is v1's name: Track v2 calls the device token `token`, not `id`"
        in r.err
    )
    assert api_requests(sandbox, "track") == [] and sandbox.sandbox.state.by_id("ok") is None


def test_batch_207_lists_each_failed_operation_and_exits_1(send, sandbox):
    # Both failures are things only the workspace knows: phone identifiers are off in the
    # sandbox workspace, and attribute values are limited to 1000 bytes there.
    ops = [
        {"type": "person", "action": "identify", "identifiers": {"id": "p207"}, "attributes": {"plan": "pro"}},
        {"type": "person", "action": "identify", "identifiers": {"phone": "+15551234567"}},
        {"type": "person", "action": "event", "identifiers": {"id": "p207"}, "name": "ok_event"},
        {"type": "person", "action": "identify", "identifiers": {"id": "p207"}, "attributes": {"bio": "x" * 1200}},
    ]
    r = send("track-v2-batch", {"batch": ops})
    assert r.code == 1
    assert r.out.startswith("207")
    lines = r.err.splitlines()
    assert lines[0] == "207 Multi-Status: 2 of 4 operations of the Track v2 Batch request failed"
    assert "The other 2 were applied." in r.err
    assert any(
        line.startswith('  #1 person identify {"phone": "+15551234567"} [identifiers.phone]: phone is not enabled')
        for line in lines
    ), r.err
    assert any(
        line.startswith('  #3 person identify {"id": "p207"} [attributes.bio]: value is 1200 bytes') for line in lines
    ), r.err
    assert "index 1, 3" in r.err
    # The good operations were applied.
    state = sandbox.sandbox.state
    assert state.by_id("p207").attributes == {"plan": "pro"} and state.events[-1].name == "ok_event"


def test_batch_207_as_json(send, sandbox):
    ops = [
        {"type": "person", "action": "identify", "identifiers": {"phone": "+15551234567"}},
        {"type": "person", "action": "identify", "identifiers": {"id": "fine"}},
    ]
    r = send("track-v2-batch", {"batch": ops}, "--json")
    assert r.code == 1
    out = r.json()
    assert out["ok"] is False and out["status"] == 207
    [item] = out["explanation"]["items"]
    assert item["index"] == 0 and item["field"] == "identifiers.phone" and item["reason"] == "invalid"
    assert item["summary"] == 'person identify {"phone": "+15551234567"}'
