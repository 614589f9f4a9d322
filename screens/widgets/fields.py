"""One form row per spec field, chosen by the field's Kind — never by the action.

A `FieldRow` shows the label (required fields marked), the editor for the kind, the help
text and the field's current problem. Every editor reports what the user typed as text
(the shape `console.session.form_state` keeps) through one message, `FieldRow.Edited`.
"""

from __future__ import annotations

from typing import TypeVar

from rich.markup import escape
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Input, Label, Select, Static, Switch, TextArea

from console.actions.fields import Kind
from console.actions.spec import SpecField
from console.session.form_state import JSON_KINDS
from screens.widgets.focus import focus_now

W = TypeVar("W", Input, TextArea, Select)

KIND_HINTS = {
    Kind.IDENTIFIER: "identifier",
    Kind.JSON_OBJECT: "JSON object",
    Kind.JSON_ARRAY: "JSON array",
    Kind.INTEGER: "whole number",
    Kind.TIMESTAMP: "Unix seconds",
    Kind.BOOLEAN: "true / false",
    Kind.SECRET: "secret",
}


# Tree-sitter highlighting is rebuilt for the whole document on every edit, and one very
# long line makes rendering quadratic (a 170 kB one-line batch took 6.6 s to show);
# soft-wrapping such a line costs ~0.3 s a key. Past these sizes a JSON editor is plain
# text without wrapping; validation and the preview work the same.
HIGHLIGHT_MAX_CHARS = 50_000
HIGHLIGHT_MAX_LINE = 2_000


def compact(widget: W) -> W:
    """`widget` in its compact style (no border), as `compact=True` would make it, without
    the style pass that argument costs: it toggles a class in the constructor, and Textual
    restyles the widget, component classes and all, before it is even mounted (mounting
    styles it again) — a third of the time a form's editor took to build."""
    widget.set_reactive(type(widget).compact, True)
    widget.add_class("-textual-compact", update=False)
    return widget


def editor_mode(text: str) -> tuple[str | None, bool]:
    """(language, soft_wrap) for a JSON editor holding `text`."""
    long_line = any(len(line) > HIGHLIGHT_MAX_LINE for line in text.split("\n"))
    highlight = not long_line and len(text) <= HIGHLIGHT_MAX_CHARS
    return ("json" if highlight else None), not long_line


def _json_editor_bindings() -> list[BindingType]:
    """TextArea's keys, less F6/F7 (select line / all: here they open the App's screens) and
    with ctrl+a selecting everything, as in most editors (TextArea moves to the line start,
    which Home still does)."""
    kept: list[BindingType] = []
    for b in TextArea.BINDINGS:
        assert isinstance(b, Binding)
        if b.key in ("f6", "f7"):
            continue
        if b.action == "cursor_line_start":
            b = Binding("home", b.action, b.description, show=False)
        kept.append(b)
    kept.append(
        Binding(
            "ctrl+a",
            "select_all",
            "Select all",
            id="editor-select-all",
            tooltip="Select the whole JSON (typing or a paste then replaces it)",
        )
    )
    return kept


class JsonEditor(TextArea):
    """A JSON editor that stays responsive for documents of any size (see above)."""

    BINDINGS = _json_editor_bindings()
    inherit_bindings = False

    def __init__(self, text: str = "", **kwargs) -> None:
        language, wrap = editor_mode(text)
        super().__init__(text, language=language, soft_wrap=wrap, **kwargs)

    def _adapt(self, text: str) -> None:
        language, wrap = editor_mode(text)
        if language != self.language:
            self.language = language
        if wrap != self.soft_wrap:
            self.soft_wrap = wrap

    def load_text(self, text: str) -> None:
        self._adapt(text)
        super().load_text(text)

    def edit(self, edit):
        if len(edit.text) > HIGHLIGHT_MAX_LINE:
            self._adapt(edit.text)  # before a big paste, so it is never highlighted
        result = super().edit(edit)
        if self.language is None or not self.soft_wrap or len(edit.text) > 1:
            self._adapt(self.document.text)
        return result


class FieldInput(Input):
    """A one-line field: Enter moves to the next field, as in most forms (ctrl+s sends).

    A priority binding, so the focus moves while the App still holds the next key: a key
    typed right behind Enter goes to the field the focus moved to, never the one left
    (a Submitted message would move it only after that key had been delivered here)."""

    BINDINGS = [Binding("enter", "next_field", "Next field", show=False, priority=True)]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.full_placeholder = self.placeholder

    def action_next_field(self) -> None:
        self.screen.focus_next()

    def on_resize(self) -> None:
        # A one-line placeholder wider than the field would be cut mid-word with nothing to
        # say so: end it with an ellipsis instead (the help below the field says the rest).
        self.placeholder = fit_text(self.full_placeholder, self.content_size.width - 1)


def fit_text(text: str, width: int) -> str:
    """`text`, or as much of it as fits in `width` cells, ending in an ellipsis."""
    if width <= 0 or len(text) <= width:
        return text
    return text[: max(width - 1, 0)].rstrip() + "…"


class BoolSwitch(Switch):
    """A switch with a third state, "not set": an optional boolean left out of the request
    takes the API's default, which is not always false."""

    BINDINGS = [
        Binding(
            "delete,backspace",
            "unset",
            "Not set",
            id="field-unset",
            tooltip="Leave this option out of the request (the API's default)",
        )
    ]

    def action_unset(self) -> None:
        self.post_message(FieldRow.Unset(self))


class FieldRow(Vertical):
    """Label, editor, help and problem of one field."""

    class Edited(Message):
        def __init__(self, name: str, text: str) -> None:
            super().__init__()
            self.name = name
            self.text = text

    class Unset(Message):
        def __init__(self, switch: BoolSwitch) -> None:
            super().__init__()
            self.switch = switch

    def __init__(self, spec: SpecField, text: str) -> None:
        super().__init__(id=f"row-{spec.name}", classes=f"field-row -kind-{spec.meta.kind.value}")
        self.spec = spec
        self._text = text
        self.problem: str | None = None  # what is marked on the row now

    @property
    def field_name(self) -> str:
        return self.spec.name

    @property
    def editor_id(self) -> str:
        return f"field-{self.spec.name}"

    def compose(self) -> ComposeResult:
        meta = self.spec.meta
        mark = " [b $error]*[/]" if self.spec.required else ""
        hint = KIND_HINTS.get(meta.kind, "")
        extra = f"  [dim]{escape(self.spec.name)}{' · ' + hint if hint else ''}[/dim]"
        yield Label(f"[b]{escape(meta.label)}[/b]{mark}{extra}", classes="field-label")
        yield self._editor()
        # Help and problem share one widget: big forms (24 fields) mount noticeably faster.
        yield Static(self._note(None), classes="field-note")

    def _editor(self) -> Widget:
        meta, text, wid = self.spec.meta, self._text, self.editor_id
        example = meta.example_text()
        if meta.kind == Kind.ENUM:
            options = [(c, c) for c in meta.choices]
            value = text if text in meta.choices else Select.NULL
            return compact(
                Select(
                    options, prompt=f"choose: {' / '.join(meta.choices)}", value=value, id=wid, classes="field-editor"
                )
            )
        if meta.kind == Kind.BOOLEAN:
            switch = BoolSwitch(value=text == "true", animate=False, id=wid, classes="field-editor")
            row = Horizontal(switch, Label(self._bool_text(text), classes="bool-state"), classes="bool-row")
            return row
        if meta.kind in JSON_KINDS:
            area = JsonEditor(
                text,
                id=wid,
                classes="field-editor json-editor",
                show_line_numbers=True,
                tab_behavior="focus",
                placeholder=f"e.g. {example}" if example else "",
            )
            return compact(area)
        return compact(
            FieldInput(
                text,
                placeholder=f"e.g. {example}" if example else "",
                id=wid,
                password=meta.kind == Kind.SECRET,
                classes="field-editor",
            )
        )

    @staticmethod
    def _bool_text(text: str) -> str:
        return {"true": "true", "false": "false"}.get(text, "not set (the API's default)")

    # -- the editor's changes, as text --------------------------------------------------------
    @on(Input.Changed)
    def _input(self, event: Input.Changed) -> None:
        event.stop()
        self.post_message(self.Edited(self.field_name, event.value))

    @on(TextArea.Changed)
    def _area(self, event: TextArea.Changed) -> None:
        event.stop()
        self.post_message(self.Edited(self.field_name, event.text_area.text))

    @on(Select.Changed)
    def _select(self, event: Select.Changed) -> None:
        event.stop()
        value = event.value
        self.post_message(self.Edited(self.field_name, "" if value is Select.NULL else str(value)))

    @on(Switch.Changed)
    def _switch(self, event: Switch.Changed) -> None:
        event.stop()
        text = "true" if event.value else "false"
        self.query_one(".bool-state", Label).update(self._bool_text(text))
        self.post_message(self.Edited(self.field_name, text))

    @on(Unset)
    def _unset(self, event: Unset) -> None:
        event.stop()
        self.set_text("")
        self.post_message(self.Edited(self.field_name, ""))

    # -- the form's changes (prefill, examples, history) --------------------------------------
    def set_text(self, text: str) -> None:
        """Show `text` in the editor without echoing it back as an edit."""
        editor = self.query_one(f"#{self.editor_id}")
        if isinstance(editor, Input):
            with editor.prevent(Input.Changed):
                editor.value = text
        elif isinstance(editor, TextArea):
            if editor.text != text:
                with editor.prevent(TextArea.Changed):
                    editor.load_text(text)
        elif isinstance(editor, Select):
            with editor.prevent(Select.Changed):
                editor.value = text if text in self.spec.meta.choices else Select.NULL
        elif isinstance(editor, Switch):
            with editor.prevent(Switch.Changed):
                editor.value = text == "true"
            self.query_one(".bool-state", Label).update(self._bool_text(text))

    def _note(self, problem: str | None) -> str:
        lines = [f"[i]{escape(self.spec.meta.help)}[/i]"] if self.spec.meta.help else []
        if problem:
            lines.append(f"[b $error]✗ {escape(problem)}[/]")
        return "\n".join(lines)

    def mark(self, problem: str | None) -> None:
        """Mark the row invalid (CSS class `-invalid`) with the message, or clear it."""
        if problem == self.problem:
            return
        self.problem = problem
        self.set_class(problem is not None, "-invalid")
        self.query_one(".field-note", Static).update(self._note(problem))

    def editor(self) -> Widget:
        return self.query_one(f"#{self.editor_id}")

    def focus_editor(self, *, select: bool = False) -> None:
        """Focus the editor (which scrolls it into view); `select`: select what it holds, so
        what is typed next replaces it instead of being appended (after an API refusal)."""
        editor = self.editor()
        focus_now(editor)
        if select and isinstance(editor, (Input, TextArea)):
            editor.select_all()
