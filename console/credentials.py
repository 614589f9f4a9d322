"""The credentials a request is made with, and where they came from.

Keys come from the OS keyring (stored environments) or from environment variables (for
scripts and CI); they are never written to a file by this module.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Mapping

from console.apis import API, Region, base_url, parse_region

ENV_SITE_ID = "CIO_SITE_ID"
ENV_KEYS = {"track": "CIO_TRACK_API_KEY", "app": "CIO_APP_API_KEY", "write": "CIO_WRITE_API_KEY"}
ENV_REGION = "CIO_REGION"
ENV_URLS = {API.TRACK: "CIO_TRACK_URL", API.APP: "CIO_APP_URL", API.PIPELINES: "CIO_PIPELINES_URL"}

# Which key each API authenticates with (reference §1).
KEY_KIND = {API.TRACK: "track", API.APP: "app", API.PIPELINES: "write"}
KEY_LABEL = {"track": "Track API key", "app": "App API key", "write": "Write API key"}


class MissingCredential(Exception):
    """The action's API needs a credential that is not set. Nothing was sent."""

    def __init__(self, api: API, missing: list[str], source: str, keyring_problem: str | None = None):
        self.api = api
        self.missing = missing
        names = " and ".join(missing)
        env_hint = ", ".join(
            ENV_SITE_ID if m == "Site ID" else ENV_KEYS[_kind_of_label(m)] for m in missing
        )
        # With no usable keyring, `env set-key` would only fail again: the variables (or, in
        # the console, keys kept in memory for this run) are the ways that work.
        store_hint = (" (the OS keyring cannot be read here, so storing the key there is not a way out; "
                      "in the console, F2 can keep keys in memory for this run)" if keyring_problem else
                      f", or store it with `cio-console env set-key NAME {KEY_KIND[api]}` and use `--env NAME`")
        super().__init__(
            f"The {api.title} needs the {names}, which {'is' if len(missing) == 1 else 'are'} "
            f"not set in {source}. Set {env_hint}{store_hint}."
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
        what `console.redact.redact_text` must mask in anything shown or stored."""
        from console.redact import secret_variants

        pairs = []
        if self.site_id and self.track_key:
            pairs.append((self.site_id, self.track_key))
        if self.write_key:
            pairs.append((self.write_key, ""))
        return secret_variants(self.secrets(), pairs)


def from_env(environ: Mapping[str, str] | None = None) -> Credentials:
    """Credentials from CIO_* variables. Raises ValueError for an invalid CIO_REGION."""
    env = os.environ if environ is None else environ
    region_text = env.get(ENV_REGION)
    region = parse_region(region_text) if region_text else Region.US
    urls = {api: env[var] for api, var in ENV_URLS.items() if env.get(var)}
    return Credentials(
        region=region,
        site_id=env.get(ENV_SITE_ID) or None,
        track_key=env.get(ENV_KEYS["track"]) or None,
        app_key=env.get(ENV_KEYS["app"]) or None,
        write_key=env.get(ENV_KEYS["write"]) or None,
        urls=urls,
        source="the environment variables",
    )
