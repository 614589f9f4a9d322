"""From a parsed request to a response: auth, rate limit, routing, region, handler.

Synchronous and run under the sandbox lock; faults, delays and the request log are
handled around it in ``asgi.py``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import quote

from . import (
    activities,
    app_reads,
    app_send,
    deliveries,
    esp,
    pipelines,
    relationships,
    subscriptions,
    track_v1,
    track_v2,
)
from .errors import api_error, unauthorized
from .messages import ApiRequest, ApiResponse, ok
from .routing import Route, match

if TYPE_CHECKING:
    from .sandbox import Sandbox

ROUTES: dict[str, list[Route]] = {
    "track": track_v1.ROUTES + track_v2.ROUTES,
    "app": (
        app_send.ROUTES
        + app_reads.ROUTES
        + deliveries.ROUTES
        + activities.ROUTES
        + subscriptions.ROUTES
        + relationships.ROUTES
        + esp.ROUTES
    ),
    "cdp": pipelines.ROUTES,
}

_EXPECTED = {
    "track": "Basic base64(<site id>:<Track API key>)",
    "app": "Bearer <App API key>",
    "cdp": "Basic base64(<write key>:)",
}
_KEY_NAMES = {"track": "a Track API key", "app": "an App API key", "write": "a Pipelines write key"}


def auth_message(req: ApiRequest) -> str:
    """Why the credentials were refused, without ever repeating them."""
    a = req.auth
    want = _EXPECTED[req.api]
    if a.scheme is None:
        return f"Authorization: missing or not understood; this API takes {want}"
    expected_scheme = "bearer" if req.api == "app" else "basic"
    if a.scheme != expected_scheme:
        return f"Authorization: this API takes {want}, not {a.scheme.capitalize()} auth"
    if a.key_kind is not None and a.key_kind != {"track": "track", "app": "app", "cdp": "write"}[req.api]:
        return f"Authorization: that is {_KEY_NAMES[a.key_kind]}; this API takes {want}"
    return f"Authorization: unknown credentials; this API takes {want}"


def process(sb: Sandbox, req: ApiRequest) -> ApiResponse:
    deliveries.advance(sb)  # deliveries whose next state is due get it before anything reads or writes
    if req.api == "cdp":
        return _process_cdp(sb, req)
    if not req.auth.valid:
        return unauthorized(req.api, auth_message(req))
    retry_after = sb.limiter.check(sb.config.clock(), sb.config.rate_limit)
    if retry_after is not None:
        return api_error(req.api, 429, f"rate limit: over {sb.config.rate_limit:g} requests per second", retry_after)
    found = _route(req)
    if isinstance(found, ApiResponse):
        return found
    if req.region != sb.config.region and not found.any_region:
        return _wrong_region(sb, req)
    return found.handler(sb, req)


def _route(req: ApiRequest) -> Route | ApiResponse:
    found, params, allowed = match(ROUTES[req.api], req.method, req.segments)
    if found is None:
        if allowed:
            response = api_error(req.api, 405, f"method: {req.method} is not allowed on {req.raw_path}")
            response.headers["Allow"] = ", ".join(sorted(set(allowed)))
            return response
        return api_error(req.api, 404, f"path: no {req.api} API endpoint {req.method} {req.raw_path}")
    req.params = params
    return found


def _wrong_region(sb: Sandbox, req: ApiRequest) -> ApiResponse:
    region = sb.config.region
    if req.api == "track" and region == "eu":
        # The Track API redirects EU accounts that call the US host (TRACK-SPEC
        # info.description); the status is UNCONFIRMED, 301 is the sandbox's choice.
        query = f"?{req.query_string}" if req.query_string else ""
        location = f"{req.base_url}/track-eu{req.raw_path}{query}"
        return ApiResponse(301, None, {"Location": quote(location, safe=":/?&=%@+,;~*'()!$#")})
    # A US account calling an -eu host fails (Customer.io's regions page: https://docs.customer.io/accounts-and-workspaces/data-centers/). For the App API the
    # reference is silent: the other region does not know the key, so 401.
    if req.api == "track":
        return unauthorized("track", "")
    return unauthorized(req.api, f"Authorization: this workspace is not in the {req.region.upper()} region")


def _process_cdp(sb: Sandbox, req: ApiRequest) -> ApiResponse:
    strict = req.headers.get("x-strict-mode", "").strip().lower() in ("1", "true")
    if not req.auth.valid or req.region != sb.config.region:
        message = (
            auth_message(req)
            if not req.auth.valid
            else (f"Authorization: this workspace is not in the {req.region.upper()} region")
        )
        if strict:
            return unauthorized("cdp", message)
        # Permissive mode answers 200 to everything and silently drops what it cannot use.
        return ok(f"ignored: {message}")
    retry_after = sb.limiter.check(sb.config.clock(), sb.config.rate_limit)
    if retry_after is not None:
        return api_error("cdp", 429, f"rate limit: over {sb.config.rate_limit:g} requests per second", retry_after)
    found = _route(req)
    if isinstance(found, ApiResponse):
        return found
    return found.handler(sb, req, strict)
