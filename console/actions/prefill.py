"""Values a form can offer before the user types, driven by `FieldMeta.prefill`.

The UI calls `prefill_values(action, creds)` when it opens an action's form and puts
each value into the empty field it names; no action has UI code of its own for this.
"""

from __future__ import annotations

from collections.abc import Callable

from console.actions.spec import ActionSpec
from console.wire.credentials import Credentials


def _anonymous_id(creds: Credentials | None) -> str:
    from console.environments import anonymous

    return anonymous.current(anonymous.key_for(creds))


PROVIDERS: dict[str, Callable[[Credentials | None], str]] = {
    "anonymous_id": _anonymous_id,
}


def prefilled_fields(action: type[ActionSpec]) -> dict[str, str]:
    """Field name -> prefill name, for the action's fields that have one."""
    return {f.name: f.meta.prefill for f in action.field_specs() if f.meta.prefill}


def prefill_values(action: type[ActionSpec], creds: Credentials | None) -> dict[str, str]:
    """Field name -> value to prefill for this environment (reads local state only)."""
    return {name: PROVIDERS[kind](creds) for name, kind in prefilled_fields(action).items()}
