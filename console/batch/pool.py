"""A connection pool that stays fast with a hundred connections in flight.

httpcore 1.0's `AsyncConnectionPool._assign_requests_to_connections` runs on every
request start and end and, for every idle connection, rebuilds a list over all
connections (encode/httpcore#1035, still open): its cost grows with the square of the
pool size. Measured against the sandbox with 50 ms of injected latency, 2,000 identify
requests at --rate 1000: 540 requests/s with 30 connections, 154/s with 60 and 96/s
with 120, the client's CPU pegged in that method. Customer.io is ~100 ms away, so
holding Track's 1000/s needs ~100 connections.

`linear_transport` returns an ordinary `httpx.AsyncHTTPTransport` whose pool does the
same bookkeeping in one pass (the approach of encode/httpcore#1035 and
pydantic/httpx2#974). It changes only that method, and only on the httpcore versions it
was written against; anything else keeps the stock pool, which is correct, just slower.
"""

from __future__ import annotations

import ssl

import httpx

try:
    import httpcore
    from httpcore._async.connection_pool import AsyncConnectionPool as _StockPool
except ImportError:  # pragma: no cover - httpx always brings httpcore
    httpcore = None  # type: ignore[assignment]
    _StockPool = None  # type: ignore[assignment,misc]

_KNOWN = ("1.0.",)  # versions whose pool internals this was checked against


class _LinearPool(_StockPool):
    def _assign_requests_to_connections(self) -> list[httpcore.AsyncConnectionInterface]:
        closing: list[httpcore.AsyncConnectionInterface] = []
        # The stock pool asks every connection has_expired() on every pass; for an idle
        # connection that probes its socket (a poll and a getpeername), the other large
        # cost. Here only a connection about to be reused is probed: that is where a
        # server-closed socket must not be handed out.
        kept = [c for c in self._connections if not c.is_closed()]
        # Surplus keep-alive: the stock rule closes idle connections while the pool
        # holds more connections than max_keepalive_connections.
        total = len(kept)
        if total > self._max_keepalive_connections:
            survivors = []
            for connection in kept:
                if total > self._max_keepalive_connections and connection.is_idle():
                    closing.append(connection)
                    total -= 1
                else:
                    survivors.append(connection)
            kept = survivors
        self._connections = kept

        queued = [request for request in self._requests if request.is_queued()]
        if not queued:
            return closing
        # The stock pool offers one idle connection to every queued request (and again
        # in later passes until one of them starts on it); the losers fail with
        # ConnectionNotAvailable and start another full pass (pydantic/httpx2#1075).
        # Here a connection handed to a request is not offered again. This transport
        # speaks HTTP/1.1 only, so no connection is ever shared by two requests.
        reserved = {id(r.connection) for r in self._requests if r.connection is not None}
        available = [c for c in kept if id(c) not in reserved and c.is_available()]
        for pool_request in queued:
            origin = pool_request.request.url.origin
            reused = self._reusable(available, origin, closing)
            if reused is not None:
                available.remove(reused)
                pool_request.assign_to_connection(reused)
                continue
            if len(self._connections) >= self._max_connections:
                idle = next((c for c in self._connections if c.is_idle()), None)
                if idle is None:
                    continue  # stays queued until a connection is released
                self._connections.remove(idle)
                if idle in available:
                    available.remove(idle)
                closing.append(idle)
            connection = self.create_connection(origin)
            self._connections.append(connection)
            pool_request.assign_to_connection(connection)
        return closing

    def _reusable(
        self,
        available: list[httpcore.AsyncConnectionInterface],
        origin: httpcore.Origin,
        closing: list[httpcore.AsyncConnectionInterface],
    ) -> httpcore.AsyncConnectionInterface | None:
        for connection in list(available):
            if not connection.can_handle_request(origin):
                continue
            if connection.has_expired():
                available.remove(connection)
                self._connections.remove(connection)
                closing.append(connection)
                continue
            return connection
        return None


def _compatible(pool: object) -> bool:
    version = getattr(httpcore, "__version__", "")
    return (
        _StockPool is not None
        and type(pool) is _StockPool
        and version.startswith(_KNOWN)
        and all(
            hasattr(pool, name)
            for name in ("_connections", "_requests", "_max_connections", "_max_keepalive_connections")
        )
    )


def linear_transport(limits: httpx.Limits, verify: bool | str | ssl.SSLContext = True) -> httpx.AsyncHTTPTransport:
    # http2 stays off: the pool above relies on one request per connection.
    if verify is True:
        from console.wire.transport import verifying_context

        verify = verifying_context()
    transport = httpx.AsyncHTTPTransport(limits=limits, verify=verify, http1=True, http2=False)
    pool = getattr(transport, "_pool", None)
    if _compatible(pool):
        pool.__class__ = _LinearPool  # same object and state; one method replaced
    return transport


def is_linear(transport: object) -> bool:
    return isinstance(getattr(transport, "_pool", None), _LinearPool)
