"""The protected-environment guard, as data a face can ask about.

In a protected environment (Production), an action that destroys data or sends a
message goes out only after the user types the value of its `confirm_field` (the
identifier or the recipient). The core checks it too, so no face can skip it.
"""
from __future__ import annotations

import json
from typing import Any

from console.credentials import Credentials
from console.spec import ActionSpec


class ConfirmationRequired(Exception):
    """A guarded action in a protected environment without the right confirmation."""

    def __init__(self, spec: ActionSpec, creds: Credentials):
        self.field = spec.INFO.confirm_field
        self.expected = confirmation_value(spec)
        where = creds.name or "this environment"
        label = spec.field_spec(self.field).meta.label if self.field else "identifier"
        super().__init__(
            f"{spec.INFO.title} in {where} (protected) needs confirmation: type the "
            f"{label} ({self.field}) exactly: {self.expected}. Nothing was sent."
        )


def needs_confirmation(spec: ActionSpec | type[ActionSpec], creds: Credentials) -> bool:
    return bool(creds.protected and spec.INFO.guarded and spec.INFO.confirm_field)


def confirmation_value(spec: ActionSpec) -> str:
    """The text the user must type: the confirm field's value as they would type it."""
    value: Any = spec.value(spec.INFO.confirm_field) if spec.INFO.confirm_field else None
    if isinstance(value, (dict, list)):
        # An identifiers object is confirmed by its one value ({"id": "u1"} -> u1).
        if isinstance(value, dict) and len(value) == 1:
            return str(next(iter(value.values())))
        return json.dumps(value, ensure_ascii=False)
    return "" if value is None else str(value)


def check_confirmation(spec: ActionSpec, creds: Credentials, typed: str | None) -> None:
    """Raise ConfirmationRequired unless the action may go out."""
    if not needs_confirmation(spec, creds):
        return
    if typed is None or typed.strip() != confirmation_value(spec).strip():
        raise ConfirmationRequired(spec, creds)
