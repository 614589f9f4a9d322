"""App API reads outside the catalog (people, segments, transactional templates).

Every read goes through `build_read` and `perform`, so it has the same auth, retry and
Exchange record as an action; a failure comes back explained, never raised.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import httpx

from console.diagnose.explain import Explanation, explain
from console.wire.apis import API
from console.wire.credentials import Credentials
from console.wire.exchange import Exchange
from console.wire.request import build_read
from console.wire.transport import RetryPolicy, perform


def path_segment(value: Any) -> str:
    """One percent-encoded path segment (`quote(value, safe="")`, as the official Python client does: `/`, `@`, `+`, spaces, UTF-8)."""
    return quote(str(value), safe="")


@dataclass
class ReadResult:
    exchange: Exchange
    data: Any = None  # the parsed JSON body of a 2xx answer
    explanation: Explanation | None = None

    @property
    def ok(self) -> bool:
        return self.exchange.ok and self.explanation is None

    @property
    def status(self) -> int | None:
        return self.exchange.status


async def read_json(
    creds: Credentials,
    client: httpx.AsyncClient,
    path: str,
    query: dict[str, str] | None = None,
    *,
    policy: RetryPolicy = RetryPolicy(),
) -> ReadResult:
    """GET an App API path. Raises MissingCredential when there is no App API key."""
    req = build_read(API.APP, creds, path, query)
    exchange = await perform(req, client, repeat_safe=True, policy=policy)
    if not exchange.ok:
        return ReadResult(exchange, explanation=explain(exchange, None, creds))
    data = exchange.response.json() if exchange.response else None
    if data is None and exchange.response is not None and exchange.response.text.strip():
        # A 2xx that is not JSON (a proxy's HTML page) must not pass for an empty answer.
        return ReadResult(
            exchange,
            explanation=Explanation(
                f"{exchange.response.status} {exchange.response.reason}: the answer is not JSON",
                "Something between this console and Customer.io answered instead of the API "
                "(a proxy or captive portal, or a wrong base URL override).",
                ["Check CIO_APP_URL or the environment's base URL, then try again."],
            ),
        )
    return ReadResult(exchange, data=data)
