"""Where keys live: the OS keyring (service `cio-console`), or memory for one run.

One keyring entry per environment and key kind: service `cio-console`, user name
`<environment>:<kind>` (kind is track, app or write). Nothing here ever writes a key to
a file; a keyring that would (keyrings.alt's plaintext backends) is refused, never used
as a silent fallback.

`keyring` is imported on first use: importing it and discovering the backend costs
~110 ms, which `cio-console send` without `--env` and the first frame should not pay.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from console.errors import ConfigurationError

SERVICE = "cio-console"
KEY_KINDS = ("track", "app", "write")

WAYS_OUT = (
    "Ways out: set the keys in environment variables (CIO_SITE_ID, CIO_TRACK_API_KEY, "
    "CIO_APP_API_KEY, CIO_WRITE_API_KEY, CIO_REGION), which scripts and CI use anyway; or, in "
    "the console, keep the keys in memory for this run only (they are forgotten when it exits)."
)


class KeyringUnavailable(ConfigurationError):
    """No usable OS keyring. The message names the cause and the ways out."""

    def __init__(self, cause: str):
        self.cause = cause
        super().__init__(f"The OS keyring is not usable: {cause}\n{WAYS_OUT}", hint=WAYS_OUT)


def check_kind(kind: str) -> str:
    if kind not in KEY_KINDS:
        raise ValueError(f"key kind must be one of {', '.join(KEY_KINDS)} (got {kind!r})")
    return kind


def entry_name(environment: str, kind: str) -> str:
    """The keyring user name of one key (environment names never contain ':')."""
    return f"{environment}:{check_kind(kind)}"


def _is_plaintext(backend: Any) -> bool:
    """True for a backend that would store keys readable in a file (keyrings.alt)."""
    inner = getattr(backend, "backends", None)  # keyring's ChainerBackend
    if inner:
        return any(_is_plaintext(b) for b in inner)
    return type(backend).__module__.startswith("keyrings.alt")


def _is_fail(backend: Any) -> bool:
    module = type(backend).__module__
    return module in ("keyring.backends.fail", "keyring.backends.null")


def _describe(backend: Any) -> str:
    name = getattr(type(backend), "name", None) or type(backend).__name__
    return str(name)


class KeyStore:
    """Keys in the OS keyring, through the `keyring` library.

    `backend` is a `keyring.backend.KeyringBackend`; by default the one `keyring`
    selects for this machine (which tests replace with an in-memory backend through
    `keyring.set_keyring`).
    """

    persistent = True

    def __init__(self, backend: Any = None, service: str = SERVICE) -> None:
        self._backend = backend
        self.service = service

    @property
    def backend(self) -> Any:
        backend = self._backend
        if backend is None:
            import keyring

            backend = keyring.get_keyring()
        if _is_fail(backend):
            raise KeyringUnavailable(
                "no keyring backend was found. On Linux cio-console needs a Secret Service "
                "(gnome-keyring, KWallet or KeePassXC) in a desktop or D-Bus session; a headless "
                "machine or container usually has none."
            )
        if _is_plaintext(backend):
            raise KeyringUnavailable(
                f"the selected keyring ({_describe(backend)}) would store keys unencrypted in a "
                "file, which cio-console never does. Uninstall keyrings.alt or choose another "
                "backend (PYTHON_KEYRING_BACKEND)."
            )
        return backend

    def describe(self) -> str:
        """The backend's name, for status lines ("SecretService Keyring")."""
        try:
            return _describe(self.backend)
        except KeyringUnavailable:
            return "no usable keyring"

    def get(self, environment: str, kind: str) -> str | None:
        backend = self.backend
        with _translated("read"):
            return backend.get_password(self.service, entry_name(environment, kind)) or None

    def set(self, environment: str, kind: str, value: str) -> None:
        backend = self.backend
        with _translated("store"):
            backend.set_password(self.service, entry_name(environment, kind), value)

    def delete(self, environment: str, kind: str) -> bool:
        """Remove one key; False when there was none."""
        if self.get(environment, kind) is None:
            return False
        backend = self.backend
        with _translated("delete"):
            backend.delete_password(self.service, entry_name(environment, kind))
        return True


class MemoryKeyStore(KeyStore):
    """Keys kept in this process only ("for this run only"); forgotten at exit."""

    persistent = False

    def __init__(self) -> None:
        super().__init__()
        self._keys: dict[tuple[str, str], str] = {}

    @property
    def backend(self) -> Any:  # pragma: no cover - never used: the methods below override
        return None

    def describe(self) -> str:
        return "memory (this run only)"

    def get(self, environment: str, kind: str) -> str | None:
        return self._keys.get((environment, check_kind(kind)))

    def set(self, environment: str, kind: str, value: str) -> None:
        self._keys[(environment, check_kind(kind))] = value

    def delete(self, environment: str, kind: str) -> bool:
        return self._keys.pop((environment, check_kind(kind)), None) is not None

    def __repr__(self) -> str:  # never show the keys in a debug print
        return f"MemoryKeyStore({len(self._keys)} keys)"


@contextmanager
def _translated(verb: str) -> Iterator[None]:
    """Turn whatever the keyring raises into KeyringUnavailable with its cause.

    Broad on purpose: the backends raise their own D-Bus, OS and library errors, and a
    failing keyring must become a message, never a crash. Exception texts from the
    backends describe the failure, never the key.
    """
    try:
        yield
    except KeyringUnavailable:
        raise
    except Exception as exc:  # noqa: BLE001 - any backend failure becomes KeyringUnavailable
        from keyring import errors

        if isinstance(exc, errors.KeyringLocked):
            cause = (
                f"the keyring is locked ({exc}). "
                "Unlock it (log in to the desktop session, or unlock the login keyring) and try again."
            )
        elif isinstance(exc, errors.NoKeyringError):
            cause = "no keyring backend was found (no Secret Service or other OS keyring)."
        else:
            detail = str(exc).strip() or type(exc).__name__
            cause = f"the keyring failed to {verb} the key: {detail}."
        raise KeyringUnavailable(cause) from None
