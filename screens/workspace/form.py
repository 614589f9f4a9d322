"""An action's form, built from its spec alone: a header, then one FieldRow per field.

The form shows a `FormState` and never owns the values: the workspace stores each edit
in the state (so switching actions loses nothing) and asks the form to mark problems.

The rows are built a few at a time: Textual takes 5-15 ms a field to build one (23 fields:
well over the 100 ms a key may take), so the form mounts with the rows that fill the
screen and adds the rest in the frames that follow (`built` once all are there and laid
out). Until then the workspace holds any key that could reach a row not built yet
(screen.py), and a form built ahead (hidden) is built the same way.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.markup import escape
from textual import on
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Input, Static, TextArea

from console.actions.spec import SpecField
from console.session.form_state import JSON_KINDS, FormState
from screens.widgets.fields import FieldRow

MORE_ROWS = 4  # rows added per frame once the first screenful is there (~20 ms of work)
CHROME_LINES = 5  # the screen's lines the form's rows do not get (header, footer, borders, route)
# s at most that no frame is painted while a form opened with Enter builds its first rows
PAINT_HELD_S = 0.5


def _wrapped(text: str, width: int) -> int:
    return -(-len(text) // max(width, 10)) if text else 0


def first_rows(specs: list[SpecField], lines: int, width: int, summary: str = "") -> int:
    """How many rows fill `lines` lines of screen in a form `width` cells wide (a guess
    erring long: a row built early costs a little time, one missing shows a gap for a
    frame)."""
    text = width - 6  # borders, padding, the focus bar
    budget, count = lines - CHROME_LINES - (_wrapped(summary, text) + 1 if summary else 0), 0
    for spec in specs:
        if budget < 0:
            break
        editor = 3 if spec.meta.kind in JSON_KINDS else 1
        label = _wrapped(f"{spec.meta.label} * {spec.name} · {spec.meta.kind.value}", text)
        budget -= label + editor + _wrapped(spec.meta.help, text) + 1  # and the margin
        count += 1
    return max(count, 1)


class ActionForm(VerticalScroll):
    """Not a focus stop of its own (a scroll container is, by default: Tab then landed on an
    invisible stop that kept the keys typed into it)."""

    can_focus = False

    class Built(Message):
        """Every row of `form` is there, laid out."""

        def __init__(self, form: ActionForm) -> None:
            super().__init__()
            self.form = form

    class Changed(Message):
        """A value of this form's state changed (the workspace re-checks and re-previews)."""

        def __init__(self, state: FormState, name: str) -> None:
            super().__init__()
            self.state = state
            self.name = name

    def __init__(self, state: FormState, *, lines: int = 40, width: int = 45) -> None:
        """`lines`: the screen's height, which the first rows built are to fill; `width`:
        the form's."""
        super().__init__(id=f"form-{state.action_id}", classes="action-form")
        self.state = state
        self.typed_ahead: list[str] = []  # keys typed while the rows were still mounting
        self.opening = False  # mounting, to take the focus into its first field
        self.opened_from: Widget | None = None
        specs = list(state.action.field_specs())
        count = first_rows(specs, lines, width, state.action.INFO.summary)
        self._first, self._pending = specs[:count], specs[count:]
        self._rows: dict[str, FieldRow] = {}  # the rows mounted with their editors, in order
        self._built_with: dict[str, str] = {}  # the value each row was made with
        self._marks: dict[str, str] = {}  # the problems marked last, for the rows added later
        self._hurry = False  # build the rest in one go (a key is waiting for it)
        self._holding_paint = False
        self._when_built: list[Callable[[], object]] = []
        self.built = False  # every row is there, and laid out
        info = state.action.INFO
        self.border_title = f"{info.title}"
        self.border_subtitle = f"{info.api.title} · {info.id}"

    def compose(self) -> ComposeResult:
        info = self.state.action.INFO
        yield Static(f"[b reverse $accent] {info.method} [/] {escape(info.path)}", classes="form-route")
        if info.summary:
            yield Static(escape(info.summary), classes="form-summary")
        yield Static("", classes="form-guard")
        for spec in self._first:
            yield self._row(spec)

    def _row(self, spec: SpecField) -> FieldRow:
        text = self.state.values.get(spec.name, "")
        self._built_with[spec.name] = text
        return FieldRow(spec, text)

    def open_with_focus(self, focused: Widget | None) -> None:
        """Once the rows are mounted, give the first field the focus and what was typed
        meanwhile (`typed_ahead`, filled by the workspace: keys typed behind the Enter that
        opened the form go to its first field, never to the filter). Call right after
        mounting the form. The form never takes the focus itself: a focus change on it
        would restyle its whole subtree, twice, while it mounts. `focused`: where the
        focus is meanwhile (a focus the user moves elsewhere cancels the hand-over)."""
        self.opening = True
        self.opened_from = focused
        if self._rows:  # built ahead: the first field is there already
            self._hand_over()
        else:
            # The rows mount over several turns of the event loop; a frame painted in
            # between would lay out and draw a half-built form (and then again): the next
            # frame is the one with the first rows and the focus in them.
            self._holding_paint = True
            self.app._begin_batch()  # (App.batch_update's, which cannot span awaits)
            self.app.set_timer(PAINT_HELD_S, self._paint)

    def _paint(self) -> None:
        if self._holding_paint:
            self._holding_paint = False
            self.app._end_batch()

    def on_mount(self) -> None:
        # The first rows are composed by now, editors and all: the focus goes into the
        # first field before the frame that shows the form is painted.
        self._adopt([child for child in self.children if isinstance(child, FieldRow)])
        if self.opening:
            self._hand_over()
        self._paint()
        self._continue()

    # -- building the rows below the first screenful ------------------------------------------
    def _continue(self) -> None:
        if not self._pending:
            # Built once laid out too: Tab's order is by position on the screen, and a row
            # not laid out yet would come first (at 0, 0).
            self.call_after_refresh(self._finished)
        elif self._hurry:
            self.call_later(self._mount_more)
        else:  # a frame in between: keys typed meanwhile are answered first
            self.call_after_refresh(self.call_later, self._mount_more)

    async def _mount_more(self) -> None:
        if not self._pending or not self.is_attached:
            return
        count = len(self._pending) if self._hurry else MORE_ROWS
        specs, self._pending = self._pending[:count], self._pending[count:]
        rows = [self._row(spec) for spec in specs]
        await self.mount_all(rows)
        self._adopt(rows)
        self._continue()

    def _adopt(self, rows: list[FieldRow]) -> None:
        """Rows just mounted: shown with the state's value where it changed meanwhile (a
        prefill, F5, a history load), and with the problems marked meanwhile."""
        for row in rows:
            name = row.field_name
            self._rows[name] = row
            text = self.state.values.get(name, "")
            if text != self._built_with.pop(name, text):
                row.set_text(text)
            if name in self._marks:
                row.mark(self._marks[name])

    def _finished(self) -> None:
        if self.built:
            return
        self.built = True
        callbacks, self._when_built = self._when_built, []
        for callback in callbacks:
            callback()
        self.post_message(self.Built(self))

    def finish_now(self) -> None:
        """Build every row left in one go, without waiting for frames in between."""
        if not self.built and not self._hurry:
            self._hurry = True
            self.call_later(self._mount_more)

    def when_built(self, callback: Callable[[], object]) -> None:
        """Call `callback` once every row is there (now, if they are)."""
        if self.built:
            callback()
        else:
            self._when_built.append(callback)

    def cancel_opening(self) -> None:
        """The user moved on (Escape, Tab, another action) before the rows were there:
        what they typed for this form goes nowhere."""
        self.opening = False
        self.typed_ahead.clear()
        self._paint()

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
        """The rows built so far (all of them once `built`), in the spec's order."""
        return dict(self._rows)

    def show_values(self, names: list[str] | None = None) -> None:
        """Put the state's values into the editors (after a prefill, F5 or a load)."""
        for name, row in self.rows().items():
            if names is None or name in names:
                row.set_text(self.state.values.get(name, ""))

    def mark(self, problems: dict[str, str]) -> None:
        self._marks = dict(problems)
        for name, row in self.rows().items():
            row.mark(problems.get(name))

    def focus_field(self, name: str | None = None, *, select: bool = False) -> None:
        rows = self.rows()
        if name and name not in rows and name in self.state.specs and not self.built:
            self.when_built(lambda: self.focus_field(name, select=select))
            self.finish_now()
            return
        row = rows.get(name) if name else None
        row = row or next(iter(rows.values()), None)
        if row is not None:
            row.focus_editor(select=select)
