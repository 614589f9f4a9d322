"""The console App (minimal until the full workspace lands): lists the actions."""
from __future__ import annotations

from pathlib import Path

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import Footer, Header, OptionList
from textual.widgets.option_list import Option

ASSETS = Path(__file__).resolve().parent.parent / "assets"


class CioConsoleApp(App):
    CSS_PATH = ASSETS / "console.tcss"
    TITLE = "cio-console"
    BINDINGS = [Binding("ctrl+q", "quit", "Quit", id="quit")]

    def __init__(self, *, sandbox: bool = False, env_name: str | None = None) -> None:
        super().__init__()
        self.sandbox = sandbox
        self.env_name = env_name
        self.sub_title = "Sandbox (offline)" if sandbox else (env_name or "environment variables")

    def compose(self) -> ComposeResult:
        from console.catalog import by_api

        yield Header()
        options: list[Option] = []
        for api, actions in by_api().items():
            options.append(Option(f"[b]{api.title}[/b]", disabled=True))
            options += [Option(f"  {a.INFO.title}  [dim]{a.INFO.id}[/dim]", id=a.INFO.id) for a in actions]
        yield OptionList(*options, id="actions")
        yield Footer()
