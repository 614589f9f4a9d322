"""Copy a request as a curl command, keys masked unless the user reveals them.

Masked commands reference the environment variables instead of the keys, so the copied
command still runs in a shell where CIO_* are set, and never carries the secret.
"""

from __future__ import annotations

import json
import shlex

from console.wire.apis import API
from console.wire.credentials import ENV_KEYS, Credentials
from console.wire.request import PreparedRequest

_VAR_FOR_API = {API.TRACK: ENV_KEYS["track"], API.APP: ENV_KEYS["app"], API.PIPELINES: ENV_KEYS["write"]}


def _auth_args(req: PreparedRequest, creds: Credentials | None, reveal: bool) -> list[str]:
    api = req.api
    if api is None or creds is None:
        return ["-H", shlex.quote("Authorization: " + req.masked_headers().get("Authorization", ""))]
    if reveal:
        return ["-H", shlex.quote("Authorization: " + req.headers["Authorization"])]
    var = _VAR_FOR_API[api]
    if api == API.APP:
        return ["-H", f'"Authorization: Bearer ${var}"']
    if api == API.TRACK:
        return ["-u", f'{shlex.quote(creds.site_id or "")}:"${var}"']
    return ["-u", f'"${var}:"']


def to_curl(req: PreparedRequest, creds: Credentials | None = None, *, reveal: bool = False) -> str:
    parts = ["curl", "-sS", "-X", req.method, shlex.quote(req.url)]
    lines = [" ".join(parts)]
    lines.append("  " + " ".join(_auth_args(req, creds, reveal)))
    for name, value in req.headers.items():
        if name.lower() in ("authorization", "user-agent"):
            continue
        lines.append(f"  -H {shlex.quote(f'{name}: {value}')}")
    if req.body is not None:
        lines.append("  --data-raw " + shlex.quote(json.dumps(req.body, ensure_ascii=False)))
    return " \\\n".join(lines)
