"""Stored environments: settings in a TOML file, keys in the OS keyring.

The file (`environments.toml` under platformdirs' user config dir for `cio-console`,
see `console.environments.file`) holds only what is not secret: region, Site ID, the protected
flag, base-URL overrides (for the sandbox) and which environment was used last, written
owner-only. Keys go to a `KeyStore` (`console.environments.keystore`): the OS keyring.

Environment variables and a stored environment (`credentials_for`): each CIO_* variable
that is set overrides that one field of the stored environment, field by field, so a
script or CI job can supply a key (or the region, or a base URL) while the stored
environment supplies the rest. The credentials' `source` names every override, and
`env_overrides()` lists them so the CLI can say so on stderr.
"""

from __future__ import annotations

import builtins
import os
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from console import words
from console.environments.file import (
    CONFIG_FILE,
    ConfigFileError,
    Environment,
    check_key,
    check_name,
    check_site_id,
    check_url,
    clean_urls,
    default_config_dir,
    read_file,
    stored_credentials,
    write_file,
)
from console.environments.keystore import KEY_KINDS, KeyringUnavailable, KeyStore, MemoryKeyStore, check_kind
from console.errors import ConfigurationError
from console.wire.apis import API, Region, parse_region
from console.wire.credentials import (
    ENV_KEYS,
    ENV_REGION,
    ENV_SITE_ID,
    ENV_URLS,
    KEY_LABEL,
    Credentials,
    clean_key,
    clean_site_id,
    clean_url,
)

EDITABLE = frozenset({"region", "site_id", "protected", "sandbox_root", "urls"})

__all__ = [
    "ConfigFileError",
    "Environment",
    "EnvironmentStore",
    "KeyStore",
    "KeyringUnavailable",
    "MemoryKeyStore",
    "UnknownEnvironment",
    "credentials_for",
    "default_config_dir",
    "env_overrides",
]


class UnknownEnvironment(ConfigurationError, KeyError):
    """No environment by that name; the message lists the known ones."""

    def __init__(self, name: str, known: list[str]):
        self.name = name
        self.known = known
        listed = ", ".join(known) if known else "none"
        hint = words.ADD_ENVIRONMENT
        self.message = f"no environment named {name!r}. Known environments: {listed}.{hint}"
        super().__init__(self.message, field="environment", hint=hint)

    def __str__(self) -> str:
        return self.message


class EnvironmentStore:
    """Environments in the TOML file, their keys in a KeyStore.

    Every call reads the file afresh (it is tiny), so the CLI, the console and a second
    console see each other's changes. Names are matched case-insensitively.
    """

    def __init__(self, config_dir: Path | None = None, keys: KeyStore | None = None) -> None:
        self.config_dir = Path(config_dir) if config_dir is not None else default_config_dir()
        self.keys: KeyStore = keys if keys is not None else KeyStore()

    @property
    def path(self) -> Path:
        return self.config_dir / CONFIG_FILE

    def use_memory_keys(self) -> None:
        """Keep keys in memory for this run only (when the OS keyring is unusable)."""
        if not isinstance(self.keys, MemoryKeyStore):
            self.keys = MemoryKeyStore()

    # -- reading and writing the file ---------------------------------------------
    def _load(self) -> tuple[list[Environment], str | None]:
        return read_file(self.path)

    def _save(self, envs: list[Environment], last_used: str | None) -> None:
        write_file(self.path, envs, last_used)

    @staticmethod
    def _index(envs: list[Environment], name: str) -> int:
        wanted = str(name).strip().casefold()
        for i, env in enumerate(envs):
            if env.name.casefold() == wanted:
                return i
        raise UnknownEnvironment(str(name), [e.name for e in envs])

    # -- environments --------------------------------------------------------------
    def list(self) -> list[Environment]:
        return self._load()[0]

    def names(self) -> builtins.list[str]:  # `list` is the method above, here in the class
        return [e.name for e in self.list()]

    def get(self, name: str) -> Environment:
        envs, _ = self._load()
        return envs[self._index(envs, name)]

    def add(
        self,
        name: str,
        region: Region | str,
        site_id: str | None = None,
        protected: bool = False,
        *,
        sandbox_root: str | None = None,
        urls: Mapping[API | str, str] | None = None,
    ) -> Environment:
        envs, last = self._load()
        check_name(name)
        clash = [e.name for e in envs if e.name.casefold() == name.casefold()]
        if clash:
            raise ValueError(f"an environment named {clash[0]!r} already exists")
        env = Environment(
            name=name,
            region=region if isinstance(region, Region) else parse_region(region),
            site_id=check_site_id(site_id),
            protected=bool(protected),
            sandbox_root=check_url(sandbox_root, "sandbox_root") if sandbox_root else None,
            urls=clean_urls(urls or {}),
        )
        envs.append(env)
        self._save(envs, last)
        return env

    def update(self, name: str, **changes: Any) -> Environment:
        """Change region, site_id, protected, sandbox_root or urls (None/"" clears)."""
        unknown = set(changes) - EDITABLE
        if unknown:
            extra = " Keys are not settings: use set_key()." if unknown & {"track_key", "app_key", "write_key"} else ""
            raise ValueError(
                f"cannot change {', '.join(sorted(unknown))}; changeable: {', '.join(sorted(EDITABLE))}.{extra}"
            )
        envs, last = self._load()
        i = self._index(envs, name)
        env = envs[i]
        values: dict[str, Any] = {}
        if "region" in changes:
            r = changes["region"]
            values["region"] = r if isinstance(r, Region) else parse_region(r)
        if "site_id" in changes:
            values["site_id"] = check_site_id(changes["site_id"])
        if "protected" in changes:
            values["protected"] = bool(changes["protected"])
        if "sandbox_root" in changes:
            root = changes["sandbox_root"]
            values["sandbox_root"] = check_url(root, "sandbox_root") if root else None
        if "urls" in changes:
            values["urls"] = clean_urls(changes["urls"] or {})
        envs[i] = replace(env, **values)
        self._save(envs, last)
        return envs[i]

    def rename(self, old: str, new: str) -> Environment:
        """Rename, moving its keys to entries under the new name."""
        envs, last = self._load()
        i = self._index(envs, old)
        current = envs[i].name
        check_name(new)
        clash = [e.name for j, e in enumerate(envs) if j != i and e.name.casefold() == new.casefold()]
        if clash:
            raise ValueError(f"an environment named {clash[0]!r} already exists")
        # Copy the keys first: if the keyring fails, nothing has changed yet.
        keys = {kind: self.keys.get(current, kind) for kind in KEY_KINDS}
        for kind, value in keys.items():
            if value:
                self.keys.set(new, kind, value)
        envs[i] = replace(envs[i], name=new)
        self._save(envs, new if last == current else last)
        if new != current:
            for kind, value in keys.items():
                if value:
                    self.keys.delete(current, kind)
        return envs[i]

    def delete(self, name: str) -> None:
        """Remove an environment and its keyring entries."""
        envs, last = self._load()
        i = self._index(envs, name)
        current = envs[i].name
        for kind in KEY_KINDS:
            self.keys.delete(current, kind)
        del envs[i]
        self._save(envs, None if last == current else last)

    # -- keys ----------------------------------------------------------------------
    def set_key(self, name: str, kind: str, value: str) -> None:
        env = self.get(name)
        self.keys.set(env.name, check_kind(kind), check_key(kind, value))

    def delete_key(self, name: str, kind: str) -> bool:
        env = self.get(name)
        return self.keys.delete(env.name, check_kind(kind))

    def key_status(self, name: str) -> dict[str, bool]:
        env = self.get(name)
        return {kind: self.keys.get(env.name, kind) is not None for kind in KEY_KINDS}

    def credentials(self, name: str) -> Credentials:
        """The stored environment's credentials, keys read from the key store."""
        env = self.get(name)
        keys = {
            kind: clean_key(self.keys.get(env.name, kind), f"the {KEY_LABEL[kind]} of {env.name} in the OS keyring")
            for kind in KEY_KINDS
        }
        return stored_credentials(env, keys)

    # -- last used -------------------------------------------------------------------
    @property
    def last_used(self) -> str | None:
        envs, last = self._load()
        if not last:
            return None
        try:
            return envs[self._index(envs, last)].name
        except UnknownEnvironment:
            return None

    def set_last_used(self, name: str) -> None:
        envs, _ = self._load()
        self._save(envs, envs[self._index(envs, name)].name)


def env_overrides(environ: Mapping[str, str] | None = None) -> list[str]:
    """The CIO_* variables that are set and so override a stored environment's fields."""
    env = os.environ if environ is None else environ
    names = [ENV_REGION, ENV_SITE_ID, *ENV_KEYS.values(), *ENV_URLS.values()]
    return [n for n in names if env.get(n)]


def credentials_for(
    name: str,
    *,
    environ: Mapping[str, str] | None = None,
    store: EnvironmentStore | None = None,
    strict: bool = False,
) -> Credentials:
    """A stored environment's credentials, with each CIO_* variable that is set
    overriding its field (see the module docstring).

    A key the variables supply is not read from the keyring. When the keyring is not
    usable, the keys it should have supplied count as not set and `source` says why (a
    send that needs one then fails with that reason); with `strict` (the connection
    test) KeyringUnavailable is raised instead. Raises UnknownEnvironment.
    """
    env_vars = os.environ if environ is None else environ
    store = store or EnvironmentStore()
    stored = store.get(name)
    overrides = env_overrides(env_vars)
    keys: dict[str, str | None] = {}
    keyring_problem: str | None = None
    for kind in KEY_KINDS:
        if env_vars.get(ENV_KEYS[kind]):
            keys[kind] = clean_key(env_vars[ENV_KEYS[kind]], ENV_KEYS[kind])
            continue
        try:
            keys[kind] = clean_key(
                store.keys.get(stored.name, kind), f"the {KEY_LABEL[kind]} of {stored.name} in the OS keyring"
            )
        except KeyringUnavailable as exc:
            if strict:
                raise
            keys[kind] = None
            keyring_problem = exc.cause
    region_text = env_vars.get(ENV_REGION)
    urls = dict(stored.urls)
    urls.update({api: clean_url(env_vars[var], var) for api, var in ENV_URLS.items() if env_vars.get(var)})
    source = f"environment {stored.name}"
    if overrides:
        source += f" (overridden by {', '.join(overrides)})"
    if keyring_problem:
        source += f" (its keys could not be read: {keyring_problem.rstrip('.')})"
    return replace(
        stored_credentials(stored, keys, source=source, keyring_problem=keyring_problem),
        region=parse_region(region_text) if region_text else stored.region,
        site_id=clean_site_id(env_vars.get(ENV_SITE_ID), ENV_SITE_ID) or stored.site_id,
        urls=urls,
    )


def __getattr__(name: str) -> Any:
    # The connection test lives in its own module (it imports httpx); re-exported here
    # lazily so `from console.environments.store import run_connection_test` works without making
    # every `send --env` pay for that import.
    if name in ("run_connection_test", "ConnectionCheck"):
        from console.diagnose import connection_test

        return getattr(connection_test, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
