"""What features register with the App: their screens (for the command palette and key
bindings) and their palette commands.

Each feature adds one `ScreenEntry`; the App lists them in the palette ("screen: …")
and binds their keys, so no screen needs code in the App. A feature's palette commands
are `PaletteCommand`s whose callback receives the App (screens/commands.py gathers them).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from textual.screen import Screen

    from screens.context import ConsoleApp


@dataclass(frozen=True)
class PaletteCommand:
    text: str  # e.g. "copy as curl (keys masked)"
    help: str
    run: Callable[[ConsoleApp], object]


@dataclass(frozen=True)
class ScreenEntry:
    id: str  # also the binding id
    title: str  # palette text: "screen: {title}"
    help: str
    factory: Callable[[ConsoleApp], Screen]
    key: str | None = None  # an App-level binding that opens it
    # The footer has ~108 cells at 120 columns and the workspace's own keys come first:
    # a short label there, or none (the key still works and F1 and the palette list it).
    footer: str | None = None  # the footer's label; None: the title
    in_footer: bool = True


def _environments(app: ConsoleApp) -> Screen:
    from screens.environments.screen import EnvironmentScreen

    return EnvironmentScreen(app.store, client_factory=app.client_factory)


def _history(app: ConsoleApp) -> Screen:
    from screens.history.screen import HistoryScreen

    return HistoryScreen()


def _profile(app: ConsoleApp) -> Screen:
    from screens.profile.screen import ProfileScreen

    return ProfileScreen()


def _transactional(app: ConsoleApp) -> Screen:
    from screens.transactional.screen import TransactionalScreen

    return TransactionalScreen()


def _batch(app: ConsoleApp) -> Screen:
    from screens.batch.screen import BatchScreen

    return BatchScreen()


SCREENS: list[ScreenEntry] = [
    ScreenEntry(
        "environments",
        "Environments",
        "Choose an environment, store its keys, test the connection",
        _environments,
        key="f2",
    ),
    ScreenEntry(
        "history",
        "History",
        "Every exchange sent (keys masked): inspect one again or load it into its form",
        _history,
        key="f3",
    ),
    ScreenEntry(
        "profile",
        "Profile fixer",
        "Look a person up, fix their attributes, devices and state",
        _profile,
        key="f4",
        footer="Profile",
    ),
    ScreenEntry(
        "transactional",
        "Transactional preview",
        "Render a transactional email with its data, check for missing variables, send exactly that",
        _transactional,
        key="f6",
        in_footer=False,
    ),
    ScreenEntry(
        "batch",
        "Batch",
        "Apply one action to every row of a CSV or JSONL file, at the rate limit, resumable",
        _batch,
        key="f7",
        in_footer=False,
    ),
]
