"""Data Pipelines calls (Pipelines OpenAPI: https://docs.customer.io/files/pipelines.json): identify, track, page, screen, group, alias, batch.

Basic auth with the source's Write API key; `console/wire/request.py` adds `X-Strict-Mode: 1`
so that invalid calls fail visibly instead of being answered 200 and dropped.

Every call carries a `messageId`. When the user gives none, one uuid4 is generated per
validated spec instance (not per build), so the preview built from a spec and the
request sent from the same spec carry the same id; a new spec (new input) gets a new one.
Timestamps are typed as ISO-8601 text or Unix seconds and always sent as ISO-8601.
"""

from __future__ import annotations

from typing import Annotated, Any

from console.actions.fields import FieldMeta, Kind
from console.actions.numbers import ascii_digits
from console.actions.pipelines_batch import PipelinesBatch
from console.actions.pipelines_common import (
    ID_BYTES,
    V1,
    AnonymousId,
    Context,
    Integrations,
    MessageId,
    PipelinesCall,
    Timestamp,
    UserId,
    object_meta,
)
from console.actions.spec import ActionInfo, BuiltBody, FieldProblem
from console.wire.apis import API


class PipelinesIdentify(PipelinesCall):
    INFO = ActionInfo(
        id="pipelines-identify",
        title="Pipelines Identify",
        api=API.PIPELINES,
        method="POST",
        path=V1 + "/identify",
        summary="Identify a person (or an anonymous visitor) and set traits",
    )
    CALL_TYPE = "identify"
    user_id: UserId = None
    anonymous_id: AnonymousId = None
    traits: Annotated[
        dict[str, Any] | None,
        object_meta(
            "Traits",
            "What you know about the person: email, name, createdAt (ISO-8601), or your own attributes",
            {"email": "ann@example.com", "plan": "premium"},
        ),
    ] = None
    timestamp: Timestamp = None
    message_id: MessageId = None
    context: Context = None
    integrations: Integrations = None


class PipelinesTrack(PipelinesCall):
    INFO = ActionInfo(
        id="pipelines-track",
        title="Pipelines Track",
        api=API.PIPELINES,
        method="POST",
        path=V1 + "/track",
        summary="Record an event a person or anonymous visitor performed",
    )
    CALL_TYPE = "track"
    user_id: UserId = None
    anonymous_id: AnonymousId = None
    event: Annotated[
        str,
        FieldMeta(label="Event", help='The event\'s name, e.g. "Order Completed"', example="Order Completed"),
    ]
    properties: Annotated[
        dict[str, Any] | None,
        object_meta("Properties", "Data about the event", {"order_id": "1234", "total": 29.99}),
    ] = None
    timestamp: Timestamp = None
    message_id: MessageId = None
    context: Context = None
    integrations: Integrations = None


class PipelinesPage(PipelinesCall):
    INFO = ActionInfo(
        id="pipelines-page",
        title="Pipelines Page",
        api=API.PIPELINES,
        method="POST",
        path=V1 + "/page",
        summary="Record a web page view",
    )
    CALL_TYPE = "page"
    user_id: UserId = None
    anonymous_id: AnonymousId = None
    name: Annotated[str | None, FieldMeta(label="Name", help="The page's name", example="Pricing")] = None
    properties: Annotated[
        dict[str, Any] | None,
        object_meta(
            "Properties",
            "About the page: url, path, title, referrer, search, category",
            {"url": "https://example.com/pricing", "title": "Pricing"},
        ),
    ] = None
    timestamp: Timestamp = None
    message_id: MessageId = None
    context: Context = None
    integrations: Integrations = None


class PipelinesScreen(PipelinesCall):
    INFO = ActionInfo(
        id="pipelines-screen",
        title="Pipelines Screen",
        api=API.PIPELINES,
        method="POST",
        path=V1 + "/screen",
        summary="Record a mobile app screen view",
    )
    CALL_TYPE = "screen"
    user_id: UserId = None
    anonymous_id: AnonymousId = None
    name: Annotated[str | None, FieldMeta(label="Name", help="The screen's name", example="Home")] = None
    properties: Annotated[
        dict[str, Any] | None,
        object_meta("Properties", "Data about the screen view", {"tab": "feed"}),
    ] = None
    timestamp: Timestamp = None
    message_id: MessageId = None
    context: Context = None
    integrations: Integrations = None


class PipelinesGroup(PipelinesCall):
    INFO = ActionInfo(
        id="pipelines-group",
        title="Pipelines Group",
        api=API.PIPELINES,
        method="POST",
        path=V1 + "/group",
        summary="Add a person to a group (a Journeys object, e.g. a company) and set its traits",
    )
    CALL_TYPE = "group"
    user_id: UserId = None
    anonymous_id: AnonymousId = None
    group_id: Annotated[
        str,
        FieldMeta(
            label="Group ID",
            help="The group's (object's) id",
            kind=Kind.IDENTIFIER,
            example="acme",
            wire="groupId",
            max_bytes=ID_BYTES,
        ),
    ]
    traits: Annotated[
        dict[str, Any] | None,
        object_meta(
            "Traits",
            'The group\'s attributes. object_type_id (a string, default "1") picks the '
            "object type; relationshipAttributes describe the person's relationship to it",
            {"name": "Acme", "object_type_id": "1", "relationshipAttributes": {"role": "admin"}},
        ),
    ] = None
    timestamp: Timestamp = None
    message_id: MessageId = None
    context: Context = None
    integrations: Integrations = None

    def build_body(self) -> BuiltBody:
        built = super().build_body()
        traits = (built.body or {}).get("traits")
        kind = traits.get("object_type_id") if isinstance(traits, dict) else None
        if isinstance(kind, int) and not isinstance(kind, bool) and isinstance(traits, dict) and built.body:
            # The API wants the object type id as a string of digits (PIPE-SPEC objectTypeId).
            # A copy: the spec's own traits stay as typed.
            built.body["traits"] = {**traits, "object_type_id": str(kind)}
            built.notes.append(f'traits.object_type_id sent as the string "{kind}"')
        return built

    def cross_checks(self) -> list[FieldProblem]:
        problems = super().cross_checks()
        kind = (self.traits or {}).get("object_type_id")
        if (
            kind is not None
            and not (isinstance(kind, int) and not isinstance(kind, bool))
            and not (isinstance(kind, str) and ascii_digits(kind))
        ):
            problems.append(
                FieldProblem("traits", f'object_type_id must be a number as a string, e.g. "1" (got {kind!r})')
            )
        return problems


class PipelinesAlias(PipelinesCall):
    INFO = ActionInfo(
        id="pipelines-alias",
        title="Pipelines Alias",
        api=API.PIPELINES,
        method="POST",
        path=V1 + "/alias",
        summary="Merge a previous id (e.g. an anonymous id) into a person's User ID",
    )
    NEEDS_PERSON = False

    previous_id: Annotated[
        str,
        FieldMeta(
            label="Previous ID",
            help="The anonymous id or user id to merge into the person; prefilled with this environment's anonymous id",
            kind=Kind.IDENTIFIER,
            example="3f1c8a5e-8a0e-4c1e-9d7b-2f6a1c0b9e11",
            wire="previousId",
            prefill="anonymous_id",
        ),
    ]
    user_id: Annotated[
        str,
        FieldMeta(
            label="User ID",
            help="The user id to keep",
            kind=Kind.IDENTIFIER,
            example="user_1001",
            wire="userId",
            max_bytes=ID_BYTES,
        ),
    ]
    timestamp: Timestamp = None
    message_id: MessageId = None
    context: Context = None
    integrations: Integrations = None

    def cross_checks(self) -> list[FieldProblem]:
        problems = super().cross_checks()
        if self.previous_id == self.user_id:
            problems.append(FieldProblem("previous_id", "is the same as the User ID; there is nothing to merge"))
        return problems


ACTIONS = [
    PipelinesIdentify,
    PipelinesTrack,
    PipelinesPage,
    PipelinesScreen,
    PipelinesGroup,
    PipelinesAlias,
    PipelinesBatch,
]
