"""Sandbox configuration and the fixed demo credentials."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

# Recognisable on purpose: anyone who sees these in a log or a screenshot knows
# they belong to the offline sandbox and not to a real Customer.io workspace.
DEMO_SITE_ID = "sandbox-site-0001"
DEMO_TRACK_KEY = "sandbox-track-key-0001"
DEMO_APP_KEY = "sandbox-app-key-0001"
DEMO_WRITE_KEY = "sandbox-write-key-0001"
DEMO_WORKSPACE_ID = 4242


@dataclass(frozen=True)
class DemoCredentials:
    """The demo keys; readable as attributes (``.site_id``) or as a mapping (``["site_id"]``)."""

    site_id: str = DEMO_SITE_ID
    track_key: str = DEMO_TRACK_KEY
    app_key: str = DEMO_APP_KEY
    write_key: str = DEMO_WRITE_KEY
    workspace_id: int = DEMO_WORKSPACE_ID

    def __getitem__(self, name: str) -> Any:
        return getattr(self, name)

    def keys(self) -> tuple[str, ...]:
        return ("site_id", "track_key", "app_key", "write_key", "workspace_id")

    def as_dict(self) -> dict[str, Any]:
        return {k: self[k] for k in self.keys()}


DEMO_CREDENTIALS = DemoCredentials()

REGIONS = ("us", "eu")
APIS = ("track", "app", "cdp")


@dataclass
class SandboxConfig:
    region: str = "us"
    site_id: str = DEMO_SITE_ID
    track_key: str = DEMO_TRACK_KEY
    app_key: str = DEMO_APP_KEY
    write_key: str = DEMO_WRITE_KEY
    workspace_id: int = DEMO_WORKSPACE_ID
    workspace_name: str = "Sandbox"
    rate_limit: float | None = None
    demo_data: bool = True
    # Seconds between a delivery's states (queued -> sent -> delivered -> opened); 0 settles
    # every delivery at once.
    delivery_delay: float = 0.5
    clock: Callable[[], float] = field(default=time.time, repr=False)

    def __post_init__(self) -> None:
        if self.region not in REGIONS:
            raise ValueError(f"region must be one of {', '.join(REGIONS)}, not {self.region!r}")
        if self.rate_limit is not None and self.rate_limit <= 0:
            raise ValueError("rate_limit must be positive or None")
        if not (isinstance(self.delivery_delay, (int, float)) and 0 <= self.delivery_delay <= 3600):
            raise ValueError(f"delivery_delay must be a number of seconds from 0 to 3600, not {self.delivery_delay!r}")

    def now(self) -> int:
        return int(self.clock())


def prefix_for(api: str, region: str) -> str:
    return f"/{api}-{region}"
