"""What the user typed into each action's form, and what is wrong with it (no Textual here).

The workspace keeps one `FormState` per action for the whole run, so switching to
another action and back loses nothing. Values are the text the user typed (booleans as
"true"/"false", "" when not set) — the same shape `Session.prepare` and `send` take —
and every check goes through `console.actions.validation`, so the form, the preview, the CLI and
batch rows give the same message for the same mistake.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from console.actions.fields import Kind
from console.actions.spec import ActionSpec, SpecField
from console.actions.validation import InvalidInput, describe, validate

JSON_KINDS = (Kind.JSON_OBJECT, Kind.JSON_ARRAY)


def as_text(spec: SpecField, value: Any) -> str:
    """A value (from history, an example, a prefill) as the text its form field holds."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        # JSON editors hold indented text: easier to read and to edit than one long line.
        return json.dumps(value, indent=2, ensure_ascii=False)
    if spec.meta.kind in JSON_KINDS and isinstance(value, str) and value.strip():
        try:
            return json.dumps(json.loads(value), indent=2, ensure_ascii=False)
        except ValueError:
            return value  # keep what was typed, mistakes included: the form shows the error
    return str(value)


def example_text(spec: SpecField) -> str:
    """What F5 fills in: the field's safe-to-send example (`FieldMeta.fill_value`)."""
    value = spec.meta.fill_value()
    return as_text(spec, value) if value is not None else ""


@dataclass
class FormCheck:
    """The result of checking a form: problems by field, and problems of no one field."""

    problems: dict[str, str] = field(default_factory=dict)  # field -> message ("is required")
    general: list[str] = field(default_factory=list)
    summary: str = ""  # every problem, one per line, labels included (for the preview)
    # Field -> what the API said about it last time (a 422). Marked on the form, but it
    # neither blocks a send nor hides the preview: the API may accept the same input
    # later (a template created meanwhile), and only the API can say.
    server: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems and not self.general


class FormState:
    """One action's form: the typed values and which of them came from a prefill."""

    def __init__(self, action: type[ActionSpec]) -> None:
        self.action = action
        self.specs = {f.name: f for f in action.field_specs()}
        self.values: dict[str, str] = dict.fromkeys(self.specs, "")
        # Field -> the value a prefill put there; replaced on an environment change only
        # while the user has not edited it.
        self.prefilled: dict[str, str] = {}
        # After a send attempt, empty required fields are marked too (not before: a form
        # that opens all red is noise).
        self.attempted = False
        # Field -> message the API gave for it (a 422), until the user edits that field.
        self.server_problems: dict[str, str] = {}

    @property
    def action_id(self) -> str:
        return self.action.INFO.id

    def set(self, name: str, text: str) -> bool:
        """Store what was typed; True when it changed."""
        if name not in self.specs or self.values.get(name) == text:
            return False
        self.values[name] = text
        self.server_problems.pop(name, None)
        return True

    def load(self, values: Mapping[str, Any]) -> list[str]:
        """Replace the form with `values` (history, the CLI's input); unknown names returned."""
        unknown = [k for k in values if k not in self.specs]
        self.values = {name: as_text(spec, values.get(name)) for name, spec in self.specs.items()}
        self.prefilled.clear()
        self.server_problems.clear()
        return unknown

    def apply_prefill(self, prefills: Mapping[str, str]) -> list[str]:
        """Put prefills into empty (or still-prefilled) fields; the names changed."""
        changed = []
        for name, value in prefills.items():
            current = self.values.get(name, "")
            if current.strip() and current != self.prefilled.get(name):
                continue  # the user typed something: theirs wins
            self.prefilled[name] = value
            if self.set(name, value):
                changed.append(name)
        return changed

    def fill_examples(self) -> list[str]:
        """Each empty field gets its example (F5); the names filled."""
        filled = []
        for name, spec in self.specs.items():
            text = example_text(spec) if not self.values[name].strip() else ""
            if text:
                self.values[name] = text
                filled.append(name)
        return filled

    def clear(self) -> None:
        self.values = dict.fromkeys(self.specs, "")
        self.prefilled.clear()
        self.server_problems.clear()
        self.attempted = False

    def filled(self) -> dict[str, str]:
        """The values to send: fields left empty are absent."""
        return {k: v for k, v in self.values.items() if v.strip()}

    def check(self) -> FormCheck:
        """Validate the whole form through the core; problems keyed by field."""
        result = FormCheck()
        lines = []
        try:
            validate(self.action, self.filled())
        except InvalidInput as exc:
            for p in exc.problems:
                lines.append(describe(p, self.action))
                if p.field in self.specs:
                    result.problems.setdefault(p.field, p.message)
                else:
                    result.general.append(describe(p, self.action))
        result.server = {name: msg for name, msg in self.server_problems.items() if name not in result.problems}
        result.summary = "\n".join(lines)
        return result

    def marked(self, check: FormCheck) -> dict[str, str]:
        """The problems to mark on the form now: empty required fields only after an attempt."""
        marks = {
            name: msg for name, msg in check.problems.items() if self.attempted or self.values.get(name, "").strip()
        }
        return {**check.server, **marks}

    def refused(self, name: str, api_message: str) -> None:
        """The API refused this field's value (a 422 naming it): mark it until it is edited."""
        spec = self.specs[name]
        # "send_at: is more than 90 days ahead" -> "is more than 90 days ahead" (the row says which field).
        for prefix in (f"{spec.meta.wire or name}: ", f"{name}: "):
            if api_message.startswith(prefix):
                api_message = api_message[len(prefix) :]
                break
        self.server_problems[name] = f"Customer.io: {api_message}"


def describe_field(action: type[ActionSpec], name: str, message: str) -> str:
    from console.actions.spec import FieldProblem

    return describe(FieldProblem(name, message), action)


class FormBook:
    """Every action's FormState for this run (created on first use)."""

    def __init__(self) -> None:
        self._forms: dict[str, FormState] = {}

    def form(self, action: type[ActionSpec]) -> FormState:
        state = self._forms.get(action.INFO.id)
        if state is None:
            state = self._forms[action.INFO.id] = FormState(action)
        return state

    def __iter__(self) -> Iterator[FormState]:
        return iter(self._forms.values())
