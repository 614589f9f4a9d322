"""The three APIs, the two regions, and the one table that maps them to base URLs.

Base URLs are host roots: action paths carry their own `/api/v1`, `/api/v2` or `/v1`
prefix, exactly as the reference documents them. The sandbox and explicit overrides
plug in here and nowhere else.
"""

from __future__ import annotations

from enum import StrEnum


class API(StrEnum):
    TRACK = "track"
    APP = "app"
    PIPELINES = "pipelines"

    @property
    def title(self) -> str:  # type: ignore[override]  # the API's name; str.title() is not used on it
        return {"track": "Track API", "app": "App API", "pipelines": "Pipelines API"}[self.value]

    @property
    def key_name(self) -> str:
        """The credential this API authenticates with, as a user knows it."""
        return {
            "track": "Site ID + Track API key",
            "app": "App API key",
            "pipelines": "Write API key",
        }[self.value]

    @property
    def sandbox_prefix(self) -> str:
        return {"track": "track", "app": "app", "pipelines": "cdp"}[self.value]


class Region(StrEnum):
    US = "us"
    EU = "eu"


REGIONS = tuple(r.value for r in Region)

# Customer.io's regions page (https://docs.customer.io/accounts-and-workspaces/data-centers/): EU is the same path on a host suffixed `-eu`.
HOSTS: dict[tuple[API, Region], str] = {
    (API.TRACK, Region.US): "https://track.customer.io",
    (API.TRACK, Region.EU): "https://track-eu.customer.io",
    (API.APP, Region.US): "https://api.customer.io",
    (API.APP, Region.EU): "https://api-eu.customer.io",
    (API.PIPELINES, Region.US): "https://cdp.customer.io",
    (API.PIPELINES, Region.EU): "https://cdp-eu.customer.io",
}


def parse_region(value: str | None) -> Region:
    """Region from user text; raises ValueError naming the valid choices."""
    text = (value or "").strip().lower()
    try:
        return Region(text)
    except ValueError:
        raise ValueError(f"region must be one of us, eu (got {value!r})") from None


def base_url(
    api: API,
    region: Region,
    *,
    sandbox_root: str | None = None,
    override: str | None = None,
) -> str:
    """The base URL for an API in a region.

    `override` (e.g. CIO_TRACK_URL) wins; otherwise a sandbox root serves every API and
    region under its own prefix (`/track-us`, `/app-eu`, `/cdp-us`, ...); otherwise the
    real Customer.io host.
    """
    if override:
        return override.rstrip("/")
    if sandbox_root:
        return f"{sandbox_root.rstrip('/')}/{api.sandbox_prefix}-{region.value}"
    return HOSTS[(api, region)]
