"""The credentials a request is made with, and where they came from.

Keys come from the OS keyring (stored environments) or from environment variables (for
scripts and CI); they are never written to a file by this module.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field

from console import words
from console.errors import ConfigurationError, InputError
from console.wire.apis import API, Region, base_url, parse_region

ENV_SITE_ID = "CIO_SITE_ID"
ENV_KEYS = {"track": "CIO_TRACK_API_KEY", "app": "CIO_APP_API_KEY", "write": "CIO_WRITE_API_KEY"}
ENV_REGION = "CIO_REGION"
ENV_URLS = {API.TRACK: "CIO_TRACK_URL", API.APP: "CIO_APP_URL", API.PIPELINES: "CIO_PIPELINES_URL"}

# Which key each API authenticates with (each API's OpenAPI `securitySchemes`).
KEY_KIND = {API.TRACK: "track", API.APP: "app", API.PIPELINES: "write"}
KEY_LABEL = {"track": "Track API key", "app": "App API key", "write": "Write API key"}


class InvalidKey(InputError, ValueError):
    """A key (or Site ID) that cannot be sent: its message names where it came from,
    never its value. Nothing was sent or stored. `field` is the key kind ("track", "app",
    "write") or "site_id" where the raiser knows it."""


def clean_key(value: str | None, where: str) -> str | None:
    """A key as it entered (a variable, a prompt, stdin, a form, the keyring): surrounding
    whitespace stripped (a key saved on Windows ends in CR), None when empty, InvalidKey
    naming `where` when any character is not printable ASCII. Registered for redaction.

    Customer.io's keys are ASCII letters and digits; a control character would make the
    HTTP client refuse the header (echoing the key in its error) and a non-ASCII one
    cannot be encoded into it at all.
    """
    if value is None:
        return None
    from console.wire.redact import register_secret

    register_secret(value)  # the raw form too: an error text might still quote it
    text = value.strip()
    if not text:
        return None
    for ch in text:
        if ch.isspace() or ord(ch) < 0x20 or ord(ch) == 0x7F:
            raise InvalidKey(
                f"{where} contains spaces or control characters inside the key; "
                "paste the key alone (its value is not shown)"
            )
        if ord(ch) > 0x7E:
            raise InvalidKey(
                f"{where} contains a non-ASCII character; Customer.io keys are plain "
                "ASCII letters and digits: copy it again (its value is not shown)"
            )
    register_secret(text)
    return text


def clean_site_id(value: str | None, where: str) -> str | None:
    """A Site ID as it entered: stripped, None when empty, InvalidKey when it holds a
    control or non-ASCII character or a ':' (it is the user half of a Basic credential)."""
    if value is None:
        return None
    text = value.strip()
    if not text:
        return None
    if any(ch.isspace() or not (0x20 < ord(ch) < 0x7F) for ch in text) or ":" in text:
        raise InvalidKey(
            f"{where} is not a valid Site ID: it is ASCII letters and digits, with no "
            "spaces, control characters or ':' (Settings > Workspace Settings > API Credentials)",
            field="site_id",
        )
    return text


def clean_url(value: str, where: str) -> str:
    """A base URL from a variable: http(s)://host[:port][/path], stripped, without a
    trailing slash; ValueError naming `where` otherwise (no control characters)."""
    import re

    text = value.strip().rstrip("/")
    if not re.fullmatch(r"https?://[^\s/?#]+(/[^\s?#]*)?", text) or not text.isprintable():
        shown = text[:80] + ("…" if len(text) > 80 else "")
        raise ValueError(f"{where} {shown!r} is not a base URL: use http(s)://host[:port][/path]")
    return text


class MissingCredential(ConfigurationError):
    """The action's API needs a credential that is not set. Nothing was sent."""

    def __init__(self, api: API, missing: list[str], source: str, keyring_problem: str | None = None):
        self.api = api
        self.missing = missing
        names = " and ".join(missing)
        env_hint = ", ".join(ENV_SITE_ID if m == "Site ID" else ENV_KEYS[_kind_of_label(m)] for m in missing)
        # With no usable keyring, storing the key would only fail again: the variables (or, in
        # the console, keys kept in memory for this run) are the ways that work.
        store_hint = (
            f" (the OS keyring cannot be read here, so storing the key there is not a way out{words.KEYS_IN_MEMORY})"
            if keyring_problem
            else words.store_key(KEY_KIND[api])
        )
        super().__init__(
            f"The {api.title} needs the {names}, which {'is' if len(missing) == 1 else 'are'} "
            f"not set in {source}. Set {env_hint}{store_hint}.",
            hint=f"Set {env_hint}{store_hint}.",
        )


def _kind_of_label(label: str) -> str:
    return next(kind for kind, text in KEY_LABEL.items() if text == label)


@dataclass(frozen=True)
class Credentials:
    region: Region = Region.US
    site_id: str | None = None
    track_key: str | None = None
    app_key: str | None = None
    write_key: str | None = None
    sandbox_root: str | None = None
    urls: Mapping[API, str] = field(default_factory=dict)
    source: str = "the environment variables"
    name: str | None = None  # the stored environment's name, if any
    protected: bool = False
    keyring_problem: str | None = None  # why the OS keyring could not supply the keys, if so

    def __post_init__(self) -> None:
        # Every key a request can be made with is known to redaction, in every wire
        # form, however these credentials were put together.
        from console.wire.redact import register_secret

        register_secret(self.track_key, self.site_id)
        register_secret(self.app_key)
        register_secret(self.write_key)

    def key(self, kind: str) -> str | None:
        return {"track": self.track_key, "app": self.app_key, "write": self.write_key}[kind]

    def base_url(self, api: API) -> str:
        return base_url(api, self.region, sandbox_root=self.sandbox_root, override=self.urls.get(api))

    def basic_user_password(self, api: API) -> tuple[str, str]:
        """(user, password) for Basic auth; raises MissingCredential."""
        if api == API.TRACK:
            missing = [n for n, v in (("Site ID", self.site_id), ("Track API key", self.track_key)) if not v]
            if missing:
                raise MissingCredential(api, missing, self.source, self.keyring_problem)
            return self.site_id, self.track_key  # type: ignore[return-value]
        if api == API.PIPELINES:
            if not self.write_key:
                raise MissingCredential(api, ["Write API key"], self.source, self.keyring_problem)
            return self.write_key, ""
        raise ValueError(f"{api} does not use Basic auth")

    def secrets(self) -> list[str]:
        """Every secret value these credentials hold (for redaction)."""
        return [k for k in (self.track_key, self.app_key, self.write_key) if k]

    def redaction_secrets(self) -> list[str]:
        """The keys plus the forms they travel in (the base64 of each Basic credential):
        what `console.wire.redact.redact_text` must mask in anything shown or stored."""
        from console.wire.redact import secret_variants

        pairs = []
        if self.site_id and self.track_key:
            pairs.append((self.site_id, self.track_key))
        if self.write_key:
            pairs.append((self.write_key, ""))
        return secret_variants(self.secrets(), pairs)


def from_env(environ: Mapping[str, str] | None = None) -> Credentials:
    """Credentials from CIO_* variables. Raises ValueError for an invalid CIO_REGION, and
    InvalidKey (a ValueError) naming the variable for a key that cannot be sent."""
    env = os.environ if environ is None else environ
    region_text = env.get(ENV_REGION)
    region = parse_region(region_text) if region_text else Region.US
    urls = {api: clean_url(env[var], var) for api, var in ENV_URLS.items() if env.get(var)}
    keys = {kind: clean_key(env.get(var), var) for kind, var in ENV_KEYS.items()}
    return Credentials(
        region=region,
        site_id=clean_site_id(env.get(ENV_SITE_ID), ENV_SITE_ID),
        track_key=keys["track"],
        app_key=keys["app"],
        write_key=keys["write"],
        urls=urls,
        source="the environment variables",
    )
