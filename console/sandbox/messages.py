"""The request and response records handlers work with (no ASGI in handlers)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

from .auth import AuthInfo

_UNPARSED = object()


@dataclass
class ApiRequest:
    api: str  # "track" | "app" | "cdp"
    region: str  # the region of the prefix the request came to
    prefix: str  # "/track-us" ...
    method: str
    raw_path: str  # still percent-encoded, without the prefix
    segments: list[str]  # decoded path segments
    query_string: str
    headers: dict[str, str]  # lower-cased names
    body: bytes
    base_url: str  # scheme://host[:port] as the client addressed us
    auth: AuthInfo
    params: dict[str, str] = field(default_factory=dict)
    _json: Any = field(default=_UNPARSED, repr=False)

    @property
    def query(self) -> dict[str, list[str]]:
        return parse_qs(self.query_string, keep_blank_values=True)

    def query_value(self, name: str) -> str | None:
        values = self.query.get(name)
        return values[0] if values else None

    def json(self) -> tuple[bool, Any]:
        """(True, value) for a JSON body, (True, None) for no body, (False, None) if unparsable."""
        if self._json is _UNPARSED:
            if not self.body.strip():
                self._json = (True, None)
            else:
                try:
                    self._json = (True, json.loads(self.body))
                except (ValueError, UnicodeDecodeError, RecursionError):
                    self._json = (False, None)
        parsed: tuple[bool, Any] = self._json
        return parsed


@dataclass
class ApiResponse:
    status: int = 200
    body: Any = None  # JSON-able, or None for an empty body
    headers: dict[str, str] = field(default_factory=dict)
    note: str | None = None  # why an accepted call was not applied; request log only

    def encoded(self) -> tuple[bytes, list[tuple[bytes, bytes]]]:
        headers = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in self.headers.items()]
        if self.body is None:
            payload = b""
        else:
            payload = json.dumps(self.body, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
            headers.append((b"content-type", b"application/json; charset=utf-8"))
        headers.append((b"content-length", str(len(payload)).encode("ascii")))
        return payload, headers


def ok(note: str | None = None) -> ApiResponse:
    # Track and Pipelines answer every success with an empty JSON object.
    return ApiResponse(200, {}, note=note)
