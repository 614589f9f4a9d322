"""What every Pipelines call shares (Pipelines OpenAPI: https://docs.customer.io/files/pipelines.json): field metadata, the messageId and
ISO-timestamp handling, and the 32 KB per-call limit."""

from __future__ import annotations

import json
import reprlib
from typing import Annotated, Any, ClassVar
from uuid import uuid4

from pydantic import AfterValidator, PrivateAttr, model_validator
from pydantic_core import PydanticCustomError

from console.actions.fields import FieldMeta, Kind
from console.actions.spec import ActionSpec, BuiltBody, FieldProblem
from console.actions.timestamps import EXAMPLE as ISO_EXAMPLE
from console.actions.timestamps import check_when, to_iso

V1 = "/v1"
CALL_TYPES = ("identify", "track", "page", "screen", "group", "alias")
CALL_LIMIT = 32 * 1024  # Pipelines OpenAPI: a Pipelines request, and each call in a batch
# The Journeys destination limits person ids to 150 bytes (Track OpenAPI, "Customer limits"); Pipelines
# itself documents no limit, so the stricter one is checked before anything is sent.
ID_BYTES = 150


_REPR = reprlib.Repr()  # keyword arguments only from Python 3.12
_REPR.maxlevel, _REPR.maxstring, _REPR.maxother = 2, 40, 40


def _repr(value: Any) -> str:
    return _REPR.repr(value)  # bounded in depth and length, whatever was pasted


def compact_size(value: Any) -> int:
    return len(json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))


USER_ID_META = FieldMeta(
    label="User ID",
    help="Your stable id for the person (their Journeys id). Give a User ID, an Anonymous ID, or both "
    "(both links the anonymous activity to the person)",
    kind=Kind.IDENTIFIER,
    example="user_1001",
    wire="userId",
    max_bytes=ID_BYTES,
)
ANONYMOUS_ID_META = FieldMeta(
    label="Anonymous ID",
    help="The visitor's anonymous id, prefilled with this environment's current one "
    "(`cio-console anon show`; start a new one with `cio-console anon reset`)",
    kind=Kind.IDENTIFIER,
    example="3f1c8a5e-8a0e-4c1e-9d7b-2f6a1c0b9e11",
    wire="anonymousId",
    prefill="anonymous_id",
)
TIMESTAMP_META = FieldMeta(
    label="Timestamp",
    help="When it happened: ISO-8601 text or Unix seconds (sent as ISO-8601 UTC); "
    "defaults to when Customer.io receives the call",
    kind=Kind.TEXT,
    example=ISO_EXAMPLE,
    fill="now",
)
# The official libraries send a uuid4 messageId on every call (Pipelines OpenAPI). PIPE-SPEC only
# says it makes each call unique; whether Customer.io de-duplicates on it is UNCONFIRMED, so
# nothing here relies on that (a send whose answer was lost is still never repeated).
MESSAGE_ID_META = FieldMeta(
    label="Message ID",
    help="A unique id for this call, as the official libraries send; leave empty for a new "
    "uuid4 (shown in the preview)",
    kind=Kind.TEXT,
    example="022bb90c-bbac-11e4-8dfc-aa07a5b093db",
    fill="",  # empty: a new uuid4 per request, never the same id twice
    wire="messageId",
    filled_when_empty="a new uuid4 for each request",
)
CONTEXT_META = FieldMeta(
    label="Context",
    help="Facts about the call's circumstances: ip, locale, userAgent, timezone, page, app, "
    "device (e.g. device.token and device.type for push)",
    kind=Kind.JSON_OBJECT,
    example={"ip": "203.0.113.7", "locale": "en-US"},
)
INTEGRATIONS_META = FieldMeta(
    label="Integrations",
    help='Turn destinations on or off for this call, e.g. {"All": true, "Salesforce": false}',
    kind=Kind.JSON_OBJECT,
    example={"All": True},
)

UserId = Annotated[str | None, USER_ID_META]
AnonymousId = Annotated[str | None, ANONYMOUS_ID_META]
Timestamp = Annotated[str | None, TIMESTAMP_META, AfterValidator(check_when)]
MessageId = Annotated[str | None, MESSAGE_ID_META]
Context = Annotated[dict[str, Any] | None, CONTEXT_META]
Integrations = Annotated[dict[str, Any] | None, INTEGRATIONS_META]


def object_meta(label: str, help: str, example: Any) -> FieldMeta:
    return FieldMeta(label=label, help=help, kind=Kind.JSON_OBJECT, example=example)


class PipelinesCall(ActionSpec):
    """What every single Pipelines call shares: ids, messageId, ISO timestamps, size."""

    # Whether the call needs a userId or an anonymousId (every call but alias).
    NEEDS_PERSON: ClassVar[bool] = True
    # The call's `type` on the wire. The Pipelines document requires it on /track and
    # lists it (one value per endpoint) on identify, page, screen and group, as the
    # official libraries send it; on alias it is readOnly, so it is not sent there.
    CALL_TYPE: ClassVar[str | None] = None

    _generated_message_id: str = PrivateAttr(default_factory=lambda: str(uuid4()))

    @model_validator(mode="before")
    @classmethod
    def _accept_pasted_type(cls, data: Any) -> Any:
        # A call copied from a debugger carries its `type`; it is the endpoint's, so it
        # is taken as given (and sent, where the document lists it), never doubled.
        if not isinstance(data, dict) or "type" not in data:
            return data
        expected = cls.INFO.path.rsplit("/", 1)[-1]
        if data["type"] != expected:
            raise PydanticCustomError(
                "call_type",
                "type is {got}, but {action} sends a {expected} call{hint}; or leave type out",
                {
                    "got": _repr(data["type"]),
                    "action": cls.INFO.id,
                    "expected": expected,
                    "hint": f": use pipelines-{data['type']}" if data["type"] in CALL_TYPES else "",
                },
            )
        return {k: v for k, v in data.items() if k != "type"}

    def message_id_to_send(self) -> str:
        return getattr(self, "message_id", None) or self._generated_message_id

    def build_body(self) -> BuiltBody:
        built = super().build_body()
        body = built.body or {}
        if self.CALL_TYPE is not None:
            body = {"type": self.CALL_TYPE, **body}
        if getattr(self, "message_id", None) is None:
            body["messageId"] = self._generated_message_id
            built.notes.append(f"messageId generated: {self._generated_message_id}")
        timestamp = getattr(self, "timestamp", None)
        if timestamp is not None:
            body["timestamp"], note = to_iso(timestamp)
            if note:
                built.notes.append(note)
        return BuiltBody(body, built.notes)

    def cross_checks(self) -> list[FieldProblem]:
        problems: list[FieldProblem] = []
        if self.NEEDS_PERSON and not (getattr(self, "user_id", None) or getattr(self, "anonymous_id", None)):
            problems.append(
                FieldProblem(
                    "user_id",
                    'or Anonymous ID (anonymous_id) is required: who is this about? e.g. "user_1001"',
                )
            )
        size = compact_size(self.build_body().body)
        if size > CALL_LIMIT:
            problems.append(
                FieldProblem(
                    self._largest_field(),
                    f"makes the call {size} bytes; Customer.io accepts at most {CALL_LIMIT} bytes (32 KB) per call",
                )
            )
        return problems

    def _largest_field(self) -> str | None:
        sizes = {
            f.name: compact_size(getattr(self, f.attr)) for f in self.field_specs() if getattr(self, f.attr) is not None
        }
        return max(sizes, key=sizes.__getitem__) if sizes else None
