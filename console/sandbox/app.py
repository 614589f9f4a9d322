"""The Starlette application: API prefixes go to the emulator, /_sandbox/ to the controls."""

from __future__ import annotations

from typing import Any

from starlette.applications import Starlette

from . import admin
from .asgi import Scope, api_prefix, handle_api, raw_path_of
from .config import SandboxConfig
from .deliveries import advance
from .demo import load_demo
from .sandbox import Sandbox


class SandboxApp(Starlette):
    """Starlette, except that API requests are answered before its middleware.

    The emulator needs the server's own ``send`` (to drop a connection without a
    response) and the raw path (so %2F stays inside an id); Starlette's error
    middleware would otherwise wrap one and answer 500 where a fault drops.
    """

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            found = api_prefix(raw_path_of(scope), self.state.sandbox.config.region)
            if found is not None:
                await handle_api(self.state.sandbox, scope, receive, send, *found)
                return
        await super().__call__(scope, receive, send)


def new_sandbox(config: SandboxConfig | None = None) -> Sandbox:
    """A Sandbox wired with the demo data and the deliveries' clock."""
    return Sandbox(config, seed=load_demo, settle=advance)


def create_app(config: SandboxConfig | Sandbox | None = None) -> SandboxApp:
    sandbox = config if isinstance(config, Sandbox) else new_sandbox(config)
    app = SandboxApp(routes=admin.ROUTES)
    app.state.sandbox = sandbox
    return app
