"""Field metadata carried by every action spec field.

One `FieldMeta` per field says how the field is labelled and explained (the seed's
Display Key, help, example), what kind of value it holds (which drives validation,
form widgets and CLI parsing) and where it goes in the request. Everything that shows
or builds a field reads it from here, so no action has hand-written UI or help code.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any


class Kind(StrEnum):
    TEXT = "text"
    IDENTIFIER = "identifier"  # a person / device identifier: non-empty, byte-limited
    JSON_OBJECT = "json-object"
    JSON_ARRAY = "json-array"
    ENUM = "enum"
    INTEGER = "integer"
    TIMESTAMP = "timestamp"  # integer Unix seconds
    BOOLEAN = "boolean"
    SECRET = "secret"


class Where(StrEnum):
    PATH = "path"
    QUERY = "query"
    BODY = "body"


@dataclass(frozen=True)
class FieldMeta:
    label: str
    help: str
    kind: Kind = Kind.TEXT
    where: Where = Where.BODY
    example: Any = None
    wire: str | None = None  # dotted name on the wire when it differs from the field name
    choices: tuple[str, ...] = ()
    max_bytes: int | None = None
    # The field is required by the API even though it may be left out here because the
    # console fills it in (shown in the preview); the help says how.
    filled_when_empty: str | None = None
    # A value the console can offer before the user types anything, by name: forms fill
    # it in generically (`console.actions.prefill.prefill_values`). "anonymous_id": the
    # environment's current anonymous id (console/environments/anonymous.py).
    prefill: str | None = None
    # What filling a form with the examples (F5) puts here, so that the filled form is safe
    # to send as it is: "example" (the example), "now" (the time of the fill: an old
    # timestamp does not trigger campaigns), or "" (nothing: a fixed event or message id
    # would de-duplicate a second send away; a field only another operation uses). The
    # example itself still shows the format in the help.
    fill: str = "example"

    def fill_value(self) -> Any:
        """The value F5 puts into this field, or None."""
        if self.fill == "now":
            if self.kind == Kind.TIMESTAMP:
                return int(time.time())
            return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        return self.example if self.fill == "example" else None

    def example_text(self) -> str:
        """The example as a user would type it into a form or a JSON document."""
        if self.example is None:
            return ""
        if isinstance(self.example, (dict, list)):
            return json.dumps(self.example, ensure_ascii=False)
        return str(self.example)


def meta_of(info: Any) -> FieldMeta | None:
    """The FieldMeta attached (as Annotated metadata) to a pydantic FieldInfo."""
    for item in getattr(info, "metadata", ()):
        if isinstance(item, FieldMeta):
            return item
    return None
