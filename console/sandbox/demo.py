"""Loading the demo workspace from assets/sandbox/demo.json."""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from . import activities, deliveries
from .state import Delivery, Device, EspSuppression, Event, Person, Segment, Template, Topic, Variant, Workspace


@lru_cache(maxsize=1)
def _demo_text() -> str:
    try:
        return (resources.files("assets") / "sandbox" / "demo.json").read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError):
        # Running from a source tree where `assets` is not importable.
        return (Path(__file__).resolve().parents[2] / "assets" / "sandbox" / "demo.json").read_text(encoding="utf-8")


def demo_data() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(_demo_text())
    return data


def load_demo(ws: Workspace) -> None:
    data = demo_data()
    for s in data["segments"]:
        ws.segments[s["id"]] = Segment(
            id=s["id"],
            name=s["name"],
            description=s.get("description", ""),
            type=s["type"],
            rule=s.get("rule"),
            tags=list(s.get("tags", [])),
            updated_at=s.get("updated_at", 0),
        )
    for p in data["people"]:
        updated = p.get("updated", p.get("created", 0))
        person = Person(
            cio_id=p["cio_id"],
            created=p.get("created", 0),
            attributes=dict(p.get("attributes", {})),
            manual_segments=set(p.get("segments", [])),
        )
        ws.add_person(person)
        ws.set_id(person, p.get("id"))
        ws.set_email(person, p.get("email"))
        person.timestamps = {"cio_id": person.created, **dict.fromkeys(person.attributes, updated)}
        for kind in ("id", "email"):
            if getattr(person, kind) is not None:
                person.timestamps[kind] = person.created
        for d in p.get("devices", []):
            person.devices[d["id"]] = Device(d["id"], d["platform"], d.get("last_used"), dict(d.get("attributes", {})))
    for e in data.get("events", []):
        ws.events.append(
            Event(
                seq=ws.new_event_seq(),
                name=e["name"],
                type=e.get("type", "event"),
                data=dict(e.get("data", {})),
                timestamp=e["timestamp"],
                received_at=e["timestamp"],
                cio_id=e.get("cio_id"),
                anonymous_id=e.get("anonymous_id"),
                source="demo",
            )
        )
        activities.record(
            ws,
            ws.people.get(e.get("cio_id") or ""),
            e.get("type", "event"),
            e["timestamp"],
            name=e["name"],
            data=dict(e.get("data", {})),
        )
    for t in data["templates"]:
        variants = [
            Variant(
                id=v["id"],
                language=v.get("language", ""),
                type=t["type"],
                subject=v.get("subject", ""),
                body=v.get("body", ""),
                body_plain=v.get("body_plain", ""),
                preheader_text=v.get("preheader_text", ""),
                from_=v.get("from", ""),
                reply_to=v.get("reply_to", ""),
                link=v.get("link", ""),
                created=t.get("created_at", 0),
                updated=t.get("updated_at", 0),
            )
            for v in t["variants"]
        ]
        ws.templates[t["id"]] = Template(
            id=t["id"],
            name=t["name"],
            trigger_name=t["trigger_name"],
            description=t.get("description", ""),
            type=t["type"],
            variants=variants,
            created_at=t.get("created_at", 0),
            updated_at=t.get("updated_at", 0),
            send_to_unsubscribed=t.get("send_to_unsubscribed", True),
            subscription_topic_id=t.get("subscription_topic_id"),
        )
    for t in data.get("topics", []):
        ws.topics[t["id"]] = Topic(
            id=t["id"],
            name=t["name"],
            description=t.get("description", ""),
            subscribed_by_default=t.get("subscribed_by_default", True),
        )
    for s in data.get("esp_suppressions", []):
        ws.esp_suppressions.append(
            EspSuppression(
                email=s["email"],
                category=s["category"],
                created=s["created"],
                reason=s["reason"],
                status=s.get("status", "550"),
            )
        )
    for d in data.get("deliveries", []):
        _load_delivery(ws, d)
    ws.next_cio = data.get("next_cio", len(ws.people) + 1)


def _load_delivery(ws: Workspace, d: dict[str, Any]) -> None:
    """A delivery from before the sandbox started, already settled, with its activities."""
    person = ws.people[d["cio_id"]]
    request = {
        "transactional_message_id": d.get("transactional_message_id"),
        "to": d.get("to"),
        "identifiers": {"id": person.id} if person.id else {"cio_id": person.cio_id},
        "message_data": d.get("message_data", {}),
    }
    delivery = Delivery(
        delivery_id=d["delivery_id"],
        channel=d["channel"],
        queued_at=d["queued_at"],
        state="queued",
        transactional_message_id=d.get("transactional_message_id"),
        identifiers=request["identifiers"],
        cio_id=person.cio_id,
        to=d.get("to"),
        language=None,
        send_at=None,
        request=request,
        seq=len(ws.all_deliveries()) + 1,
    )
    template_id = d.get("transactional_message_id")
    template = ws.templates.get(template_id) if template_id is not None else None
    delivery.content = deliveries.content_for(d["channel"], person, template, request)
    if d["channel"] == "email":
        delivery.recipient, delivery.delivery_type = d.get("to"), "email"
    elif d["channel"] == "push" and person.devices:
        delivery.delivery_type = next(iter(person.devices.values())).platform
    ws.past_deliveries.append(delivery)
    metrics = d.get("metrics", [])
    for i, m in enumerate(metrics):
        failure = d.get("failure_message") if i == len(metrics) - 1 else None
        deliveries.apply_metric(ws, delivery, m["name"], m["timestamp"], failure)
