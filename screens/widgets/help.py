"""F1: what the screen underneath does and every key it answers to, with descriptions.

Built from the screen's `HELP` text and its `active_bindings` (the focused widget's, the
screen's and the App's), so a screen documents itself by declaring its bindings.
"""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from screens.widgets.footer import StableFooter

DEFAULT_HELP = "Keys that work here are listed below; the footer shows the most used."


def binding_rows(screen: Screen) -> list[tuple[str, str, str, str]]:
    """(key, description, what it does, where) for every binding active on `screen`."""
    rows = []
    seen: set[tuple[str, str]] = set()
    for _key, active in screen.active_bindings.items():
        binding, node = active.binding, active.node
        # The screen's and the App's keys, plus a focused widget's keys that are shown or
        # carry an id (ours, even when kept out of the footer); the editing keys every
        # input has (cursor moves) would bury them.
        ours = node is screen or node is screen.app or bool(binding.id)
        if (
            not binding.description
            or not (ours or binding.show)
            or (binding.system and binding.action != "command_palette")
        ):
            continue
        ident = binding.id or binding.action
        if (ident, binding.description) in seen:
            continue
        seen.add((ident, binding.description))
        where = "everywhere" if node is screen.app else ("this screen" if node is screen else type(node).__name__)
        rows.append((screen.app.get_key_display(binding), binding.description, binding.tooltip or "", where))
    return rows


class HelpScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape,f1", "close", "Close help", id="help-close", tooltip="Back to the screen"),
    ]

    def __init__(self, screen: Screen) -> None:
        super().__init__()
        self.title_text = getattr(screen, "HELP_TITLE", None) or type(screen).__name__.removesuffix("Screen")
        # A screen whose help depends on its state (the history's file) says it in help_text().
        dynamic = getattr(screen, "help_text", None)
        text = dynamic() if callable(dynamic) else getattr(screen, "HELP", None)
        self.help_text = (text or DEFAULT_HELP).strip()
        self.rows = binding_rows(screen)

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box") as box:
            box.border_title = f"Help · {self.title_text}"
            box.border_subtitle = "Escape or F1 to close"
            yield Static(Text(self.help_text), id="help-text")
            table = Table(box=None, expand=True, show_edge=False, pad_edge=False, header_style="bold")
            table.add_column("Key", no_wrap=True, style="bold")
            table.add_column("Does")
            table.add_column("Details", style="dim", ratio=2)
            table.add_column("Where", style="dim", no_wrap=True)
            for key, description, tooltip, where in self.rows:
                table.add_row(key, description, tooltip or "·", where)
            yield Static(table, id="help-keys")
        yield StableFooter()

    def action_close(self) -> None:
        self.dismiss(None)
