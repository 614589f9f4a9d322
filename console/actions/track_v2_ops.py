"""The shape of a Track v2 operation (Track OpenAPI, ops `entity` and `batch`: https://docs.customer.io/files/journeys-track.json; TRACK-SPEC `person_operations`,
`object_operations`, `delivery_operations`), checked before anything is sent.

`operation_problems(op)` returns (wire path, what is wrong) pairs; the entity action maps
each path to its form field, the batch action prefixes the operation's index.
"""

from __future__ import annotations

import json
from typing import Any

from console.actions.numbers import ascii_digits

OP_LIMIT = 32 * 1024  # Track OpenAPI, "v2 API Limits": /entity request and each /batch operation
BATCH_LIMIT = 500 * 1024
ID_BYTES = 150
EVENT_NAME_BYTES = 100
MAX_UNIX_SECONDS = 99_999_999_999

PERSON_IDS = ("id", "email", "cio_id", "phone")
MERGE_IDS = ("id", "email", "cio_id")
DELIVERY_METRICS = ("opened", "converted", "delivered")
PLATFORMS = ("ios", "android")

_EVENT = ({"identifiers", "name"}, {"id", "timestamp", "attributes"})
_RELATIONSHIPS: tuple[set[str], set[str]] = ({"identifiers", "cio_relationships"}, set())
# (type, action) -> (required keys, other allowed keys); "type" and "action" are implied.
OPERATIONS: dict[tuple[str, str], tuple[set[str], set[str]]] = {
    ("person", "identify"): ({"identifiers"}, {"timestamp", "attributes", "cio_relationships"}),
    ("person", "delete"): ({"identifiers"}, set()),
    ("person", "suppress"): ({"identifiers"}, set()),
    ("person", "unsuppress"): ({"identifiers"}, set()),
    ("person", "event"): _EVENT,
    ("person", "screen"): _EVENT,
    ("person", "page"): _EVENT,
    ("person", "add_relationships"): _RELATIONSHIPS,
    ("person", "delete_relationships"): _RELATIONSHIPS,
    ("person", "add_device"): ({"identifiers", "device"}, set()),
    ("person", "delete_device"): ({"identifiers", "device"}, set()),
    ("person", "merge"): ({"primary", "secondary"}, set()),
    ("object", "identify"): ({"identifiers"}, {"attributes", "cio_relationships"}),
    ("object", "identify_anonymous"): ({"identifiers"}, {"attributes", "cio_relationships"}),
    ("object", "delete"): ({"identifiers"}, set()),
    ("object", "add_relationships"): _RELATIONSHIPS,
    ("object", "delete_relationships"): _RELATIONSHIPS,
    ("delivery", "event"): ({"identifiers", "name", "attributes"}, set()),
}
TYPES = ("person", "object", "delivery")
ACTIONS = tuple(dict.fromkeys(action for _, action in OPERATIONS))
# Operations that delete or block data: a protected environment asks for confirmation.
DESTRUCTIVE = {
    ("person", "delete"),
    ("person", "suppress"),
    ("person", "merge"),
    ("person", "delete_device"),
    ("person", "delete_relationships"),
    ("object", "delete"),
    ("object", "delete_relationships"),
}

Problem = tuple[str, str]  # (wire path inside the operation, what is wrong)


def compact_size(value: Any) -> int:
    return len(json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))


def summary(op: Any) -> str:
    """'person event purchased {"id": "u1"}': enough to find the operation in a list."""
    if not isinstance(op, dict):
        return f"not an object: {json.dumps(op)[:60]}"
    parts = [str(op.get("type", "?")), str(op.get("action", "?"))]
    if isinstance(op.get("name"), str):
        parts.append(op["name"])
    who = op.get("identifiers") if "identifiers" in op else op.get("primary")
    if who is not None:
        parts.append(json.dumps(who, ensure_ascii=False)[:80])
    return " ".join(parts)


def is_destructive(op: Any) -> bool:
    return isinstance(op, dict) and (op.get("type"), op.get("action")) in DESTRUCTIVE


def _text_value(value: Any) -> str | None:
    if isinstance(value, str) and value.strip():
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return None


def _one_of(value: Any, path: str, keys: tuple[str, ...]) -> list[Problem]:
    example = '{"id": "user_1001"}'
    if not isinstance(value, dict):
        return [(path, f"must be a JSON object with one of {', '.join(keys)}, e.g. {example}")]
    if len(value) != 1 or next(iter(value)) not in keys:
        got = ", ".join(value) or "nothing"
        return [(path, f"must have exactly one of {', '.join(keys)} (got {got}), e.g. {example}")]
    key, raw = next(iter(value.items()))
    text = _text_value(raw)
    if text is None:
        return [(f"{path}.{key}", "must be a non-empty string")]
    if key == "email" and "@" not in text:
        return [(f"{path}.email", f"{text!r} is not an email address")]
    if key == "id" and len(text.encode()) > ID_BYTES:
        return [(f"{path}.id", f"is {len(text.encode())} bytes; the limit is {ID_BYTES}")]
    if key == "phone" and not (text.startswith("+") and ascii_digits(text[1:])):
        return [(f"{path}.phone", "must be in E.164 form, e.g. +15551234567")]
    return []


def _object_identifiers(value: Any, path: str) -> list[Problem]:
    example = '{"object_type_id": "1", "object_id": "acme"} or {"cio_object_id": "..."}'
    if not isinstance(value, dict):
        return [(path, f"must be a JSON object: {example}")]
    if set(value) == {"cio_object_id"} and _text_value(value["cio_object_id"]):
        return []
    if set(value) != {"object_type_id", "object_id"}:
        return [(path, f"must be {example} (got {', '.join(value) or 'nothing'})")]
    problems = []
    type_id = value["object_type_id"]
    if not (isinstance(type_id, str) and ascii_digits(type_id)):
        problems.append((f"{path}.object_type_id", f'must be a number as a string, e.g. "1" (got {type_id!r})'))
    if _text_value(value["object_id"]) is None:
        problems.append((f"{path}.object_id", "must be a non-empty string"))
    return problems


def _identifiers(op: dict[str, Any], kind: str) -> list[Problem]:
    value = op["identifiers"]
    if kind == "person":
        return _one_of(value, "identifiers", PERSON_IDS)
    if kind == "object":
        return _object_identifiers(value, "identifiers")
    return _one_of(value, "identifiers", ("id",))  # a delivery: {"id": <delivery_id>}


def _device(device: Any, action: str) -> list[Problem]:
    if not isinstance(device, dict):
        return [("device", 'must be a JSON object, e.g. {"token": "abc", "platform": "ios"}')]
    problems: list[Problem] = []
    if "id" in device and "token" not in device:
        problems.append(("device.id", "is v1's name: Track v2 calls the device token `token`, not `id`"))
    elif _text_value(device.get("token")) is None:
        problems.append(("device.token", f"is required for {action}"))
    if action == "add_device":
        if device.get("platform") is None:
            problems.append(("device.platform", f"is required for add_device: one of {', '.join(PLATFORMS)}"))
        elif device.get("platform") not in PLATFORMS:
            problems.append(
                ("device.platform", f"must be one of {', '.join(PLATFORMS)} (got {device.get('platform')!r})")
            )
        last_used = device.get("last_used")
        if last_used is not None:
            problems += _timestamp(last_used, "device.last_used")
        if device.get("attributes") is not None and not isinstance(device["attributes"], dict):
            problems.append(("device.attributes", "must be a JSON object"))
    return problems


def _timestamp(value: Any, path: str) -> list[Problem]:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        return [(path, f"must be Unix seconds, a whole number (got {value!r})")]
    if value > MAX_UNIX_SECONDS:
        return [(path, f"looks like milliseconds ({value}); use Unix seconds, e.g. {value // 1000}")]
    return []


def _relationships(value: Any) -> list[Problem]:
    example = '[{"identifiers": {"object_type_id": "1", "object_id": "acme"}}]'
    if not isinstance(value, list) or not value:
        return [("cio_relationships", f"must be a non-empty JSON array, e.g. {example}")]
    problems = []
    for i, rel in enumerate(value):
        if not isinstance(rel, dict) or not isinstance(rel.get("identifiers"), dict):
            problems.append((f"cio_relationships[{i}]", f"needs an identifiers object, e.g. {example}"))
        elif rel.get("relationship_attributes") is not None and not isinstance(rel["relationship_attributes"], dict):
            problems.append((f"cio_relationships[{i}].relationship_attributes", "must be a JSON object"))
    return problems


def _name(op: dict[str, Any], kind: str) -> list[Problem]:
    name = op["name"]
    if kind == "delivery":
        if name not in DELIVERY_METRICS:
            return [("name", f"must be one of {', '.join(DELIVERY_METRICS)} for a delivery event (got {name!r})")]
        return []
    if not (isinstance(name, str) and name.strip()):
        return [("name", 'must be a non-empty string, e.g. "purchased"')]
    if len(name.encode()) > EVENT_NAME_BYTES:
        return [("name", f"is {len(name.encode())} bytes; the limit is {EVENT_NAME_BYTES}")]
    return []


def operation_problems(op: Any) -> list[Problem]:
    """Everything wrong with one operation object; [] when it has the right shape."""
    if not isinstance(op, dict):
        return [
            (
                "",
                'must be a JSON object, e.g. {"type": "person", "action": "identify", '
                '"identifiers": {"id": "user_1001"}}',
            )
        ]
    kind, action = op.get("type"), op.get("action")
    if kind not in TYPES:
        return [("type", f"must be one of {', '.join(TYPES)} (got {kind!r})")]
    actions = [a for (t, a) in OPERATIONS if t == kind]
    if action not in actions:
        return [("action", f"must be one of {', '.join(actions)} for type {kind} (got {action!r})")]
    required, optional = OPERATIONS[(kind, action)]
    label = f"{kind} {action}"
    problems: list[Problem] = []
    for key in sorted(required):
        if op.get(key) is None:
            problems.append((key, f"is required for {label}"))
    for key in op:
        if key not in required | optional | {"type", "action"}:
            problems.append((key, f"is not used by {label}; leave it out"))

    def present(key: str) -> bool:
        return op.get(key) is not None

    if present("identifiers") and "identifiers" in required:
        problems += _identifiers(op, kind)
    for side in ("primary", "secondary"):
        if present(side) and action == "merge":
            problems += _one_of(op[side], side, MERGE_IDS)
    if action == "merge" and present("primary") and op.get("primary") == op.get("secondary"):
        problems.append(("secondary", "is the same person as primary; merging would delete them"))
    if present("name") and "name" in required:
        problems += _name(op, kind)
    if present("device") and "device" in required:
        problems += _device(op["device"], action)
    if present("timestamp") and "timestamp" in optional:
        problems += _timestamp(op["timestamp"], "timestamp")
    if present("id") and "id" in optional and not isinstance(op["id"], str):
        problems.append(("id", "must be a string (a ULID)"))
    if present("attributes") and "attributes" in required | optional:
        if not isinstance(op["attributes"], dict):
            problems.append(("attributes", "must be a JSON object"))
        elif kind == "delivery" and _text_value(op["attributes"].get("device_token")) is None:
            problems.append(("attributes.device_token", "is required for a delivery event"))
    if present("cio_relationships") and "cio_relationships" in required | optional:
        problems += _relationships(op["cio_relationships"])
    size = compact_size(op)
    if size > OP_LIMIT:
        problems.append(("", f"is {size} bytes; an operation may be at most {OP_LIMIT} bytes (32 KB)"))
    return problems
