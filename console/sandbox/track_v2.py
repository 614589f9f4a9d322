"""Track API v2 (Track OpenAPI, ops `entity` and `batch`: https://docs.customer.io/files/journeys-track.json): /api/v2/entity and /api/v2/batch with 207 partial failures."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import people
from .checks import (
    V2_BATCH_LIMIT,
    V2_OP_LIMIT,
    Problem,
    check_attributes,
    check_device,
    check_event,
    identifier_object,
    is_int,
    json_size,
    problem,
)
from .errors import v2_errors, v2_item
from .messages import ApiRequest, ApiResponse, ok
from .routing import route

if TYPE_CHECKING:
    from .sandbox import Sandbox

ACTIONS = {
    "person": (
        "identify",
        "delete",
        "event",
        "screen",
        "page",
        "add_device",
        "delete_device",
        "suppress",
        "unsuppress",
        "merge",
        "add_relationships",
        "delete_relationships",
    ),
    "object": ("identify", "identify_anonymous", "delete", "add_relationships", "delete_relationships"),
    "delivery": ("event",),
}
DELIVERY_METRICS = ("opened", "converted", "delivered", "clicked")


def _body(req: ApiRequest, limit: int) -> tuple[Any, list[Problem]]:
    parsed, body = req.json()
    if not parsed:
        return None, [problem("body", "is not valid JSON")]
    if not isinstance(body, dict):
        return None, [problem("body", "must be a JSON object")]
    if len(req.body) > limit:
        return None, [problem("body", f"is {len(req.body)} bytes; the limit is {limit}", "too_large")]
    return body, []


def validate(op: Any) -> list[Problem]:
    if not isinstance(op, dict):
        return [problem("operation", "must be a JSON object")]
    size = json_size(op)
    if size > V2_OP_LIMIT:
        return [problem("operation", f"is {size} bytes; the limit is {V2_OP_LIMIT}", "too_large")]
    kind, action = op.get("type"), op.get("action")
    if kind not in ACTIONS:
        return [problem("type", "must be one of person, object, delivery", "required" if kind is None else "invalid")]
    if action not in ACTIONS[kind]:
        return [
            problem(
                "action",
                f"must be one of {', '.join(ACTIONS[kind])} for type {kind}",
                "required" if action is None else "invalid",
            )
        ]
    if op.get("timestamp") is not None and not is_int(op["timestamp"]):
        return [problem("timestamp", "must be an integer unix timestamp")]
    return {"person": _person_problems, "object": _object_problems, "delivery": _delivery_problems}[kind](op, action)


def _person_problems(op: dict[str, Any], action: str) -> list[Problem]:
    if action == "merge":
        return [bad for side in ("primary", "secondary") if (bad := identifier_object(op.get(side), side)[1])]
    _, bad = identifier_object(op.get("identifiers"), "identifiers")
    if bad:
        return [bad]
    attributes = op.get("attributes")
    if attributes is not None and not isinstance(attributes, dict):
        return [problem("attributes", "must be an object")]
    if action == "identify":
        return check_attributes(attributes or {}, "attributes", "attributes")
    if action in ("event", "screen", "page"):
        return check_event(op, "name", "attributes", "attributes")
    if action == "add_device":
        return check_device(op.get("device"), "device", "token")
    if action == "delete_device":
        device = op.get("device")
        if not isinstance(device, dict) or not isinstance(device.get("token"), str) or not device["token"]:
            return [problem("device.token", "is required", "required")]
    if action in ("add_relationships", "delete_relationships") and not isinstance(op.get("cio_relationships"), list):
        return [problem("cio_relationships", "is required and must be an array", "required")]
    return []


def _object_key(identifiers: Any) -> str | None:
    if not isinstance(identifiers, dict):
        return None
    if isinstance(identifiers.get("cio_object_id"), str) and len(identifiers) == 1:
        return f"cio:{identifiers['cio_object_id']}"
    type_id, object_id = identifiers.get("object_type_id"), identifiers.get("object_id")
    if isinstance(type_id, (str, int)) and isinstance(object_id, (str, int)) and len(identifiers) == 2:
        return f"{type_id}:{object_id}"
    return None


def _object_problems(op: dict[str, Any], action: str) -> list[Problem]:
    if _object_key(op.get("identifiers")) is None:
        return [problem("identifiers", "must be {object_type_id, object_id} or {cio_object_id}")]
    attributes = op.get("attributes")
    if attributes is not None and not isinstance(attributes, dict):
        return [problem("attributes", "must be an object")]
    return check_attributes(attributes or {}, "attributes", "attributes")


def _delivery_problems(op: dict[str, Any], action: str) -> list[Problem]:
    identifiers = op.get("identifiers")
    if not isinstance(identifiers, dict) or not isinstance(identifiers.get("id"), str):
        return [problem("identifiers.id", "is required (the delivery id)", "required")]
    if op.get("name") not in DELIVERY_METRICS:
        return [problem("name", f"must be one of {', '.join(DELIVERY_METRICS)}")]
    return []


def apply(sb: Sandbox, op: dict[str, Any]) -> str | None:
    kind, action = op["type"], op["action"]
    if kind == "object":
        return _apply_object(sb, op, action)
    if kind == "delivery":
        for d in sb.state.all_deliveries():
            if d.delivery_id == op["identifiers"]["id"]:
                d.metrics.append(
                    {
                        "name": op["name"],
                        "timestamp": op.get("timestamp") or sb.now(),
                        "attributes": dict(op.get("attributes") or {}),
                    }
                )
                return None
        return "ignored: no such delivery"
    return _apply_person(sb, op, action)


def _apply_person(sb: Sandbox, op: dict[str, Any], action: str) -> str | None:
    ws, now = sb.state, sb.now()
    if action == "merge":
        ref = [next(iter(op[s].items())) for s in ("primary", "secondary")]
        return people.merge(ws, (ref[0][0], str(ref[0][1])), (ref[1][0], str(ref[1][1])), now)
    kind, value = next(iter(op["identifiers"].items()))
    value = str(value)
    attributes = dict(op.get("attributes") or {})
    if action == "identify":
        if is_int(op.get("timestamp")):
            attributes.setdefault("_timestamp", op["timestamp"])
        if isinstance(op.get("cio_relationships"), list):
            attributes["cio_relationships"] = {"action": "add_relationships", "relationships": op["cio_relationships"]}
        return people.identify(ws, kind, value, attributes, now)
    if action == "suppress":
        return people.suppress(ws, kind, value, now)
    if action == "unsuppress":
        return people.unsuppress(ws, kind, value)
    if action in ("event", "screen", "page", "add_device"):
        person, note = people.ensure_person(ws, kind, value, now)
        if person is None:
            return note
        if action == "add_device":
            d = op["device"]
            people.upsert_device(ws, person, d["token"], d["platform"], d.get("last_used"), d.get("attributes"), now)
            return None
        event = {
            "name": op["name"],
            "data": attributes,
            "timestamp": op.get("timestamp"),
            "id": op.get("id"),
            "type": action if action != "event" else "event",
        }
        return people.record_event(ws, person, event, now, "track_v2")
    person = ws.find(kind, value)
    if person is None:
        return "ignored: no such person"
    if action == "delete":
        ws.remove_person(person)
    elif action == "delete_device":
        people.remove_device(ws, person, op["device"]["token"], now)
    else:
        people.apply_relationships(ws, person, action, op["cio_relationships"], now)
    return None


def _apply_object(sb: Sandbox, op: dict[str, Any], action: str) -> str | None:
    key = _object_key(op["identifiers"])
    assert key is not None  # the operation passed _object_problems first
    objects = sb.state.objects
    if action == "delete":
        return None if objects.pop(key, None) is not None else "ignored: no such object"
    obj = objects.setdefault(
        key,
        {
            "object_type_id": str(op["identifiers"].get("object_type_id", "")),
            "object_id": str(op["identifiers"].get("object_id", key)),
            "attributes": {},
            "relationships": [],
        },
    )
    for name, value in (op.get("attributes") or {}).items():
        if value is None or value == "":
            obj["attributes"].pop(name, None)
        else:
            obj["attributes"][name] = value
    relationships = op.get("cio_relationships")
    if isinstance(relationships, list):
        for rel in relationships:
            ident = rel.get("identifiers") if isinstance(rel, dict) else None
            if not isinstance(ident, dict):
                continue
            if ident in obj["relationships"]:
                obj["relationships"].remove(ident)
            if action != "delete_relationships":
                obj["relationships"].append(dict(ident))
    return None


def entity(sb: Sandbox, req: ApiRequest) -> ApiResponse:
    body, problems = _body(req, V2_OP_LIMIT)
    problems = problems or validate(body)
    if problems:
        return v2_errors(problems)
    return ok(apply(sb, body))


def batch(sb: Sandbox, req: ApiRequest) -> ApiResponse:
    body, problems = _body(req, V2_BATCH_LIMIT)
    if not problems and not isinstance(body.get("batch"), list):
        problems = [problem("batch", "is required and must be an array of operations", "required")]
    if problems:
        return v2_errors(problems)
    errors: list[dict[str, Any]] = []
    notes: list[str] = []
    for index, op in enumerate(body["batch"]):
        failed = validate(op)
        if failed:
            errors += [{"batch_index": index, **v2_item(p)} for p in failed]
            continue
        note = apply(sb, op)
        if note:
            notes.append(f"[{index}] {note}")
    note = "; ".join(notes) or None
    if errors:
        # Valid operations are applied; the invalid ones are reported by position.
        return ApiResponse(207, {"errors": errors}, note=note)
    return ok(note)


ROUTES = [
    route("POST", "/api/v2/entity", entity),
    route("POST", "/api/v2/batch", batch),
]
