"""Size limits (Track OpenAPI "Customer limits" and "v2 API Limits", the Pipelines OpenAPI, the App API reference's sending limits) and the field checks shared by the three APIs.

Every problem message starts with the wire field path and a colon, so whatever
shape an API wraps it in, the client can show which field is at fault.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

ID_LIMIT = 150
ATTR_NAME_LIMIT = 150
ATTR_VALUE_LIMIT = 1000
ATTR_COUNT_LIMIT = 300
EVENT_NAME_LIMIT = 100
EVENT_DATA_LIMIT = 100_000
V2_OP_LIMIT = 32 * 1024
V2_BATCH_LIMIT = 500 * 1024
CDP_CALL_LIMIT = 32 * 1024
CDP_BATCH_LIMIT = 500 * 1024
SEND_PAYLOAD_LIMIT = 1024 * 1024  # excluding attachments
ATTACHMENTS_LIMIT = 2 * 1024 * 1024
RECIPIENT_LIMIT = 15
SEND_AT_HORIZON = 90 * 24 * 3600
PLATFORMS = ("ios", "android")

# Keys on an identify body that steer the call rather than being stored as attributes.
CONTROL_KEYS = frozenset({"_update", "_timestamp", "cio_relationships"})


@dataclass
class Problem:
    field: str
    message: str  # already starts with "<field>: "
    reason: str = "invalid"


def problem(field: str, text: str, reason: str = "invalid") -> Problem:
    return Problem(field, f"{field}: {text}", reason)


def nbytes(text: str) -> int:
    return len(text.encode("utf-8"))


def json_size(value: Any) -> int:
    # Limits on structured values are measured on their compact JSON encoding.
    return len(json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8"))


def value_size(value: Any) -> int:
    return nbytes(value) if isinstance(value, str) else json_size(value)


def join(field: str, key: str) -> str:
    return f"{field}.{key}" if field else key


def is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def canonical_id(text: str) -> int | None:
    """The integer id a path segment or a reference spells canonically ("12"), else None:
    "0012" or " 12" is a name (a trigger name), not id 12."""
    return int(text) if re.fullmatch(r"0|[1-9][0-9]*", text) else None


def check_limit(field: str, value: str, limit: int) -> Problem | None:
    size = nbytes(value)
    if size > limit:
        return problem(field, f"is {size} bytes; the limit is {limit}", "too_long")
    return None


def as_identifier_value(value: Any) -> str | None:
    """Identifier values are strings; clients commonly send integer ids too."""
    if isinstance(value, str):
        return value
    if is_int(value):
        return str(value)
    return None


def identifier_object(
    value: Any, field: str, kinds: tuple[str, ...] = ("id", "email", "cio_id")
) -> tuple[tuple[str, str] | None, Problem | None]:
    """Validate an identifiers object holding exactly one of ``kinds``."""
    wanted = ", ".join(kinds)
    if value is None:
        return None, problem(field, "is required", "required")
    if not isinstance(value, dict) or len(value) != 1 or next(iter(value)) not in kinds:
        if isinstance(value, dict) and len(value) == 1 and next(iter(value)) == "phone":
            # Phone identifiers are opt-in per workspace; the sandbox workspace has them off.
            return None, problem(f"{field}.phone", "phone is not enabled as an identifier in this workspace")
        return None, problem(field, f"must have exactly one of {wanted}")
    kind, raw = next(iter(value.items()))
    text = as_identifier_value(raw)
    if text is None or not text.strip():
        return None, problem(f"{field}.{kind}", "must be a non-empty string")
    if kind == "id":
        too_long = check_limit(f"{field}.id", text, ID_LIMIT)
        if too_long:
            return None, too_long
    return (kind, text), None


def check_attributes(attrs: dict[str, Any], field: str, count_field: str) -> list[Problem]:
    """Attribute name/value sizes and the per-call count (Track OpenAPI, "Customer limits")."""
    problems: list[Problem] = []
    counted = [k for k in attrs if k not in CONTROL_KEYS]
    if len(counted) > ATTR_COUNT_LIMIT:
        problems.append(
            problem(count_field, f"has {len(counted)} attributes; the limit is {ATTR_COUNT_LIMIT}", "too_many")
        )
    for name, value in attrs.items():
        path = join(field, name)
        if nbytes(name) > ATTR_NAME_LIMIT:
            problems.append(
                problem(path, f"attribute name is {nbytes(name)} bytes; the limit is {ATTR_NAME_LIMIT}", "too_long")
            )
            continue
        if name in ("id", "email"):
            text = as_identifier_value(value) if name == "id" else value if isinstance(value, str) else None
            if value is not None and text is None:
                problems.append(problem(path, "must be a string"))
            elif name == "id" and text is not None:
                too_long = check_limit(path, text, ID_LIMIT)
                if too_long:
                    problems.append(too_long)
            continue
        if name == "_update" and not isinstance(value, bool):
            problems.append(problem(path, "must be a boolean"))
        elif name == "_timestamp" and not is_int(value):
            problems.append(problem(path, "must be an integer unix timestamp"))
        # Nested objects/arrays as values are UNCONFIRMED (the spec lists string, integer,
        # boolean): accepted, and measured by their JSON encoding.
        elif name not in CONTROL_KEYS and value is not None and value_size(value) > ATTR_VALUE_LIMIT:
            problems.append(
                problem(path, f"value is {value_size(value)} bytes; the limit is {ATTR_VALUE_LIMIT}", "too_long")
            )
    return problems


def check_event(body: dict[str, Any], name_field: str, data_field: str, data_key: str) -> list[Problem]:
    """Event name and data checks shared by Track v1 and v2."""
    problems: list[Problem] = []
    name = body.get("name")
    if name is None or (isinstance(name, str) and not name.strip()):
        problems.append(problem(name_field, "is required", "required"))
    elif not isinstance(name, str):
        problems.append(problem(name_field, "must be a string"))
    else:
        size = nbytes(name.strip())
        if size > EVENT_NAME_LIMIT:
            problems.append(problem(name_field, f"is {size} bytes; the limit is {EVENT_NAME_LIMIT}", "too_long"))
    data = body.get(data_key)
    if data is not None:
        if not isinstance(data, dict):
            problems.append(problem(data_field, "must be an object"))
        elif json_size(data) > EVENT_DATA_LIMIT:
            problems.append(
                problem(data_field, f"is {json_size(data)} bytes; the limit is {EVENT_DATA_LIMIT}", "too_long")
            )
    timestamp = body.get("timestamp")
    if timestamp is not None and not is_int(timestamp):
        problems.append(problem("timestamp", "must be an integer unix timestamp"))
    if body.get("id") is not None and not isinstance(body.get("id"), str):
        problems.append(problem("id", "must be a string"))
    return problems


def check_device(device: Any, field: str, token_key: str) -> list[Problem]:
    if device is None:
        return [problem(field, "is required", "required")]
    if not isinstance(device, dict):
        return [problem(field, "must be an object")]
    problems: list[Problem] = []
    token = device.get(token_key)
    if token is None or token == "":
        problems.append(problem(f"{field}.{token_key}", "is required", "required"))
    elif not isinstance(token, str):
        problems.append(problem(f"{field}.{token_key}", "must be a string"))
    platform = device.get("platform")
    if platform is None:
        problems.append(problem(f"{field}.platform", f"is required; must be one of {', '.join(PLATFORMS)}", "required"))
    elif platform not in PLATFORMS:
        problems.append(problem(f"{field}.platform", f"must be one of {', '.join(PLATFORMS)}"))
    last_used = device.get("last_used")
    if last_used is not None and not is_int(last_used):
        problems.append(problem(f"{field}.last_used", "must be an integer unix timestamp"))
    attributes = device.get("attributes")
    if attributes is not None and not isinstance(attributes, dict):
        problems.append(problem(f"{field}.attributes", "must be an object"))
    return problems
