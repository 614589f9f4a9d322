"""One place that masks secrets in anything shown, logged, stored or copied.

Redaction is structural: every key that enters the process (a CIO_* variable, a prompt,
stdin, the environment screen, a keyring read) is registered here by
`console.wire.credentials.clean_key` and `Credentials`, and `redact_text` / `redact_data`
mask every registered key in every form it can take on the wire (raw, the base64 of a
Basic credential, URL-encoded, JSON- or Python-escaped), on top of the secrets a caller
passes. So a call site that forgets its secrets still masks what the process knows, and
the CLI's output streams (`RedactingStream`) are a last line of defence for text no call
site thought of.
"""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Callable, Iterable, Mapping
from typing import Any
from urllib.parse import quote, quote_plus

MASK = "****"
# Header names whose values are credentials, whatever they hold.
SECRET_HEADERS = frozenset({"authorization", "proxy-authorization", "x-api-key", "cookie", "set-cookie"})
# Keys shorter than this are not searched for in free text: masking every "ab" would
# shred the text and no real Customer.io key is that short.
MIN_SECRET_LEN = 6

_lock = threading.Lock()
_known: dict[str, None] = {}  # every wire form of every registered key (an ordered set)
_sorted: list[str] = []  # _known, longest first


def mask_header_value(name: str, value: str) -> str:
    if name.lower() not in SECRET_HEADERS or value.startswith("<not set:"):
        return value
    scheme, _, rest = value.partition(" ")
    if rest and scheme.lower() in ("basic", "bearer"):
        return f"{scheme} {MASK}"
    return MASK


def mask_headers(headers: Mapping[str, str]) -> dict[str, str]:
    return {name: mask_header_value(name, value) for name, value in headers.items()}


def _b64(text: str) -> str:
    # Unpadded: the padded form (and any longer base64 run it starts) contains it.
    return base64.b64encode(text.encode("utf-8", "surrogatepass")).decode("ascii").rstrip("=")


def wire_forms(key: str, basic_user: str | None = None) -> list[str]:
    """A key and every form it travels or is echoed in."""
    forms = [
        key,
        key.strip(),
        quote(key, safe=""),
        quote_plus(key),
        json.dumps(key, ensure_ascii=True)[1:-1],
        json.dumps(key, ensure_ascii=False)[1:-1],
        repr(key)[1:-1],
        repr(key.encode("utf-8", "backslashreplace"))[2:-1],
    ]
    # Basic credentials: a Pipelines write key as the user ("key:"), a Track key as the
    # password ("site_id:key").
    forms.append(_b64(f"{key}:"))
    if basic_user:
        forms.append(_b64(f"{basic_user}:{key}"))
    return [f for f in forms if f and len(f) >= MIN_SECRET_LEN]


def register_secret(key: str | None, basic_user: str | None = None) -> None:
    """Remember a key (and its wire forms) so that every redaction masks it."""
    if not key or len(key.strip()) < MIN_SECRET_LEN:
        return
    forms = wire_forms(key, basic_user)
    with _lock:
        if all(f in _known for f in forms):
            return
        for f in forms:
            _known[f] = None
        _sorted[:] = sorted(_known, key=len, reverse=True)


def known_secrets() -> list[str]:
    """Every registered wire form, longest first."""
    with _lock:
        return list(_sorted)


def forget_secrets() -> None:
    """Forget every registered key (tests; a process that ends forgets them anyway)."""
    with _lock:
        _known.clear()
        _sorted.clear()


def secret_variants(secrets: Iterable[str], basic_pairs: Iterable[tuple[str, str]] = ()) -> list[str]:
    """The secrets plus the forms they travel in (base64 of a Basic credential, ...)."""
    out: list[str] = []
    for s in secrets:
        if s and len(s) >= MIN_SECRET_LEN:
            out += wire_forms(s)
    for user, password in basic_pairs:
        out.append(base64.b64encode(f"{user}:{password}".encode("utf-8", "surrogatepass")).decode())
        if password:
            out += wire_forms(password, user)
        else:
            out += wire_forms(user)
    # Longest first, so a key that contains another is masked whole.
    return sorted(set(out), key=len, reverse=True)


def _all(secrets: Iterable[str]) -> list[str]:
    given = [s for s in secrets if s and len(s) >= MIN_SECRET_LEN]
    known = known_secrets()
    if not given:
        return known
    return sorted(set(given) | set(known), key=len, reverse=True)


def redact_text(text: str, secrets: Iterable[str] = ()) -> str:
    """`text` with every given and every registered secret masked."""
    if not text:
        return text
    for secret in _all(secrets):
        if secret in text:
            text = text.replace(secret, MASK)
    return text


def redact_data(data: Any, secrets: Iterable[str] = ()) -> Any:
    """A copy of JSON-like data with every secret occurrence masked."""
    every = _all(secrets)
    return _redact(data, every)


def _redact(data: Any, every: list[str]) -> Any:
    if isinstance(data, str):
        for secret in every:
            if secret in data:
                data = data.replace(secret, MASK)
        return data
    if isinstance(data, dict):
        return {_redact(str(k), every): _redact(v, every) for k, v in data.items()}
    if isinstance(data, (list, tuple)):
        return [_redact(v, every) for v in data]
    return data


class RedactingStream:
    """A text stream that masks every registered secret before writing to `inner`.

    Line-buffered: a key never holds a newline, so masking whole lines catches a key
    written in several pieces. Text that cannot be encoded (a lone surrogate from an
    undecodable argument) is written escaped instead of raising.
    """

    def __init__(self, inner: Any, render: Callable[[str], str] | None = None) -> None:
        self._inner = inner
        self._render = render  # a face's words for the core's markers (console/words.py)
        self._pending = ""
        self._write_lock = threading.Lock()  # a batch's workers may print at once

    def write(self, text: str) -> int:
        with self._write_lock:
            self._pending += text
            if "\n" in self._pending:
                head, _, self._pending = self._pending.rpartition("\n")
                self._emit(head + "\n")
        return len(text)

    def _emit(self, text: str) -> None:
        if self._render is not None:
            text = self._render(text)
        text = redact_text(text)
        try:
            self._inner.write(text)
        except UnicodeEncodeError:
            encoding = getattr(self._inner, "encoding", None) or "utf-8"
            self._inner.write(text.encode(encoding, "backslashreplace").decode(encoding))

    def flush(self) -> None:
        with self._write_lock:
            if self._pending:
                pending, self._pending = self._pending, ""
                self._emit(pending)
        self._inner.flush()

    def isatty(self) -> bool:
        return bool(self._inner.isatty())

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)
