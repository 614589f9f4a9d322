"""An action's form, built from its spec alone: a header, then one FieldRow per field.

The form shows a `FormState` and never owns the values: the workspace stores each edit
in the state (so switching actions loses nothing) and asks the form to mark problems.
"""
from __future__ import annotations

from rich.markup import escape
from textual import events, on
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import Input, Static, TextArea

from console.session.form_state import FormState
from screens.field_widgets import FieldRow


class ActionForm(VerticalScroll):
    class Changed(Message):
        """A value of this form's state changed (the workspace re-checks and re-previews)."""

        def __init__(self, state: FormState, name: str) -> None:
            super().__init__()
            self.state = state
            self.name = name

    def __init__(self, state: FormState) -> None:
        super().__init__(id=f"form-{state.action_id}", classes="action-form")
        self.state = state
        self.focus_when_mounted = False  # set by the workspace when it opens a new form
        self._typed_ahead: list[str] = []  # keys typed while the rows were still mounting
        info = state.action.INFO
        self.border_title = f"{info.title}"
        self.border_subtitle = f"{info.api.title} · {info.id}"

    def compose(self) -> ComposeResult:
        info = self.state.action.INFO
        yield Static(f"[b reverse $accent] {info.method} [/] {escape(info.path)}", classes="form-route")
        if info.summary:
            yield Static(escape(info.summary), classes="form-summary")
        yield Static("", classes="form-guard")
        for spec in self.state.action.field_specs():
            yield FieldRow(spec, self.state.values.get(spec.name, ""))

    def on_mount(self) -> None:
        if self.focus_when_mounted:
            # The rows' own editors mount after this; focus once they are there.
            self.call_after_refresh(self.focus_field)

    def show_guard(self, env_label: str | None) -> None:
        """Say, for a guarded action in a protected environment, what Send will ask."""
        info = self.state.action.INFO
        guard = self.query_one(".form-guard", Static)
        guard.display = bool(env_label and info.guarded)
        if guard.display:
            field = info.confirm_field
            what = self.state.specs[field].meta.label if field in self.state.specs else "the identifier"
            kind = "destroys or blocks data" if info.destructive else "sends a message"
            guard.update(f"[b]{escape(env_label)} is protected[/b]: this action {kind}; Send asks you "
                         f"to type the {escape(what)} first.")

    @on(FieldRow.Edited)
    def _edited(self, event: FieldRow.Edited) -> None:
        # Each form writes to its own state, whichever form is showing.
        event.stop()
        if self.state.set(event.name, event.text):
            self.post_message(self.Changed(self.state, event.name))

    def rows(self) -> dict[str, FieldRow]:
        return {row.field_name: row for row in self.query(FieldRow)}

    def show_values(self, names: list[str] | None = None) -> None:
        """Put the state's values into the editors (after a prefill, F5 or a load)."""
        for name, row in self.rows().items():
            if names is None or name in names:
                row.set_text(self.state.values.get(name, ""))

    def mark(self, problems: dict[str, str]) -> None:
        for name, row in self.rows().items():
            row.mark(problems.get(name))

    def on_key(self, event: events.Key) -> None:
        # The form itself holds the focus only while its rows mount (the workspace gives it
        # the focus so keys typed ahead do not land in the action filter): keep what is typed
        # then for the first field instead of dropping it.
        if self.has_focus and event.is_printable and event.character:
            self._typed_ahead.append(event.character)
            event.stop()
            event.prevent_default()

    def focus_field(self, name: str | None = None) -> None:
        rows = self.rows()
        row = rows.get(name) if name else None
        row = row or next(iter(rows.values()), None)
        if row is not None:
            row.focus_editor()

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        """A field took the focus: what was typed ahead goes into it."""
        typed, self._typed_ahead = "".join(self._typed_ahead), []
        if typed and isinstance(event.widget, Input):
            event.widget.insert_text_at_cursor(typed)
        elif typed and isinstance(event.widget, TextArea):
            event.widget.insert(typed)
