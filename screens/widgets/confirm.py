"""The protected-environment guard's question: type the identifier (or recipient).

Dismisses with what was typed (the caller checks it through `console.actions.guard`, so the UI
and the core agree), or None when the user backs out. Nothing is sent until then.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static


class ConfirmScreen(ModalScreen[str | None]):
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="confirm-cancel", tooltip="Back out; nothing is sent")]

    def __init__(self, *, env_label: str, what: str, expected: str) -> None:
        super().__init__()
        self.env_label = env_label
        self.what = what  # e.g. "Destroy Customer"
        self.expected = expected

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-box"):
            yield Label(f"{self.env_label} is protected", id="confirm-title")
            yield Static(
                f"{self.what} goes out to {self.env_label}. Type [b]{self.expected}[/b] to confirm; "
                "Escape backs out and nothing is sent.",
                id="confirm-text",
                markup=True,
            )
            yield Input(placeholder=self.expected, id="confirm-input")
            yield Static("", id="confirm-error")

    def on_mount(self) -> None:
        self.query_one("#confirm-input", Input).focus()

    @on(Input.Submitted, "#confirm-input")
    def _submitted(self, event: Input.Submitted) -> None:
        if event.value.strip() != self.expected.strip():
            self.query_one("#confirm-error", Static).update(
                f"That is not {self.expected!r}: nothing was sent. Type it exactly, or press Escape."
            )
            return
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)
