"""207 partial failures item by item, and the v2 / Pipelines error shapes."""

import json

import httpx
import pytest

from console.actions.catalog import get_action
from console.actions.validation import validate
from console.diagnose.explain import explain
from console.wire.credentials import Credentials
from console.wire.error_body import api_errors
from console.wire.exchange import Exchange, Response
from console.wire.multi_status import failed_operations, item_failures, summarize
from console.wire.request import build_request

CREDS = Credentials(site_id="s", track_key="t", write_key="w")
OPS = [
    {"type": "person", "action": "identify", "identifiers": {"id": "u1"}},
    {"type": "person", "action": "event", "identifiers": {"id": "u2"}, "name": "purchased"},
    {"type": "person", "action": "merge", "primary": {"id": "a"}, "secondary": {"email": "b@x.com"}},
]


def exchange(action_id, data, status, body):
    action = get_action(action_id)
    req = build_request(validate(action, data), CREDS)
    text = json.dumps(body) if not isinstance(body, str) else body
    return Exchange(req, 0.0, response=Response(status, httpx.codes.get_reason_phrase(status), {}, text)), action


def test_207_is_not_ok_and_lists_each_failed_operation():
    ex, action = exchange(
        "track-v2-batch",
        {"batch": OPS},
        207,
        {
            "errors": [
                {"batch_index": 1, "reason": "invalid", "field": "name", "message": "name: is reserved"},
                {"batch_index": 2, "reason": "not_found", "field": "primary", "message": "primary: no such person"},
            ]
        },
    )
    assert ex.partial and not ex.ok
    failures = item_failures(ex)
    assert [(f.index, f.summary, f.field, f.reason) for f in failures] == [
        (1, 'person event purchased {"id": "u2"}', "name", "invalid"),
        (2, 'person merge {"id": "a"}', "primary", "not_found"),
    ]
    assert failures[0].text() == '#1 person event purchased {"id": "u2"} [name]: is reserved (invalid)'
    e = explain(ex, action, CREDS)
    assert e.title == "207 Multi-Status: 2 of 3 operations of the Track v2 Batch request failed"
    assert "The other 1 was applied." in e.cause
    assert e.field == "batch" and len(e.items) == 2
    assert '  #2 person merge {"id": "a"} [primary]: no such person (not_found)' in e.text().splitlines()
    assert failed_operations(ex) == OPS[1:]


def test_207_with_an_index_outside_the_request_is_still_shown():
    ex, _action = exchange(
        "track-v2-batch",
        {"batch": OPS[:1]},
        207,
        {"errors": [{"batch_index": 5, "reason": "invalid", "field": "x", "message": "bad"}]},
    )
    [failure] = item_failures(ex)
    assert failure.summary == "(no operation 5 in the request)"
    assert failed_operations(ex) == []


def test_a_200_batch_has_no_failures():
    ex, action = exchange("track-v2-batch", {"batch": OPS}, 200, {})
    assert ex.ok and item_failures(ex) == [] and explain(ex, action, CREDS) is None


def test_v2_400_names_the_form_field():
    ex, action = exchange(
        "track-v2-entity",
        {
            "type": "person",
            "action": "add_device",
            "identifiers": {"id": "u"},
            "device_token": "t",
            "device_platform": "ios",
        },
        400,
        {"errors": [{"reason": "invalid", "field": "device.token", "message": "device.token: unknown"}]},
    )
    e = explain(ex, action, CREDS)
    assert e.field == "device_token" and e.api_message == "device.token: unknown"


def test_pipelines_strict_400_names_the_form_field():
    ex, action = exchange(
        "pipelines-track",
        {"user_id": "u", "event": "E"},
        400,
        {"code": "invalid_request", "message": "userId: must be a string"},
    )
    e = explain(ex, action, CREDS)
    assert e.field == "user_id" and "Pipelines Track" in e.title


def test_pipelines_batch_error_paths_point_at_the_batch_field():
    ex, action = exchange(
        "pipelines-batch",
        {"batch": [{"type": "track", "userId": "u", "event": "E"}]},
        400,
        {"code": "invalid_request", "message": "batch[0].event: is required"},
    )
    assert explain(ex, action, CREDS).field == "batch"


def test_pipelines_401_names_the_write_key():
    ex, action = exchange(
        "pipelines-alias",
        {"previous_id": "a", "user_id": "b"},
        401,
        {"code": "unauthorized", "message": "Authorization: unknown credentials"},
    )
    e = explain(ex, action, CREDS)
    assert "Pipelines API rejected the Write API key" in e.title and "Data Pipelines > Sources" in e.steps[0]


@pytest.mark.parametrize(
    "text,expected",
    [
        (
            '{"errors":[{"reason":"invalid","field":"identifiers","message":"identifiers: must have one"}]}',
            [("identifiers: must have one", "identifiers", None)],
        ),
        (
            '{"errors":[{"batch_index":3,"reason":"required","field":"name","message":"name: is required"}]}',
            [("name: is required", "name", 3)],
        ),
        ('{"code":"invalid_request","message":"event: is required"}', [("event: is required", "event", None)]),
        (
            '{"error":{"code":"bad","message":"anonymousId: too long","field":"anonymousId"}}',
            [("anonymousId: too long", "anonymousId", None)],
        ),
    ],
)
def test_error_shapes(text, expected):
    assert [(e.message, e.field, e.index) for e in api_errors(text)] == expected


def test_summaries_of_pipelines_calls():
    assert summarize({"type": "track", "userId": "u1", "event": "Signed Up"}) == 'track Signed Up {"userId": "u1"}'
    assert (
        summarize({"type": "group", "anonymousId": "a", "groupId": "g"}) == 'group {"anonymousId": "a", "groupId": "g"}'
    )
    assert summarize(7) == "7"
