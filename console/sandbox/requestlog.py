"""The log of API requests the sandbox has seen (never with key material)."""
from __future__ import annotations

import copy
from collections import deque
from typing import Any

MAX_ENTRIES = 10_000  # a long-running `cio-console sandbox` must not grow without bound


class RequestLog:
    def __init__(self) -> None:
        self._entries: deque[dict[str, Any]] = deque(maxlen=MAX_ENTRIES)
        self._seq = 0

    def add(self, entry: dict[str, Any]) -> dict[str, Any]:
        self._seq += 1
        entry = {"seq": self._seq, **entry}
        self._entries.append(entry)
        return entry

    def entries(self, since: int = 0) -> list[dict[str, Any]]:
        return [copy.deepcopy(e) for e in self._entries if e["seq"] > since]

    def clear(self) -> None:
        self._entries.clear()
        self._seq = 0
