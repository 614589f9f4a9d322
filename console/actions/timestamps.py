"""ISO-8601 timestamps for the Pipelines API, typed as ISO text or Unix seconds.

Track and App take integer Unix seconds; Pipelines takes ISO-8601 strings (the
Track, App and Pipelines OpenAPI documents). People copy timestamps from both worlds, so a Pipelines field accepts either and
the request always carries ISO-8601 in UTC.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pydantic_core import PydanticCustomError

from console.actions.spec import MAX_UNIX_SECONDS

EXAMPLE = "2024-05-01T12:00:00Z"


def parse_when(value: Any) -> tuple[datetime, str | None]:
    """(aware datetime, note) from Unix seconds or ISO-8601 text; ValueError otherwise.

    The note says what was assumed (a time without a zone is read as UTC)."""
    if isinstance(value, bool):
        raise ValueError(f"must be ISO-8601 text or Unix seconds, e.g. {EXAMPLE} (got {value!r})")
    text = str(value).strip()
    if text.lstrip("-").isdigit():
        seconds = int(text)
        if seconds < 0:
            raise ValueError("must not be negative Unix seconds")
        if seconds > MAX_UNIX_SECONDS:
            raise ValueError(
                f"looks like milliseconds ({seconds}); give Unix seconds, e.g. {seconds // 1000}, "
                f"or ISO-8601 text, e.g. {EXAMPLE}"
            )
        return datetime.fromtimestamp(seconds, UTC), None
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(
            f"is not an ISO-8601 date-time or Unix seconds (got {text!r}); e.g. {EXAMPLE} or 1714564800"
        ) from None
    if when.tzinfo is None:
        return when.replace(tzinfo=UTC), f"timestamp {text!r} has no time zone; sent as UTC"
    return when, None


def iso(when: datetime) -> str:
    """UTC ISO-8601 with a Z, milliseconds only when there are any (as analytics clients send)."""
    when = when.astimezone(UTC)
    spec = "milliseconds" if when.microsecond else "seconds"
    return when.isoformat(timespec=spec).replace("+00:00", "Z")


def to_iso(value: Any) -> tuple[str, str | None]:
    when, note = parse_when(value)
    return iso(when), note


def check_when(value: Any) -> Any:
    """A pydantic after-validator: the value stays as typed (history reloads it as such)."""
    if value is None:
        return value
    try:
        parse_when(value)
    except ValueError as exc:
        raise PydanticCustomError("timestamp_iso", "{reason}", {"reason": str(exc)}) from None
    return value
