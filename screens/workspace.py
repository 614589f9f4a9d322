"""The action workspace (placeholder until the full workspace lands): lists the actions."""
from __future__ import annotations

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer, Header, OptionList
from textual.widgets.option_list import Option


class WorkspaceScreen(Screen):
    def compose(self) -> ComposeResult:
        from console.catalog import by_api

        yield Header()
        options: list[Option] = []
        for api, actions in by_api().items():
            options.append(Option(f"[b]{api.title}[/b]", disabled=True))
            options += [Option(f"  {a.INFO.title}  [dim]{a.INFO.id}[/dim]", id=a.INFO.id) for a in actions]
        yield OptionList(*options, id="actions")
        yield Footer()

    def select_action(self, action_id: str) -> None:
        listing = self.query_one("#actions", OptionList)
        listing.highlighted = listing.get_option_index(action_id)
