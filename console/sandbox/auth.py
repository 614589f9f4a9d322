"""Reading the Authorization header: which scheme, which of our keys, valid or not.

Only the classification is kept; the header and key material never leave this module.
"""

from __future__ import annotations

import base64
import binascii
import hmac
from dataclasses import dataclass
from typing import Any

from .config import SandboxConfig


@dataclass(frozen=True)
class AuthInfo:
    scheme: str | None  # "basic" | "bearer" | None
    key_kind: str | None  # which of the workspace's keys was presented: "track" | "app" | "write"
    valid: bool  # the right key, in the right scheme, for this API (region is checked separately)

    def public(self) -> dict[str, Any]:
        return {"scheme": self.scheme, "key_kind": self.key_kind, "valid": self.valid}


def _same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode("utf-8"), b.encode("utf-8"))


def _kind_of(secret: str, config: SandboxConfig) -> str | None:
    for kind, key in (("track", config.track_key), ("app", config.app_key), ("write", config.write_key)):
        if secret and _same(secret, key):
            return kind
    return None


def inspect_auth(header: str | None, config: SandboxConfig, api: str) -> AuthInfo:
    if not header:
        return AuthInfo(None, None, False)
    scheme, _, credentials = header.strip().partition(" ")
    scheme = scheme.lower()
    credentials = credentials.strip()
    if scheme == "bearer":
        kind = _kind_of(credentials, config)
        return AuthInfo("bearer", kind, api == "app" and kind == "app")
    if scheme != "basic":
        return AuthInfo(None, None, False)
    try:
        decoded = base64.b64decode(credentials, validate=True).decode("utf-8")
    except (binascii.Error, ValueError, UnicodeDecodeError):
        try:
            # The Go client uses URL-safe base64 (go-customerio's `base64.URLEncoding`: https://github.com/customerio/go-customerio); be as lenient as the server likely is.
            decoded = base64.urlsafe_b64decode(credentials).decode("utf-8")
        except (binascii.Error, ValueError, UnicodeDecodeError):
            return AuthInfo("basic", None, False)
    if ":" not in decoded:
        return AuthInfo("basic", None, False)
    user, password = decoded.split(":", 1)
    if _same(user, config.site_id):
        kind = _kind_of(password, config)
        return AuthInfo("basic", kind, api == "track" and kind == "track")
    user_kind = _kind_of(user, config)
    if user_kind is not None:
        # Pipelines: the write key is the user name; the password is ignored (normally empty).
        return AuthInfo("basic", user_kind, api == "cdp" and user_kind == "write")
    return AuthInfo("basic", _kind_of(password, config), False)
