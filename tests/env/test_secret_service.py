"""One key stored and read back through the real Secret Service (gnome-keyring over D-Bus).

`make test` runs the suite inside `dbus-run-session` with an unlocked gnome-keyring
daemon whenever both tools exist (`.ci/run` installs them; tests/with_secret_service.sh),
and sets CIO_TEST_SECRET_SERVICE=1: then this test must run, and fails rather than skips when
the service cannot be reached. Run bare (plain `pytest`) it skips with the reason.
"""

from __future__ import annotations

import os
import shutil
import uuid

import pytest

from console.environments.keystore import SERVICE, KeyStore
from console.environments.store import EnvironmentStore

pytestmark = pytest.mark.secret_service

REQUIRED = os.environ.get("CIO_TEST_SECRET_SERVICE") == "1"


def secret_service_backend():
    from keyring.backends import SecretService

    try:
        SecretService.Keyring.priority  # noqa: B018 - reading it raises RuntimeError naming why it is not usable
    except Exception as exc:  # noqa: BLE001 - any reason means "not here"
        reason = f"no Secret Service in this session ({exc})"
        if REQUIRED:
            log = os.environ.get("CIO_TEST_SECRET_SERVICE_LOG")
            daemon = open(log, encoding="utf-8", errors="replace").read().strip() if log and os.path.exists(log) else ""
            pytest.fail(
                f"make test started a Secret Service, but it is not usable: {reason}"
                + (f"\ngnome-keyring-daemon said: {daemon}" if daemon else "")
            )
        tools = [t for t in ("dbus-run-session", "gnome-keyring-daemon") if not shutil.which(t)]
        hint = f"install {' and '.join(tools)} (Debian: apt-get install gnome-keyring dbus), then " if tools else ""
        pytest.skip(f"{reason}; {hint}run `make test`, which starts one under dbus-run-session")
    return SecretService.Keyring()


def test_a_key_round_trips_through_the_secret_service():
    backend = secret_service_backend()
    name = f"SecretServiceTest-{uuid.uuid4().hex[:8]}"
    value = f"ss-key-{uuid.uuid4().hex}"
    store = EnvironmentStore(keys=KeyStore(backend=backend))
    store.add(name, "us")
    try:
        store.set_key(name, "app", value)
        # A new store and a new backend object: the key comes back from the daemon.
        fresh = EnvironmentStore(keys=KeyStore(backend=type(backend)()))
        assert fresh.credentials(name).app_key == value
        assert fresh.key_status(name) == {"track": False, "app": True, "write": False}
        assert "SecretService" in fresh.keys.describe()
        # Stored under service cio-console, one entry named environment:kind.
        assert backend.get_password(SERVICE, f"{name}:app") == value
        assert value not in store.path.read_text()
    finally:
        store.delete(name)
    assert backend.get_password(SERVICE, f"{name}:app") is None
