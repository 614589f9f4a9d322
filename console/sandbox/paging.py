"""Cursor pagination of the App API's person reads: `start` is a previous answer's `next`.

Items are listed newest first. A cursor names the first item of the next page by its
(time, sequence) key rather than by an offset, so what arrives while a client pages
(a new event, a delivery's next state) does not shift the pages it has not read yet.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from .checks import canonical_id
from .errors import meta_error
from .messages import ApiRequest, ApiResponse

T = TypeVar("T")
Key = tuple[int, int]


def limit_of(req: ApiRequest, default: int, maximum: int) -> tuple[int, ApiResponse | None]:
    raw = req.query_value("limit")
    if raw in (None, ""):
        return default, None
    value = canonical_id(raw)
    if value is None or not 1 <= value <= maximum:
        # The document gives only the maximum; refusing (rather than clamping) a value
        # past it is the sandbox's choice, so a client that asks for too many finds out.
        return 0, meta_error(f"limit: must be an integer from 1 to {maximum}, not {raw!r}")
    return value, None


def cursor_of(req: ApiRequest) -> tuple[Key | None, ApiResponse | None]:
    raw = req.query_value("start")
    if raw in (None, ""):
        return None, None
    time_part, _, seq_part = raw.partition("-")
    if time_part.isdigit() and seq_part.isdigit():
        return (int(time_part), int(seq_part)), None
    return None, meta_error(f"start: {raw!r} is not a cursor; pass the `next` of the previous page")


def page(items: Sequence[T], key: Callable[[T], Key], start: Key | None, limit: int) -> tuple[list[T], str]:
    """One page of `items` newest first, and the `next` cursor ("" on the last page)."""
    ordered = sorted(items, key=key, reverse=True)
    if start is not None:
        ordered = [i for i in ordered if key(i) <= start]
    chosen, rest = ordered[:limit], ordered[limit:]
    if not rest:
        return chosen, ""
    t, seq = key(rest[0])
    return chosen, f"{t}-{seq}"
