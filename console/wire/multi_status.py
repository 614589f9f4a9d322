"""A batch answered `207 Multi-Status`: which operations failed, and why, one by one.

Track v2 `/batch` applies the good operations and reports the others as
`{"errors": [{"batch_index", "reason", "field", "message"}]}` (Track OpenAPI, op `batch`, its 207 answer).
Each failure is matched with the operation that was sent at that index, so a person
can see *which* operation of a long batch failed without counting array items.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Any

from console.wire.error_body import api_errors
from console.wire.exchange import Exchange


@dataclass(frozen=True)
class ItemFailure:
    index: int | None  # batch_index as the API reported it (0-based); None if it gave none
    summary: str  # the operation as sent, shortened: 'person event purchased {"id": "u2"}'
    field: str | None  # the field inside the operation, as the API named it
    reason: str | None
    message: str

    def text(self) -> str:
        where = f"#{self.index}" if self.index is not None else "#?"
        field = f" [{self.field}]" if self.field else ""
        reason = f" ({self.reason})" if self.reason else ""
        message = self.message
        if self.field and message.startswith(f"{self.field}: "):  # said once is enough
            message = message[len(self.field) + 2 :]
        return f"{where} {self.summary}{field}: {message}{reason}"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def summarize(op: Any) -> str:
    """A short, recognisable description of one batch operation (Track v2 or Pipelines)."""
    if not isinstance(op, dict):
        return "(not an operation)" if op is None else json.dumps(op, ensure_ascii=False)[:60]
    if "action" in op:  # Track v2: type + action + name + who
        parts = [str(op.get("type", "?")), str(op.get("action", "?"))]
        who = op.get("identifiers") if "identifiers" in op else op.get("primary")
    else:  # Pipelines: type + event/name + who
        parts = [str(op.get("type", "?"))]
        who = {k: op[k] for k in ("userId", "anonymousId", "groupId") if op.get(k) is not None} or None
    name = op.get("name") or op.get("event")
    if isinstance(name, str):
        parts.append(name)
    if who is not None:
        parts.append(json.dumps(who, ensure_ascii=False)[:80])
    return " ".join(parts)


def _operations(ex: Exchange) -> list[Any]:
    body = ex.request.body
    ops = body.get("batch") if isinstance(body, dict) else None
    return ops if isinstance(ops, list) else []


def _raw_errors(ex: Exchange) -> list[dict[str, Any]]:
    data = ex.response.json() if ex.response is not None else None
    errors = data.get("errors") if isinstance(data, dict) else None
    return [e for e in errors if isinstance(e, dict)] if isinstance(errors, list) else []


def item_failures(ex: Exchange) -> list[ItemFailure]:
    """The failed operations of a 207 answer, in the order the API listed them."""
    if ex.response is None or ex.response.status != 207:
        return []
    ops = _operations(ex)
    out = []
    raws = _raw_errors(ex)
    parsed = api_errors(ex.response.text)
    # Two readings of one body; if they ever disagree in length, the extra ones are dropped.
    for raw, err in zip(raws, parsed, strict=False):
        index = err.index
        op = ops[index] if index is not None and 0 <= index < len(ops) else None
        summary = summarize(op) if op is not None else f"(no operation {index} in the request)"
        reason = raw.get("reason") if isinstance(raw.get("reason"), str) else None
        out.append(ItemFailure(index, summary, err.field, reason, err.message))
    return out


def failed_operations(ex: Exchange) -> list[Any]:
    """The operations that failed, as sent: the body of a batch that retries only them."""
    ops = _operations(ex)
    indexes = sorted({f.index for f in item_failures(ex) if f.index is not None and 0 <= f.index < len(ops)})
    return [ops[i] for i in indexes]
