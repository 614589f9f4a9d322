"""Send a prepared request over httpx and record an Exchange.

Retry rules (DESIGN, "Transport"):
- 429 and 503 honour Retry-After, within `RetryPolicy.max_wait`; a 429 was not
  processed, so it is retried for every method.
- Failures before anything was sent (refused, connect timeout) are retried only when
  repeating is harmless (GET, PUT, DELETE); DNS and TLS failures are not transient and
  are never retried.
- A request that was sent but whose answer was lost (read timeout, dropped connection)
  is retried only when repeating is harmless. A send or an event is never re-sent: it
  may have been delivered, and the Exchange says so (`delivered="unknown"`).
- Redirects are not followed: httpx would drop Authorization on the cross-host hop to
  the EU region, and the data would transit the US; the error module explains them.
"""
from __future__ import annotations

import asyncio
import socket
import ssl
import time
from dataclasses import dataclass
from typing import Awaitable, Callable

import httpx

from console.exchange import Attempt, Exchange, Failure, Response
from console.request import PreparedRequest
from console.retry_after import parse_retry_after  # noqa: F401 - also imported from here (batch)

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 4
    max_wait: float = 60.0  # longest Retry-After honoured without asking
    backoff: float = 0.5  # first wait when the server gives no Retry-After; doubles
    max_backoff: float = 8.0


@dataclass(frozen=True)
class TransportEvent:
    """Progress a face can show: an attempt starting, or a wait before a retry."""

    kind: str  # "attempt" | "wait"
    attempt: int
    wait_s: float = 0.0
    reason: str = ""
    status: int | None = None  # a wait's: the status of the answer that refused the attempt


EventHook = Callable[[TransportEvent], None]
Sleep = Callable[[float], Awaitable[None]]

DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=10.0)


def make_client(
    transport: httpx.AsyncBaseTransport | None = None,
    timeout: float | httpx.Timeout | None = None,
    verify: bool | str | ssl.SSLContext = True,
) -> httpx.AsyncClient:
    """One pooled client per environment; never follows redirects."""
    if timeout is None:
        timeout = DEFAULT_TIMEOUT
    elif not isinstance(timeout, httpx.Timeout):
        timeout = httpx.Timeout(timeout, connect=min(timeout, 10.0))
    kwargs = {"transport": transport} if transport is not None else {"verify": verify}
    return httpx.AsyncClient(timeout=timeout, follow_redirects=False, **kwargs)


def _chain(exc: BaseException) -> list[BaseException]:
    out: list[BaseException] = []
    while exc is not None and exc not in out and len(out) < 10:
        out.append(exc)
        exc = exc.__cause__ or exc.__context__
    return out


def classify(exc: Exception) -> Failure:
    """Which kind of network failure an httpx exception is (by its cause chain)."""
    chain = _chain(exc)
    if any(isinstance(e, socket.gaierror) for e in chain):
        return Failure.DNS
    if any(isinstance(e, ConnectionRefusedError) for e in chain):
        return Failure.REFUSED
    if any(isinstance(e, ssl.SSLError) for e in chain):
        return Failure.TLS
    text = " ".join(repr(e) for e in chain)
    if isinstance(exc, httpx.ConnectTimeout) or isinstance(exc, httpx.PoolTimeout):
        return Failure.CONNECT_TIMEOUT
    if isinstance(exc, (httpx.ReadTimeout, httpx.WriteTimeout)):
        return Failure.READ_TIMEOUT
    if isinstance(exc, httpx.ConnectError):
        lowered = text.lower()
        if any(s in lowered for s in ("name or service not known", "nodename nor servname",
                                      "name resolution", "getaddrinfo", "no address associated")):
            return Failure.DNS
        if "ssl" in lowered or "certificate" in lowered or "tls" in lowered:
            return Failure.TLS
        if "refused" in lowered or "errno 111" in lowered or "errno 61" in lowered:
            return Failure.REFUSED
        return Failure.CONNECT
    if isinstance(exc, (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError)):
        return Failure.DROPPED
    return Failure.CONNECT


def _retry_decision(
    attempt: Attempt, resp: httpx.Response | None, repeat_safe: bool, policy: RetryPolicy, n: int
) -> tuple[float | None, str]:
    """(seconds to wait before retrying, or None to stop; why)."""
    backoff = min(policy.backoff * 2 ** (n - 1), policy.max_backoff)
    if attempt.failure is not None:
        failure = attempt.failure
        if failure in (Failure.DNS, Failure.TLS):
            return None, ""
        if not repeat_safe:
            return None, ""
        return backoff, f"{failure.value} (repeating is harmless for this request)"
    assert resp is not None
    status = resp.status_code
    if status not in RETRY_STATUSES:
        return None, ""
    retry_after = parse_retry_after(resp.headers.get("retry-after"))
    if status == 429 or (status == 503 and retry_after is not None):
        wait = backoff if retry_after is None else retry_after
        if wait > policy.max_wait:
            return None, ""
        source = f"Retry-After: {resp.headers['retry-after']}" if retry_after is not None else "no Retry-After"
        return wait, f"{status} {resp.reason_phrase or ''}".strip() + f" ({source})"
    if repeat_safe:
        return (retry_after if retry_after is not None else backoff), f"{status} {resp.reason_phrase}"
    return None, ""


async def perform(
    req: PreparedRequest,
    client: httpx.AsyncClient,
    *,
    repeat_safe: bool,
    policy: RetryPolicy = RetryPolicy(),
    on_event: EventHook | None = None,
    sleep: Sleep = asyncio.sleep,
) -> Exchange:
    """Send `req` (retrying per the module rules) and return its Exchange."""
    exchange = Exchange(request=req, started_at=time.time())
    start = time.perf_counter()
    waited = 0.0
    content = req.content()
    for n in range(1, policy.max_attempts + 1):
        if on_event:
            on_event(TransportEvent("attempt", n))
        attempt = Attempt(number=n, waited_s=waited)
        exchange.attempts.append(attempt)
        t0 = time.perf_counter()
        resp: httpx.Response | None = None
        try:
            resp = await client.request(req.method, req.url, headers=req.headers, content=content)
            attempt.status = resp.status_code
            exchange.response = Response(
                status=resp.status_code,
                reason=resp.reason_phrase,
                headers=dict(resp.headers),
                text=resp.text,
                http_version=resp.http_version,
            )
            exchange.failure = exchange.failure_detail = None
        except httpx.TransportError as exc:
            attempt.failure = classify(exc)
            exchange.response = None
            exchange.failure = attempt.failure
            exchange.failure_detail = str(exc) or type(exc).__name__
        attempt.elapsed_ms = (time.perf_counter() - t0) * 1000
        exchange.delivered = _delivered(exchange, repeat_safe)
        if n == policy.max_attempts:
            break
        wait, reason = _retry_decision(attempt, resp, repeat_safe, policy, n)
        if wait is None:
            break
        attempt.retry_reason = reason
        if on_event:
            on_event(TransportEvent("wait", n, wait, reason, attempt.status))
        await sleep(wait)
        waited = wait
    exchange.elapsed_ms = (time.perf_counter() - start) * 1000
    return exchange


def _delivered(exchange: Exchange, repeat_safe: bool) -> str:
    if exchange.response is not None:
        status = exchange.response.status
        if 200 <= status < 300:
            return "yes"
        # A gateway error can hide an upstream that processed the request.
        if status in (502, 504) and not repeat_safe:
            return "unknown"
        return "no"
    if exchange.failure is not None and exchange.failure.maybe_delivered:
        return "unknown"
    return "no"
