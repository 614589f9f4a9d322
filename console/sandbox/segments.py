"""Segment membership: manual lists, and dynamic rules evaluated on each read.

Dynamic rules use the App API's people-filter vocabulary (App API reference, People):
``{"and"|"or": [...]}``, ``{"not": rule}``, ``{"attribute": {"field", "operator": "eq"|"exists", "value"}}``.
Evaluating on read is what makes a segment read after an identify reflect it.
"""

from __future__ import annotations

import json
from typing import Any

from .state import Person, Segment, Workspace


def as_text(value: Any) -> str:
    """How the App API reports attribute values: everything as a string."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, (dict, list)):
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    return str(value)


def _field(person: Person, name: str) -> Any:
    if name in ("id", "email", "cio_id"):
        return getattr(person, name)
    if name == "unsubscribed":
        return person.unsubscribed
    return person.attributes.get(name)


def evaluate(rule: dict[str, Any] | None, person: Person) -> bool:
    if not rule:
        return False
    if "and" in rule:
        return all(evaluate(r, person) for r in rule["and"])
    if "or" in rule:
        return any(evaluate(r, person) for r in rule["or"])
    if "not" in rule:
        return not evaluate(rule["not"], person)
    cond = rule.get("attribute")
    if not isinstance(cond, dict):
        return False
    value = _field(person, str(cond.get("field", "")))
    if cond.get("operator") == "exists":
        return value not in (None, "")
    return value is not None and as_text(value) == as_text(cond.get("value"))


def is_member(segment: Segment, person: Person) -> bool:
    if segment.type == "manual":
        return segment.id in person.manual_segments
    return evaluate(segment.rule, person)


def segments_of(ws: Workspace, person: Person) -> list[Segment]:
    return [s for s in ws.segments.values() if is_member(s, person)]


def members(ws: Workspace, segment: Segment) -> list[Person]:
    return [p for p in ws.people.values() if is_member(segment, p)]
