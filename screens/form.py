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
from textual.widget import Widget
from textual.widgets import Input, Static, TextArea

from console.form_state import FormState
from screens.field_widgets import FieldRow
from screens.focus import focus_now


class ActionForm(VerticalScroll):
    """Not a focus stop of its own (a scroll container is, by default: Tab then landed on an
    invisible stop that kept the keys typed into it). It holds the focus only while its
    rows mount, when the workspace opened it with the focus; see `hold_focus`."""

    can_focus = False

    class Changed(Message):
        """A value of this form's state changed (the workspace re-checks and re-previews)."""

        def __init__(self, state: FormState, name: str) -> None:
            super().__init__()
            self.state = state
            self.name = name

    def __init__(self, state: FormState) -> None:
        super().__init__(id=f"form-{state.action_id}", classes="action-form")
        self.state = state
        self._typed_ahead: list[str] = []  # keys typed while the rows were still mounting
        self._handed_to: Widget | None = None  # the first field, once it has taken the focus
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

    def hold_focus(self) -> None:
        """Take the focus until the rows are mounted, then give it to the first field with
        what was typed meanwhile (keys typed ahead of a form opened from the filter must
        not land in the filter). Call right after mounting the form."""
        self.can_focus = True
        focus_now(self)

    def on_mount(self) -> None:
        if self.can_focus:
            # The rows' own editors mount after this; hand over once they are there, behind
            # any key already delivered to the form (its own queue).
            self.call_after_refresh(self.call_later, self._hand_over)

    def _holds_focus(self) -> bool:
        # Not `has_focus`: that is set when the Focus event is handled, and keys can come first.
        return self.screen.focused is self

    def _hand_over(self) -> None:
        typed, self._typed_ahead = "".join(self._typed_ahead), []
        self.can_focus = False
        # Only when the form is still where the focus is, and on screen: if the user has
        # moved on (Escape, another action), what they typed here goes nowhere.
        if not self._holds_focus() or not self.display:
            return
        rows = list(self.rows().values())
        if not rows:
            return
        editor = rows[0].editor()
        select = isinstance(editor, Input) and editor.select_on_focus
        if select:
            # Its Focus event, handled after this, would select what was typed ahead, and
            # the next key would replace it.
            editor.select_on_focus = False
        rows[0].focus_editor()
        if select:
            editor.call_later(setattr, editor, "select_on_focus", True)  # behind the Focus event
        self._type_into(editor, typed)
        if isinstance(editor, (Input, TextArea)):
            self._handed_to = editor

    @staticmethod
    def _type_into(editor: Widget, typed: str) -> None:
        if typed and isinstance(editor, Input):
            editor.insert_text_at_cursor(typed)
        elif typed and isinstance(editor, TextArea):
            editor.insert(typed)

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
        if not (event.is_printable and event.character):
            return
        if self._holds_focus():  # the rows are mounting (hold_focus): kept for the first field
            self._typed_ahead.append(event.character)
        elif self._handed_to is not None and self.screen.focused is self._handed_to:
            # Delivered to the form just before it handed the focus over (an Input or
            # TextArea keeps its own printable keys, so this one did not come from it).
            self._type_into(self._handed_to, event.character)
        else:
            self._handed_to = None
            return
        event.stop()
        event.prevent_default()

    def focus_field(self, name: str | None = None, *, select: bool = False) -> None:
        rows = self.rows()
        row = rows.get(name) if name else None
        row = row or next(iter(rows.values()), None)
        if row is not None:
            row.focus_editor(select=select)
