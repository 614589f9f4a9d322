"""Pipelines (CDP) API (Pipelines OpenAPI: https://docs.customer.io/files/pipelines.json): identify, track, page, screen, group, alias, batch.

Without ``X-Strict-Mode: 1`` every call answers 200, and calls that are invalid are
quietly not applied (the request log says why); with it, invalid calls get 400.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from . import people
from .checks import CDP_BATCH_LIMIT, CDP_CALL_LIMIT, as_identifier_value, json_size
from .errors import cdp_error
from .messages import ApiRequest, ApiResponse, ok
from .routing import route

if TYPE_CHECKING:
    from .sandbox import Sandbox

CALLS = ("identify", "track", "page", "screen", "group", "alias")
SEMANTIC = ("User Deleted", "User Suppressed", "User Unsuppressed", "Device Created or Updated", "Device Deleted")


def parse_time(value: Any) -> int | None:
    if not isinstance(value, str):
        return None
    try:
        return int(datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp())
    except ValueError:
        return None


def _user(msg: dict[str, Any]) -> str | None:
    value = as_identifier_value(msg.get("userId"))
    return value or None


def _anon(msg: dict[str, Any]) -> str | None:
    value = as_identifier_value(msg.get("anonymousId"))
    return value or None


def validate(kind: str, msg: Any, at: str = "") -> list[str]:
    """Problems with one call; ``at`` prefixes field paths inside a batch (``batch[2].``)."""
    if not isinstance(msg, dict):
        return [f"{at.rstrip('.') or 'body'}: must be a JSON object"]
    problems: list[str] = []
    # `type` is set by the endpoint; a different one means the call went to the wrong place.
    if msg.get("type") is not None and msg["type"] != kind:
        problems.append(f"{at}type: is {msg['type']!r}, but this is a {kind} call")
    for key in ("userId", "anonymousId", "previousId", "groupId"):
        if msg.get(key) is not None and as_identifier_value(msg[key]) is None:
            problems.append(f"{at}{key}: must be a string")
    for key in ("traits", "properties", "context", "integrations"):
        if msg.get(key) is not None and not isinstance(msg[key], dict):
            problems.append(f"{at}{key}: must be an object")
    for key in ("timestamp", "sentAt"):
        if msg.get(key) is not None and parse_time(msg[key]) is None:
            problems.append(f"{at}{key}: must be an ISO-8601 date-time string")
    if problems:
        return problems
    who = _user(msg) or _anon(msg)
    if (kind == "identify" and not who and not (msg.get("traits") or {}).get("email")) or (
        kind in ("track", "page", "screen", "group") and not who
    ):
        problems.append(f"{at}userId: one of userId, anonymousId is required")
    if kind == "track":
        if not isinstance(msg.get("event"), str) or not msg["event"].strip():
            problems.append(f"{at}event: is required")
        elif msg["event"] == "Device Created or Updated":
            device = (msg.get("context") or {}).get("device") or {}
            if not device.get("token"):
                problems.append(f"{at}context.device.token: is required for Device Created or Updated")
    if kind == "group" and not as_identifier_value(msg.get("groupId")):
        problems.append(f"{at}groupId: is required")
    if kind == "alias":
        for key in ("previousId", "userId"):
            if not as_identifier_value(msg.get(key)):
                problems.append(f"{at}{key}: is required")
    return problems


def apply(sb: Sandbox, kind: str, msg: dict[str, Any]) -> str | None:
    ws, now = sb.state, sb.now()
    user, anon = _user(msg), _anon(msg)
    if kind == "identify":
        traits = dict(msg.get("traits") or {})
        if not user and not traits.get("email"):
            return "ignored: an anonymous identify creates no person"
        kind_, value = ("id", user) if user else ("email", traits.pop("email"))
        if anon:
            traits.setdefault("anonymous_id", anon)
        return people.identify(ws, kind_, value, traits, now)
    if kind == "alias":
        return _alias(sb, str(msg["previousId"]), user or "", now)
    if kind == "group":
        return _group(sb, msg, user, now)
    if kind == "track" and msg["event"] in SEMANTIC:
        return _semantic(sb, msg, user, now)
    person = None
    if user:
        person, note = people.ensure_person(ws, "id", user, now)
        if person is None:
            return note
    name = (
        msg.get("event") if kind == "track" else (msg.get("name") or (msg.get("properties") or {}).get("url") or kind)
    )
    event = {
        "name": name,
        "data": msg.get("properties") or {},
        "timestamp": parse_time(msg.get("timestamp")),
        "id": msg.get("messageId") if isinstance(msg.get("messageId"), str) else None,
        "type": "event" if kind == "track" else kind,
    }
    return people.record_event(ws, person, event, now, "cdp", None if person else anon)


def _semantic(sb: Sandbox, msg: dict[str, Any], user: str | None, now: int) -> str | None:
    """Deletes, suppressions and devices travel as named track events (Pipelines OpenAPI)."""
    event, ws = msg["event"], sb.state
    if not user:
        return f"ignored: {event} needs a userId"
    if event == "User Suppressed":
        return people.suppress(ws, "id", user, now)
    if event == "User Unsuppressed":
        return people.unsuppress(ws, "id", user)
    if event == "Device Created or Updated":
        person, note = people.ensure_person(ws, "id", user, now)
        if person is None:
            return note
        device = msg["context"]["device"]
        platform = device.get("type") if device.get("type") in ("ios", "android") else "ios"
        people.upsert_device(ws, person, str(device["token"]), platform, None, msg.get("properties"), now)
        return None
    person = ws.by_id(user)
    if person is None:
        return "ignored: no such person"
    if event == "User Deleted":
        ws.remove_person(person)
    else:  # Device Deleted
        token = ((msg.get("context") or {}).get("device") or {}).get("token")
        people.remove_device(ws, person, str(token), now)
    return None


def _group(sb: Sandbox, msg: dict[str, Any], user: str | None, now: int) -> str | None:
    traits = dict(msg.get("traits") or {})
    type_id = str(traits.pop("object_type_id", "1"))
    rel_attrs = traits.pop("relationshipAttributes", None)
    group_id = str(msg["groupId"])
    obj = sb.state.objects.setdefault(
        f"{type_id}:{group_id}",
        {"object_type_id": type_id, "object_id": group_id, "attributes": {}, "relationships": []},
    )
    obj["attributes"].update(traits)
    if not user:
        return None
    person, note = people.ensure_person(sb.state, "id", user, now)
    if person is None:
        return note
    people.apply_relationships(
        sb.state,
        person,
        "add_relationships",
        [
            {
                "identifiers": {"object_type_id": type_id, "object_id": group_id},
                "relationship_attributes": rel_attrs if isinstance(rel_attrs, dict) else {},
            }
        ],
        now,
    )
    if {"id": user} not in obj["relationships"]:
        obj["relationships"].append({"id": user})
    return None


def _alias(sb: Sandbox, previous: str, user: str, now: int) -> str | None:
    ws = sb.state
    ws.aliases.append({"previousId": previous, "userId": user, "at": now})
    old, new = ws.by_id(previous), ws.by_id(user)
    if old is not None and new is None:
        ws.set_id(old, user)
        old.timestamps["id"] = now
        new = old
    elif old is not None and new is not None and old is not new:
        people.merge(ws, ("id", user), ("id", previous), now)
    if new is not None:
        people.link_anonymous_events(ws, new, previous)
    return None


def _reject(strict: bool, problems: list[str]) -> ApiResponse:
    message = "; ".join(problems)
    if strict:
        return cdp_error(400, "invalid_request", message)
    return ok(f"ignored: {message}")


def _parse(req: ApiRequest, limit: int) -> tuple[Any, list[str]]:
    parsed, body = req.json()
    if not parsed:
        return None, ["body: is not valid JSON"]
    if not isinstance(body, dict):
        return None, ["body: must be a JSON object"]
    if len(req.body) > limit:
        # The spec: oversize requests get 200 but are not processed (400 in strict mode here).
        return None, [f"body: is {len(req.body)} bytes; the limit is {limit}"]
    return body, []


def call(kind: str) -> Callable[[Sandbox, ApiRequest, bool], ApiResponse]:
    def handler(sb: Sandbox, req: ApiRequest, strict: bool) -> ApiResponse:
        body, problems = _parse(req, CDP_CALL_LIMIT)
        problems = problems or validate(kind, body)
        if problems:
            return _reject(strict, problems)
        return ok(apply(sb, kind, body))

    handler.__name__ = f"cdp_{kind}"
    return handler


def batch(sb: Sandbox, req: ApiRequest, strict: bool) -> ApiResponse:
    body, problems = _parse(req, CDP_BATCH_LIMIT)
    if not problems and not isinstance(body.get("batch"), list):
        problems = ["batch: is required and must be an array"]
    if problems:
        return _reject(strict, problems)
    shared = {k: body[k] for k in ("context", "integrations") if isinstance(body.get(k), dict)}
    checked: list[tuple[str, dict[str, Any], list[str]]] = []
    for index, item in enumerate(body["batch"]):
        at = f"batch[{index}]."
        kind = item.get("type") if isinstance(item, dict) else None
        if kind not in CALLS:
            checked.append(("", {}, [f"{at}type: must be one of {', '.join(CALLS)}"]))
            continue
        msg = {**shared, **item}
        item_problems = validate(kind, msg, at)
        if not item_problems and json_size(item) > CDP_CALL_LIMIT:
            item_problems = [f"{at[:-1]}: is {json_size(item)} bytes; the limit is {CDP_CALL_LIMIT}"]
        checked.append((kind, msg, item_problems))
    bad = [p for _, _, item_problems in checked for p in item_problems]
    if bad and strict:
        return _reject(True, bad)  # strict mode rejects the whole batch, applying nothing
    notes = [n for kind, msg, item_problems in checked if not item_problems if (n := apply(sb, kind, msg))]
    notes += [f"ignored: {p}" for p in bad]
    return ok("; ".join(notes) or None)


ROUTES = [route("POST", f"/v1/{kind}", call(kind)) for kind in CALLS] + [route("POST", "/v1/batch", batch)]
