"""The requests the console builds match Customer.io's documents' request schemas (issue
13, items 12 and the title's "the wire matches Customer.io's documents"), with the
documents' known defects worked around (tests/wire/openapi_docs.py).

Every action is built from the request-shape tests' inputs, from every field's example,
and from the cases below (each Pipelines call by itself and in a batch, an email
without a template), and its JSON body is checked against the document's schema for
its method and path.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from console.actions.catalog import all_actions, get_action
from console.actions.pipelines_batch import ITEM_TYPES
from console.actions.validation import InvalidInput, validate
from console.wire.credentials import Credentials
from console.wire.request import build_request
from tests.core.test_requests import CASES as TRACK_APP_CASES
from tests.core.test_requests_apis import CASES as MORE_CASES

from . import openapi_docs as docs

CREDS = Credentials(site_id="site1", track_key="trackkey1", app_key="appkey1", write_key="writekey1")
API_OF = {"track": "track", "app": "app", "pipelines": "cdp"}
NOT_IN_DOCS = {"send-in-app", "send-inbox-message"}  # KNOWN_DEFECTS["undocumented-send-channels"]

PIPELINES_CASES = [
    ("pipelines-identify", {"anonymous_id": "a1", "traits": {"email": "ann@example.com"}}),
    ("pipelines-identify", {"user_id": "u1", "anonymous_id": "a1"}),
    ("pipelines-track", {"user_id": "u1", "event": "Order Completed", "timestamp": "1714564800"}),
    ("pipelines-track", {"anonymous_id": "a1", "event": "Viewed", "context": {"ip": "203.0.113.7"}}),
    ("pipelines-page", {"anonymous_id": "a1", "name": "Pricing"}),
    ("pipelines-screen", {"user_id": "u1", "name": "Home", "properties": {"tab": "feed"}}),
    ("pipelines-group", {"anonymous_id": "a1", "group_id": "acme", "traits": {"object_type_id": 2}}),
    ("pipelines-alias", {"previous_id": "a1", "user_id": "u1", "message_id": "m-1"}),
    (
        "pipelines-batch",
        {
            "batch": [
                {"type": "identify", "userId": "u1", "traits": {"plan": "pro"}},
                {"type": "track", "anonymousId": "a1", "event": "E", "timestamp": 1714564800},
                {"type": "page", "userId": "u1", "name": "Home"},
                {"type": "screen", "anonymousId": "a1", "name": "Feed"},
                {"type": "group", "userId": "u1", "groupId": "acme"},
            ],
            "integrations": {"All": True},
        },
    ),
    # Pasted from a Segment-style payload: wire names and the call's own type.
    ("pipelines-track", {"type": "track", "userId": "u1", "event": "E", "messageId": "m-2"}),
]
EXTRA_CASES = [
    (
        "send-transactional-email",
        {"to": "ann@example.com", "from": "hi@acme.com", "subject": "Hi", "body": "<p>Hi</p>"},
    ),
    ("send-transactional-email", {"transactional_message_id": "0012", "to": "ann@example.com"}),
    ("send-push", {"transactional_message_id": "3", "identifiers": {"email": "ann@example.com"}}),
]


def _example_input(action_id: str) -> dict | None:
    action = get_action(action_id)
    data = {f.name: f.meta.example for f in action.field_specs() if f.meta.example is not None}
    try:
        validate(action, data)
    except InvalidInput:
        return None  # examples that do not fit together (each is checked in another case)
    return data


def _cases() -> list[tuple[str, dict]]:
    cases = [(c[0], c[1]) for c in TRACK_APP_CASES + MORE_CASES] + PIPELINES_CASES + EXTRA_CASES
    cases += [(a, d) for a in all_actions() if (d := _example_input(a)) is not None]
    return [(a, d) for a, d in cases if a not in NOT_IN_DOCS]


CASES = _cases()


@pytest.mark.parametrize("action_id,data", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_request_body_matches_the_document(action_id, data):
    docs.require_docs()
    request = build_request(validate(get_action(action_id), data), CREDS)
    api = API_OF[request.api.value]
    op = docs.operation(api, request.method, urlsplit(request.url).path)
    assert op is not None, f"{request.method} {request.url} is not in the {api} document"
    pointer = docs.request_schema(op)
    if pointer is None:
        assert request.body in (None, {}), f"{op.template} takes no body, the console sends {request.body}"
        return
    assert request.body is not None or op.method in ("get", "delete")
    assert docs.problems(op, pointer, request.body) == []
    assert not set(request.body) & docs.read_only_keys(op, pointer), "sends what the document marks readOnly"


def test_every_action_and_every_pipelines_type_is_covered():
    assert {a for a, _ in CASES} | NOT_IN_DOCS == set(all_actions())
    batch_types = {item["type"] for a, d in CASES if a == "pipelines-batch" for item in d["batch"]}
    assert batch_types == set(ITEM_TYPES)


@pytest.mark.parametrize(
    "action_id,call_type",
    [
        ("pipelines-identify", "identify"),
        ("pipelines-track", "track"),
        ("pipelines-page", "page"),
        ("pipelines-screen", "screen"),
        ("pipelines-group", "group"),
        ("pipelines-alias", None),
    ],
)
def test_each_pipelines_call_carries_its_own_type(action_id, call_type):
    data = {"user_id": "u1", "event": "E", "group_id": "g", "previous_id": "a1"}
    fields = {f.name for f in get_action(action_id).field_specs()}
    body = build_request(validate(get_action(action_id), {k: v for k, v in data.items() if k in fields}), CREDS).body
    # alias: the document marks `type` readOnly there, so it is not sent.
    assert body.get("type") == call_type


def test_the_undocumented_send_channels_are_still_not_in_the_document():
    """KNOWN_DEFECTS["undocumented-send-channels"]: when the document gains them, this
    fails, and their requests join the check above."""
    docs.require_docs()
    for action_id in NOT_IN_DOCS:
        request = build_request(
            validate(get_action(action_id), {"transactional_message_id": "1", "identifiers": {"id": "u1"}}), CREDS
        )
        assert docs.operation("app", request.method, urlsplit(request.url).path) is None


def test_pipelines_track_without_type_breaks_the_document():
    """The check can fail: the document requires `type` on /track (issue 13, item 12)."""
    docs.require_docs()
    op = docs.operation("cdp", "POST", "/v1/track")
    assert docs.problems(op, docs.request_schema(op), {"userId": "u1", "event": "E"})
    assert docs.problems(op, docs.request_schema(op), {"type": "track", "userId": "u1", "event": "E"}) == []
    alias = docs.operation("cdp", "POST", "/v1/alias")
    assert docs.read_only_keys(alias, docs.request_schema(alias)) == {"type"}  # so alias sends none
