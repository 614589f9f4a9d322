"""One place that masks secrets in anything shown, logged, stored or copied."""
from __future__ import annotations

import base64
from typing import Any, Iterable, Mapping

MASK = "****"
# Header names whose values are credentials, whatever they hold.
SECRET_HEADERS = frozenset({"authorization", "proxy-authorization", "x-api-key", "cookie", "set-cookie"})
# Keys shorter than this are not searched for in free text: masking every "ab" would
# shred the text and no real Customer.io key is that short.
MIN_SECRET_LEN = 6


def mask_header_value(name: str, value: str) -> str:
    if name.lower() not in SECRET_HEADERS or value.startswith("<not set:"):
        return value
    scheme, _, rest = value.partition(" ")
    if rest and scheme.lower() in ("basic", "bearer"):
        return f"{scheme} {MASK}"
    return MASK


def mask_headers(headers: Mapping[str, str]) -> dict[str, str]:
    return {name: mask_header_value(name, value) for name, value in headers.items()}


def secret_variants(secrets: Iterable[str], basic_pairs: Iterable[tuple[str, str]] = ()) -> list[str]:
    """The secrets plus the forms they travel in (base64 of a Basic credential)."""
    out = [s for s in secrets if s and len(s) >= MIN_SECRET_LEN]
    for user, password in basic_pairs:
        out.append(base64.b64encode(f"{user}:{password}".encode()).decode())
    # Longest first, so a key that contains another is masked whole.
    return sorted(set(out), key=len, reverse=True)


def redact_text(text: str, secrets: Iterable[str]) -> str:
    for secret in secrets:
        if secret and len(secret) >= MIN_SECRET_LEN:
            text = text.replace(secret, MASK)
    return text


def redact_data(data: Any, secrets: Iterable[str]) -> Any:
    """A copy of JSON-like data with every secret occurrence masked."""
    secrets = list(secrets)
    if isinstance(data, str):
        return redact_text(data, secrets)
    if isinstance(data, dict):
        return {redact_text(str(k), secrets): redact_data(v, secrets) for k, v in data.items()}
    if isinstance(data, list):
        return [redact_data(v, secrets) for v in data]
    return data
