"""What a screen may rely on from the App: `ConsoleApp`, a Protocol the App satisfies.

Screens and palette commands see the App through this, never through `screens.app`
(which imports every screen's entry point, so importing it back would knot the package).
A widget reaches it with `console_app(self)` (a `cast`, as posting does); what a screen
asks the App to *do* beyond reading its state goes as a Message (`screens/messages.py`).
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any, Protocol, cast

if TYPE_CHECKING:
    from textual.message import Message
    from textual.screen import Screen
    from textual.worker import Worker

    from console.environments.store import EnvironmentStore
    from console.session.session import SendOutcome, Session


class ConsoleApp(Protocol):
    """The console App as its screens use it (screens/app.py's `CioConsoleApp`)."""

    session: Session | None  # the environment in use; None until the boot worker resolves it
    sandbox: bool
    client_factory: Any
    outcomes: list[SendOutcome]  # this run's sends, oldest first
    inspected: SendOutcome | None  # what an inspector showed last: F8/F9 copy it
    forms_loaded: threading.Event

    @property
    def store(self) -> EnvironmentStore: ...

    @property
    def history(self) -> Any: ...

    @property
    def screen(self) -> Screen: ...

    @property
    def screen_stack(self) -> list[Screen]: ...

    def environment_names(self) -> list[str]: ...

    def switch_environment(self, name: str) -> None: ...

    def open_action(self, action_id: str) -> None: ...

    def action_open_screen(self, screen_id: str) -> None: ...

    # Textual's App, as far as the screens and commands use it.
    def post_message(self, message: Message) -> bool: ...

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: Any = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None: ...

    def copy_to_clipboard(self, text: str) -> None: ...

    def call_from_thread(self, callback: Any, *args: Any, **kwargs: Any) -> Any: ...

    def run_worker(
        self,
        work: Any,
        name: str | None = "",
        group: str = "default",
        description: str = "",
        exit_on_error: bool = True,
        start: bool = True,
        exclusive: bool = False,
        thread: bool = False,
    ) -> Worker[Any]: ...

    def pop_screen(self) -> Any: ...

    def push_screen(self, screen: Any, callback: Any = None, wait_for_dismiss: bool = False) -> Any: ...

    async def push_screen_wait(self, screen: Any) -> Any: ...


class HasApp(Protocol):
    """A mounted widget or screen, or a Protocol of a screen's public face (the profile's
    and transactional screens' requests see their screen through one)."""

    @property
    def app(self) -> Any: ...


def console_app(node: HasApp) -> ConsoleApp:
    """The App a mounted widget or screen belongs to, typed as the console's."""
    return cast("ConsoleApp", node.app)
