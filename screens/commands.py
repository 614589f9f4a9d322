"""The command palette: every action, every environment, every screen, and the
commands features register in `EXTRA` (copy as curl, reset the anonymous id, …).

A feature adds a `PaletteCommand` (screens/registry.py); its callback receives the App.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider

from screens.context import console_app
from screens.registry import SCREENS, PaletteCommand

if TYPE_CHECKING:
    from screens.context import ConsoleApp


EXTRA: list[PaletteCommand] = []


def _entries(app: ConsoleApp) -> Iterator[tuple[str, str, Callable[[], object]]]:
    from console.actions.catalog import all_actions

    for action in all_actions().values():
        info = action.INFO
        yield f"action: {info.title}", f"{info.api.title} · {info.id}", partial(app.open_action, info.id)
    for name in app.environment_names():
        yield f"env: {name}", "Switch the console to this environment", partial(app.switch_environment, name)
    for entry in SCREENS:
        yield f"screen: {entry.title}", entry.help, partial(app.action_open_screen, entry.id)
    for command in (*EXTRA, *_feature_commands()):
        yield command.text, command.help, partial(command.run, app)


class ConsoleCommands(Provider):
    async def discover(self) -> Hits:
        for text, help_text, callback in _entries(console_app(self)):
            yield DiscoveryHit(text, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for text, help_text, callback in _entries(console_app(self)):
            score = matcher.match(text)
            if score > 0:
                yield Hit(score, matcher.highlight(text), callback, text=text, help=help_text)


def _feature_commands() -> list[PaletteCommand]:
    """The features' own commands, imported when the palette opens (start-up stays fast)."""
    from screens.inspector.copying import COMMANDS as copy_commands
    from screens.workspace.anonymous_reset import COMMANDS as anonymous_commands

    return [*copy_commands, *anonymous_commands]
