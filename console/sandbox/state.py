"""The workspace held by the sandbox: people, events, deliveries, templates.

Plain data plus the indexes that keep identifier lookups cheap; the rules for
changing people live in ``people.py``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from .checks import canonical_id

IDENTIFIER_KINDS = ("id", "email", "cio_id")


@dataclass
class Device:
    id: str
    platform: str
    last_used: int | None = None
    attributes: dict[str, Any] = field(default_factory=dict)


@dataclass
class Person:
    cio_id: str
    id: str | None = None
    email: str | None = None
    attributes: dict[str, Any] = field(default_factory=dict)
    # Unix time each attribute (and identifier) was last set, as the App API reports.
    timestamps: dict[str, int] = field(default_factory=dict)
    devices: dict[str, Device] = field(default_factory=dict)
    manual_segments: set[int] = field(default_factory=set)
    relationships: list[dict[str, Any]] = field(default_factory=list)
    created: int = 0

    @property
    def unsubscribed(self) -> bool:
        return truthy_unsubscribed(self.attributes.get("unsubscribed"))

    def identifiers(self) -> dict[str, str | None]:
        return {"id": self.id, "email": self.email, "cio_id": self.cio_id}


def truthy_unsubscribed(value: Any) -> bool:
    # The Track spec: any case of "true", 1 or "1" means unsubscribed; anything else is false.
    if value is True or value == 1:
        return True
    return isinstance(value, str) and value.strip().lower() in ("true", "1")


@dataclass
class Event:
    seq: int
    name: str
    type: str
    data: dict[str, Any]
    timestamp: int
    received_at: int
    cio_id: str | None = None
    anonymous_id: str | None = None
    id: str | None = None
    source: str = "track"


@dataclass
class Delivery:
    delivery_id: str
    channel: str
    queued_at: int
    state: str
    transactional_message_id: int | None
    identifiers: dict[str, Any]
    cio_id: str | None
    to: Any
    language: str | None
    send_at: int | None
    request: dict[str, Any]
    metrics: list[dict[str, Any]] = field(default_factory=list)
    seq: int = 0
    # The steps still to come, (due time, metric name, failure message), earliest first: the
    # delivery moves through them as the sandbox's clock passes each due time (deliveries.advance).
    plan: list[tuple[float, str, str | None]] = field(default_factory=list)
    failure_message: str | None = None
    recipient: str | None = None  # the address it went to, after Liquid (None: see message_json)
    delivery_type: str | None = None  # activity `delivery_type`: ios, android, email, phone
    # The rendered content Customer.io would archive: subject, body, from, reply_to...
    content: dict[str, Any] = field(default_factory=dict)


@dataclass
class Variant:
    id: int
    language: str
    type: str
    subject: str = ""
    body: str = ""
    body_plain: str = ""
    preheader_text: str = ""
    from_: str = ""
    reply_to: str = ""
    link: str = ""
    created: int = 0
    updated: int = 0


@dataclass
class Template:
    id: int
    name: str
    trigger_name: str
    description: str
    type: str
    variants: list[Variant]
    send_to_unsubscribed: bool = True
    subscription_topic_id: int | None = None
    link_tracking: bool = True
    open_tracking: bool = True
    hide_message_body: bool = False
    queue_drafts: bool = False
    created_at: int = 0
    updated_at: int = 0

    def variant(self, language: str | None) -> Variant | None:
        for v in self.variants:
            if v.language == (language or ""):
                return v
        return None

    def default_variant(self) -> Variant:
        return self.variant("") or self.variants[0]


@dataclass
class Segment:
    id: int
    name: str
    description: str
    type: str  # "dynamic" | "manual"
    rule: dict[str, Any] | None = None
    tags: list[str] = field(default_factory=list)
    updated_at: int = 0


@dataclass
class Activity:
    seq: int
    cio_id: str
    type: str  # one of the App document's activity types (activities.TYPES)
    timestamp: int
    name: str | None = None
    data: dict[str, Any] = field(default_factory=dict)
    delivery_id: str | None = None
    delivery_type: str | None = None


@dataclass
class Topic:
    id: int
    name: str
    description: str = ""
    subscribed_by_default: bool = True

    @property
    def identifier(self) -> str:
        return f"topic_{self.id}"


@dataclass
class EspSuppression:
    """An address the email provider refuses, separate from Customer.io's own suppression."""

    email: str
    category: str  # "bounces" | "spam", the App document's categories
    created: int
    reason: str
    status: str = "550"


@dataclass
class Suppression:
    id: str | None
    email: str | None
    cio_id: str | None
    suppressed_at: int


class Workspace:
    """One workspace's data, with id/email indexes kept in step with people."""

    def __init__(self) -> None:
        self.people: dict[str, Person] = {}  # by cio_id, in creation order
        self._by_id: dict[str, str] = {}
        self._by_email: dict[str, list[str]] = {}  # lower-cased email -> cio_ids
        self.events: list[Event] = []
        self.deliveries: list[Delivery] = []  # the sends this sandbox received
        # The demo's history from before the sandbox started: read like any delivery, but
        # kept out of `deliveries` so that list stays "what was sent here".
        self.past_deliveries: list[Delivery] = []
        self.suppressions: list[Suppression] = []
        self.esp_suppressions: list[EspSuppression] = []
        self.activities: list[Activity] = []
        # Every planned delivery step as a heap of (due time, delivery seq, step index,
        # delivery), so that applying the due ones costs nothing for the rest.
        self.due_steps: list[tuple[float, int, int, Delivery]] = []
        self.topics: dict[int, Topic] = {}
        self.merges: list[dict[str, Any]] = []
        self.templates: dict[int, Template] = {}
        self.segments: dict[int, Segment] = {}
        self.objects: dict[str, dict[str, Any]] = {}
        self.aliases: list[dict[str, Any]] = []
        self.next_cio = 1
        self.next_delivery = 1
        self.next_event = 1
        self.next_activity = 1

    # -- ids ---------------------------------------------------------------
    def new_cio_id(self) -> str:
        while True:
            cio_id = f"sb{self.next_cio:06d}"
            self.next_cio += 1
            if cio_id not in self.people:
                return cio_id

    def new_delivery_id(self) -> str:
        delivery_id = f"sbx-delivery-{self.next_delivery:06d}"
        self.next_delivery += 1
        return delivery_id

    def new_activity_seq(self) -> int:
        seq = self.next_activity
        self.next_activity += 1
        return seq

    def new_event_seq(self) -> int:
        seq = self.next_event
        self.next_event += 1
        return seq

    # -- people and their indexes -------------------------------------------
    def add_person(self, person: Person) -> Person:
        self.people[person.cio_id] = person
        self._index(person)
        return person

    def remove_person(self, person: Person) -> None:
        self._unindex(person)
        self.people.pop(person.cio_id, None)
        self.events = [e for e in self.events if e.cio_id != person.cio_id]
        self.activities = [a for a in self.activities if a.cio_id != person.cio_id]

    def set_id(self, person: Person, value: str | None) -> None:
        self._unindex(person)
        person.id = value
        self._index(person)

    def set_email(self, person: Person, value: str | None) -> None:
        self._unindex(person)
        person.email = value
        self._index(person)

    def _index(self, person: Person) -> None:
        if person.cio_id not in self.people:
            return
        if person.id is not None:
            self._by_id[person.id] = person.cio_id
        if person.email is not None:
            bucket = self._by_email.setdefault(person.email.lower(), [])
            if person.cio_id not in bucket:
                bucket.append(person.cio_id)

    def _unindex(self, person: Person) -> None:
        if person.id is not None and self._by_id.get(person.id) == person.cio_id:
            del self._by_id[person.id]
        if person.email is not None:
            key = person.email.lower()
            bucket = self._by_email.get(key, [])
            if person.cio_id in bucket:
                bucket.remove(person.cio_id)
            if not bucket:
                self._by_email.pop(key, None)

    def by_id(self, value: str) -> Person | None:
        cio_id = self._by_id.get(value)
        return self.people.get(cio_id) if cio_id else None

    def all_by_email(self, value: str) -> list[Person]:
        return [self.people[c] for c in self._by_email.get(value.lower(), []) if c in self.people]

    def by_email(self, value: str) -> Person | None:
        # Two profiles may share an email (the demo has such a pair); the oldest wins,
        # which is deterministic. The real API's choice here is not documented.
        matches = self.all_by_email(value)
        return min(matches, key=lambda p: (p.created, p.cio_id)) if matches else None

    def by_cio_id(self, value: str) -> Person | None:
        person = self.people.get(value)
        if person is None and value.startswith("cio_"):
            # Whether identifier objects take a cio_-prefixed value is UNCONFIRMED: accept both.
            person = self.people.get(value[4:])
        return person

    def find(self, kind: str, value: str) -> Person | None:
        if kind == "id":
            return self.by_id(value)
        if kind == "email":
            return self.by_email(value)
        if kind == "cio_id":
            return self.by_cio_id(value)
        return None

    def all_deliveries(self) -> list[Delivery]:
        return self.past_deliveries + self.deliveries

    # -- templates -----------------------------------------------------------
    def template(self, ref: Any) -> Template | None:
        """A template by integer id, numeric string, or trigger name (case-insensitive)."""
        if isinstance(ref, bool):
            return None
        if isinstance(ref, int):
            return self.templates.get(ref)
        if isinstance(ref, str):
            text = ref.strip()
            number = canonical_id(text)
            if number is not None:
                return self.templates.get(number)
            for t in self.templates.values():
                if t.trigger_name.lower() == text.lower():
                    return t
        return None

    # -- snapshot ------------------------------------------------------------
    def snapshot(self) -> dict[str, Any]:
        return {
            "people": [_person_json(p) for p in self.people.values()],
            "events": [asdict(e) for e in self.events],
            "deliveries": [asdict(d) for d in self.deliveries],
            "past_deliveries": [asdict(d) for d in self.past_deliveries],
            "suppressions": [asdict(s) for s in self.suppressions],
            "esp_suppressions": [asdict(s) for s in self.esp_suppressions],
            "activities": [asdict(a) for a in self.activities],
            "topics": [asdict(t) for t in self.topics.values()],
            "merges": list(self.merges),
            "aliases": list(self.aliases),
            "objects": list(self.objects.values()),
            "segments": [asdict(s) for s in self.segments.values()],
            "templates": [_template_json(t) for t in self.templates.values()],
        }


def _person_json(p: Person) -> dict[str, Any]:
    return {
        "cio_id": p.cio_id,
        "id": p.id,
        "email": p.email,
        "attributes": dict(p.attributes),
        "timestamps": dict(p.timestamps),
        "unsubscribed": p.unsubscribed,
        "devices": [asdict(d) for d in p.devices.values()],
        "manual_segments": sorted(p.manual_segments),
        "relationships": list(p.relationships),
        "created": p.created,
    }


def _template_json(t: Template) -> dict[str, Any]:
    data = asdict(t)
    for v in data["variants"]:
        v["from"] = v.pop("from_")
    return data
