"""One profile action (add or delete a device, merge, suppress, unsuppress, destroy) before
it is sent: the fields still to fill, and the exact request, keys masked.

The input comes from `console.people.person_actions` (prefilled from the profile) and is
checked by the action's own spec on every change; Ctrl+S dismisses with what the user
filled in, and the profile screen sends it (asking the protected guard first).
"""

from __future__ import annotations

from typing import Any

from rich.markup import escape
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Select, Static

from console.actions.fields import Kind
from console.actions.validation import InvalidInput
from console.people.person_actions import ProfileAction
from console.wire.credentials import Credentials
from screens.styles import ASSETS
from screens.widgets.footer import StableFooter
from screens.widgets.request_preview import RequestPreview


class ProfileActionScreen(ModalScreen[dict[str, Any] | None]):
    CSS_PATH = [ASSETS / "profile.tcss"]
    BINDINGS = [
        Binding(
            "ctrl+s",
            "send",
            "Send",
            id="profile-action-send",
            priority=True,
            tooltip="Send this request (a protected environment asks for the identifier first)",
        ),
        Binding("escape", "cancel", "Cancel", id="profile-action-cancel", tooltip="Back out; nothing is sent"),
    ]

    def __init__(self, action: ProfileAction, creds: Credentials) -> None:
        super().__init__()
        self.profile_action = action
        self.creds = creds
        self.specs = {f.name: f for f in action.action.field_specs()}

    def compose(self) -> ComposeResult:
        action = self.profile_action
        with Vertical(id="profile-action-box"):
            yield Label(action.title, id="profile-action-title")
            for note in action.notes:
                yield Static(escape(note), classes="profile-action-note")
            for name in action.to_fill:
                field = self.specs[name]
                yield Label(f"{field.meta.label} *", classes="profile-action-label")
                if field.meta.kind == Kind.ENUM:
                    yield Select(
                        [(c, c) for c in field.meta.choices],
                        id=f"fill-{name}",
                        prompt=f"Choose {field.meta.label.lower()}",
                    )
                else:
                    yield Input(placeholder=str(field.meta.example or ""), id=f"fill-{name}")
            yield RequestPreview(id="profile-action-request")
            yield Static("", id="profile-action-error")
        yield StableFooter()

    def on_mount(self) -> None:
        self.query_one(RequestPreview).border_subtitle = "Ctrl+S sends exactly this"
        self._refresh()
        if self.profile_action.to_fill:
            self.query_one(f"#fill-{self.profile_action.to_fill[0]}").focus()

    def values(self) -> dict[str, Any]:
        """What the user filled in (empty fields left out, so the spec names them)."""
        out: dict[str, Any] = {}
        for name in self.profile_action.to_fill:
            widget = self.query_one(f"#fill-{name}")
            if isinstance(widget, Select):
                if widget.value is not Select.NULL:
                    out[name] = widget.value
            elif isinstance(widget, Input) and widget.value.strip():
                out[name] = widget.value.strip()
        return out

    def _refresh(self) -> bool:
        preview = self.query_one(RequestPreview)
        try:
            _, request = self.profile_action.prepare(self.creds, self.values(), preview=True)
        except InvalidInput as exc:
            preview.show_problems(exc.text())
            return False
        preview.show_request(request.preview(), request.notes)
        return True

    @on(Input.Changed)
    @on(Select.Changed)
    def _changed(self) -> None:
        self.query_one("#profile-action-error", Static).update("")
        self._refresh()

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_send()

    def action_send(self) -> None:
        if not self._refresh():
            self.query_one("#profile-action-error", Static).update("Not sent: fill in the fields marked above.")
            return
        self.dismiss(self.values())

    def action_cancel(self) -> None:
        self.dismiss(None)
