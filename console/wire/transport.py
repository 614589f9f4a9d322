"""Send a prepared request over httpx and record an Exchange.

Retry rules:
- 429 and 503 honour Retry-After, within `RetryPolicy.max_wait`; a 429 was not
  processed, so it is retried for every method.
- Failures before anything was sent (refused, connect timeout) are retried only when
  repeating is harmless (GET, PUT, DELETE); DNS and TLS failures are not transient and
  are never retried.
- A request that was sent but whose answer was lost (read timeout, dropped connection)
  is retried only when repeating is harmless. A send or an event is never re-sent: it
  may have been delivered, and the Exchange says so (`delivered="unknown"`).
- Every failure to read an answer (a body that is not the gzip it claims, a dropped
  connection mid-body, the deadline) is a lost answer: the request may have been
  applied, so it is "unknown", and retried only when repeating is harmless.
- Redirects are not followed: httpx would drop Authorization on the cross-host hop to
  the EU region, and the data would transit the US; the error module explains them.

Time is bounded twice, separately: the attempts together get `RetryPolicy.deadline`
seconds (by default the client's timeout, which `--timeout` sets) for connecting,
sending, waiting for and reading every answer, however slowly a server trickles it;
the waits between attempts (Retry-After, backoff) get `RetryPolicy.max_total_wait`
seconds in all (`--max-wait`). A send therefore ends within deadline + max_total_wait.
"""

from __future__ import annotations

import asyncio
import os
import socket
import ssl
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx

from console import words
from console.wire import clock, transport_counter
from console.wire.exchange import Attempt, Exchange, Failure, Response
from console.wire.request import PreparedRequest
from console.wire.retry_after import parse_retry_after

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 4
    max_wait: float = 60.0  # longest Retry-After honoured without asking
    max_total_wait: float = 60.0  # all the waits between attempts together
    deadline: float | None = None  # all the attempts together; None: the client's timeout
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


_contexts: dict[tuple[str | None, str | None], ssl.SSLContext] = {}


def verifying_context() -> ssl.SSLContext:
    """The TLS context httpx builds for `verify=True` (certifi's roots, or the ones
    SSL_CERT_FILE / SSL_CERT_DIR name), built once per process and per those settings:
    loading the roots took ~30 ms for every client (each CLI command, each environment
    tested, each batch). Sharing one context between clients is what `ssl` intends; httpcore
    sets its ALPN protocols on each connection, the same for every client here (HTTP/1.1
    only: no client of the console enables HTTP/2)."""
    key = (os.environ.get("SSL_CERT_FILE") or None, os.environ.get("SSL_CERT_DIR") or None)
    context = _contexts.get(key)
    if context is None:
        context = _contexts[key] = httpx.create_ssl_context(verify=True)
    return context


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
    if verify is True:
        verify = verifying_context()
    kwargs = {"transport": transport} if transport is not None else {"verify": verify}
    return httpx.AsyncClient(timeout=timeout, follow_redirects=False, **kwargs)


def _chain(exc: BaseException) -> list[BaseException]:
    out: list[BaseException] = []
    link: BaseException | None = exc
    while link is not None and link not in out and len(out) < 10:
        out.append(link)
        link = link.__cause__ or link.__context__
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
    if isinstance(exc, (httpx.ConnectTimeout, httpx.PoolTimeout)):
        return Failure.CONNECT_TIMEOUT
    if isinstance(exc, (httpx.ReadTimeout, httpx.WriteTimeout)):
        return Failure.READ_TIMEOUT
    if isinstance(exc, httpx.ConnectError):
        lowered = text.lower()
        if any(
            s in lowered
            for s in (
                "name or service not known",
                "nodename nor servname",
                "name resolution",
                "getaddrinfo",
                "no address associated",
            )
        ):
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


def _deadline(policy: RetryPolicy, client: httpx.AsyncClient) -> float | None:
    """Seconds the attempts may take in all: the policy's, else the client's timeout."""
    if policy.deadline is not None:
        return policy.deadline
    timeout = getattr(client, "timeout", None)
    parts = [t for t in (getattr(timeout, n, None) for n in ("connect", "read", "write", "pool")) if t is not None]
    return max(parts) if parts else None


class _Progress:
    """How far an attempt got (httpcore's trace events): whether the request can have
    reached the server, and the status line if one arrived before the body failed."""

    def __init__(self) -> None:
        self.traced = False
        self.sending = False
        self.status: int | None = None

    async def trace(self, name: str, info: dict[str, Any]) -> None:
        self.traced = True
        if "send_request_headers" in name:
            self.sending = True
        elif name.endswith("receive_response_headers.complete"):
            result = info.get("return_value")
            if isinstance(result, tuple) and len(result) > 1 and isinstance(result[1], int):
                self.status = result[1]

    @property
    def maybe_sent(self) -> bool:
        # Transports that do not trace (in-process ones) count as sent: the safe side.
        return self.sending or not self.traced


async def perform(
    req: PreparedRequest,
    client: httpx.AsyncClient,
    *,
    repeat_safe: bool,
    policy: RetryPolicy = RetryPolicy(),
    on_event: EventHook | None = None,
    sleep: Sleep | None = None,
) -> Exchange:
    """Send `req` (retrying per the module rules) and return its Exchange."""
    exchange = Exchange(request=req, started_at=time.time())
    start = time.perf_counter()
    waited = 0.0
    waited_total = 0.0
    budget = _deadline(policy, client)
    spent = 0.0  # time inside attempts, against `budget`
    content = req.content()
    for n in range(1, policy.max_attempts + 1):
        remaining = None if budget is None else budget - spent
        if remaining is not None and remaining <= 0 and n > 1:
            break
        if on_event:
            on_event(TransportEvent("attempt", n))
        attempt = Attempt(number=n, waited_s=waited)
        exchange.attempts.append(attempt)
        t0 = time.perf_counter()
        resp: httpx.Response | None = None
        progress = _Progress()
        transport_counter.attempt_started()
        try:
            async with asyncio.timeout(remaining):
                resp = await client.request(
                    req.method, req.url, headers=req.headers, content=content, extensions={"trace": progress.trace}
                )
            attempt.status = resp.status_code
            exchange.response = Response(
                status=resp.status_code,
                reason=resp.reason_phrase,
                headers=dict(resp.headers),
                text=resp.text,
                http_version=resp.http_version,
            )
            exchange.failure = exchange.failure_detail = None
            if _foreign_page(resp):
                attempt.failure = Failure.UNREADABLE
                _lost(
                    exchange,
                    Failure.UNREADABLE,
                    f"the server answered {resp.status_code} with an HTML page, "
                    "not the API's JSON: a proxy, a captive portal or a wrong base URL (CIO_*_URL) answered",
                )
                resp = None
        except TimeoutError:
            resp = None
            attempt.failure = Failure.READ_TIMEOUT if progress.maybe_sent else Failure.CONNECT_TIMEOUT
            _lost(
                exchange,
                attempt.failure,
                f"no complete answer within the {budget:g} s deadline{words.TIMEOUT_NOTE}",
            )
        except httpx.TransportError as exc:
            resp = None
            attempt.failure = classify(exc)
            _lost(exchange, attempt.failure, str(exc) or type(exc).__name__)
        except httpx.HTTPError as exc:
            # The answer arrived but could not be read (a body that is not the gzip its
            # Content-Encoding says): what it said is lost, so the outcome is unknown.
            resp = None
            attempt.failure = Failure.UNREADABLE
            said = f"server answered {progress.status} but its" if progress.status else "server's"
            _lost(exchange, Failure.UNREADABLE, f"the {said} answer could not be read ({type(exc).__name__}: {exc})")
        elapsed = time.perf_counter() - t0
        spent += elapsed
        attempt.elapsed_ms = elapsed * 1000
        exchange.delivered = _delivered(exchange, repeat_safe)
        if n == policy.max_attempts:
            break
        wait, reason = _retry_decision(attempt, resp, repeat_safe, policy, n)
        if wait is None or waited_total + wait > policy.max_total_wait:
            break
        if budget is not None and spent >= budget:
            break
        attempt.retry_reason = reason
        if on_event:
            on_event(TransportEvent("wait", n, wait, reason, attempt.status))
        await (sleep or clock.sleep)(wait)
        waited = wait
        waited_total += wait
    exchange.elapsed_ms = (time.perf_counter() - start) * 1000
    return exchange


def _foreign_page(resp: httpx.Response) -> bool:
    """A 2xx that is an HTML page: Customer.io's APIs answer JSON or nothing, so whatever
    sent it (a proxy, a captive portal, a web site at a wrong base URL) is not the API,
    and whether the request reached the API is unknown."""
    kind = resp.headers.get("content-type", "").split(";")[0].strip().lower()
    return 200 <= resp.status_code < 300 and kind in ("text/html", "application/xhtml+xml")


def _lost(exchange: Exchange, failure: Failure, detail: str) -> None:
    from console.wire.redact import redact_text

    exchange.response = None
    exchange.failure = failure
    # An HTTP library's error may quote a header value ("Illegal header value b'Bearer …'").
    exchange.failure_detail = redact_text(detail)


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
