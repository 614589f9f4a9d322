"""A person as the App API describes them (App API reference, People: https://docs.customer.io/api/app/), ready to show and edit.

Built from `GET /v1/customers/{id}/attributes` and `GET /v1/customers/{id}/segments`.
The App API stores and returns attribute values as strings ("Attributes are all stored
as strings", APP-SPEC `getPersonAttributes`), so comparisons go through `stored_text`:
`30` and `"30"` are the same stored value.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

from console.actions.numbers import whole_number

IDENTIFIER_NAMES = ("id", "email", "cio_id")
ID_TYPES = IDENTIFIER_NAMES
PREFERENCES_ATTRIBUTE = "cio_subscription_preferences"
PREFERENCES_PREFIX = PREFERENCES_ATTRIBUTE + "."


class _Missing:
    """Marks an attribute that is not on the profile (distinct from a stored value)."""

    def __repr__(self) -> str:
        return "MISSING"

    def __bool__(self) -> bool:
        return False


MISSING: Any = _Missing()


def stored_text(value: Any) -> str:
    """The text Customer.io stores for a value sent in an identify call."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    if value is None:
        return ""
    return json.dumps(value)


def same_stored(read: Any, wanted: Any) -> bool:
    """Whether a value read back equals the value that was sent, as Customer.io stores it."""
    if read is MISSING or wanted is MISSING:
        return read is wanted
    if stored_text(read) == stored_text(wanted):
        return True
    if isinstance(read, str) and isinstance(wanted, (dict, list, float)):
        # Objects come back as JSON text whose spacing and key order we do not control.
        try:
            return bool(json.loads(read) == wanted)
        except ValueError:
            return False
    return False


def show_value(value: Any) -> str:
    """A value as a person reads it in a diff: strings quoted, numbers bare."""
    if value is MISSING:
        return "(not set)"
    return json.dumps(value, ensure_ascii=False)


@dataclass(frozen=True)
class PersonMatch:
    """One result of `GET /v1/customers?email=`: enough to pick a person."""

    cio_id: str
    id: str | None = None
    email: str | None = None

    @property
    def label(self) -> str:
        parts = [f"cio_id {self.cio_id}"]
        if self.id is not None:
            parts.append(f"id {self.id}")
        if self.email is not None:
            parts.append(f"email {self.email}")
        return ", ".join(parts)


@dataclass(frozen=True)
class Attribute:
    name: str
    value: Any
    set_at: int | None  # Unix seconds the attribute was last set, when the API says


@dataclass(frozen=True)
class Device:
    id: str
    platform: str | None = None
    last_used: int | None = None
    attributes: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Segment:
    id: int | str
    name: str = ""
    description: str = ""


@dataclass
class Profile:
    cio_id: str
    id: str | None = None
    email: str | None = None
    attributes: dict[str, Any] = field(default_factory=dict)  # identifiers excluded
    timestamps: dict[str, int] = field(default_factory=dict)
    unsubscribed: bool = False
    devices: list[Device] = field(default_factory=list)
    segments: list[Segment] = field(default_factory=list)
    # Set when the segments read failed; the profile is still shown without them.
    segments_problem: str | None = None

    @property
    def identifiers(self) -> dict[str, str | None]:
        return {"id": self.id, "email": self.email, "cio_id": self.cio_id}

    @property
    def track_identifier(self) -> str:
        """How Track v1 paths name this person unambiguously (Track OpenAPI, op `identify`)."""
        return f"cio_{self.cio_id}"

    @property
    def label(self) -> str:
        return PersonMatch(self.cio_id, self.id, self.email).label

    def current(self, name: str) -> Any:
        """The stored value of an attribute or identifier, or MISSING.

        A subscription topic is set with the literal dotted key
        `cio_subscription_preferences.topics.topic_<n>` but read back nested under
        `cio_subscription_preferences` (an object, or its JSON text): the dotted name reads
        the nested value, so a topic's diff and read-back compare like any attribute."""
        if name in IDENTIFIER_NAMES:
            value = self.identifiers[name]
            return MISSING if value is None else value
        if name in self.attributes or not name.startswith(PREFERENCES_PREFIX):
            return self.attributes.get(name, MISSING)
        return _nested(self.attributes.get(PREFERENCES_ATTRIBUTE, MISSING), name.split(".")[1:])

    def set_at(self, name: str) -> int | None:
        """When an attribute was last set (a dotted preference: its object's time)."""
        if name not in self.timestamps and name.startswith(PREFERENCES_PREFIX):
            return self.timestamps.get(PREFERENCES_ATTRIBUTE)
        return self.timestamps.get(name)

    def attribute_rows(self) -> list[Attribute]:
        """Every attribute with when it was last set, sorted by name."""
        return [Attribute(name, self.attributes[name], self.timestamps.get(name)) for name in sorted(self.attributes)]

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape `profile show --json` prints."""
        return {
            "identifiers": self.identifiers,
            "unsubscribed": self.unsubscribed,
            "attributes": {row.name: {"value": row.value, "set_at": row.set_at} for row in self.attribute_rows()},
            "devices": [asdict(d) for d in self.devices],
            "segments": [asdict(s) for s in self.segments],
            "segments_problem": self.segments_problem,
        }


def _nested(node: Any, path: list[str]) -> Any:
    for key in path:
        if isinstance(node, str):  # stored as text (App API attributes are strings)
            try:
                node = json.loads(node)
            except ValueError:
                return MISSING
        if not isinstance(node, dict) or key not in node:
            return MISSING
        node = node[key]
    return node


def _text_or_none(value: Any) -> str | None:
    if value is None or value == "":
        return None
    return str(value)


def int_or_none(value: Any) -> int | None:
    """An integer an API answer may carry as a number or its text; None for anything else."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        return whole_number(value.strip())
    return None


def matches_from_response(data: Any) -> list[PersonMatch]:
    """People from `GET /v1/customers?email=` (`{"results": [{id, email, cio_id}]}`)."""
    results = data.get("results") if isinstance(data, dict) else None
    out = []
    for item in results or []:
        if isinstance(item, dict) and item.get("cio_id"):
            out.append(
                PersonMatch(str(item["cio_id"]), _text_or_none(item.get("id")), _text_or_none(item.get("email")))
            )
    return out


def profile_from_response(data: Any) -> Profile:
    """A Profile from the attributes answer; ValueError when it has no customer in it."""
    customer = data.get("customer") if isinstance(data, dict) else None
    if not isinstance(customer, dict):
        raise ValueError("the answer has no `customer` object")
    attributes = dict(customer.get("attributes") or {})
    identifiers = customer.get("identifiers") or {}
    # Identifiers live in `identifiers` (recommended by the spec) and repeat in
    # `attributes`; older answers only have the latter.
    cio_id = _text_or_none(identifiers.get("cio_id")) or _text_or_none(attributes.get("cio_id"))
    if cio_id is None:
        raise ValueError("the customer has no cio_id")
    person_id = identifiers.get("id") if "id" in identifiers else attributes.get("id", customer.get("id"))
    email = identifiers.get("email") if "email" in identifiers else attributes.get("email")
    for name in IDENTIFIER_NAMES:
        attributes.pop(name, None)
    timestamps = {str(k): n for k, v in (customer.get("timestamps") or {}).items() if (n := int_or_none(v)) is not None}
    devices = [
        Device(
            id=str(d.get("id")),
            platform=d.get("platform"),
            last_used=int_or_none(d.get("last_used")),
            attributes=dict(d.get("attributes") or {}),
        )
        for d in customer.get("devices") or []
        if isinstance(d, dict) and d.get("id") is not None
    ]
    unsubscribed = customer.get("unsubscribed")
    if not isinstance(unsubscribed, bool):
        unsubscribed = str(attributes.get("unsubscribed", "")).strip().lower() in ("true", "1")
    return Profile(
        cio_id=cio_id,
        id=_text_or_none(person_id),
        email=_text_or_none(email),
        attributes=attributes,
        timestamps=timestamps,
        unsubscribed=unsubscribed,
        devices=devices,
    )


def segments_from_response(data: Any) -> list[Segment]:
    items: Any = data.get("segments") if isinstance(data, dict) else None
    return [
        Segment(s["id"], str(s.get("name") or ""), str(s.get("description") or ""))
        for s in items or []
        if isinstance(s, dict) and s.get("id") is not None
    ]
