"""What screens and palette commands ask of the App, as Textual Messages.

A screen never reaches into the App's code or into another screen: it posts one of
these to the App (`console_app(self).post_message(...)`; to the App, not the screen, so
a request still lands when the screen that sent it has been left meanwhile) and the App,
which owns the screen stack and the history, does it. The App handles each in
`on_<name>` (screens/app.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.message import Message

if TYPE_CHECKING:
    from console.session.session import SendOutcome


class OutcomeRecorded(Message):
    """A send finished (any screen): the App keeps it for F8/F9 and the history."""

    def __init__(self, outcome: SendOutcome) -> None:
        super().__init__()
        self.outcome = outcome


class LoadIntoForm(Message):
    """Show the workspace with `action_id`'s form filled with `values` (the history's Enter)."""

    def __init__(self, action_id: str, values: dict[str, Any], *, title: str) -> None:
        super().__init__()
        self.action_id = action_id
        self.values = values
        self.title = title


class AnonymousIdReset(Message):
    """The environment's anonymous id was replaced: open forms take the new one."""

    def __init__(self, key: str, previous: str | None, new: str) -> None:
        super().__init__()
        self.key = key
        self.previous = previous
        self.new = new


class SwitchEnvironment(Message):
    """Use environment `name` from now on (the environment screen's choice, the palette)."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self.name = name
