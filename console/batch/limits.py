"""Rate limits per API (as each API's OpenAPI `info.description` states them): the batch default, and the most a user may ask for.

`--rate` counts requests per second, as the documented limits do. A Track v2 batch
request carries many rows but is one request; whether Customer.io counts its rows
against the limit is UNCONFIRMED, so the adaptive pacing (429 -> slower) is what keeps a
batch polite if it does.
"""

from __future__ import annotations

import ipaddress
import math
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from console import words
from console.actions.spec import ActionSpec
from console.errors import InputError
from console.wire.apis import API

UNLIMITED = "unlimited"


@dataclass(frozen=True)
class RateLimit:
    default: float  # requests per second a batch uses unless told otherwise
    maximum: float  # the documented limit; asking for more is refused
    what: str  # which limit this is, as a user reads it
    source: str


TRACK = RateLimit(
    1000.0,
    1000.0,
    "the Track API's limit of 1000 requests/s (soft: Customer.io may throttle or drop requests above it)",
    "TRACK-SPEC info.description, Rate Limits",
)
APP_READS = RateLimit(10.0, 10.0, "the App API's limit of 10 requests/s", "APP-SPEC info.description")
APP_SENDS = RateLimit(
    100.0, 100.0, "the App API's limit of 100 transactional sends/s", "APP-SPEC tag Message sending limits"
)
APP_BROADCAST = RateLimit(0.1, 0.1, "the App API's limit of 1 broadcast trigger per 10 s", "APP-SPEC")
# 3000 requests per 3 s, held as a steady 1000/s so a batch never bursts into the window.
PIPELINES = RateLimit(
    1000.0, 1000.0, "the Pipelines API's limit of 3000 requests per 3 s (1000/s; soft)", "PIPE-SPEC info.description"
)

_BROADCAST = re.compile(r"^/v1/(api/)?campaigns/[^/]+/triggers")


def limit_for(action: type[ActionSpec]) -> RateLimit:
    info = action.INFO
    if info.api == API.TRACK:
        return TRACK
    if info.api == API.PIPELINES:
        return PIPELINES
    if info.path.startswith("/v1/send/"):
        return APP_SENDS
    if _BROADCAST.match(info.path):
        return APP_BROADCAST
    return APP_READS


class RateError(InputError, ValueError):
    """A --rate the run refuses (nothing is sent)."""

    field = "rate"


def is_loopback(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def choose_rate(action: type[ActionSpec], requested: str | float | None, target_url: str) -> float | None:
    """Requests per second for a run (None: no limit). Raises RateError with the reason.

    No limit is allowed only against a loopback address (the offline sandbox): against
    Customer.io it would ignore the documented limits.
    """
    limit = limit_for(action)
    if requested is None:
        return limit.default
    if isinstance(requested, str):
        text = requested.strip().lower()
        if text in (UNLIMITED, "none", "0", "max"):
            if not is_loopback(target_url):
                raise RateError(
                    f"{words.RATE} {requested}: no limit is only for the offline sandbox on loopback; "
                    f"{target_url} is not. The most {action.INFO.id} may use is {words.RATE} "
                    f"{limit.maximum:g}: {limit.what}."
                )
            return None
        try:
            requested = float(text.removesuffix("/s"))
        except ValueError:
            raise RateError(
                f"{words.RATE} {requested!r} must be a number of requests per second, e.g. 200, "
                f"or '{UNLIMITED}' against the sandbox"
            ) from None
    if not math.isfinite(requested):
        # float() reads "nan" and "inf" too; neither is a rate a scheduler can keep.
        raise RateError(
            f"{words.RATE} {requested!r} must be a number of requests per second, e.g. 200, "
            f"or '{UNLIMITED}' against the sandbox"
        )
    if requested <= 0:
        raise RateError(f"{words.RATE} must be more than 0 (got {requested:g})")
    if requested > limit.maximum and not is_loopback(target_url):
        raise RateError(
            f"{words.RATE} {requested:g} is above {limit.what}. Use at most {words.RATE} {limit.maximum:g} for {action.INFO.id}."
        )
    return float(requested)
