"""The Track v2 operation shape check and what a protected environment must confirm."""

import pytest

from console.actions.catalog import get_action
from console.actions.track_v2_ops import OPERATIONS, is_destructive, operation_problems
from console.actions.validation import InvalidInput, validate

PERSON = {"id": "u1"}


@pytest.mark.parametrize(
    "op",
    [
        {
            "type": "person",
            "action": "identify",
            "identifiers": {"email": "a@x.com"},
            "attributes": {"a": 1},
            "timestamp": 1700000000,
            "cio_relationships": [{"identifiers": {"object_type_id": "1", "object_id": "o"}}],
        },
        {"type": "person", "action": "identify", "identifiers": {"phone": "+15551234567"}},
        {"type": "person", "action": "event", "identifiers": PERSON, "name": "e", "id": "01HQ", "attributes": {}},
        {
            "type": "person",
            "action": "add_device",
            "identifiers": PERSON,
            "device": {"token": "t", "platform": "android"},
        },
        {"type": "person", "action": "delete_device", "identifiers": PERSON, "device": {"token": "t"}},
        {"type": "person", "action": "merge", "primary": {"id": "a"}, "secondary": {"cio_id": "b"}},
        {"type": "object", "action": "identify", "identifiers": {"object_type_id": "1", "object_id": "acme"}},
        {"type": "object", "action": "delete", "identifiers": {"cio_object_id": "ob1"}},
        {
            "type": "delivery",
            "action": "event",
            "identifiers": {"id": "dlv"},
            "name": "opened",
            "attributes": {"device_token": "t"},
        },
    ],
)
def test_valid_operations_pass(op):
    assert operation_problems(op) == []


@pytest.mark.parametrize(
    "op,path,text",
    [
        ({"type": "people", "action": "identify"}, "type", "must be one of person, object, delivery"),
        ({"type": "object", "action": "event"}, "action", "must be one of identify, identify_anonymous"),
        ({"type": "person", "action": "identify"}, "identifiers", "is required for person identify"),
        (
            {"type": "person", "action": "identify", "identifiers": {}},
            "identifiers",
            "exactly one of id, email, cio_id, phone",
        ),
        (
            {"type": "person", "action": "identify", "identifiers": {"email": "nope"}},
            "identifiers.email",
            "not an email",
        ),
        ({"type": "person", "action": "identify", "identifiers": {"id": "x" * 151}}, "identifiers.id", "151 bytes"),
        (
            {"type": "person", "action": "add_device", "identifiers": PERSON, "device": {"id": "t", "platform": "ios"}},
            "device.id",
            "token`, not `id`",
        ),
        (
            {
                "type": "person",
                "action": "add_device",
                "identifiers": PERSON,
                "device": {"token": "t", "platform": "web"},
            },
            "device.platform",
            "must be one of ios, android",
        ),
        (
            {"type": "person", "action": "event", "identifiers": PERSON, "name": "e", "timestamp": 1700000000000},
            "timestamp",
            "looks like milliseconds",
        ),
        (
            {"type": "person", "action": "merge", "primary": {"id": "a"}, "secondary": {"id": "a"}},
            "secondary",
            "same person",
        ),
        (
            {"type": "person", "action": "delete", "identifiers": PERSON, "attributes": {}},
            "attributes",
            "not used by person delete",
        ),
        (
            {"type": "object", "action": "identify", "identifiers": {"object_type_id": 1, "object_id": "o"}},
            "identifiers.object_type_id",
            "number as a string",
        ),
        (
            {
                "type": "delivery",
                "action": "event",
                "identifiers": {"id": "d"},
                "name": "clicked",
                "attributes": {"device_token": "t"},
            },
            "name",
            "opened, converted, delivered",
        ),
        (
            {"type": "delivery", "action": "event", "identifiers": {"id": "d"}, "name": "opened", "attributes": {}},
            "attributes.device_token",
            "is required",
        ),
        (
            {"type": "person", "action": "add_relationships", "identifiers": PERSON, "cio_relationships": [{"x": 1}]},
            "cio_relationships[0]",
            "needs an identifiers object",
        ),
        (
            {"type": "person", "action": "identify", "identifiers": PERSON, "attributes": {"a": "x" * 33000}},
            "",
            "32768 bytes",
        ),
    ],
)
def test_each_problem_names_its_path(op, path, text):
    problems = operation_problems(op)
    assert any(p == path and text in t for p, t in problems), problems


SAMPLES = {
    "identifiers": {"person": PERSON, "object": {"object_type_id": "1", "object_id": "o"}, "delivery": {"id": "d"}},
    "name": {"person": "e", "delivery": "delivered"},
    "attributes": {"delivery": {"device_token": "t"}},
    "device": {"person": {"token": "t", "platform": "ios"}},
    "cio_relationships": {
        "person": [{"identifiers": {"object_type_id": "1", "object_id": "o"}}],
        "object": [{"identifiers": PERSON}],
    },
    "primary": {"person": {"id": "a"}},
    "secondary": {"person": {"id": "b"}},
}


@pytest.mark.parametrize("kind,action", sorted(OPERATIONS))
def test_every_operation_with_its_required_keys_passes_and_without_them_fails(kind, action):
    required, _ = OPERATIONS[(kind, action)]
    op = {"type": kind, "action": action, **{key: SAMPLES[key][kind] for key in required}}
    assert operation_problems(op) == []
    for key in required:
        missing = {k: v for k, v in op.items() if k != key}
        assert (key, f"is required for {kind} {action}") in operation_problems(missing)


def test_entity_maps_problems_to_its_form_fields():
    with pytest.raises(InvalidInput) as err:
        validate(
            get_action("track-v2-entity"),
            {
                "type": "person",
                "action": "add_device",
                "identifiers": PERSON,
                "device_token": "t",
                "device_platform": "ios",
                "cio_relationships": [{"identifiers": {}}],
            },
        )
    assert err.value.fields == ["cio_relationships"]
    with pytest.raises(InvalidInput) as err:
        validate(get_action("track-v2-entity"), {"type": "person", "action": "identify", "identifiers": {"email": "x"}})
    assert err.value.fields == ["identifiers"] and "(at identifiers.email)" in err.value.text()


def test_only_destructive_input_asks_for_confirmation():
    entity = get_action("track-v2-entity")
    identify = validate(entity, {"type": "person", "action": "identify", "identifiers": PERSON})
    delete = validate(entity, {"type": "person", "action": "delete", "identifiers": {"email": "a@x.com"}})
    merge = validate(entity, {"type": "person", "action": "merge", "primary": {"id": "a"}, "secondary": {"id": "b"}})
    assert (identify.confirmation(), delete.confirmation(), merge.confirmation()) == (None, "a@x.com", "b")
    batch = validate(
        get_action("track-v2-batch"),
        {
            "batch": [
                {"type": "person", "action": "suppress", "identifiers": PERSON},
                {"type": "person", "action": "event", "identifiers": PERSON, "name": "e"},
                {"type": "object", "action": "delete", "identifiers": {"cio_object_id": "o"}},
            ]
        },
    )
    assert batch.confirmation() == "2"
    assert is_destructive({"type": "person", "action": "delete_device"})


def test_seed_actions_confirm_their_identifier():
    push = validate(get_action("send-push"), {"identifiers": {"id": "u9"}, "transactional_message_id": "3"})
    assert push.confirmation() == "u9"
    identify = validate(get_action("identify-customer"), {"customer_identifier": "u9"})
    assert identify.confirmation() is None


def test_batch_limits():
    batch = get_action("track-v2-batch")
    with pytest.raises(InvalidInput) as err:
        validate(batch, {"batch": []})
    assert "at least one operation" in err.value.text()
    big = [
        {"type": "person", "action": "identify", "identifiers": {"id": f"u{i}"}, "attributes": {"a": "x" * 30000}}
        for i in range(18)
    ]
    with pytest.raises(InvalidInput) as err:
        validate(batch, {"batch": big})
    assert "accepts at most 512000 bytes (500 KB)" in err.value.text()
    many_bad = [{"type": "person", "action": "identify"}] * 30
    with pytest.raises(InvalidInput) as err:
        validate(batch, {"batch": many_bad})
    assert len(err.value.problems) == 21 and "10 more problems" in err.value.problems[-1].message
