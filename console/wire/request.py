"""Build the exact HTTP request an action sends.

The same `PreparedRequest` feeds the live preview, `send --dry-run`, the transport and
history, so what a user previews is byte for byte what goes out.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlencode

from console import __version__
from console.actions.spec import ActionSpec
from console.wire.apis import API
from console.wire.credentials import Credentials, MissingCredential
from console.wire.redact import mask_headers

USER_AGENT = f"cio-console/{__version__}"
NOT_SET = "<not set:"  # placeholder Authorization in a preview without keys


@dataclass
class PreparedRequest:
    method: str
    url: str
    headers: dict[str, str]  # as sent: holds the real Authorization; show masked_headers()
    body: Any = None  # a JSON value, or None for no body
    api: API | None = None
    action_id: str | None = None
    notes: list[str] = field(default_factory=list)

    def content(self) -> bytes | None:
        if self.body is None:
            return None
        return json.dumps(self.body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")

    def masked_headers(self) -> dict[str, str]:
        return mask_headers(self.headers)

    def preview(self) -> dict[str, Any]:
        """What `send --dry-run` prints: method, url, masked headers, body."""
        return {
            "method": self.method,
            "url": self.url,
            "headers": self.masked_headers(),
            "body": self.body,
        }

    def __repr__(self) -> str:  # never let a debug print reveal the key
        return f"PreparedRequest({self.method} {self.url}, headers={self.masked_headers()!r})"


def auth_header(api: API, creds: Credentials) -> str:
    """The Authorization value for an API (each API's OpenAPI `securitySchemes`); raises MissingCredential."""
    if api == API.APP:
        if not creds.app_key:
            raise MissingCredential(api, ["App API key"], creds.source, creds.keyring_problem)
        return f"Bearer {creds.app_key}"
    user, password = creds.basic_user_password(api)
    token = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
    return f"Basic {token}"


def build_url(creds: Credentials, api: API, path: str, query: dict[str, str] | None = None) -> str:
    url = creds.base_url(api) + path
    if query:
        # Every query value percent-encoded, `+` included (as the official Python client does: `quote(value, safe="")`).
        url += "?" + urlencode(query, quote_via=quote, safe="")
    return url


def build_request(spec: ActionSpec, creds: Credentials, *, preview: bool = False) -> PreparedRequest:
    """The request for a validated action. Raises MissingCredential, unless `preview`:
    then a missing key shows as a placeholder, so a request can be previewed before the
    keys are set (such a request is never sent)."""
    info = spec.INFO
    built = spec.build_body()
    try:
        authorization = auth_header(info.api, creds)
    except MissingCredential as exc:
        if not preview:
            raise
        authorization = f"{NOT_SET} {' and '.join(exc.missing)}>"
        built.notes.append(str(exc))
    headers = {
        "Accept": "application/json",
        "User-Agent": USER_AGENT,
        "Authorization": authorization,
    }
    if built.body is not None:
        headers["Content-Type"] = "application/json"
    if info.api == API.PIPELINES:
        # Without strict mode Pipelines answers 200 even to invalid calls (Pipelines OpenAPI).
        headers["X-Strict-Mode"] = "1"
    return PreparedRequest(
        method=info.method,
        url=build_url(creds, info.api, spec.path(), spec.query()),
        headers=headers,
        body=built.body,
        api=info.api,
        action_id=info.id,
        notes=built.notes,
    )


def build_read(
    api: API, creds: Credentials, path: str, query: dict[str, str] | None = None, method: str = "GET"
) -> PreparedRequest:
    """A read (GET) request for an API path, for checks and lookups outside the catalog."""
    return PreparedRequest(
        method=method,
        url=build_url(creds, api, path, query),
        headers={"Accept": "application/json", "User-Agent": USER_AGENT, "Authorization": auth_header(api, creds)},
        api=api,
    )
