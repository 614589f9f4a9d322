"""An action's form, built from its spec alone: a header, then one FieldRow per field.

The form shows a `FormState` and never owns the values: the workspace stores each edit
in the state (so switching actions loses nothing) and asks the form to mark problems.
"""

from __future__ import annotations

from rich.markup import escape
from textual import on
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Input, Static, TextArea

from console.session.form_state import FormState
from screens.widgets.fields import FieldRow


class ActionForm(VerticalScroll):
    """Not a focus stop of its own (a scroll container is, by default: Tab then landed on an
    invisible stop that kept the keys typed into it)."""

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
        self.typed_ahead: list[str] = []  # keys typed while the rows were still mounting
        self.opening = False  # mounting, to take the focus into its first field
        self.opened_from: Widget | None = None
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

    def open_with_focus(self, focused: Widget | None) -> None:
        """Once the rows are mounted, give the first field the focus and what was typed
        meanwhile (`typed_ahead`, filled by the workspace: keys typed behind the Enter that
        opened the form go to its first field, never to the filter). Call right after
        mounting the form. The form never takes the focus itself: a focus change on it
        would restyle its whole subtree, twice, while it mounts. `focused`: where the
        focus is meanwhile (a focus the user moves elsewhere cancels the hand-over)."""
        self.opening = True
        self.opened_from = focused

    def on_mount(self) -> None:
        if self.opening:
            # The rows' own editors mount after this; hand over once they are there.
            self.call_after_refresh(self._hand_over)

    def cancel_opening(self) -> None:
        """The user moved on (Escape, Tab, another action) before the rows were there:
        what they typed for this form goes nowhere."""
        self.opening = False
        self.typed_ahead.clear()

    def _hand_over(self) -> None:
        typed, self.typed_ahead = "".join(self.typed_ahead), []
        if not self.opening or not self.display:
            return
        self.opening = False
        rows = list(self.rows().values())
        if not rows:
            return
        editor = rows[0].editor()
        select = editor if isinstance(editor, Input) and editor.select_on_focus else None
        if select is not None:
            # Its Focus event, handled after this, would select what was typed ahead, and
            # the next key would replace it.
            select.select_on_focus = False
        rows[0].focus_editor()
        if select is not None:
            select.call_later(setattr, select, "select_on_focus", True)  # behind the Focus event
        self._type_into(editor, typed)

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
        if env_label and info.guarded:
            field = info.confirm_field
            what = self.state.specs[field].meta.label if field in self.state.specs else "the identifier"
            kind = "destroys or blocks data" if info.destructive else "sends a message"
            guard.update(
                f"[b]{escape(env_label)} is protected[/b]: this action {kind}; Send asks you "
                f"to type the {escape(what)} first."
            )

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

    def focus_field(self, name: str | None = None, *, select: bool = False) -> None:
        rows = self.rows()
        row = rows.get(name) if name else None
        row = row or next(iter(rows.values()), None)
        if row is not None:
            row.focus_editor(select=select)
