"""A person's activity log: what the sandbox received and did for them, with its time.

Recorded as it happens (identify, events, devices, merges, deletion, relationships,
each step of a delivery) and served as `GET /v1/customers/{id}/activities`
(App document op getPersonActivities: `type`, `name`, `start`, `limit` default 10,
max 100). Customer.io guarantees 30 days of it; the sandbox keeps everything.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .app_reads import person_of
from .errors import meta_error
from .messages import ApiRequest, ApiResponse
from .paging import cursor_of, limit_of, page
from .routing import route
from .segments import as_text
from .state import Activity, Person, Workspace

if TYPE_CHECKING:
    from .sandbox import Sandbox

DEFAULT_LIMIT = 10
MAX_LIMIT = 100

# The activity types of the App document that the sandbox records (its enum is longer).
DELIVERY_TYPES = frozenset(
    f"{metric}_{channel}"
    for metric, channels in {
        "sent": ("email", "push", "twilio", "in_app"),
        "delivered": ("email", "push", "twilio"),
        "opened": ("email", "push", "in_app"),
        "clicked": ("email", "push", "twilio", "in_app"),
        "converted": ("email", "in_app", "twilio"),
        "bounced": ("email", "push", "twilio"),
        "failed": ("email", "push", "twilio", "in_app"),
        "dropped": ("email", "push", "twilio"),
        "undeliverable": ("email", "push", "twilio", "in_app"),
        "drafted": ("email", "push", "twilio", "in_app"),
        "attempted": ("email", "push", "twilio", "in_app"),
    }.items()
    for channel in channels
) | {"spammed_email", "unsubscribed_email"}
TYPES = (
    frozenset(
        {
            "attribute_change",
            "event",
            "page",
            "screen",
            "device_change",
            "profile_create",
            "profile_merge",
            "anon_merge",
            "add_relationship",
            "delete_relationship",
        }
    )
    | DELIVERY_TYPES
)
# A long-running sandbox must not grow without end (as the request log does not): past
# this many activities the oldest tenth is dropped. Customer.io keeps 30 days.
LIMIT = 100_000
VALUE_LIMIT = 1000  # characters of an attribute_change's from/to: Track's limit for a value


def record(
    ws: Workspace,
    person: Person | None,
    type_: str,
    timestamp: int,
    name: str | None = None,
    data: dict[str, Any] | None = None,
    delivery_id: str | None = None,
    delivery_type: str | None = None,
) -> None:
    if person is None or type_ not in TYPES:
        return  # anonymous activity has no profile to show it; other types are not in the document
    if len(ws.activities) >= LIMIT:
        del ws.activities[: LIMIT // 10]
    ws.activities.append(
        Activity(
            seq=ws.new_activity_seq(),
            cio_id=person.cio_id,
            type=type_,
            timestamp=int(timestamp),
            name=name,
            data=data if data is not None else {},
            delivery_id=delivery_id,
            delivery_type=delivery_type,
        )
    )


def flat_attributes(person: Person) -> dict[str, str]:
    """Identifiers and attributes as strings; nested objects (subscription preferences)
    become dotted keys, the form an identify changes them with."""
    out: dict[str, str] = {}

    def walk(prefix: str, value: Any) -> None:
        if isinstance(value, dict) and value:
            for k, v in value.items():
                walk(f"{prefix}.{k}", v)
        else:
            out[prefix] = as_text(value)

    for name, value in person.attributes.items():
        walk(name, value)
    for kind in ("id", "email"):
        if getattr(person, kind) is not None:
            out[kind] = getattr(person, kind)
    return out


def record_changes(ws: Workspace, person: Person, before: dict[str, str], timestamp: int) -> None:
    """One attribute_change activity for what an identify changed ({name: {from, to}})."""
    after = flat_attributes(person)
    changes = {
        name: {"from": before.get(name, "")[:VALUE_LIMIT], "to": after.get(name, "")[:VALUE_LIMIT]}
        for name in sorted(before.keys() | after.keys())
        if before.get(name) != after.get(name)
    }
    if changes:
        record(ws, person, "attribute_change", timestamp, data=changes)


def activity_json(ws: Workspace, a: Activity) -> dict[str, Any]:
    person = ws.people.get(a.cio_id)
    identifiers = person.identifiers() if person else {"id": None, "email": None, "cio_id": a.cio_id}
    data: dict[str, Any] = {
        "id": f"sbx-activity-{a.seq:08d}",
        "type": a.type,
        "timestamp": a.timestamp,
        "customer_id": identifiers["id"],
        "customer_identifiers": identifiers,
        "data": dict(a.data),
    }
    if a.name is not None:
        data["name"] = a.name  # the event's name; not in the document's item, which filters on it
    if a.delivery_id is not None:
        data["delivery_id"] = a.delivery_id
    if a.delivery_type is not None:
        data["delivery_type"] = a.delivery_type
    return data


def get_activities(sb: Sandbox, req: ApiRequest) -> ApiResponse:
    person, error = person_of(sb, req)
    if error:
        return error
    assert person is not None  # one or the other
    limit, error = limit_of(req, DEFAULT_LIMIT, MAX_LIMIT)
    if error:
        return error
    start, error = cursor_of(req)
    if error:
        return error
    wanted_type, wanted_name = req.query_value("type"), req.query_value("name")
    if wanted_type and wanted_type not in TYPES and not wanted_type.startswith(("_o:", "_r:")):
        return meta_error(f"type: {wanted_type!r} is not an activity type, like event or attribute_change")
    mine = [
        a
        for a in sb.state.activities
        if a.cio_id == person.cio_id
        and (not wanted_type or a.type == wanted_type)
        and (not wanted_name or a.name == wanted_name)
    ]
    chosen, following = page(mine, lambda a: (a.timestamp, a.seq), start, limit)
    # `next` is not in the document's 200 schema, but its `start` parameter says "Responses
    # contain a `next` property": the sandbox sends it, "" on the last page.
    return ApiResponse(200, {"activities": [activity_json(sb.state, a) for a in chosen], "next": following})


ROUTES = [route("GET", "/v1/customers/{customer_id}/activities", get_activities)]
