"""Track API v1 actions (Track OpenAPI: https://docs.customer.io/files/journeys-track.json). Basic auth with Site ID + Track API key."""

from __future__ import annotations

from typing import Annotated, Any

from console.actions.fields import FieldMeta, Kind, Where
from console.actions.spec import ActionInfo, ActionSpec, BuiltBody, FieldProblem
from console.wire.apis import API

V1 = "/api/v1"
ID_BYTES = 150  # Track OpenAPI, "Customer limits": person id values are limited to 150 bytes
VALUE_BYTES = 1000  # Track OpenAPI, "Customer limits": an attribute value
EVENT_DATA_BYTES = 100_000  # Track OpenAPI, "Track API Event limits": an event's data


def _json_bytes(value: Any) -> int:
    """The size Customer.io counts: a string's UTF-8 bytes, anything else as compact JSON."""
    import json

    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return len(text.encode("utf-8"))


def _customer(help: str) -> FieldMeta:
    return FieldMeta(
        label="Customer Identifier",
        help=help + ". An id, an email address, or cio_<cio_id>; Customer.io tells them apart by shape.",
        kind=Kind.IDENTIFIER,
        where=Where.PATH,
        example="user_1001",
        max_bytes=ID_BYTES,
    )


EVENT_NAME = FieldMeta(
    label="Event Name",
    help="The event's name, used by campaigns and segments (at most 100 bytes)",
    kind=Kind.TEXT,
    example="purchased",
    wire="name",
    max_bytes=100,
)
TIMESTAMP = FieldMeta(
    label="Timestamp",
    help="When it happened, in Unix seconds; defaults to now. Only events from the last 72 hours can trigger campaigns",
    kind=Kind.TIMESTAMP,
    example=1700000000,
    fill="now",
)


class IdentifyCustomer(ActionSpec):
    INFO = ActionInfo(
        id="identify-customer",
        title="Identify Customer",
        api=API.TRACK,
        method="PUT",
        path=V1 + "/customers/{customer_identifier}",
        summary="Create or update a person and set traits (attributes)",
    )
    customer_identifier: Annotated[str, _customer("Unique ID or email for the person")]
    traits: Annotated[
        dict[str, Any] | None,
        FieldMeta(
            label="Traits",
            help="Attributes to set on the profile. Reserved: email, id, created_at (Unix s), "
            "_update (true = only update, never create), unsubscribed. A null value removes "
            "the attribute",
            kind=Kind.JSON_OBJECT,
            example={"first_name": "John", "plan": "premium"},
        ),
    ] = None

    @classmethod
    def catch_all_field(cls) -> str | None:
        return "traits"

    def build_body(self) -> BuiltBody:
        # Traits are the top-level attributes of the body (Track OpenAPI, op `identify`).
        return BuiltBody(dict(self.traits or {}))

    def cross_checks(self) -> list[FieldProblem]:
        problems = []
        for name in self.traits or {}:
            if len(name.encode()) > ID_BYTES:
                problems.append(FieldProblem("traits", f"attribute name {name[:40]!r}... is over 150 bytes"))
        for name, value in (self.traits or {}).items():
            size = _json_bytes(value) if value is not None else 0
            if size > VALUE_BYTES:
                problems.append(
                    FieldProblem(
                        "traits",
                        f"attribute {name[:40]!r} is {size} bytes; Customer.io keeps at most "
                        f"{VALUE_BYTES} bytes per value: shorten it or split it",
                    )
                )
        if len(self.traits or {}) > 300:
            problems.append(
                FieldProblem("traits", f"has {len(self.traits or {})} attributes; the limit is 300 per call")
            )
        return problems


class TrackEvent(ActionSpec):
    INFO = ActionInfo(
        id="track-event",
        title="Track Event",
        api=API.TRACK,
        method="POST",
        path=V1 + "/customers/{customer_identifier}/events",
        summary="Send a behavioral event for a person",
    )
    customer_identifier: Annotated[str, _customer("Person to attach the event to")]
    event_name: Annotated[str, EVENT_NAME]
    event_properties: Annotated[
        dict[str, Any] | None,
        FieldMeta(
            label="Event Properties",
            help="Optional data attached to the event (sent as `data`)",
            kind=Kind.JSON_OBJECT,
            example={"product_id": "123", "price": 29.99},
            wire="data",
        ),
    ] = None
    timestamp: Annotated[int | None, TIMESTAMP] = None
    event_id: Annotated[
        str | None,
        FieldMeta(
            label="Event ID",
            help="A ULID that lets Customer.io de-duplicate this event if it is sent twice",
            example="01HQ8Z8Y6Z2K9X4V7W3T5R1N0M",
            fill="",  # a fixed id would de-duplicate a second F5-filled send away
            wire="id",
        ),
    ] = None

    def cross_checks(self) -> list[FieldProblem]:
        size = _json_bytes(self.event_properties) if self.event_properties else 0
        if size > EVENT_DATA_BYTES:
            return [
                FieldProblem(
                    "event_properties",
                    f"is {size} bytes as JSON; Customer.io accepts at most {EVENT_DATA_BYTES} bytes of event data",
                )
            ]
        return []


class TrackAnonymous(ActionSpec):
    INFO = ActionInfo(
        id="track-anonymous",
        title="Track Anonymous",
        api=API.TRACK,
        method="POST",
        path=V1 + "/events",
        summary="Track an event for an anonymous visitor",
    )
    anonymous_id: Annotated[
        str,
        FieldMeta(
            label="Anonymous ID",
            help="Anonymous visitor identifier; events merge into the person later identified "
            "with the same anonymous_id. Prefilled with this environment's current anonymous id "
            "(`cio-console anon show`)",
            kind=Kind.IDENTIFIER,
            example="anon_abc123",
            max_bytes=ID_BYTES,
            prefill="anonymous_id",
        ),
    ]
    event_name: Annotated[str, EVENT_NAME]
    event_properties: Annotated[
        dict[str, Any] | None,
        FieldMeta(
            label="Event Properties",
            help="Optional data for the event (sent as `data`)",
            kind=Kind.JSON_OBJECT,
            example={"page": "pricing"},
            wire="data",
        ),
    ] = None
    timestamp: Annotated[int | None, TIMESTAMP] = None


class DestroyCustomer(ActionSpec):
    INFO = ActionInfo(
        id="destroy-customer",
        title="Destroy Customer",
        api=API.TRACK,
        method="DELETE",
        path=V1 + "/customers/{customer_identifier}",
        summary="Permanently delete a person and their data",
        destructive=True,
        confirm_field="customer_identifier",
    )
    customer_identifier: Annotated[str, _customer("Person to delete")]


class AddDevice(ActionSpec):
    INFO = ActionInfo(
        id="add-device",
        title="Add Device",
        api=API.TRACK,
        method="PUT",
        path=V1 + "/customers/{customer_identifier}/devices",
        summary="Register a device (push token) for a person",
    )
    customer_identifier: Annotated[str, _customer("Person to attach the device to")]
    device_id: Annotated[
        str,
        FieldMeta(
            label="Device ID",
            help="Push token / device identifier",
            kind=Kind.IDENTIFIER,
            example="device_token_abc",
            wire="device.id",
        ),
    ]
    platform: Annotated[
        str,
        FieldMeta(
            label="Platform",
            help="Device platform",
            kind=Kind.ENUM,
            choices=("ios", "android"),
            example="ios",
            wire="device.platform",
        ),
    ]
    attributes: Annotated[
        dict[str, Any] | None,
        FieldMeta(
            label="Attributes",
            help="Optional device attributes: device_os, device_model, app_version, "
            'device_locale, push_enabled ("true"/"false"), or your own string values',
            kind=Kind.JSON_OBJECT,
            example={"app_version": "1.0.0"},
            wire="device.attributes",
        ),
    ] = None
    last_used: Annotated[
        int | None,
        FieldMeta(
            label="Last Used",
            help="When the device was last used, in Unix seconds",
            kind=Kind.TIMESTAMP,
            example=1700000000,
            fill="now",
            wire="device.last_used",
        ),
    ] = None


class DeleteDevice(ActionSpec):
    INFO = ActionInfo(
        id="delete-device",
        title="Delete Device",
        api=API.TRACK,
        method="DELETE",
        path=V1 + "/customers/{customer_identifier}/devices/{device_token}",
        summary="Remove a device (push token) from a person",
        destructive=True,
        confirm_field="device_token",
    )
    customer_identifier: Annotated[str, _customer("Person who owns the device")]
    device_token: Annotated[
        str,
        FieldMeta(
            label="Device Token",
            help="Token of the device to remove",
            kind=Kind.IDENTIFIER,
            where=Where.PATH,
            example="device_token_abc",
        ),
    ]


class SuppressCustomer(ActionSpec):
    INFO = ActionInfo(
        id="suppress-customer",
        title="Suppress Customer",
        api=API.TRACK,
        method="POST",
        path=V1 + "/customers/{customer_identifier}/suppress",
        summary="Delete a person's profile and block their identifiers from being re-added",
        destructive=True,
        confirm_field="customer_identifier",
        # Suppressing twice leaves the same state, so a lost answer may be retried.
        repeat_safe=True,
    )
    customer_identifier: Annotated[str, _customer("Person to suppress")]


class UnsuppressCustomer(ActionSpec):
    INFO = ActionInfo(
        id="unsuppress-customer",
        title="Unsuppress Customer",
        api=API.TRACK,
        method="POST",
        path=V1 + "/customers/{customer_identifier}/unsuppress",
        summary="Remove suppression (frees the identifier; does not restore the old profile)",
        repeat_safe=True,
    )
    customer_identifier: Annotated[str, _customer("Person to unsuppress")]


ID_TYPES = ("id", "email", "cio_id")


def _id_type(which: str) -> FieldMeta:
    return FieldMeta(
        label=f"{which.title()} Identifier Type",
        help=f"Type of the {which} identifier",
        kind=Kind.ENUM,
        choices=ID_TYPES,
        example="id",
    )


class MergeCustomers(ActionSpec):
    INFO = ActionInfo(
        id="merge-customers",
        title="Merge Customers",
        api=API.TRACK,
        method="POST",
        path=V1 + "/merge_customers",
        summary="Merge the secondary profile into the primary; the secondary is deleted",
        destructive=True,
        confirm_field="secondary_identifier",
    )
    primary_identifier_type: Annotated[str, _id_type("primary")]
    primary_identifier: Annotated[
        str,
        FieldMeta(
            label="Primary Identifier",
            help="Identifier of the profile to keep (it must already exist)",
            kind=Kind.IDENTIFIER,
            example="user_1001",
            max_bytes=ID_BYTES,
        ),
    ]
    secondary_identifier_type: Annotated[str, _id_type("secondary")]
    secondary_identifier: Annotated[
        str,
        FieldMeta(
            label="Secondary Identifier",
            help="Identifier of the profile to merge in and delete",
            kind=Kind.IDENTIFIER,
            example="anon_abc123",
            max_bytes=ID_BYTES,
        ),
    ]

    def _side(self, kind: str, value: str, notes: list[str], which: str) -> dict[str, str]:
        # Identifier objects take the bare cio_id (Track OpenAPI, op `identify`); a cio_ prefix copied
        # from a Track path would name nobody, and no cio_id itself starts with "cio_".
        if kind == "cio_id" and value.startswith("cio_"):
            notes.append(f"{which}: removed the cio_ prefix; identifier objects take the bare cio_id")
            value = value[4:]
        return {kind: value}

    def build_body(self) -> BuiltBody:
        notes: list[str] = []
        body = {
            "primary": self._side(self.primary_identifier_type, self.primary_identifier, notes, "primary"),
            "secondary": self._side(self.secondary_identifier_type, self.secondary_identifier, notes, "secondary"),
        }
        return BuiltBody(body, notes)

    def cross_checks(self) -> list[FieldProblem]:
        if (self.primary_identifier_type, self.primary_identifier) == (
            self.secondary_identifier_type,
            self.secondary_identifier,
        ):
            return [
                FieldProblem(
                    "secondary_identifier",
                    "is the same person as the primary; merging a profile into itself would delete it",
                )
            ]
        return []


ACTIONS = [
    IdentifyCustomer,
    TrackEvent,
    TrackAnonymous,
    DestroyCustomer,
    AddDevice,
    DeleteDevice,
    SuppressCustomer,
    UnsuppressCustomer,
    MergeCustomers,
]
