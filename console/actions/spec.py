"""The base of every action spec.

An action is a pydantic model whose fields are `Annotated[type, FieldMeta(...)]`. The
base class does what every action shares: kind-driven coercion of typed text (forms,
CSV cells) and kind-driven checks (byte limits, empty identifiers, timestamps in
milliseconds), the path/query/body split by `FieldMeta.where`, and body nesting by
`FieldMeta.wire`. An action overrides `build_body` or `cross_checks` only where the
wire format or the API's rules need more.
"""

from __future__ import annotations

import json
import reprlib
from dataclasses import dataclass, field
from typing import Any, ClassVar
from urllib.parse import quote

from pydantic import BaseModel, ConfigDict, ValidationInfo, field_validator, model_validator
from pydantic_core import PydanticCustomError

from console.actions.fields import FieldMeta, Kind, Where, meta_of
from console.actions.numbers import whole_number
from console.wire.apis import API

IDEMPOTENT_METHODS = frozenset({"GET", "PUT", "DELETE", "HEAD", "OPTIONS"})

# A Unix-seconds timestamp has at most 10 digits until the year 2286; 13 digits is the
# classic milliseconds mistake, which Customer.io would read as a date far in the future.
MAX_UNIX_SECONDS = 99_999_999_999


@dataclass(frozen=True)
class ActionInfo:
    id: str
    title: str
    api: API
    method: str
    path: str  # template; {name} placeholders are field names, percent-encoded when built
    summary: str
    # Destroys or blocks data: a protected environment asks the user to type `confirm_field`.
    destructive: bool = False
    # Sends a message to a person: also guarded, and never re-sent after a timeout.
    sends_message: bool = False
    confirm_field: str | None = None
    # Whether repeating the request after a lost answer is harmless. None: by method.
    repeat_safe: bool | None = None

    @property
    def is_repeat_safe(self) -> bool:
        if self.repeat_safe is not None:
            return self.repeat_safe
        return self.method in IDEMPOTENT_METHODS

    @property
    def guarded(self) -> bool:
        return self.destructive or self.sends_message


@dataclass(frozen=True)
class SpecField:
    name: str  # the public name: input JSON key, CLI, forms, history
    attr: str  # the Python attribute (differs when the public name is a keyword, e.g. `from`)
    meta: FieldMeta
    required: bool


@dataclass
class FieldProblem:
    field: str | None  # public field name; None when the problem is not one field's
    message: str


@dataclass
class BuiltBody:
    body: dict[str, Any] | None
    notes: list[str] = field(default_factory=list)


def _coerce_text(value: Any) -> Any:
    # JSON numbers are common for ids (`{"customer_identifier": 42}`); bools are not text.
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return value


def _bounded_repr(level: int, size: int) -> reprlib.Repr:
    r = reprlib.Repr()  # keyword arguments only from Python 3.12
    r.maxlevel, r.maxstring, r.maxother = level, size, size
    return r


_SHORT = _bounded_repr(3, 50)


def _short(value: Any) -> str:
    # reprlib: bounded in depth and length, so any value a user pasted can be quoted.
    return _SHORT.repr(value)


def _same(a: Any, b: Any) -> bool:
    try:
        return bool(a == b)
    except RecursionError:  # nested beyond what == can walk: not provably the same
        return False


def _coerce_json(value: Any, kind: Kind) -> Any:
    if isinstance(value, str):
        if not value.strip():
            return None
        from console.actions.json_input import MAX_DEPTH, TooDeep, loads_json

        try:
            return loads_json(value)
        except TooDeep:
            raise PydanticCustomError(
                "json_too_deep",
                "nests objects and arrays deeper than the limit of {limit} levels",
                {"limit": MAX_DEPTH},
            ) from None
        except json.JSONDecodeError as exc:
            raise PydanticCustomError(
                "json_invalid",
                "is not valid JSON: {msg} at line {line}, column {col}",
                {"msg": exc.msg, "line": exc.lineno, "col": exc.colno},
            ) from None
    return value


def _coerce_integer(value: Any) -> Any:
    if isinstance(value, str):
        text = value.strip().replace("_", "")
        if not text:
            return None
        number = whole_number(text)
        if number is not None:
            return number
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


class ActionSpec(BaseModel):
    """Base of every action. Subclasses set INFO and declare annotated fields."""

    # defer_build: each action's validator is built on its first validation, not at import:
    # the console's first frame lists every action but validates none (~25 ms sooner).
    model_config = ConfigDict(extra="forbid", validate_by_alias=True, validate_by_name=False, defer_build=True)

    INFO: ClassVar[ActionInfo]
    # Per-class caches, read through cls.__dict__ so a subclass never sees its parent's.
    _field_specs_cache: ClassVar[list[SpecField]]
    _wire_aliases_cache: ClassVar[dict[str, str]]

    # ---- metadata ---------------------------------------------------------------
    @classmethod
    def field_specs(cls) -> list[SpecField]:
        cached: list[SpecField] | None = cls.__dict__.get("_field_specs_cache")
        if cached is not None:
            return cached
        out = []
        for attr, info in cls.model_fields.items():
            meta = meta_of(info)
            if meta is None:
                raise TypeError(f"{cls.__name__}.{attr} has no FieldMeta")
            out.append(SpecField(info.alias or attr, attr, meta, info.is_required()))
        cls._field_specs_cache = out
        return out

    @classmethod
    def wire_aliases(cls) -> dict[str, str]:
        """Wire name -> public name, for every field whose wire name is another top-level
        key (Pipelines' userId for user_id): input pasted from a Segment-style payload or
        a debugger uses those names, and means the same field."""
        cached: dict[str, str] | None = cls.__dict__.get("_wire_aliases_cache")
        if cached is not None:
            return cached
        names = {f.name for f in cls.field_specs()}
        out = {
            f.meta.wire: f.name
            for f in cls.field_specs()
            if f.meta.wire and "." not in f.meta.wire and f.meta.wire not in names
        }
        cls._wire_aliases_cache = out
        return out

    @classmethod
    def field_spec(cls, name: str) -> SpecField:
        for spec in cls.field_specs():
            if spec.name == name:
                return spec
        raise KeyError(name)

    @classmethod
    def field_for_wire(cls, path: str | None) -> str | None:
        """The field an API error's wire path refers to ("device.platform" -> platform)."""
        if not path:
            return None
        import re

        # "batch[2].identifiers" and "cio_relationships[0]" name the array field.
        path = re.sub(r"\[\d+\]", "", path)
        if path == "identifier":  # the person named in the URL path
            path_fields = [f for f in cls.field_specs() if f.meta.where == Where.PATH]
            if path_fields:
                return path_fields[0].name
        best: str | None = None
        for f in cls.field_specs():
            wire = f.meta.wire or f.name
            if path == wire or path.startswith(wire + "."):
                return f.name
            if best is None and wire.startswith(path + "."):
                best = f.name
        return best or cls.catch_all_field()

    @classmethod
    def catch_all_field(cls) -> str | None:
        """The field that holds arbitrary body keys (identify's traits), if any."""
        return None

    @classmethod
    def field_mentioned(cls, message: str) -> str | None:
        """A field whose wire name appears as a word in an API message."""
        import re

        for f in cls.field_specs():
            wire = f.meta.wire or f.name
            if re.search(rf"(?<![\w.]){re.escape(wire)}(?![\w])", message):
                return f.name
        return None

    # ---- kind-driven coercion and checks ----------------------------------------
    @model_validator(mode="before")
    @classmethod
    def _accept_wire_names(cls, data: Any) -> Any:
        # One name per field from here on: the wire name is renamed to the public one.
        aliases = cls.wire_aliases() if isinstance(data, dict) else {}
        if not any(wire in data for wire in aliases):
            return data
        data = dict(data)
        for wire, name in aliases.items():
            if wire not in data:
                continue
            value = data.pop(wire)
            if name in data and not _same(data[name], value):
                raise PydanticCustomError(
                    "wire_name_conflict",
                    "and {wire} are the same field (its name on the wire), given different values "
                    "({first} and {second}): give it once",
                    {"field": name, "wire": wire, "first": _short(data[name]), "second": _short(value)},
                )
            data[name] = value
        return data

    @field_validator("*", mode="before")
    @classmethod
    def _coerce_by_kind(cls, value: Any, info: ValidationInfo) -> Any:
        assert info.field_name is not None  # a field validator always has its field
        meta = meta_of(cls.model_fields[info.field_name])
        if meta is None:
            return value
        kind = meta.kind
        if kind in (Kind.JSON_OBJECT, Kind.JSON_ARRAY):
            return _coerce_json(value, kind)
        if kind in (Kind.INTEGER, Kind.TIMESTAMP):
            return _coerce_integer(value)
        if kind == Kind.BOOLEAN and isinstance(value, str) and not value.strip():
            return None
        if kind in (Kind.TEXT, Kind.IDENTIFIER, Kind.ENUM, Kind.SECRET):
            value = _coerce_text(value)
            # An empty form field means "not given"; required fields then say so.
            if isinstance(value, str) and value == "":
                return None
        return value

    @field_validator("*", mode="after")
    @classmethod
    def _check_by_kind(cls, value: Any, info: ValidationInfo) -> Any:
        assert info.field_name is not None  # a field validator always has its field
        meta = meta_of(cls.model_fields[info.field_name])
        if meta is None or value is None:
            return value
        if meta.kind == Kind.IDENTIFIER and not value.strip():
            raise PydanticCustomError("blank", "must not be blank")
        if meta.kind == Kind.ENUM and meta.choices and value not in meta.choices:
            raise PydanticCustomError(
                "enum_choice",
                "must be one of {choices} (got {got})",
                {"choices": ", ".join(meta.choices), "got": repr(value)},
            )
        if meta.max_bytes is not None and isinstance(value, str):
            size = len(value.encode("utf-8"))
            if size > meta.max_bytes:
                raise PydanticCustomError(
                    "too_many_bytes",
                    "is {size} bytes; Customer.io allows at most {limit} bytes",
                    {"size": size, "limit": meta.max_bytes},
                )
        if meta.kind == Kind.TIMESTAMP:
            if value < 0:
                raise PydanticCustomError("timestamp", "must be Unix seconds, not negative")
            if value > MAX_UNIX_SECONDS:
                raise PydanticCustomError(
                    "timestamp_ms",
                    "looks like milliseconds ({value}); Customer.io wants Unix seconds, e.g. {seconds}",
                    {"value": value, "seconds": value // 1000},
                )
        return value

    def cross_checks(self) -> list[FieldProblem]:
        """Rules that involve several fields or the API's own constraints."""
        return []

    def confirmation(self) -> str | None:
        """What a protected environment asks the user to type before sending, or None when
        this input needs no confirmation. Actions whose danger depends on the input (Track
        v2: only deletes, suppressions and merges) override it."""
        info = self.INFO
        if not info.guarded or not info.confirm_field:
            return None
        value = self.value(info.confirm_field)
        if isinstance(value, dict) and len(value) == 1:  # {"id": "u1"} -> "u1"
            value = next(iter(value.values()))
        return None if value is None else str(value)

    # ---- the request ------------------------------------------------------------
    def value(self, name: str) -> Any:
        return getattr(self, self.field_spec(name).attr)

    def path(self) -> str:
        values = {
            f.name: quote(str(getattr(self, f.attr)), safe="") for f in self.field_specs() if f.meta.where == Where.PATH
        }
        return self.INFO.path.format(**values)

    def query(self) -> dict[str, str]:
        return {
            f.name: str(getattr(self, f.attr))
            for f in self.field_specs()
            if f.meta.where == Where.QUERY and getattr(self, f.attr) is not None
        }

    def build_body(self) -> BuiltBody:
        """The JSON body: every body field that has a value, nested by its wire name."""
        body: dict[str, Any] = {}
        for f in self.field_specs():
            value = getattr(self, f.attr)
            if f.meta.where != Where.BODY or value is None:
                continue
            target = body
            *parents, leaf = (f.meta.wire or f.name).split(".")
            for part in parents:
                target = target.setdefault(part, {})
            target[leaf] = value
        if not body and self.INFO.method in ("GET", "DELETE"):
            return BuiltBody(None)
        return BuiltBody(body)

    def input_dict(self) -> dict[str, Any]:
        """The fields the user gave, by public name: what history and forms reload."""
        return {f.name: getattr(self, f.attr) for f in self.field_specs() if getattr(self, f.attr) is not None}
