"""Loading the demo workspace from assets/sandbox/demo.json."""
from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from .state import Device, Event, Person, Segment, Template, Variant, Workspace


@lru_cache(maxsize=1)
def _demo_text() -> str:
    try:
        return (resources.files("assets") / "sandbox" / "demo.json").read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError):
        # Running from a source tree where `assets` is not importable.
        return (Path(__file__).resolve().parents[2] / "assets" / "sandbox" / "demo.json").read_text(encoding="utf-8")


def demo_data() -> dict[str, Any]:
    return json.loads(_demo_text())


def load_demo(ws: Workspace) -> None:
    data = demo_data()
    for s in data["segments"]:
        ws.segments[s["id"]] = Segment(
            id=s["id"], name=s["name"], description=s.get("description", ""), type=s["type"],
            rule=s.get("rule"), tags=list(s.get("tags", [])), updated_at=s.get("updated_at", 0),
        )
    for p in data["people"]:
        updated = p.get("updated", p.get("created", 0))
        person = Person(cio_id=p["cio_id"], created=p.get("created", 0),
                        attributes=dict(p.get("attributes", {})), manual_segments=set(p.get("segments", [])))
        ws.add_person(person)
        ws.set_id(person, p.get("id"))
        ws.set_email(person, p.get("email"))
        person.timestamps = {"cio_id": person.created, **{k: updated for k in person.attributes}}
        for kind in ("id", "email"):
            if getattr(person, kind) is not None:
                person.timestamps[kind] = person.created
        for d in p.get("devices", []):
            person.devices[d["id"]] = Device(d["id"], d["platform"], d.get("last_used"), dict(d.get("attributes", {})))
    for e in data.get("events", []):
        ws.events.append(Event(seq=ws.new_event_seq(), name=e["name"], type=e.get("type", "event"),
                               data=dict(e.get("data", {})), timestamp=e["timestamp"], received_at=e["timestamp"],
                               cio_id=e.get("cio_id"), anonymous_id=e.get("anonymous_id"), source="demo"))
    for t in data["templates"]:
        variants = [
            Variant(id=v["id"], language=v.get("language", ""), type=t["type"], subject=v.get("subject", ""),
                    body=v.get("body", ""), body_plain=v.get("body_plain", ""),
                    preheader_text=v.get("preheader_text", ""), from_=v.get("from", ""),
                    reply_to=v.get("reply_to", ""), link=v.get("link", ""),
                    created=t.get("created_at", 0), updated=t.get("updated_at", 0))
            for v in t["variants"]
        ]
        ws.templates[t["id"]] = Template(
            id=t["id"], name=t["name"], trigger_name=t["trigger_name"], description=t.get("description", ""),
            type=t["type"], variants=variants, created_at=t.get("created_at", 0), updated_at=t.get("updated_at", 0),
        )
    ws.next_cio = data.get("next_cio", len(ws.people) + 1)
