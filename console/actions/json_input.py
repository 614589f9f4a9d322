"""Reading JSON that users type: bounded nesting, and values echoed in messages cut.

Shared by every face that parses JSON text (`--input`, a JSON field's text, a batch
file's lines), so a document nested 10,000 levels is refused with the field named,
never a RecursionError from the JSON reader.
"""

from __future__ import annotations

import json
import re
from typing import Any

from console.errors import InputError

# How deeply objects and arrays may nest in one field. Customer.io documents no limit;
# real payloads stay within a handful of levels, and Python's own JSON reader and writer
# fail (RecursionError) near 1000, so refuse long before that, naming the field.
MAX_DEPTH = 100
# Longest echo of a user's value in a message: a 1 MB value is named, not repeated.
MAX_ECHO = 80

_JSON_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}:]')


def shorten(text: str, limit: int = MAX_ECHO) -> str:
    """`text`, cut to `limit` characters with how much was left out."""
    if len(text) <= limit:
        return text
    return text[:limit] + f"… ({len(text) - limit} more characters)"


def echo(value: Any) -> str:
    """A user's value as a message quotes it: repr, cut."""
    return shorten(repr(value))


class TooDeep(InputError, ValueError):
    """JSON nested deeper than MAX_DEPTH; `field` is the top-level field it is in."""

    def __init__(self, field: str | None, depth: int, what: str = "the input"):
        self.field = field
        self.depth = depth
        if field is not None:
            shown = field if field.isidentifier() else echo(field)
            where = f"{what}: field {shown}"
        else:
            where = what
        super().__init__(
            f"{where} nests objects and arrays deeper than the limit of {MAX_DEPTH} levels",
            hint=f"at most {MAX_DEPTH} levels of objects and arrays",
        )


def json_too_deep(text: str, limit: int = MAX_DEPTH) -> tuple[str | None, int] | None:
    """(the top-level field, the depth reached) when JSON `text` nests deeper than
    `limit`, else None. A linear scan (strings skipped by a regex), so it never recurses
    and a document of any depth is measured before the JSON reader sees it."""
    if text.count("[") + text.count("{") <= limit:
        return None  # cannot nest deeper than the brackets it holds
    depth = 0
    field: str | None = None
    last_string: str | None = None
    for match in _JSON_TOKENS.finditer(text):
        token = match.group()
        if token in "[{":
            depth += 1
            if depth > limit:
                return (field if depth > 1 else None), depth
        elif token in "]}":
            depth -= 1
        elif token == ":":
            if depth == 1 and last_string is not None:
                try:
                    field = json.loads(last_string)
                except ValueError:
                    field = last_string.strip('"')
        else:
            last_string = token
    return None


def loads_json(text: str, what: str = "the input") -> Any:
    """json.loads that refuses nesting deeper than MAX_DEPTH (TooDeep, naming the field)
    instead of failing with RecursionError. JSONDecodeError as json.loads raises it."""
    deep = json_too_deep(text)
    if deep is not None:
        raise TooDeep(deep[0], deep[1], what)
    return json.loads(text)
