"""The history (F3): every exchange, newest first, from the history file (keys masked).

The list is read in a thread worker when the screen opens (and on R); the highlighted
row is shown in an Inspector below it, so F8/F9 copy that exchange. L loads the row's
values back into its action's form in the workspace.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from screens.context import console_app
from screens.inspector.inspector import Inspector
from screens.inspector.texts import action_title
from screens.styles import ASSETS, StyledOnce
from screens.widgets.footer import StableFooter

if TYPE_CHECKING:
    from console.session.history import HistoryEntry

LIMIT = 500  # rows shown (the file keeps about as many)


def when(at: float) -> str:
    """Today's rows by their time alone; older ones with the day (narrow: the row must fit
    the identifiers and the request at 120 columns)."""
    stamp = time.localtime(at)
    if time.strftime("%Y-%m-%d", stamp) == time.strftime("%Y-%m-%d"):
        return time.strftime("%H:%M:%S", stamp)
    return time.strftime("%d %b %H:%M", stamp)


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _cut_left(target: str, width: int) -> str:
    """A request cut from the left of its path: the end (the person, the operation) tells."""
    if len(target) <= width:
        return target
    method, _, path = target.partition(" ")
    return f"{method} …{path[len(path) - (width - len(method) - 2) :]}"


def _home(path: str) -> str:
    from pathlib import Path

    home = str(Path.home())
    return "~" + path[len(home) :] if path.startswith(home + "/") else path


class HistoryScreen(StyledOnce, Screen):
    HELP_TITLE = "History"
    HELP = (
        "Every request sent from this console (all sessions), newest first, with the keys "
        "masked: the file (history.jsonl in your user data directory) keeps the last 500. Move "
        "through the list to inspect an exchange below; L loads its values back into its "
        "action's form (masked values stay masked: type the key again if one was there). "
        "F8 copies it as curl, F9 copies its response body."
    )

    def help_text(self) -> str:
        """F1's text: HELP and where the file is, once it has been read."""
        where = f" The file: {self.history_path}." if self.history_path else ""
        return (self.HELP or "") + where

    CSS_PATH = [ASSETS / "inspector.tcss", ASSETS / "history.tcss"]
    BINDINGS = [
        Binding("escape", "back", "Back", id="history-back", tooltip="Back to the workspace"),
        Binding(
            "l",
            "load_into_form",
            "Load into form",
            id="history-load",
            tooltip="Open this exchange's action with the values it was sent with",
        ),
        Binding("enter", "inspect", "Inspect", id="history-inspect", tooltip="Move into the inspector"),
        Binding("r", "reload", "Reload", id="history-reload", tooltip="Read the history file again"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.entries: list[HistoryEntry] = []
        self._sends_seen = 0  # the App's sends when the list was read (the screen is kept)
        self.history_path = ""

    def compose(self) -> ComposeResult:
        yield Header()
        table: DataTable = DataTable(id="history-table", cursor_type="row", zebra_stripes=True)
        table.border_title = "History"
        yield table
        yield Static("Reading the history…", id="history-status")
        yield Inspector(id="inspector")
        yield StableFooter()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        # Who and where tell apart rows of one action (six "Send Transactional Email 404"s).
        table.add_columns("When", "Environment", "Action", "About", "Request", "Status")
        table.focus()
        self.action_reload()

    # -- loading ----------------------------------------------------------------------------
    def on_screen_resume(self) -> None:
        # Shown again (F3 after a send): list what was sent meanwhile; otherwise keep the
        # cursor where it was. `r` reads the file again for another console's sends.
        if len(console_app(self).outcomes) != self._sends_seen:
            self.action_reload()

    def action_reload(self) -> None:
        history = console_app(self).history
        self._sends_seen = len(console_app(self).outcomes)

        def load() -> None:
            entries = history.load(LIMIT)
            self.app.call_from_thread(self._loaded, entries, history.skipped, str(history.path))

        self.run_worker(load, thread=True, exclusive=True, group="history-load", exit_on_error=False)

    def _loaded(self, entries: list[HistoryEntry], skipped: int, path: str) -> None:
        self.entries = entries
        table = self.query_one(DataTable)
        table.clear()
        for i, entry in enumerate(entries):
            status = entry.status_text()
            ok = entry.record.get("ok")
            table.add_row(
                when(entry.at),
                _cut(entry.env, 16),
                _cut(action_title(entry.action_id), 24),
                _cut(entry.subject(), 26),
                _cut_left(entry.target(), 26),
                Text(status, style="green" if ok else ("yellow" if status.startswith("207") else "red")),
                key=str(i),
            )
        count = (
            f"{len(entries)} exchange{'s' if len(entries) != 1 else ''}"
            if entries
            else "No exchanges yet: send a request from the workspace"
        )
        note = f" · {skipped} unreadable line{'s' if skipped != 1 else ''} skipped" if skipped else ""
        status_line = self.query_one("#history-status", Static)
        # Keyboard only: no "hover here"; the full path is in F1's help (help_text()).
        status_line.update(f"{count}{note} · keys masked · kept in history.jsonl (F1 says where)")
        self.history_path = _home(path)
        table.border_subtitle = "L load into form · enter inspect"
        if entries:
            table.move_cursor(row=0)
            self._inspect(0)

    # -- the selected row -------------------------------------------------------------------
    @on(DataTable.RowHighlighted)
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.row_key.value is not None:
            self._inspect(int(event.row_key.value))

    def _inspect(self, index: int) -> None:
        if 0 <= index < len(self.entries):
            self.query_one(Inspector).show(self.entries[index].outcome())

    def selected(self) -> HistoryEntry | None:
        table = self.query_one(DataTable)
        if not self.entries or table.cursor_row is None or not 0 <= table.cursor_row < len(self.entries):
            return None
        return self.entries[table.cursor_row]

    def action_inspect(self) -> None:
        self.query_one(Inspector).focus_content()

    @on(DataTable.RowSelected)
    def _selected(self, event: DataTable.RowSelected) -> None:
        self.action_inspect()

    def action_load_into_form(self) -> None:
        from screens.messages import LoadIntoForm

        entry = self.selected()
        if entry is None:
            return
        from console.actions.catalog import get_action

        try:
            get_action(entry.action_id)
        except KeyError:
            # F4's story reads and the doctor's are recorded here too; they have no form.
            self.notify(
                f"{entry.action_id!r} is a read of F4's person's story, not an action: it has no form "
                "to load. F4 reads it again; F8 copies it as curl.",
                title="Nothing to load",
                severity="warning",
            )
            return
        # The App owns the stack: it goes back to the workspace and fills the form there.
        console_app(self).post_message(LoadIntoForm(entry.action_id, entry.values, title=action_title(entry.action_id)))

    def action_back(self) -> None:
        if self.maximized is not None:  # escape first restores a zoomed inspector
            self.minimize()
            return
        if len(self.app.screen_stack) > 1:
            self.app.pop_screen()
