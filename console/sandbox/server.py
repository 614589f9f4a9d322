"""Serving the sandbox with uvicorn in a background thread on loopback."""

from __future__ import annotations

import threading
import time
from typing import TYPE_CHECKING, Any

from starlette.applications import Starlette

from .app import create_app
from .config import SandboxConfig
from .sandbox import Sandbox

if TYPE_CHECKING:
    import uvicorn

START_TIMEOUT = 10.0


class RunningSandbox:
    """A sandbox served by uvicorn in a thread; a context manager, or start()/stop()."""

    def __init__(
        self,
        app: Starlette,
        host: str = "127.0.0.1",
        port: int = 0,
        ssl_certfile: str | None = None,
        ssl_keyfile: str | None = None,
    ) -> None:
        self.app = app
        self.sandbox: Sandbox = app.state.sandbox
        self.host = host
        self.scheme = "https" if ssl_certfile else "http"
        import uvicorn  # only when serving over a socket; in-process use does not need it

        self._config = uvicorn.Config(
            app,
            host=host,
            port=port,
            ssl_certfile=ssl_certfile,
            ssl_keyfile=ssl_keyfile,
            lifespan="off",
            log_level="warning",
            access_log=False,
        )
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self.port: int | None = None
        self._failure: str | None = None

    @property
    def root_url(self) -> str:
        if self.port is None:
            raise RuntimeError("the sandbox server is not running")
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{self.scheme}://{host}:{self.port}"

    def base_url(self, api: str, region: str | None = None) -> str:
        """The client base URL for an API, e.g. base_url("track") -> http://127.0.0.1:PORT/track-us."""
        return f"{self.root_url}/{api}-{region or self.sandbox.config.region}"

    def start(self) -> RunningSandbox:
        if self._thread is not None:
            return self
        self.sandbox.interrupt.clear()
        import uvicorn

        server = uvicorn.Server(self._config)
        thread = threading.Thread(target=self._serve, args=(server,), name="cio-sandbox", daemon=True)
        self._server, self._thread = server, thread
        thread.start()
        deadline = time.monotonic() + START_TIMEOUT
        while not server.started:
            if not thread.is_alive():
                self._thread = None
                raise RuntimeError(
                    f"the sandbox server failed to start on {self.host}:{self._config.port}"
                    f" ({self._failure or 'unknown error'})"
                )
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("the sandbox server did not start in time")
            time.sleep(0.005)
        # uvicorn bound the port itself (which keeps TCP_NODELAY on); read back the real one.
        self.port = server.servers[0].sockets[0].getsockname()[1]
        return self

    def _serve(self, server: uvicorn.Server) -> None:
        try:
            server.run()
        except SystemExit as exc:
            # uvicorn exits when it cannot bind; keep that inside this thread.
            self._failure = f"uvicorn exited with status {exc.code}; is the port already in use?"
        except Exception as exc:  # noqa: BLE001 - reported by start()
            self._failure = f"{type(exc).__name__}: {exc}"

    def stop(self) -> None:
        server, thread = self._server, self._thread
        if server is None or thread is None:
            return
        self.sandbox.interrupt.set()  # cut injected delays short
        server.should_exit = True
        thread.join(timeout=5)
        if thread.is_alive():
            server.force_exit = True
            thread.join(timeout=5)
        self._server = self._thread = None
        self.port = None

    def __enter__(self) -> RunningSandbox:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()


def serve_in_thread(
    app_or_config: Starlette | SandboxConfig | Sandbox | None = None,
    host: str = "127.0.0.1",
    port: int = 0,
    ssl_certfile: str | None = None,
    ssl_keyfile: str | None = None,
) -> RunningSandbox:
    """Start serving in a background thread and return the running handle.

    Usable directly (``rs = serve_in_thread(cfg); ...; rs.stop()``) or as
    ``with serve_in_thread(cfg) as rs:`` (entering an already started handle is a no-op).
    """
    app = app_or_config if isinstance(app_or_config, Starlette) else create_app(app_or_config)
    return RunningSandbox(app, host, port, ssl_certfile, ssl_keyfile).start()
