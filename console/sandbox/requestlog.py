"""The log of API requests the sandbox has seen (never with key material).

Bounded twice, because a long-running `cio-console sandbox` must not grow without
bound: by entry count, and by the bytes of the bodies it keeps. Bodies are kept as the
bytes received (parsed again when read), so what the log holds is what was counted:
700 PUTs of 1 MB once took the process from 59 to 733 MB when only the count was capped.
"""

from __future__ import annotations

import copy
import json
from collections import deque
from typing import Any

MAX_ENTRIES = 10_000
MAX_BYTES = 32 * 1024 * 1024  # all bodies kept, together
# A body larger than this is not kept at all (the entry says how large it was): one
# huge upload must not push every other entry out of the log.
MAX_BODY_BYTES = 4 * 1024 * 1024
# What an entry costs besides its body (the dict, its strings, the deque slot), so that
# many small entries are counted too.
ENTRY_OVERHEAD = 1024


def body_of(raw: bytes) -> Any:
    """The body as the log shows it: the JSON value, None for no body, else the text."""
    if not raw.strip():
        return None
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return raw.decode("utf-8", errors="replace")


class RequestLog:
    def __init__(
        self, max_entries: int = MAX_ENTRIES, max_bytes: int = MAX_BYTES, max_body_bytes: int = MAX_BODY_BYTES
    ) -> None:
        self._entries: deque[tuple[dict[str, Any], bytes | None]] = deque()
        self._seq = 0
        self._bytes = 0
        self.max_entries, self.max_bytes, self.max_body_bytes = max_entries, max_bytes, max_body_bytes

    @property
    def bytes_held(self) -> int:
        return self._bytes

    def add(self, entry: dict[str, Any], body: bytes = b"") -> dict[str, Any]:
        self._seq += 1
        entry = {"seq": self._seq, **entry}
        kept: bytes | None = body
        if len(body) > self.max_body_bytes:
            kept = None
            entry["body"] = f"<body not kept in the log: {len(body):,} bytes>"
        self._entries.append((entry, kept))
        self._bytes += _cost(kept)
        while len(self._entries) > self.max_entries or (self._bytes > self.max_bytes and len(self._entries) > 1):
            _old, old_body = self._entries.popleft()
            self._bytes -= _cost(old_body)
        return entry

    def entries(self, since: int = 0) -> list[dict[str, Any]]:
        out = []
        for entry, raw in self._entries:
            if entry["seq"] <= since:
                continue
            shown = copy.deepcopy(entry)
            if raw is not None:
                shown["body"] = body_of(raw)
            out.append(shown)
        return out

    def clear(self) -> None:
        self._entries.clear()
        self._seq = 0
        self._bytes = 0


def _cost(body: bytes | None) -> int:
    return ENTRY_OVERHEAD + (len(body) if body is not None else 0)
