"""Track v2 batch requests built from identify and event rows, and 207s mapped back."""

import json

from console.actions.catalog import get_action
from console.actions.validation import validate
from console.batch import v2
from console.batch.plan import make_units, use_v2
from console.batch.rows import BatchRow, ValidRow
from console.wire.credentials import Credentials

IDENTIFY = get_action("identify-customer")
EVENT = get_action("track-event")


def row(action, line, data):
    return ValidRow(BatchRow(line, data, key=f"k{line}"), validate(action, data))


def test_identifier_shapes_follow_v1():
    assert v2.identifiers("user_1") == {"id": "user_1"}
    assert v2.identifiers("a@example.com") == {"email": "a@example.com"}
    assert v2.identifiers("cio_03000001") == {"cio_id": "03000001"}


def test_identify_and_event_operations():
    op, size = v2.operation(
        validate(IDENTIFY, {"customer_identifier": "u1", "traits": {"plan": "pro", "_timestamp": 1700000000}})
    )
    assert op == {
        "type": "person",
        "action": "identify",
        "identifiers": {"id": "u1"},
        "timestamp": 1700000000,
        "attributes": {"plan": "pro"},
    }
    assert size == len(json.dumps(op, separators=(",", ":")))
    op, _ = v2.operation(
        validate(
            EVENT,
            {"customer_identifier": "a@x.io", "event_name": "paid", "event_properties": {"n": 1}, "event_id": "01HQ"},
        )
    )
    assert op == {
        "type": "person",
        "action": "event",
        "identifiers": {"email": "a@x.io"},
        "name": "paid",
        "attributes": {"n": 1},
        "id": "01HQ",
    }


def test_rows_without_a_certain_v2_form_stay_on_v1():
    # Changing a person's id from its email, or an operation over 32 KB.
    assert v2.operation(validate(IDENTIFY, {"customer_identifier": "a@x.io", "traits": {"id": "u9"}})) is None
    big = {f"a{i}": "x" * 900 for i in range(40)}
    assert v2.operation(validate(IDENTIFY, {"customer_identifier": "u1", "traits": big})) is None
    rows = [
        row(IDENTIFY, 1, {"customer_identifier": "u1"}),
        row(IDENTIFY, 2, {"customer_identifier": "a@x.io", "traits": {"id": "u9"}}),
    ]
    units = make_units(rows, with_v2=True)
    # Streamed: a row with no v2 form goes out as it comes, the batch once full or at the end.
    assert sorted((u.is_v2, [r.line for r in u.rows]) for u in units) == [(False, [2]), (True, [1])]


def test_chunks_respect_the_count_and_byte_limits():
    sized = [(i, {"n": i}, 10_000) for i in range(120)]
    chunks = v2.chunk(sized, max_ops=100, max_bytes=500_000)
    assert [len(c) for c in chunks] == [49, 49, 22]  # 49 ops + commas + envelope fit in 500 KB
    for c in chunks:
        body = {"batch": [op for _, op in c]}
        assert len(c) * 10_000 + len(c) - 1 + len('{"batch":[]}') <= 500_000
        assert body["batch"]
    small = [(i, {"n": i}, 50) for i in range(250)]
    assert [len(c) for c in v2.chunk(small, max_ops=100)] == [100, 100, 50]


def test_207_errors_are_placed_on_their_rows():
    body = {
        "errors": [
            {"batch_index": 2, "reason": "invalid", "field": "attributes.plan", "message": "bad"},
            {"batch_index": 2, "reason": "other", "field": "name", "message": "second"},
            {"batch_index": 0, "reason": "required", "field": "identifiers", "message": "missing"},
        ]
    }
    placed = v2.partial_failures(body, 3)
    assert sorted(placed) == [0, 2] and placed[2]["message"] == "bad"
    assert v2.partial_failures({"errors": [{"reason": "no index"}]}, 3) is None
    assert v2.partial_failures({"errors": [{"batch_index": 7}]}, 3) is None
    why = v2.row_explanation(IDENTIFY, placed[2], 14)
    assert why.field == "traits" and "line 14" in why.title and why.api_message == "bad"


def test_auto_uses_v2_for_identify_and_events_from_a_few_rows():
    assert use_v2(IDENTIFY, "auto", 500) and use_v2(EVENT, "auto", 10)
    assert not use_v2(IDENTIFY, "auto", 3) and not use_v2(IDENTIFY, "off", 500)
    assert use_v2(IDENTIFY, "on", 1)
    assert not use_v2(get_action("suppress-customer"), "on", 500)


def test_batch_request_uses_track_credentials_and_the_v2_path():
    creds = Credentials(site_id="site", track_key="trackkey-secret", urls={})
    req = v2.build_batch_request([{"type": "person"}], creds, "identify-customer")
    assert req.method == "POST" and req.url == "https://track.customer.io/api/v2/batch"
    assert req.masked_headers()["Authorization"] == "Basic ****"
