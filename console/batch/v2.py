"""Track v2 `/api/v2/batch` (Track OpenAPI, ops `entity` and `batch`: https://docs.customer.io/files/journeys-track.json) for identify and events, with per-row outcomes.

Many rows go in one request (≤ 500 KB, each operation ≤ 32 KB). A 200 means every
row was applied; a 207 lists the failed operations by `batch_index`, which map back to
rows. A 400/413/404 for the whole request applied nothing, so the runner sends those
rows one by one over v1 instead, which gives each its own outcome.

Only rows whose v1 meaning has a certain v2 equivalent are converted; the others (an
oversized row, or traits whose v2 form is not documented: `id`, `cio_id`,
`anonymous_id`, `cio_relationships`) are sent over v1 in the same run.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from console import words
from console.actions.spec import ActionSpec
from console.diagnose.explain import Explanation
from console.wire.apis import API
from console.wire.credentials import Credentials, MissingCredential
from console.wire.request import NOT_SET, USER_AGENT, PreparedRequest, auth_header, build_url

PATH = "/api/v2/batch"
MAX_REQUEST_BYTES = 500_000  # Track OpenAPI, "v2 API Limits": "500 KB"; decimal, to stay under either reading
MAX_OP_BYTES = 32_000
# Rows per request. Bigger is fewer requests, but a lost answer or a 429 then holds
# more rows; measured in benchmarks/throughput.py.
MAX_OPS = 100
ENVELOPE = len('{"batch":[]}')
# One encoder for every operation: json.dumps with options builds a new one per call.
_COMPACT = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))

# Traits that change who the person is or link other data: their v2 form is not
# documented as equivalent, so those rows keep the v1 path they were written for.
_V1_ONLY_TRAITS = frozenset({"id", "cio_id", "anonymous_id", "cio_relationships"})


def identifiers(raw: str) -> dict[str, str]:
    """v1 infers the identifier type from its shape (Track OpenAPI, op `identify`); v2 names it."""
    if raw.startswith("cio_"):
        return {"cio_id": raw[4:]}
    if "@" in raw:
        return {"email": raw}
    return {"id": raw}


def _identify(spec: Any) -> dict[str, Any] | None:
    traits = dict(spec.traits or {})
    if _V1_ONLY_TRAITS & traits.keys():
        return None
    op: dict[str, Any] = {"type": "person", "action": "identify", "identifiers": identifiers(spec.customer_identifier)}
    stamp = traits.pop("_timestamp", None)
    if stamp is not None:
        if not isinstance(stamp, int) or isinstance(stamp, bool):
            return None
        op["timestamp"] = stamp
    op["attributes"] = traits
    return op


def _event(spec: Any) -> dict[str, Any] | None:
    op: dict[str, Any] = {
        "type": "person",
        "action": "event",
        "identifiers": identifiers(spec.customer_identifier),
        "name": spec.event_name,
    }
    if spec.event_properties:
        op["attributes"] = spec.event_properties
    if spec.timestamp is not None:
        op["timestamp"] = spec.timestamp
    if spec.event_id:
        op["id"] = spec.event_id
    return op


# action id -> (row -> op or None, v2 field prefix -> the action's field)
CONVERTERS: dict[str, tuple[Callable[[Any], dict[str, Any] | None], dict[str, str]]] = {
    "identify-customer": (
        _identify,
        {"identifiers": "customer_identifier", "attributes": "traits", "timestamp": "traits"},
    ),
    "track-event": (
        _event,
        {
            "identifiers": "customer_identifier",
            "name": "event_name",
            "attributes": "event_properties",
            "timestamp": "timestamp",
            "id": "event_id",
        },
    ),
}


def supports(action: type[ActionSpec]) -> bool:
    return action.INFO.id in CONVERTERS and action.INFO.api == API.TRACK


def operation(spec: ActionSpec) -> tuple[dict[str, Any], int] | None:
    """The v2 operation for a row and its size in bytes, or None: send it over v1."""
    convert, _ = CONVERTERS[spec.INFO.id]
    op = convert(spec)
    if op is None:
        return None
    size = len(_COMPACT.encode(op).encode("utf-8"))
    if size > MAX_OP_BYTES:
        return None
    return op, size


def chunk(
    sized: list[tuple[Any, dict[str, Any], int]], max_ops: int = MAX_OPS, max_bytes: int = MAX_REQUEST_BYTES
) -> list[list[tuple[Any, dict[str, Any]]]]:
    """Split (row, op, size) into requests within the count and byte limits, in order."""
    chunks: list[list[tuple[Any, dict[str, Any]]]] = []
    current: list[tuple[Any, dict[str, Any]]] = []
    used = ENVELOPE
    for row, op, size in sized:
        extra = size + (1 if current else 0)  # the comma between operations
        if current and (len(current) >= max_ops or used + extra > max_bytes):
            chunks.append(current)
            current, used = [], ENVELOPE
            extra = size
        current.append((row, op))
        used += extra
    if current:
        chunks.append(current)
    return chunks


def build_batch_request(
    ops: list[dict[str, Any]], creds: Credentials, action_id: str, *, preview: bool = False
) -> PreparedRequest:
    """The batch request; raises MissingCredential unless `preview` (as build_request)."""
    try:
        authorization = auth_header(API.TRACK, creds)
    except MissingCredential as exc:
        if not preview:
            raise
        authorization = f"{NOT_SET} {' and '.join(exc.missing)}>"
    return PreparedRequest(
        method="POST",
        url=build_url(creds, API.TRACK, PATH),
        headers={
            "Accept": "application/json",
            "User-Agent": USER_AGENT,
            "Authorization": authorization,
            "Content-Type": "application/json",
        },
        body={"batch": ops},
        api=API.TRACK,
        action_id=action_id,
        notes=[f"Track v2 batch of {len(ops)} rows"],
    )


def partial_failures(body: Any, count: int) -> dict[int, dict[str, Any]] | None:
    """{batch_index: error} from a 207 body; None if an error cannot be placed on a row
    (then no row of the request can be said to have succeeded for sure)."""
    errors = body.get("errors") if isinstance(body, dict) else None
    if not isinstance(errors, list):
        return None
    out: dict[int, dict[str, Any]] = {}
    for err in errors:
        index = err.get("batch_index") if isinstance(err, dict) else None
        if not isinstance(index, int) or isinstance(index, bool) or not 0 <= index < count:
            return None
        out.setdefault(index, err)  # one operation may have several; the first explains it
    return out


def field_for(action_id: str, v2_field: str | None) -> str | None:
    if not v2_field:
        return None
    _, fields = CONVERTERS[action_id]
    head = v2_field.split(".", 1)[0].split("[", 1)[0]
    return fields.get(head)


def row_explanation(action: type[ActionSpec], err: dict[str, Any], line: int) -> Explanation:
    name = field_for(action.INFO.id, err.get("field"))
    message = str(err.get("message") or err.get("reason") or "no reason given")
    where = f" in {name}" if name else ""
    return Explanation(
        f"207: Customer.io rejected the row on line {line} of a Track v2 batch{where}",
        f"The batch was accepted but this operation was not ({err.get('reason') or 'invalid'}"
        f"{', field ' + str(err['field']) if err.get('field') else ''}). Nothing of this row was applied.",
        [f"Fix the value Customer.io named in the file and {words.run_again}; rows already done are not sent again."],
        field=name,
        api_message=message,
    )
