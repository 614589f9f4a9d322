"""The ASGI side of an API request: parse, apply faults, process, log, answer or drop."""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import TYPE_CHECKING, Any

import anyio

from .auth import inspect_auth
from .config import APIS, REGIONS
from .dispatch import process
from .errors import api_error, reason
from .faults import Fault, pick
from .messages import ApiRequest, ApiResponse
from .routing import split_path

if TYPE_CHECKING:
    from .sandbox import Sandbox

Scope = MutableMapping[str, Any]  # starlette.types.Scope


def api_prefix(raw_path: str, home_region: str) -> tuple[str, str, str] | None:
    """(api, region, prefix): ("track", "eu", "/track-eu") for "/track-eu/...", else None."""
    head = raw_path[1:].split("/", 1)[0]
    api, _, region = head.partition("-")
    if api in APIS and region in REGIONS:
        return api, region, f"/{head}"
    if raw_path.startswith(("/api/v1/", "/api/v2/")):
        # Only Track has /api/...: the official Python client's batch() posts to
        # /api/v2/batch ignoring its url_prefix, so serve it as Track in the home region.
        return "track", home_region, ""
    return None


def raw_path_of(scope: Scope) -> str:
    raw: bytes | None = scope.get("raw_path")
    if raw is None:
        path: str = scope.get("path", "/")
        return path
    # Clients percent-encode; anything else arriving raw is taken as UTF-8.
    return raw.split(b"?", 1)[0].decode("utf-8", errors="replace")


async def read_body(receive: Any) -> tuple[bytes, bool]:
    """The request body, and whether it arrived whole (False: the client went away first)."""
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return b"".join(chunks), False
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks), True


def _base_url(scope: Scope, headers: dict[str, str]) -> str:
    scheme = scope.get("scheme", "http")
    host = headers.get("host")
    if not host:
        server = scope.get("server") or ("127.0.0.1", None)
        host = server[0] if server[1] is None else f"{server[0]}:{server[1]}"
    return f"{scheme}://{host}"


async def handle_api(sb: Sandbox, scope: Scope, receive: Any, send: Any, api: str, region: str, prefix: str) -> None:
    headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
    full_path = raw_path_of(scope)
    raw_path = full_path[len(prefix) :] or "/"
    body, complete = await read_body(receive)
    req = ApiRequest(
        api=api,
        region=region,
        prefix=prefix,
        method=scope["method"].upper(),
        raw_path=raw_path,
        segments=split_path(raw_path),
        query_string=scope.get("query_string", b"").decode("latin-1"),
        headers=headers,
        body=body,
        base_url=_base_url(scope, headers),
        auth=inspect_auth(headers.get("authorization"), sb.config, api),
    )
    if not complete:
        # A body cut off mid-upload is not a request: a real server never applies it, and
        # there is nobody left to answer. Logged (status None) so a test can see it came.
        _log(
            sb,
            req,
            None,
            None,
            ApiResponse(0, note=f"not applied: the client closed the connection after {len(body)} bytes of the body"),
        )
        return
    with sb.lock:
        fault = pick(sb.faults, sb.rng, api, req.method, raw_path, "/" + "/".join(req.segments))
        if fault is not None and fault.exhausted():
            sb.faults.remove(fault)
    processed: ApiResponse | None = None
    if fault is None or fault.apply:
        with sb.lock:
            processed = process(sb, req)
    response = processed
    if fault is not None:
        await _sleep(sb, fault.delay)
        if fault.drop:
            _log(sb, req, None, fault, processed)
            await drop_connection(send, receive)
            return
        if fault.status is not None:
            response = _fault_response(api, fault)
        elif processed is None:
            with sb.lock:
                processed = response = process(sb, req)
    assert response is not None
    _log(sb, req, response, fault, processed)
    payload, out_headers = response.encoded()
    await send({"type": "http.response.start", "status": response.status, "headers": out_headers})
    await send({"type": "http.response.body", "body": payload})


def _fault_response(api: str, fault: Fault) -> ApiResponse:
    if fault.body is not None:
        response = ApiResponse(fault.status or 500, fault.body)
    else:
        response = api_error(api, fault.status or 500, f"sandbox fault: {reason(fault.status or 500)}")
    if fault.retry_after is not None:
        response.headers["Retry-After"] = str(fault.retry_after)
    return response


async def _sleep(sb: Sandbox, seconds: float) -> None:
    # Sleep in short steps so a stopping server is not held up by an injected delay.
    remaining = seconds
    while remaining > 0 and not sb.interrupt.is_set():
        step = min(remaining, 0.05)
        await anyio.sleep(step)
        remaining -= step


def _log(
    sb: Sandbox, req: ApiRequest, sent: ApiResponse | None, fault: Fault | None, processed: ApiResponse | None
) -> None:
    entry = {
        "api": req.api,
        "region": req.region,
        "prefix": req.prefix,
        "method": req.method,
        "path": req.raw_path,
        "query": req.query_string,
        "status": sent.status if sent else None,
        "auth": req.auth.public(),
        "note": (processed.note if processed else None),
        "fault": None
        if fault is None
        else {
            "id": fault.id,
            "status": fault.status,
            "delay": fault.delay,
            "drop": fault.drop,
            "apply": fault.apply,
            "applied_status": processed.status if (fault.apply and processed) else None,
        },
        "time": sb.config.clock(),
    }
    with sb.lock:
        sb.log.add(entry, req.body)


async def drop_connection(send: Any, receive: Any) -> None:
    """Close the connection without a response ("Server disconnected without sending a response")."""
    cycle = getattr(send, "__self__", None)
    transport = getattr(cycle, "transport", None)
    if transport is not None:
        # uvicorn's send is a method of its request cycle, which holds the transport.
        transport.close()
        while (await receive())["type"] != "http.disconnect":
            pass
        return
    # In process (httpx.ASGITransport) there is no socket: raise what httpx raises
    # when a real server hangs up, and ASGITransport passes it to the caller.
    import httpx

    raise httpx.RemoteProtocolError("Server disconnected without sending a response.")
