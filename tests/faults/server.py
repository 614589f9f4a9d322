"""A small asyncio HTTP/1.1 server on loopback whose path picks the fault it answers with.

A request to `/<fault>[~<param>]/<token>/<the real API path>` gets fault `fault`
(its parameter URL-decoded), and is counted under `token`, so a test can say how many
requests the server saw. It speaks just enough HTTP to misbehave precisely: close,
reset, stall, trickle, truncate, lie about gzip, answer an HTML page, a 5xx with and
without Retry-After, a 429 with any Retry-After, a redirect. With `tls=` it serves
HTTPS with a self-signed certificate (the handshake fails before any request is read).
"""

from __future__ import annotations

import asyncio
import socket
import ssl
import struct
import threading
from collections import Counter
from pathlib import Path
from urllib.parse import unquote

FAULTS = (
    "echo",
    "close",
    "reset",
    "stall",
    "trickle",
    "truncated",
    "badgzip",
    "html200",
    "500",
    "503",
    "429",
    "redirect",
    "ok",
)


class FaultServer:
    def __init__(self, tls: ssl.SSLContext | None = None) -> None:
        self.seen: Counter[str] = Counter()
        self._tls = tls
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._server: asyncio.AbstractServer | None = None
        self._writers: set[asyncio.StreamWriter] = set()
        self.port = 0

    # -- lifecycle ------------------------------------------------------------------
    def __enter__(self) -> FaultServer:
        self._thread.start()
        self._ready.wait(5)
        return self

    def __exit__(self, *exc) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._server = self._loop.run_until_complete(asyncio.start_server(self._handle, "127.0.0.1", 0, ssl=self._tls))
        self.port = self._server.sockets[0].getsockname()[1]
        self._ready.set()
        self._loop.run_forever()
        for writer in list(self._writers):
            writer.transport.abort()
        self._server.close()
        tasks = asyncio.all_tasks(self._loop)
        for task in tasks:  # stalled and trickling answers end with the server
            task.cancel()
        self._loop.run_until_complete(asyncio.gather(*tasks, return_exceptions=True))
        self._loop.close()

    def url(self, fault: str, token: str, param: str | None = None) -> str:
        from urllib.parse import quote

        scheme = "https" if self._tls else "http"
        name = fault if param is None else f"{fault}~{quote(param, safe='')}"
        return f"{scheme}://127.0.0.1:{self.port}/{name}/{token}"

    # -- one connection ---------------------------------------------------------------
    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._writers.add(writer)
        try:
            while await self._one(reader, writer):
                pass
        except (ConnectionError, asyncio.IncompleteReadError, ssl.SSLError, OSError):
            pass
        finally:
            self._writers.discard(writer)
            if not writer.transport.is_closing():
                writer.close()

    async def _one(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> bool:
        head = await reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        _method, target, _version = lines[0].split(" ", 2)
        headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:] if line)}
        length = int(headers.get("content-length", "0") or 0)
        if length:
            await reader.readexactly(length)
        parts = target.split("?")[0].strip("/").split("/")
        fault, _, param = parts[0].partition("~")
        param = unquote(param)
        token = parts[1] if len(parts) > 1 else ""
        self.seen[token] += 1
        if fault == "echo":  # an error body and header that repeat the credentials
            return await self._echo(param or "401", headers.get("authorization", ""), writer)
        return await self._answer(fault, param, writer)

    async def _echo(self, status: str, authorization: str, writer: asyncio.StreamWriter) -> bool:
        import base64
        import json
        from urllib.parse import quote

        scheme, _, token = authorization.partition(" ")
        decoded = base64.b64decode(token + "==").decode("utf-8", "replace") if scheme == "Basic" else token
        body = json.dumps(
            {
                "meta": {"error": f"echo {authorization}"},
                "errors": [
                    {"message": f"decoded {decoded}", "field": "x"},
                    {"message": f"url {quote(decoded, safe='')}"},
                ],
            }
        ).encode()
        writer.write(
            (
                f"HTTP/1.1 {status} Echo\r\nContent-Type: application/json\r\n"
                f"Content-Length: {len(body)}\r\nX-Echo: {authorization}\r\n\r\n"
            ).encode("latin-1")
            + body
        )
        await writer.drain()
        return True

    async def _answer(self, fault: str, param: str, writer: asyncio.StreamWriter) -> bool:
        def send(
            status: str,
            body: bytes = b"{}",
            extra: str = "",
            ctype: str = "application/json",
            length: int | None = None,
        ) -> None:
            n = len(body) if length is None else length
            writer.write(
                (f"HTTP/1.1 {status}\r\nContent-Type: {ctype}\r\nContent-Length: {n}\r\n{extra}\r\n").encode("latin-1")
                + body
            )

        if fault == "close":
            writer.close()
            return False
        if fault == "reset":
            sock = writer.get_extra_info("socket")
            if sock is not None:  # SO_LINGER 0: close sends RST, not FIN
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            writer.transport.abort()
            return False
        if fault == "stall":
            await asyncio.sleep(3600)
            return False
        if fault == "trickle":  # headers at once, then a byte of body every 0.2 s
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n")
            await writer.drain()
            for _ in range(1000):
                writer.write(b" ")
                await writer.drain()
                await asyncio.sleep(0.2)
            return False
        if fault == "truncated":
            send("200 OK", b'{"ok": tr', length=100)
            await writer.drain()
            writer.close()
            return False
        if fault == "badgzip":
            send("200 OK", b"this is not gzip at all", extra="Content-Encoding: gzip\r\n")
        elif fault == "html200":
            send("200 OK", b"<html><body>Please log in to the Wi-Fi</body></html>", ctype="text/html; charset=utf-8")
        elif fault in ("500", "502", "503", "504"):
            reason = {
                "500": "Internal Server Error",
                "502": "Bad Gateway",
                "503": "Service Unavailable",
                "504": "Gateway Timeout",
            }[fault]
            extra = f"Retry-After: {param}\r\n" if param else ""
            send(f"{fault} {reason}", b'{"meta": {"error": "server error"}}', extra=extra)
        elif fault == "429":
            extra = f"Retry-After: {param}\r\n" if param != "none" else ""
            send("429 Too Many Requests", b'{"meta": {"error": "rate limited"}}', extra=extra)
        elif fault == "body":  # a 400 whose JSON body is the parameter, as given
            send("400 Bad Request", param.encode("utf-8", "surrogatepass"))
        elif fault == "redirect":
            send(f"{param or '301'} Moved", b"", extra="Location: https://track-eu.customer.io/api/v1/x\r\n")
        else:
            send("200 OK", b"{}")
        await writer.drain()
        return True


def self_signed_context(directory: Path) -> ssl.SSLContext:
    """A server context with a fresh self-signed certificate for 127.0.0.1."""
    from tests.tls import self_signed_files

    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(*self_signed_files(directory))
    return ctx
