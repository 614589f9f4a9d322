"""The protected-environment guard, enforced in the core as well as in the faces.

In a protected environment (Production), an input whose action destroys data or sends
a message goes out only after the user types what `ActionSpec.confirmation()` names
(the identifier or the recipient). The faces ask; these functions make sure that core
flows (a profile action, a previewed send) cannot skip the question.
"""

from __future__ import annotations

from console.actions.spec import ActionSpec
from console.errors import InputError
from console.wire.credentials import Credentials


class ConfirmationRequired(InputError):
    """A guarded input in a protected environment without the right confirmation."""

    def __init__(self, spec: ActionSpec, creds: Credentials, expected: str):
        self.field = spec.INFO.confirm_field
        self.expected = expected
        where = creds.name or "this environment"
        try:
            what = f"{spec.field_spec(self.field).meta.label} ({self.field})" if self.field else "identifier"
        except KeyError:
            what = self.field or "identifier"
        super().__init__(
            f"{spec.INFO.title} in {where} (protected) needs confirmation: type the "
            f"{what} exactly: {expected}. Nothing was sent.",
            hint=f"type {expected}",
        )


def needed_confirmation(spec: ActionSpec, creds: Credentials) -> str | None:
    """What the user must type before this input goes out here, or None."""
    return spec.confirmation() if creds.protected else None


def check_confirmation(spec: ActionSpec, creds: Credentials, typed: str | None) -> None:
    """Raise ConfirmationRequired unless the input may go out."""
    expected = needed_confirmation(spec, creds)
    if expected is not None and (typed or "").strip() != expected.strip():
        raise ConfirmationRequired(spec, creds, expected)
