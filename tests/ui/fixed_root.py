"""A session that shows a fixed sandbox URL but talks to the real loopback sandbox.

Snapshots must not show the sandbox's random port: the credentials name
FIXED_ROOT, and the client's transport rewrites each request's host and port to the
running sandbox before it goes out over the socket (paths, headers and bodies untouched).
"""

from __future__ import annotations

import httpx

from console.environments.resolve import sandbox_credentials
from console.session.session import Session
from console.wire.transport import make_client
from screens.app import CioConsoleApp

FIXED_ROOT = "http://127.0.0.1:8765"


class _ToRunningSandbox(httpx.AsyncBaseTransport):
    def __init__(self, root_url: str) -> None:
        self.target = httpx.URL(root_url)
        self.inner = httpx.AsyncHTTPTransport()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        request.url = request.url.copy_with(host=self.target.host, port=self.target.port)
        request.headers["Host"] = self.target.netloc.decode("ascii")
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()


def fixed_root_app(root_url: str, *, protected: bool = False) -> CioConsoleApp:
    creds = sandbox_credentials(FIXED_ROOT, protected=protected)
    return CioConsoleApp(session=Session(creds, client_factory=lambda _: make_client(_ToRunningSandbox(root_url))))
