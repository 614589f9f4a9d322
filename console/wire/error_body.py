"""Read the error messages out of every error body shape the APIs use (each API's documented error responses)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

# "device.platform: must be one of ios, android" -> field "device.platform"
_FIELD_PREFIX = re.compile(r"^\s*([A-Za-z_][\w.\[\]]*)\s*:\s+(.+)$", re.S)


@dataclass(frozen=True)
class ApiError:
    message: str
    field: str | None = None  # the wire field path, when the body names one
    index: int | None = None  # batch_index for v2 batch 207 answers


def _from_text(message: str, field: str | None = None, index: int | None = None) -> ApiError:
    if field is None:
        m = _FIELD_PREFIX.match(message)
        if m and " " not in m.group(1):
            field = m.group(1)
    return ApiError(message.strip(), field or None, index)


def _pointer_to_path(pointer: str) -> str:
    return ".".join(part for part in pointer.strip("/").split("/") if part)


def _from_item(item: Any) -> ApiError | None:
    if isinstance(item, str):
        return _from_text(item)
    if not isinstance(item, dict):
        return None
    message = item.get("message") or item.get("detail") or item.get("reason") or json.dumps(item)
    field = item.get("field")
    source = item.get("source")
    if not field and isinstance(source, dict) and source.get("pointer"):
        field = _pointer_to_path(str(source["pointer"]))
    index = item.get("batch_index")
    return _from_text(str(message), str(field) if field else None, index if isinstance(index, int) else None)


def api_errors(text: str | None) -> list[ApiError]:
    """Every error the body reports, in order. Unknown shapes yield the raw text."""
    if not text or not text.strip():
        return []
    try:
        body = json.loads(text)
    except ValueError:
        return [ApiError(text.strip()[:500])]
    if not isinstance(body, dict):
        return [ApiError(text.strip()[:500])]
    out: list[ApiError] = []
    meta = body.get("meta")
    if isinstance(meta, dict):
        if isinstance(meta.get("error"), str):
            out.append(_from_text(meta["error"]))
        for item in meta.get("errors") or []:
            err = _from_item(item)
            if err:
                out.append(err)
    errors = body.get("errors")
    if isinstance(errors, list):
        out += [e for e in map(_from_item, errors) if e]
    elif isinstance(errors, str):
        out.append(_from_text(errors))
    if not out and isinstance(body.get("message"), str):  # Pipelines {"code", "message"}
        out.append(_from_text(body["message"]))
    if not out and isinstance(body.get("error"), str):
        out.append(_from_text(body["error"]))
    if not out and isinstance(body.get("error"), dict):  # {"error": {"message", "field"|"code"}}
        err = _from_item(body["error"])
        if err:
            out.append(err)
    return out
