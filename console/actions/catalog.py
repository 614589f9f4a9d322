"""The registry of actions: stable kebab-case ids, grouped by API."""

from __future__ import annotations

from functools import cache

from console.actions.spec import ActionSpec
from console.errors import InputError
from console.wire.apis import API

# Modules that define actions; each exposes ACTIONS, a list of ActionSpec subclasses.
ACTION_MODULES = (
    "console.actions.track",
    "console.actions.app_send",
    "console.actions.app_send_more",
    "console.actions.track_v2",
    "console.actions.pipelines",
)


class UnknownAction(InputError, KeyError):
    """No action by that id; the message suggests close ones. A KeyError, as before, so
    its text prints quoted; the faces strip the quotes."""

    field = "action"


@cache
def all_actions() -> dict[str, type[ActionSpec]]:
    import importlib

    actions: dict[str, type[ActionSpec]] = {}
    for module_name in ACTION_MODULES:
        for spec in importlib.import_module(module_name).ACTIONS:
            if spec.INFO.id in actions:
                raise RuntimeError(f"duplicate action id {spec.INFO.id}")
            actions[spec.INFO.id] = spec
    return actions


def get_action(action_id: str) -> type[ActionSpec]:
    """The action with this id; UnknownAction (a KeyError) with suggestions when there is none."""
    actions = all_actions()
    try:
        return actions[action_id]
    except KeyError:
        import difflib

        close = difflib.get_close_matches(action_id, actions, n=3)
        hint = f" Did you mean {', '.join(close)}?" if close else ""
        raise UnknownAction(
            f"no action {action_id!r}.{hint} Run `cio-console actions` to list them.",
            hint=f"{hint} Run `cio-console actions` to list them.".lstrip(),
        ) from None


def by_api() -> dict[API, list[type[ActionSpec]]]:
    groups: dict[API, list[type[ActionSpec]]] = {api: [] for api in API}
    for spec in all_actions().values():
        groups[spec.INFO.api].append(spec)
    return {api: specs for api, specs in groups.items() if specs}
