"""Test and ops controls under /_sandbox/ (no auth; not part of the emulated APIs)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from .checks import canonical_id

if TYPE_CHECKING:
    from .sandbox import Sandbox


def _sandbox(request: Request) -> Sandbox:
    sandbox: Sandbox = request.app.state.sandbox
    return sandbox


async def _json_body(request: Request) -> tuple[Any, JSONResponse | None]:
    raw = await request.body()
    if not raw.strip():
        return None, None
    try:
        return json.loads(raw), None
    except ValueError:
        return None, JSONResponse({"error": "body: is not valid JSON"}, status_code=400)


async def state(request: Request) -> JSONResponse:
    return JSONResponse(_sandbox(request).snapshot())


async def requests(request: Request) -> JSONResponse:
    since = request.query_params.get("since", "0")
    sb = _sandbox(request)
    with sb.lock:
        entries = sb.log.entries(canonical_id(since) or 0)
    return JSONResponse({"requests": entries})


async def reset(request: Request) -> JSONResponse:
    body, bad = await _json_body(request)
    if bad:
        return bad
    demo = body.get("demo_data") if isinstance(body, dict) else None
    if demo is not None and not isinstance(demo, bool):
        return JSONResponse({"error": "demo_data: must be a boolean"}, status_code=400)
    _sandbox(request).reset(demo)
    return JSONResponse({"ok": True})


async def faults(request: Request) -> JSONResponse:
    sb = _sandbox(request)
    if request.method == "GET":
        with sb.lock:
            return JSONResponse({"faults": [f.public() for f in sb.faults]})
    if request.method == "DELETE":
        sb.clear_faults()
        return JSONResponse({"ok": True})
    body, bad = await _json_body(request)
    if bad:
        return bad
    try:
        fault = sb.add_fault_json(body)
    except ValueError as exc:
        return JSONResponse({"error": str(exc)}, status_code=400)
    return JSONResponse({"fault": fault.public()}, status_code=201)


async def fault(request: Request) -> JSONResponse:
    fault_id = request.path_params["fault_id"]
    if not _sandbox(request).remove_fault(fault_id):
        return JSONResponse({"error": f"fault_id: no fault {fault_id}"}, status_code=404)
    return JSONResponse({"ok": True})


async def config(request: Request) -> JSONResponse:
    """The region, workspace and limits in force (keys are never included)."""
    cfg = _sandbox(request).config
    return JSONResponse(
        {
            "region": cfg.region,
            "workspace_id": cfg.workspace_id,
            "workspace_name": cfg.workspace_name,
            "site_id": cfg.site_id,
            "rate_limit": cfg.rate_limit,
            "demo_data": cfg.demo_data,
        }
    )


ROUTES = [
    Route("/_sandbox/state", state, methods=["GET"]),
    Route("/_sandbox/requests", requests, methods=["GET"]),
    Route("/_sandbox/reset", reset, methods=["POST"]),
    Route("/_sandbox/faults", faults, methods=["GET", "POST", "DELETE"]),
    Route("/_sandbox/faults/{fault_id:int}", fault, methods=["DELETE"]),
    Route("/_sandbox/config", config, methods=["GET"]),
]
