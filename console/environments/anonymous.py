"""The anonymous id the console keeps per environment, like a client library's.

Analytics libraries give a visitor a random anonymous id, send it with every call until
the person is identified, and forget it on `reset()` (logout) to start a new one. The
console does the same per environment, so `track-anonymous` and the Pipelines calls can
be prefilled with "this visitor" and `cio-console anon reset` starts a new one.

An anonymous id is not a secret: it lives in a small JSON file in the platform's user
state directory (`platformdirs.user_state_path("cio-console")/anonymous_ids.json`),
keyed by environment name. Credentials from CIO_* variables share the key
`ENV_VARS_KEY`; the embedded sandbox without a name uses `SANDBOX_KEY`. Both are in
parentheses, which stored environment names never are, so they cannot collide.
"""

from __future__ import annotations

import json
import os
import tempfile
import threading
from pathlib import Path
from uuid import uuid4

from console.wire.credentials import Credentials

ENV_VARS_KEY = "(environment variables)"
SANDBOX_KEY = "(sandbox)"
FILE_NAME = "anonymous_ids.json"

_lock = threading.Lock()  # the TUI may prefill from a worker while the main thread resets


def store_path() -> Path:
    from platformdirs import user_state_path

    return user_state_path("cio-console", appauthor=False) / FILE_NAME


def key_for(creds: Credentials | None = None, env_name: str | None = None, sandbox: bool = False) -> str:
    """The key an environment's anonymous id is stored under."""
    name = env_name or (creds.name if creds else None)
    if name:
        return name
    if sandbox or (creds is not None and creds.sandbox_root):
        return SANDBOX_KEY
    return ENV_VARS_KEY


def new_id() -> str:
    # A uuid4, as analytics.js and the Customer.io SDKs generate.
    return str(uuid4())


def _read() -> dict[str, str]:
    try:
        data = json.loads(store_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        # Missing or unreadable: start afresh; an anonymous id is cheap to replace.
        return {}
    if not isinstance(data, dict):
        return {}
    ids = data.get("ids", {})
    return {k: v for k, v in ids.items() if isinstance(k, str) and isinstance(v, str) and v}


def _write(ids: dict[str, str]) -> None:
    path = store_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    # Write then rename, so a crash or a concurrent reader never sees half a file.
    fd, tmp = tempfile.mkstemp(prefix=".anonymous_ids.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump({"version": 1, "ids": ids}, out, indent=2, sort_keys=True)
            out.write("\n")
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def peek(key: str) -> str | None:
    """The current anonymous id for `key`, or None if none was started yet."""
    with _lock:
        return _read().get(key)


def current(key: str) -> str:
    """The current anonymous id for `key`, starting one on first use."""
    with _lock:
        ids = _read()
        if key not in ids:
            ids[key] = new_id()
            _write(ids)
        return ids[key]


def reset(key: str) -> tuple[str | None, str]:
    """Forget the current anonymous id and start a new one: (previous, new)."""
    with _lock:
        ids = _read()
        previous = ids.get(key)
        ids[key] = new_id()
        _write(ids)
        return previous, ids[key]


def forget(key: str) -> bool:
    """Drop the key entirely (e.g. when an environment is deleted)."""
    with _lock:
        ids = _read()
        if key not in ids:
            return False
        del ids[key]
        _write(ids)
        return True
