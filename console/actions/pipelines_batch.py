"""Pipelines batch (Pipelines OpenAPI: https://docs.customer.io/files/pipelines.json): several identify/track/page/screen/group calls at once.

Each call in the array is checked before anything is sent, with its index, so a bad call
is found here rather than dropped by Customer.io. The batch's Context and Integrations
apply to every call (PIPE-SPEC `batch`): a call that carries its own is refused.
"""

from __future__ import annotations

from typing import Annotated, Any
from uuid import uuid4

from pydantic import PrivateAttr

from console.actions.fields import FieldMeta, Kind
from console.actions.pipelines_common import (
    CALL_LIMIT,
    ID_BYTES,
    V1,
    Context,
    Integrations,
    compact_size,
)
from console.actions.spec import ActionInfo, ActionSpec, BuiltBody, FieldProblem
from console.actions.timestamps import parse_when, to_iso
from console.wire.apis import API

BATCH_LIMIT = 500 * 1024  # Pipelines OpenAPI: a batch request
ITEM_TYPES = ("identify", "track", "page", "screen", "group")
OBJECT_KEYS = {
    "identify": "traits",
    "group": "traits",
    "track": "properties",
    "page": "properties",
    "screen": "properties",
}
MAX_REPORTED = 20  # a thousand bad rows should not bury the first ones


def item_problems(index: int, item: Any) -> list[str]:
    """What is wrong with one call of a batch, as sentences starting with its index."""
    where = f"item {index}"
    if not isinstance(item, dict):
        return [f'{where} must be a JSON object, e.g. {{"type": "track", "userId": "user_1001", "event": "Signed Up"}}']
    kind = item.get("type")
    if kind not in ITEM_TYPES:
        hint = "; alias cannot be batched, send it with pipelines-alias" if kind == "alias" else ""
        got = "nothing" if kind is None else repr(kind)
        return [f"{where}: type must be one of {', '.join(ITEM_TYPES)} (got {got}){hint}"]
    where = f"{where} ({kind})"
    problems: list[str] = []
    ids = {key: item.get(key) for key in ("userId", "anonymousId")}
    for key, value in ids.items():
        if value is not None and not isinstance(value, str):
            problems.append(f"{where}: {key} must be a string (got {value!r})")
        elif key == "userId" and isinstance(value, str) and len(value.encode()) > ID_BYTES:
            problems.append(f"{where}: userId is {len(value.encode())} bytes; the limit is {ID_BYTES}")
    if not any(isinstance(v, str) and v.strip() for v in ids.values()):
        problems.append(f'{where}: userId or anonymousId is required, e.g. "userId": "user_1001"')
    if kind == "track" and not (isinstance(item.get("event"), str) and item["event"].strip()):
        problems.append(f'{where}: event is required, e.g. "event": "Order Completed"')
    if kind == "group" and not (isinstance(item.get("groupId"), str) and item["groupId"].strip()):
        problems.append(f'{where}: groupId is required, e.g. "groupId": "acme"')
    key = OBJECT_KEYS[kind]
    if item.get(key) is not None and not isinstance(item[key], dict):
        problems.append(f"{where}: {key} must be a JSON object")
    for shared in ("context", "integrations"):
        if shared in item:
            problems.append(
                f"{where}: {shared} cannot be set per call; set it once for the whole batch "
                f"in the {shared.title()} field (it applies to every call)"
            )
    if item.get("messageId") is not None and not isinstance(item["messageId"], str):
        problems.append(f"{where}: messageId must be a string")
    if item.get("timestamp") is not None:
        try:
            parse_when(item["timestamp"])
        except ValueError as exc:
            problems.append(f"{where}: timestamp {exc}")
    size = compact_size(item)
    if size > CALL_LIMIT:
        problems.append(f"{where} is {size} bytes; each call may be at most {CALL_LIMIT} bytes (32 KB)")
    return problems


class PipelinesBatch(ActionSpec):
    INFO = ActionInfo(
        id="pipelines-batch",
        title="Pipelines Batch",
        api=API.PIPELINES,
        method="POST",
        path=V1 + "/batch",
        summary="Send several identify, track, page, screen or group calls in one request",
    )
    batch: Annotated[
        list[Any],
        FieldMeta(
            label="Batch",
            help="An array of calls, each with a type (identify, track, page, screen, group) and that "
            "call's fields (userId/anonymousId, traits, event, properties, name, groupId). messageId is "
            "generated for calls without one; timestamps may be Unix seconds (sent as ISO-8601)",
            kind=Kind.JSON_ARRAY,
            example=[
                {"type": "identify", "userId": "user_1001", "traits": {"plan": "premium"}},
                {"type": "track", "userId": "user_1001", "event": "Order Completed", "properties": {"total": 29.99}},
            ],
        ),
    ]
    context: Context = None
    integrations: Integrations = None

    _generated_ids: list[str] = PrivateAttr(default_factory=list)

    def model_post_init(self, context: Any, /) -> None:
        # Once per validated instance, so a preview and the send of this spec agree.
        self._generated_ids = [str(uuid4()) for _ in self.batch]

    def cross_checks(self) -> list[FieldProblem]:
        if not self.batch:
            return [
                FieldProblem(
                    "batch",
                    'must hold at least one call, e.g. [{"type": "track", '
                    '"userId": "user_1001", "event": "Signed Up"}]',
                )
            ]
        messages = [m for i, item in enumerate(self.batch) for m in item_problems(i, item)]
        if len(messages) > MAX_REPORTED:
            messages = messages[:MAX_REPORTED] + [f"... and {len(messages) - MAX_REPORTED} more problems"]
        problems = [FieldProblem("batch", m) for m in messages]
        if not problems:
            size = compact_size(self.build_body().body)
            if size > BATCH_LIMIT:
                problems.append(
                    FieldProblem(
                        "batch",
                        f"makes the request {size} bytes; Customer.io accepts "
                        f"at most {BATCH_LIMIT} bytes (500 KB): split it",
                    )
                )
        return problems

    def build_body(self) -> BuiltBody:
        items, generated, converted, notes = [], 0, 0, []
        for index, item in enumerate(self.batch):
            if isinstance(item, dict):
                item = dict(item)
                if item.get("messageId") is None:
                    item["messageId"] = self._generated_ids[index]
                    generated += 1
                if item.get("timestamp") is not None:
                    try:
                        iso, note = to_iso(item["timestamp"])
                    except ValueError:
                        iso, note = item["timestamp"], None  # refused by cross_checks; never sent
                    if iso != item["timestamp"]:
                        converted += 1
                    item["timestamp"] = iso
                    if note:
                        notes.append(f"item {index}: {note}")
            items.append(item)
        body: dict[str, Any] = {"batch": items}
        if self.context is not None:
            body["context"] = self.context
        if self.integrations is not None:
            body["integrations"] = self.integrations
        if generated:
            notes.insert(0, f"messageId generated for {generated} of {len(items)} calls (a uuid4 each)")
        if converted:
            notes.append(f"timestamp sent as ISO-8601 UTC in {converted} of {len(items)} calls")
        return BuiltBody(body, notes)
