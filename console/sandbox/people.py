"""How people change: identify, events, devices, delete, suppress, merge.

Shared by Track v1, Track v2, Pipelines and the App sends, so that the same
identifier rules apply whichever API a change came through. Functions return a
short note when a call was accepted but (like the real API) quietly not applied;
the request log shows it.
"""

from __future__ import annotations

from typing import Any

from . import activities
from .checks import CONTROL_KEYS, as_identifier_value, is_int
from .state import Device, Event, Person, Suppression, Workspace

MERGE_EVENT_WINDOW = 30 * 24 * 3600


def path_identifier(raw: str) -> tuple[str, str]:
    """Track v1 infers the identifier type from its shape (Track OpenAPI, op `identify`)."""
    if raw.startswith("cio_"):
        return "cio_id", raw[4:]
    if "@" in raw:
        return "email", raw
    return "id", raw


def is_suppressed(ws: Workspace, kind: str, value: str) -> bool:
    for s in ws.suppressions:
        if kind == "id" and s.id == value:
            return True
        if kind == "email" and s.email is not None and s.email.lower() == value.lower():
            return True
        if kind == "cio_id" and s.cio_id is not None and s.cio_id in (value, value.removeprefix("cio_")):
            return True
    return False


def create_person(ws: Workspace, kind: str, value: str, now: int) -> Person:
    person = Person(cio_id=ws.new_cio_id(), created=now)
    person.timestamps["cio_id"] = now
    ws.add_person(person)
    if kind == "id":
        ws.set_id(person, value)
        person.timestamps["id"] = now
    elif kind == "email":
        ws.set_email(person, value)
        person.timestamps["email"] = now
    activities.record(ws, person, "profile_create", now, data={kind: value} if kind in ("id", "email") else {})
    return person


def ensure_person(ws: Workspace, kind: str, value: str, now: int) -> tuple[Person | None, str | None]:
    """The person an identifier names, created if missing (as event and send calls do)."""
    if is_suppressed(ws, kind, value):
        return None, f"ignored: {kind} {value!r} is suppressed"
    person = ws.find(kind, value)
    if person is not None:
        return person, None
    if kind == "cio_id":
        return None, f"ignored: no person with cio_id {value!r}"
    return create_person(ws, kind, value, now), None


def identify(ws: Workspace, kind: str, value: str, body: dict[str, Any], now: int) -> str | None:
    """Create or update a person from a Track identify body (Track OpenAPI, op `identify`)."""
    new_id = as_identifier_value(body.get("id"))
    new_email = body.get("email") if isinstance(body.get("email"), str) and body.get("email") else None
    stamp = body.get("_timestamp") if is_int(body.get("_timestamp")) else None
    for k, v in ((kind, value), ("id", new_id), ("email", new_email)):
        if v and is_suppressed(ws, k, v):
            return f"ignored: {k} {v!r} is suppressed"
    person = ws.find(kind, value)
    notes: list[str] = []
    if person is None and kind == "cio_id":
        return f"ignored: no person with cio_id {value!r}"
    if person is None:
        # The path is unknown but a body identifier may name someone: update them and
        # give them the path identifier (the spec's "reusing an email" tip).
        person = (ws.by_email(new_email) if new_email else None) or (ws.by_id(new_id) if new_id else None)
        if person is not None:
            notes += _assign(ws, person, kind, value, now, by_cio=False)
    if person is None:
        if body.get("_update") is True:
            return "ignored: _update is true and no person matched"
        person = create_person(ws, kind, value, now)
    before = activities.flat_attributes(person)
    if new_id is not None:
        notes += _assign(ws, person, "id", new_id, now, by_cio=kind == "cio_id")
    if new_email is not None:
        # Treated as if "Allow updates to email using ID" were on, so the demo can fix emails.
        notes += _assign(ws, person, "email", new_email, now, by_cio=True)
    _apply_attributes(ws, person, body, now, stamp)
    activities.record_changes(ws, person, before, now)
    return "; ".join(notes) or None


def _assign(ws: Workspace, person: Person, kind: str, value: str, now: int, by_cio: bool) -> list[str]:
    current = person.id if kind == "id" else person.email
    same = current is not None and (current == value if kind == "id" else current.lower() == value.lower())
    if same:
        return []
    other = ws.find(kind, value)
    if other is not None and other is not person:
        return [f"attribute update failure: {kind} {value!r} belongs to another person"]
    if current is not None and not by_cio:
        return [f"attribute update failure: changing {kind} needs the person addressed as cio_<cio_id>"]
    (ws.set_id if kind == "id" else ws.set_email)(person, value)
    person.timestamps[kind] = now
    return []


def _apply_attributes(ws: Workspace, person: Person, body: dict[str, Any], now: int, stamp: int | None) -> None:
    for name, value in body.items():
        if name in CONTROL_KEYS or name in ("id", "email"):
            continue
        if name == "anonymous_id" and isinstance(value, str) and value:
            link_anonymous_events(ws, person, value)
        if name.startswith("cio_subscription_preferences.") and value is not None:
            _set_nested(person, name, value, now)
            continue
        if stamp is not None and person.timestamps.get(name, 0) > stamp:
            continue  # an older update arriving late must not win (the point of _timestamp)
        if value is None or value == "":
            # null or "" removes an attribute (as the spec says for objects and relationships).
            person.attributes.pop(name, None)
            person.timestamps.pop(name, None)
        else:
            person.attributes[name] = value
            person.timestamps[name] = stamp if stamp is not None else now
    relationships = body.get("cio_relationships")
    if isinstance(relationships, dict):
        apply_relationships(ws, person, relationships.get("action"), relationships.get("relationships"), now)


def _set_nested(person: Person, dotted: str, value: Any, now: int) -> None:
    top, *rest = dotted.split(".")
    node = person.attributes.get(top)
    if not isinstance(node, dict):
        node = {}
        person.attributes[top] = node
    for key in rest[:-1]:
        child = node.get(key)
        if not isinstance(child, dict):
            child = node[key] = {}
        node = child
    node[rest[-1]] = value
    person.timestamps[top] = now


def apply_relationships(ws: Workspace, person: Person, action: Any, relationships: Any, now: int) -> None:
    if not isinstance(relationships, list):
        return
    for rel in relationships:
        if not isinstance(rel, dict) or not isinstance(rel.get("identifiers"), dict):
            continue
        key = rel["identifiers"]
        had = any(r.get("identifiers") == key for r in person.relationships)
        person.relationships = [r for r in person.relationships if r.get("identifiers") != key]
        if action != "delete_relationships":
            person.relationships.append(
                {"identifiers": dict(key), "relationship_attributes": dict(rel.get("relationship_attributes") or {})}
            )
            activities.record(ws, person, "add_relationship", now, data={"identifiers": dict(key)})
        elif had:
            activities.record(ws, person, "delete_relationship", now, data={"identifiers": dict(key)})


def link_anonymous_events(ws: Workspace, person: Person, anonymous_id: str) -> None:
    linked = [e for e in ws.events if e.cio_id is None and e.anonymous_id == anonymous_id]
    for event in linked:
        event.cio_id = person.cio_id
        activities.record(
            ws,
            person,
            event.type if event.type in ("event", "page", "screen") else "event",
            event.timestamp,
            name=event.name,
            data=event.data,
        )
    if linked:
        activities.record(ws, person, "anon_merge", linked[-1].received_at, data={"anonymous_id": anonymous_id})


def record_event(
    ws: Workspace, person: Person | None, body: dict[str, Any], now: int, source: str, anonymous_id: str | None = None
) -> str | None:
    event_id = body.get("id") if isinstance(body.get("id"), str) else None
    owner = person.cio_id if person else None
    if event_id and any(e.id == event_id and e.cio_id == owner for e in ws.events):
        return f"ignored: duplicate event id {event_id!r}"
    if person is None and anonymous_id:
        for p in ws.people.values():
            if p.attributes.get("anonymous_id") == anonymous_id:
                owner = p.cio_id
                break
    data = dict(body["data"]) if isinstance(body.get("data"), dict) else {}
    event_type = body.get("type") or "event"
    name = str(body.get("name", "")).strip()
    timestamp = body["timestamp"] if is_int(body.get("timestamp")) else now
    owner_person = ws.people.get(owner) if owner else None
    activities.record(
        ws,
        owner_person,
        event_type if event_type in ("event", "page", "screen") else "event",
        timestamp,
        name=name,
        data=data,
    )
    ws.events.append(
        Event(
            seq=ws.new_event_seq(),
            name=name,
            type=event_type,
            data=data,
            timestamp=timestamp,
            received_at=now,
            cio_id=owner,
            anonymous_id=anonymous_id,
            id=event_id,
            source=source,
        )
    )
    return None


def upsert_device(
    ws: Workspace, person: Person, token: str, platform: str, last_used: Any, attributes: Any, now: int
) -> None:
    device = person.devices.get(token)
    activities.record(
        ws,
        person,
        "device_change",
        now,
        data={"action": "updated" if device else "added", "device_id": token, "platform": platform},
    )
    merged = dict(device.attributes) if device else {}
    if isinstance(attributes, dict):
        merged.update(attributes)
    person.devices[token] = Device(
        id=token,
        platform=platform,
        # The spec: without last_used the time of the request is used.
        last_used=last_used if is_int(last_used) else now,
        attributes=merged,
    )


def remove_device(ws: Workspace, person: Person, token: str, now: int) -> bool:
    device = person.devices.pop(token, None)
    if device is None:
        return False
    activities.record(
        ws, person, "device_change", now, data={"action": "removed", "device_id": token, "platform": device.platform}
    )
    return True


def suppress(ws: Workspace, kind: str, value: str, now: int) -> str | None:
    person = ws.find(kind, value)
    if person is None:
        if kind == "cio_id":
            return f"ignored: no person with cio_id {value!r}"
        if not is_suppressed(ws, kind, value):
            ws.suppressions.append(
                Suppression(
                    id=value if kind == "id" else None,
                    email=value if kind == "email" else None,
                    cio_id=None,
                    suppressed_at=now,
                )
            )
        return None
    # Suppressing deletes the profile and blocks both of its identifiers.
    ws.suppressions.append(Suppression(id=person.id, email=person.email, cio_id=person.cio_id, suppressed_at=now))
    ws.remove_person(person)
    return None


def unsuppress(ws: Workspace, kind: str, value: str) -> str | None:
    before = len(ws.suppressions)
    ws.suppressions = [s for s in ws.suppressions if not _suppression_matches(s, kind, value)]
    return None if len(ws.suppressions) < before else f"ignored: {kind} {value!r} was not suppressed"


def _suppression_matches(s: Suppression, kind: str, value: str) -> bool:
    if kind == "id":
        return s.id == value
    if kind == "email":
        return s.email is not None and s.email.lower() == value.lower()
    return s.cio_id is not None and s.cio_id in (value, value.removeprefix("cio_"))


def merge(ws: Workspace, primary: tuple[str, str], secondary: tuple[str, str], now: int) -> str | None:
    """Merge secondary into primary (Track OpenAPI, op `merge`; merged fields per the spec's list)."""
    keep = ws.find(*primary)
    gone = ws.find(*secondary)
    record = {"primary": {primary[0]: primary[1]}, "secondary": {secondary[0]: secondary[1]}, "at": now}
    if keep is None or gone is None or keep is gone:
        reason = (
            "primary does not exist"
            if keep is None
            else ("secondary does not exist" if gone is None else "primary and secondary are the same person")
        )
        ws.merges.append({**record, "applied": False, "reason": reason})
        return f"ignored: {reason}"
    record.update(primary_cio_id=keep.cio_id, secondary_cio_id=gone.cio_id)
    # Only attributes that are unset or empty on the primary come across.
    for name, value in gone.attributes.items():
        if keep.attributes.get(name) in (None, ""):
            keep.attributes[name] = value
            keep.timestamps[name] = gone.timestamps.get(name, now)
    for token, device in gone.devices.items():
        keep.devices.setdefault(token, device)
    keep.manual_segments |= gone.manual_segments
    secondary_id, secondary_email = gone.id, gone.email
    for event in ws.events:
        if event.cio_id == gone.cio_id and event.timestamp >= now - MERGE_EVENT_WINDOW:
            event.cio_id = keep.cio_id
    for delivery in ws.all_deliveries():
        if delivery.cio_id == gone.cio_id:
            delivery.cio_id = keep.cio_id
    for activity in ws.activities:
        if activity.cio_id == gone.cio_id and activity.timestamp >= now - MERGE_EVENT_WINDOW:
            activity.cio_id = keep.cio_id
    ws.remove_person(gone)
    # The secondary's identifiers fill gaps on the primary, since the secondary is gone.
    if keep.id is None and secondary_id is not None:
        ws.set_id(keep, secondary_id)
        keep.timestamps["id"] = now
    if keep.email is None and secondary_email is not None:
        ws.set_email(keep, secondary_email)
        keep.timestamps["email"] = now
    activities.record(
        ws,
        keep,
        "profile_merge",
        now,
        data={"secondary": {"id": secondary_id, "email": secondary_email, "cio_id": gone.cio_id}},
    )
    ws.merges.append({**record, "applied": True})
    return None
