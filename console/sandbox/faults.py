"""Injected faults: error statuses, latency, dropped connections, lost answers."""

from __future__ import annotations

import random
from dataclasses import asdict, dataclass
from typing import Any

from .checks import is_int
from .config import APIS


@dataclass
class Fault:
    id: int
    path: str  # the real path without the prefix; a trailing "*" matches by prefix
    method: str | None = None
    api: str | None = None
    status: int | None = None  # None: answer normally (after any delay)
    retry_after: int | None = None
    body: Any = None  # None: the API's own error shape for ``status``
    delay: float = 0.0
    times: int | None = 1  # None: until cleared
    probability: float = 1.0
    drop: bool = False  # close the connection without answering
    apply: bool = False  # process the request first, then answer with the fault
    fired: int = 0

    def matches(self, api: str, method: str, raw_path: str, decoded_path: str) -> bool:
        if self.times is not None and self.fired >= self.times:
            return False
        if self.api is not None and self.api != api:
            return False
        if self.method is not None and self.method.upper() != method:
            return False
        if self.path.endswith("*"):
            stem = self.path[:-1]
            return raw_path.startswith(stem) or decoded_path.startswith(stem)
        return self.path in (raw_path, decoded_path)

    def exhausted(self) -> bool:
        return self.times is not None and self.fired >= self.times

    def public(self) -> dict[str, Any]:
        return asdict(self)


_FIELDS = {"path", "method", "api", "status", "retry_after", "body", "delay", "times", "probability", "drop", "apply"}


def fault_from_json(data: Any, fault_id: int) -> Fault:
    """Build a Fault from the admin API's JSON; ValueError names the offending field."""
    if not isinstance(data, dict):
        raise ValueError("body: must be a JSON object")
    unknown = sorted(set(data) - _FIELDS)
    if unknown:
        raise ValueError(f"{unknown[0]}: unknown fault field (known: {', '.join(sorted(_FIELDS))})")
    path = data.get("path")
    if not isinstance(path, str) or not path.startswith("/"):
        raise ValueError("path: is required and must start with /")
    method = data.get("method")
    if method is not None and not isinstance(method, str):
        raise ValueError("method: must be a string or null")
    api = data.get("api")
    if api is not None and api not in APIS:
        raise ValueError(f"api: must be one of {', '.join(APIS)} or null")
    status = data.get("status")
    if status is not None and (not is_int(status) or not 100 <= status <= 599):
        raise ValueError("status: must be an HTTP status code or null")
    retry_after = data.get("retry_after")
    if retry_after is not None and (not is_int(retry_after) or retry_after < 0):
        raise ValueError("retry_after: must be a non-negative integer (seconds) or null")
    delay = data.get("delay", 0.0) or 0.0
    if isinstance(delay, bool) or not isinstance(delay, (int, float)) or delay < 0:
        raise ValueError("delay: must be a non-negative number of seconds")
    times = data.get("times", 1)
    if times is not None and (not is_int(times) or times < 1):
        raise ValueError("times: must be a positive integer or null")
    probability = data.get("probability", 1.0)
    if isinstance(probability, bool) or not isinstance(probability, (int, float)) or not 0 <= probability <= 1:
        raise ValueError("probability: must be between 0 and 1")
    for flag in ("drop", "apply"):
        if not isinstance(data.get(flag, False), bool):
            raise ValueError(f"{flag}: must be a boolean")
    return Fault(
        id=fault_id,
        path=path,
        method=method.upper() if method else None,
        api=api,
        status=status,
        retry_after=retry_after,
        body=data.get("body"),
        delay=float(delay),
        times=times,
        probability=float(probability),
        drop=data.get("drop", False),
        apply=data.get("apply", False),
    )


def pick(faults: list[Fault], rng: random.Random, api: str, method: str, raw_path: str, decoded: str) -> Fault | None:
    """The first matching fault that fires; firing uses up one of its ``times``."""
    for fault in faults:
        if not fault.matches(api, method, raw_path, decoded):
            continue
        if fault.probability < 1.0 and rng.random() >= fault.probability:
            continue
        fault.fired += 1
        return fault
    return None
