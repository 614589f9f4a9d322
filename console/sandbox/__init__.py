"""Offline emulator of Customer.io's Track, App and Pipelines APIs.

One workspace, served per API and region under its own prefix followed by the
real path: ``/track-us`` ``/track-eu`` (``/api/v1/...``, ``/api/v2/...``),
``/app-us`` ``/app-eu`` (``/v1/...``), ``/cdp-us`` ``/cdp-eu`` (``/v1/...``).
Controls for tests live under ``/_sandbox/`` (state, requests, reset, faults).

Demo credentials (the ``SandboxConfig`` defaults; recognisable, never real):

    site id     sandbox-site-0001
    Track key   sandbox-track-key-0001    Basic base64(site id:Track key)
    App key     sandbox-app-key-0001      Bearer <App key>
    write key   sandbox-write-key-0001    Basic base64(write key:)
    workspace   4242 "Sandbox", region us

Use in process with ``httpx.ASGITransport(app=create_app())`` or over loopback
with ``serve_in_thread(SandboxConfig(...))``.
"""

from .app import create_app, new_sandbox
from .config import DEMO_CREDENTIALS, SandboxConfig
from .sandbox import Sandbox
from .server import RunningSandbox, serve_in_thread

__all__ = [
    "DEMO_CREDENTIALS",
    "RunningSandbox",
    "Sandbox",
    "SandboxConfig",
    "create_app",
    "new_sandbox",
    "serve_in_thread",
]
