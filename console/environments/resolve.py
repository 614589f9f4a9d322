"""The one environment resolver: which credentials a face uses, and from where.

Both faces call `resolve` at start-up and on every switch (the CLI's `--env`, the
console's start-up, palette and F2), so the header, the request's target and the
guard always come from the same credentials: a stored environment with each CIO_*
variable that is set overriding its field (`console.environments.store.credentials_for`),
the CIO_* variables alone, or the embedded sandbox. `stored_credentials` is the one
place a stored environment's settings and keys become `Credentials`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from console.environments.file import stored_credentials
from console.wire.credentials import Credentials

if TYPE_CHECKING:
    from console.environments.store import EnvironmentStore

__all__ = [
    "SANDBOX_LABEL",
    "SANDBOX_NAMES",
    "SANDBOX_PROTECTED_LABEL",
    "Resolved",
    "resolve",
    "sandbox_credentials",
    "stored_credentials",
]

SANDBOX_LABEL = "Sandbox"
SANDBOX_PROTECTED_LABEL = "Sandbox (protected)"
SANDBOX_NAMES = {SANDBOX_LABEL.casefold(), SANDBOX_PROTECTED_LABEL.casefold()}


@dataclass(frozen=True)
class Resolved:
    """The credentials to use, and what a face says about them."""

    creds: Credentials
    label: str | None = None  # the header's name for them; None: the face's own default
    overrides: list[str] = field(default_factory=list)  # CIO_* variables over a stored environment
    sandbox: bool = False  # the embedded sandbox


def sandbox_credentials(root_url: str, *, protected: bool = False) -> Credentials:
    """The embedded sandbox's demo credentials (it accepts only these keys)."""
    from console.sandbox import DEMO_CREDENTIALS as demo

    return Credentials(
        site_id=demo.site_id,
        track_key=demo.track_key,
        app_key=demo.app_key,
        write_key=demo.write_key,
        sandbox_root=root_url,
        source="the embedded sandbox",
        protected=protected,
        name=SANDBOX_PROTECTED_LABEL if protected else SANDBOX_LABEL,
    )


def resolve(
    name: str | None,
    *,
    store: EnvironmentStore | None = None,
    environ: Mapping[str, str] | None = None,
    last_used: bool = False,
    sandbox: Callable[[], str] | None = None,
) -> Resolved:
    """The credentials for environment `name`.

    `name` None: with `last_used` the environment used last (and then remembered again),
    else the CIO_* variables alone. `sandbox` (the console's --sandbox: returns the
    embedded sandbox's root URL, starting it): no name, or one of the two sandbox names,
    means the embedded sandbox; any other name is that stored environment, with its own
    URLs and protection. Raises UnknownEnvironment, ValueError (a CIO_* value that
    cannot be used)."""
    from console.environments.store import EnvironmentStore, credentials_for, env_overrides
    from console.wire.credentials import from_env

    if sandbox is not None and (name is None or name.casefold() in SANDBOX_NAMES):
        protected = name is not None and name.casefold() == SANDBOX_PROTECTED_LABEL.casefold()
        return Resolved(sandbox_credentials(sandbox(), protected=protected), sandbox=True)
    overrides = env_overrides(environ)
    if name is None and last_used:
        store = store or EnvironmentStore()
        name = store.last_used
    if name is None:
        return Resolved(from_env(environ), label="environment variables" if overrides else None)
    store = store or EnvironmentStore()
    creds = credentials_for(name, store=store, environ=environ)
    if last_used:
        store.set_last_used(creds.name or name)
    return Resolved(creds, overrides=overrides)
