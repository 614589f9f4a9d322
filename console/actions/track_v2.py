"""Track API v2 (Track OpenAPI, ops `entity` and `batch`: https://docs.customer.io/files/journeys-track.json): one operation (`/api/v2/entity`) or many (`/api/v2/batch`).

Same Basic auth as Track v1. The entity form has one field per operation key, so a form
can be filled without writing JSON; both actions check the operation's shape for its
type and action (`track_v2_ops.py`) before sending. A batch may be answered `207` with
the operations that failed: `console/wire/multi_status.py` lists them one by one.
"""

from __future__ import annotations

from typing import Annotated, Any

from console.actions.fields import FieldMeta, Kind
from console.actions.spec import ActionInfo, ActionSpec, BuiltBody, FieldProblem
from console.actions.track_v2_ops import (
    ACTIONS as OP_ACTIONS,
)
from console.actions.track_v2_ops import (
    BATCH_LIMIT,
    PLATFORMS,
    TYPES,
    compact_size,
    is_destructive,
    operation_problems,
    summary,
)
from console.wire.apis import API

V2 = "/api/v2"
MAX_REPORTED = 20
# F5 fills the example operation, a person identify; fields only other operations take stay
# empty (filled, they would make the form invalid).
OTHER_OPERATIONS = ""


def _meta(label: str, help: str, kind: Kind = Kind.TEXT, example: Any = None, **kw: Any) -> FieldMeta:
    return FieldMeta(label=label, help=help, kind=kind, example=example, **kw)


class TrackV2Entity(ActionSpec):
    INFO = ActionInfo(
        id="track-v2-entity",
        title="Track v2 Entity",
        api=API.TRACK,
        method="POST",
        path=V2 + "/entity",
        summary="One v2 operation on a person, object or delivery (identify, event, device, merge, ...)",
        # Deletes, suppressions and merges are possible; confirmation() asks only for those.
        destructive=True,
        confirm_field="identifiers",
    )
    type: Annotated[
        str,
        FieldMeta(label="Type", help="What the operation is about", kind=Kind.ENUM, choices=TYPES, example="person"),
    ]
    action: Annotated[
        str,
        FieldMeta(
            label="Action",
            help="person: identify, delete, suppress, unsuppress, event, screen, page, add_device, delete_device, "
            "add_relationships, delete_relationships, merge; object: identify, identify_anonymous, delete, "
            "add_relationships, delete_relationships; delivery: event",
            kind=Kind.ENUM,
            choices=OP_ACTIONS,
            example="identify",
        ),
    ]
    identifiers: Annotated[
        dict[str, Any] | None,
        _meta(
            "Identifiers",
            "person: one of id, email, cio_id, phone; object: object_type_id and object_id "
            '(or cio_object_id); delivery: {"id": <delivery id>}. Not used by merge',
            Kind.JSON_OBJECT,
            {"id": "user_1001"},
        ),
    ] = None
    name: Annotated[
        str | None,
        _meta(
            "Name",
            "Event, screen or page name (required for those); a delivery event's metric: opened, "
            "converted or delivered",
            example="purchased",
            fill=OTHER_OPERATIONS,
        ),
    ] = None
    attributes: Annotated[
        dict[str, Any] | None,
        _meta(
            "Attributes",
            "identify: the attributes to set; event/page/screen: the event data; delivery "
            "event: must hold device_token",
            Kind.JSON_OBJECT,
            {"plan": "premium"},
        ),
    ] = None
    timestamp: Annotated[
        int | None,
        _meta(
            "Timestamp",
            "When it happened, in Unix seconds (person identify and events)",
            Kind.TIMESTAMP,
            1700000000,
            fill="now",
        ),
    ] = None
    event_id: Annotated[
        str | None,
        _meta(
            "Event ID",
            "A ULID that lets Customer.io de-duplicate the event",
            example="01HQ8Z8Y6Z2K9X4V7W3T5R1N0M",
            wire="id",
            fill="",
        ),
    ] = None
    device_token: Annotated[
        str | None,
        _meta(
            "Device Token",
            "add_device / delete_device: the push token (sent as device.token)",
            Kind.IDENTIFIER,
            "device_token_abc",
            wire="device.token",
            fill=OTHER_OPERATIONS,
        ),
    ] = None
    device_platform: Annotated[
        str | None,
        FieldMeta(
            label="Device Platform",
            help="add_device: the device's platform",
            kind=Kind.ENUM,
            choices=PLATFORMS,
            example="ios",
            wire="device.platform",
            fill=OTHER_OPERATIONS,
        ),
    ] = None
    device_last_used: Annotated[
        int | None,
        _meta(
            "Device Last Used",
            "add_device: when the device was last used (Unix seconds)",
            Kind.TIMESTAMP,
            1700000000,
            wire="device.last_used",
            fill=OTHER_OPERATIONS,
        ),
    ] = None
    device_attributes: Annotated[
        dict[str, Any] | None,
        _meta(
            "Device Attributes",
            'add_device: device_os, app_version, push_enabled ("true"/"false"), ...',
            Kind.JSON_OBJECT,
            {"app_version": "1.0.0"},
            wire="device.attributes",
            fill=OTHER_OPERATIONS,
        ),
    ] = None
    cio_relationships: Annotated[
        list[Any] | None,
        _meta(
            "Relationships",
            "identify and add/delete_relationships: objects (or people, for an object) "
            'to relate, each {"identifiers": {...}, "relationship_attributes": {...}}',
            Kind.JSON_ARRAY,
            [{"identifiers": {"object_type_id": "1", "object_id": "acme"}}],
        ),
    ] = None
    primary: Annotated[
        dict[str, Any] | None,
        _meta(
            "Primary",
            "merge: the person to keep, one of id, email, cio_id",
            Kind.JSON_OBJECT,
            {"id": "user_1001"},
            fill=OTHER_OPERATIONS,
        ),
    ] = None
    secondary: Annotated[
        dict[str, Any] | None,
        _meta(
            "Secondary",
            "merge: the person merged into the primary and then deleted",
            Kind.JSON_OBJECT,
            {"email": "old@example.com"},
            fill=OTHER_OPERATIONS,
        ),
    ] = None

    def cross_checks(self) -> list[FieldProblem]:
        problems = []
        for path, text in operation_problems(self.build_body().body):
            field = self.field_for_wire(path) if path else None
            wire = (self.field_spec(field).meta.wire or field) if field else None
            if path and path != wire:
                text = f"{text} (at {path})"
            problems.append(FieldProblem(field, text if field else f"The operation {text}"))
        return problems

    def confirmation(self) -> str | None:
        op = self.build_body().body
        if op is None or not is_destructive(op):
            return None
        who = op.get("identifiers") or op.get("secondary") or {}
        return str(next(iter(who.values()))) if len(who) == 1 else summary(op)


class TrackV2Batch(ActionSpec):
    INFO = ActionInfo(
        id="track-v2-batch",
        title="Track v2 Batch",
        api=API.TRACK,
        method="POST",
        path=V2 + "/batch",
        summary="Many v2 operations in one request; failures are reported per operation (207)",
        destructive=True,
    )
    batch: Annotated[
        list[Any],
        _meta(
            "Batch",
            "An array of v2 operations, each like the Track v2 Entity body: type, action, identifiers and "
            "the action's fields (devices use token, not id). At most 500 KB in all, 32 KB each",
            Kind.JSON_ARRAY,
            [
                {
                    "type": "person",
                    "action": "identify",
                    "identifiers": {"id": "user_1001"},
                    "attributes": {"plan": "premium"},
                },
                {"type": "person", "action": "event", "identifiers": {"id": "user_1001"}, "name": "purchased"},
            ],
        ),
    ]

    def build_body(self) -> BuiltBody:
        return BuiltBody({"batch": self.batch})

    def cross_checks(self) -> list[FieldProblem]:
        if not self.batch:
            return [
                FieldProblem(
                    "batch",
                    "must hold at least one operation, e.g. "
                    '[{"type": "person", "action": "identify", "identifiers": {"id": "user_1001"}}]',
                )
            ]
        messages = []
        for index, op in enumerate(self.batch):
            for path, text in operation_problems(op):
                where = f"operation {index}" + (
                    f" ({op.get('type')} {op.get('action')})" if isinstance(op, dict) else ""
                )
                messages.append(f"{where}: {path} {text}" if path else f"{where} {text}")
        if len(messages) > MAX_REPORTED:
            messages = messages[:MAX_REPORTED] + [f"... and {len(messages) - MAX_REPORTED} more problems"]
        problems = [FieldProblem("batch", m) for m in messages]
        size = compact_size(self.build_body().body)
        if size > BATCH_LIMIT:
            problems.append(
                FieldProblem(
                    "batch",
                    f"makes the request {size} bytes; Customer.io accepts at most "
                    f"{BATCH_LIMIT} bytes (500 KB): split it",
                )
            )
        return problems

    def confirmation(self) -> str | None:
        count = sum(1 for op in self.batch if is_destructive(op))
        return str(count) if count else None


ACTIONS = [TrackV2Entity, TrackV2Batch]
