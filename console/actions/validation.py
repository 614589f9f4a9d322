"""Turn user input into a validated action, or into problems that name the field.

Every face (CLI `--input`, the TUI form, batch rows) goes through `validate`, so a bad
value gets the same message everywhere and nothing is sent until it is fixed.
"""

from __future__ import annotations

import difflib
import json
import math
from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from console.actions.fields import Kind
from console.actions.json_input import MAX_DEPTH, echo, loads_json, shorten
from console.actions.spec import ActionSpec, FieldProblem
from console.errors import InputError

_TYPE_NAMES = {
    dict: "a JSON object",
    list: "an array",
    str: "a string",
    bool: "a boolean",
    int: "a number",
    float: "a number",
    type(None): "null",
}


def text_problem(value: str) -> str | None:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        bad = value[exc.start]
        return (
            f"holds text that is not valid Unicode (the character {bad!a} at position {exc.start}: "
            "a lone surrogate, from JSON like \\ud800 or bytes that are not UTF-8); send UTF-8 text"
        )
    return None


def value_problems(data: dict[str, Any], aliases: dict[str, str] | None = None) -> list[FieldProblem]:
    """What no API can take in any field, whatever its type: nesting deeper than
    MAX_DEPTH, and text that cannot be encoded as UTF-8 (lone surrogates). Walked
    without recursion, so depth itself cannot crash the walk. A value given under a
    field's wire name (``aliases``: wire -> public) is named by the public field, the
    name a form marks."""
    problems = []
    for given, value in data.items():
        if not isinstance(given, str) or text_problem(given):
            problems.append(
                FieldProblem(None, f"A field name {echo(given)} is not valid Unicode text; send UTF-8 text.")
            )
            continue
        name = (aliases or {}).get(given, given)
        stack: list[tuple[Any, int, str]] = [(value, 0, name)]
        while stack:
            item, depth, path = stack.pop()
            if isinstance(item, str):
                trouble = text_problem(item)
                if trouble:
                    at = f" (at {shorten(path)})" if path != name else ""
                    problems.append(FieldProblem(name, trouble + at))
                    break
            elif isinstance(item, float) and not math.isfinite(item):
                at = f" (at {shorten(path)})" if path != name else ""
                problems.append(
                    FieldProblem(name, f"holds {item!r}, which is not a JSON number; send a finite number{at}")
                )
                break
            elif isinstance(item, (dict, list)):
                if depth >= MAX_DEPTH:
                    problems.append(
                        FieldProblem(name, f"nests objects and arrays deeper than the limit of {MAX_DEPTH} levels")
                    )
                    break
                if isinstance(item, dict):
                    for key, sub in item.items():
                        key_text = key if isinstance(key, str) else str(key)
                        trouble = text_problem(key_text)
                        if trouble:
                            problems.append(FieldProblem(name, "has a key that " + trouble.removeprefix("holds ")))
                            stack.clear()
                            break
                        stack.append((sub, depth + 1, f"{path}.{key_text}"))
                else:
                    stack.extend((sub, depth + 1, f"{path}[{i}]") for i, sub in enumerate(item))
    return problems


class InvalidInput(InputError):
    """Input that cannot be sent. `problems` name each field and what would be right;
    `field` is the first field at fault (`fields` lists them all)."""

    def __init__(self, problems: list[FieldProblem], action: type[ActionSpec] | None = None):
        self.problems = problems
        self.action = action
        super().__init__(self.text(), field=next(iter(self.fields), None))

    def text(self) -> str:
        return "\n".join(describe(p, self.action) for p in self.problems)

    @property
    def fields(self) -> list[str]:
        return [p.field for p in self.problems if p.field]


def describe(problem: FieldProblem, action: type[ActionSpec] | None) -> str:
    """'Customer Identifier (customer_identifier) is required, e.g. "user_123"'."""
    if problem.field is None:
        return shorten(problem.message, 500)
    label = shorten(problem.field)
    if not label.strip() or not label.isprintable():
        label = f"The field {echo(problem.field)}"
    if action is not None:
        try:
            label = f"{action.field_spec(problem.field).meta.label} ({problem.field})"
        except KeyError:
            pass
    return f"{label} {shorten(problem.message, 500)}"


def _kind_of(action: type[ActionSpec], name: str) -> Kind | None:
    try:
        return action.field_spec(name).meta.kind
    except KeyError:
        return None


def _example_hint(action: type[ActionSpec], name: str) -> str:
    try:
        text = action.field_spec(name).meta.example_text()
    except KeyError:
        return ""
    return f", e.g. {text}" if text else ""


def _translate(action: type[ActionSpec], err: Mapping[str, Any]) -> FieldProblem:
    loc = err.get("loc") or ()
    name = str(loc[0]) if loc else None
    kind = _kind_of(action, name) if name else None
    etype = err["type"]
    given = err.get("input")
    got = _TYPE_NAMES.get(type(given), type(given).__name__)

    if etype == "wire_name_conflict":
        return FieldProblem(err["ctx"]["field"], err["msg"])
    if etype == "extra_forbidden":
        names = [f.name for f in action.field_specs()]
        close = difflib.get_close_matches(name or "", names, n=1) if len(name or "") <= 100 else []
        hint = f"; did you mean {close[0]}?" if close else f"; its fields are: {', '.join(names)}"
        return FieldProblem(name, f"is not a field of {action.INFO.id}{hint}")
    if etype == "missing" or (given is None and name and action.field_spec(name).required):
        return FieldProblem(name, "is required" + _example_hint(action, name or ""))
    if kind in (Kind.JSON_OBJECT,) and etype in ("dict_type", "model_type", "mapping_type"):
        return FieldProblem(name, f"must be a JSON object{_example_hint(action, name or '')} (got {got})")
    if kind == Kind.JSON_ARRAY and etype == "list_type":
        return FieldProblem(name, f"must be a JSON array (got {got})")
    if kind in (Kind.INTEGER, Kind.TIMESTAMP) and etype.startswith("int"):
        what = "Unix seconds, a whole number" if kind == Kind.TIMESTAMP else "a whole number"
        return FieldProblem(name, f"must be {what}{_example_hint(action, name or '')} (got {echo(given)})")
    if kind == Kind.BOOLEAN and etype.startswith("bool"):
        return FieldProblem(name, f"must be true or false (got {echo(given)})")
    if etype in ("string_type",):
        return FieldProblem(name, f"must be text (got {got})")
    # Our own kind checks (PydanticCustomError) already read as a sentence.
    return FieldProblem(name, err["msg"])


def validate(action: type[ActionSpec], data: Any) -> ActionSpec:
    """The validated action, or InvalidInput naming every bad field."""
    if not isinstance(data, dict):
        got = _TYPE_NAMES.get(type(data), type(data).__name__)
        raise InvalidInput([FieldProblem(None, f"The input must be a JSON object of fields (got {got}).")], action)
    early = value_problems(data, action.wire_aliases())
    try:
        spec = action.model_validate(data)
    except ValidationError as exc:
        later = [_translate(action, e) for e in exc.errors(include_url=False)]
        # A field the action does not have is named as such, whatever its value holds;
        # a field with a value no API can take gets that problem, not a type error.
        unknown = {p.field for p in later if p.message.startswith("is not a field of")}
        early = [p for p in early if p.field not in unknown]
        flagged = {p.field for p in early if p.field}
        raise InvalidInput(_dedupe(early + [p for p in later if p.field not in flagged]), action) from None
    if early:
        raise InvalidInput(_dedupe(early), action)
    problems = spec.cross_checks()
    if problems:
        raise InvalidInput(problems, action)
    return spec


def _dedupe(problems: list[FieldProblem]) -> list[FieldProblem]:
    seen: set[tuple[str | None, str]] = set()
    out = []
    for p in problems:
        if (p.field, p.message) not in seen:
            seen.add((p.field, p.message))
            out.append(p)
    return out


def parse_json_object(text: str, what: str) -> dict[str, Any]:
    """A JSON object from user text; ValueError with line and column otherwise."""
    try:
        data = loads_json(text, what)
    except json.JSONDecodeError as exc:
        raise ValueError(f"{what} is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}") from None
    if not isinstance(data, dict):
        got = _TYPE_NAMES.get(type(data), type(data).__name__)
        raise ValueError(
            f'{what} must be a JSON object of fields, like {{"customer_identifier": "user_123"}} (got {got})'
        )
    return data
