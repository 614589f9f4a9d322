"""Matching percent-encoded API paths against each API's route table.

The raw path is split on "/" before decoding, so an encoded %2F inside an id stays
part of that id.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import unquote

from .messages import ApiResponse

Handler = Callable[..., ApiResponse]


@dataclass(frozen=True)
class Route:
    method: str
    pattern: tuple[str, ...]
    handler: Handler
    any_region: bool = False  # answered on either region's prefix (the region endpoint)


def route(method: str, path: str, handler: Handler, any_region: bool = False) -> Route:
    return Route(method, tuple(path.strip("/").split("/")), handler, any_region)


def split_path(raw_path: str) -> list[str]:
    return [unquote(part, encoding="utf-8", errors="replace") for part in raw_path.split("/")[1:]]


def match(routes: list[Route], method: str, segments: list[str]) -> tuple[Route | None, dict[str, str], list[str]]:
    """The matching route and its parameters; else the methods allowed on that path."""
    allowed: list[str] = []
    for r in routes:
        params = _match_pattern(r.pattern, segments)
        if params is None:
            continue
        if r.method == method:
            return r, params, []
        allowed.append(r.method)
    return None, {}, allowed


def _match_pattern(pattern: tuple[str, ...], segments: list[str]) -> dict[str, str] | None:
    if len(pattern) != len(segments):
        return None
    params: dict[str, str] = {}
    for want, got in zip(pattern, segments, strict=True):
        if want.startswith("{") and want.endswith("}"):
            params[want[1:-1]] = got
        elif want != got:
            return None
    return params
