"""The console App: holds the Session (the environment in use) and the screen stack.

The first frame never waits on IO: the environment (keyring reads) or the embedded
sandbox (a uvicorn thread) is resolved in a worker after mount, and `session` is set
when it is ready. Screens watch `app.session`; the header's subtitle names the
environment and region, and a protected environment colours every screen's header.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

from textual import events
from textual.app import App
from textual.binding import Binding
from textual.reactive import var

# The environments (and the sandbox's names) are resolved in the core, for both faces.
from console.environments.resolve import SANDBOX_LABEL, SANDBOX_NAMES, SANDBOX_PROTECTED_LABEL
from screens.registry import SCREENS
from screens.styles import ASSETS
from screens.widgets.key_gate import GATED, KeyGate

if TYPE_CHECKING:
    from textual.notifications import SeverityLevel
    from textual.screen import Screen

    from console.environments.store import EnvironmentStore
    from console.session.session import SendOutcome, Session
    from screens.messages import AnonymousIdReset, LoadIntoForm, OutcomeRecorded, SwitchEnvironment

NO_ENVIRONMENT = "no environment (F2 to set one up)"


def _console_commands():
    """The palette's provider, imported when the palette first opens (start-up stays fast)."""
    from screens.commands import ConsoleCommands

    return ConsoleCommands


class CioConsoleApp(App):
    # The workspace's sheet is the App's, not its screen's: a screen's CSS_PATH makes Textual
    # re-parse every stylesheet when the screen is pushed (~6 ms before the first frame).
    # The inspector's is read when an inspector is first mounted (use_stylesheet).
    CSS_PATH = [ASSETS / "console.tcss", ASSETS / "workspace.tcss"]
    TITLE = "cio-console"
    BINDINGS = [
        # show=False: kept out of the footer (120 columns fit the most used keys); F1 and
        # the palette list them, and they work everywhere.
        Binding("ctrl+q", "quit", "Quit", id="quit", tooltip="Quit cio-console", show=False),
        Binding("f1", "help", "Help", id="help", tooltip="What this screen does and every key it takes"),
        # Priority, so the focus has moved before the next key is delivered (screens/widgets/focus.py).
        Binding("tab", "move_focus(1)", "Next field", id="focus-next", show=False, priority=True),
        Binding("shift+tab", "move_focus(-1)", "Previous field", id="focus-previous", show=False, priority=True),
        # priority: a TextArea (the JSON editors) takes F6/F7 for itself otherwise.
        *[
            Binding(
                e.key,
                f"open_screen('{e.id}')",
                e.footer or e.title,
                id=e.id,
                tooltip=e.help,
                show=e.in_footer,
                priority=True,
            )
            for e in SCREENS
            if e.key
        ],
        Binding(
            "f8",
            "copy_curl",
            "Copy curl",
            id="copy-curl",
            show=False,
            tooltip="Copy the inspected request as a curl command, keys masked",
        ),
        Binding("f9", "copy_body", "Copy body", id="copy-body", show=False, tooltip="Copy the inspected response body"),
    ]

    session: var[Session | None] = var(None, init=False)

    COMMANDS = App.COMMANDS | {_console_commands}

    def __init__(
        self,
        *,
        sandbox: bool = False,
        env_name: str | None = None,
        session: Session | None = None,
        store: EnvironmentStore | None = None,
        client_factory: Any = None,
        gc_paused: bool = False,
    ) -> None:
        super().__init__()
        # The launcher paused the garbage collector for start-up: resumed after the first frame.
        self._gc_paused = gc_paused
        self.sandbox = sandbox
        self.env_name = env_name
        self._initial_session = session
        self._store = store
        self.client_factory = client_factory
        self.sandbox_server: Any = None  # RunningSandbox for --sandbox
        self.boot_error: str | None = None
        self.outcomes: list[SendOutcome] = []  # this run's sends, oldest first
        self.inspected: SendOutcome | None = None  # what an inspector shows last: F8/F9 copy it
        self._history: Any = None  # console.session.history.History, made on first use
        self.forms_loaded = threading.Event()  # set by the workspace once its forms' modules are in
        self.key_gate = KeyGate(self)
        self.sub_title = "starting…"

    async def on_event(self, event: events.Event) -> None:
        # One key at a time (screens/widgets/key_gate.py): a key typed behind Tab goes where Tab took the focus.
        if isinstance(event, GATED) and not event.is_forwarded:
            if not self.key_gate.admit(event):
                return
            type_ahead = getattr(self.screen, "type_ahead", None)
            if isinstance(event, events.Key) and type_ahead is not None and type_ahead(event):
                self.key_gate.handled(event, None)  # kept for a field still mounting
                return
            target = self.focused or self.screen
            await super().on_event(event)
            self.key_gate.handled(event, target if event.is_forwarded else None)
            return
        await super().on_event(event)

    # -- environment ---------------------------------------------------------------------------
    @property
    def store(self) -> EnvironmentStore:
        if self._store is None:
            from console.environments.store import EnvironmentStore

            self._store = EnvironmentStore()
        return self._store

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Every notification in the console's words: many carry a core text (console/words.py)."""
        from screens.words import ui_text

        super().notify(ui_text(message), title=title, severity=severity, timeout=timeout, markup=markup)

    def get_default_screen(self) -> Screen:
        """The workspace is the bottom of the stack (no blank default screen to paint first)."""
        from screens.workspace.screen import WorkspaceScreen

        return WorkspaceScreen()

    def on_mount(self) -> None:
        workspace = self.screen
        if self._gc_paused:
            workspace.call_after_refresh(self._resume_gc)
        if self._initial_session is not None:
            self.session = self._initial_session
        else:
            # After the first frame is painted: the boot thread's imports (keyring, or the
            # sandbox's uvicorn) would otherwise take the interpreter lock from the paint.
            workspace.call_after_refresh(self.run_worker, self._boot, thread=True, exclusive=True, group="session")

    def _resume_gc(self) -> None:
        """The first frame is painted: what start-up made (it lives for the session) goes
        where the collector's passes never walk, and the collector runs again."""
        import gc

        self._gc_paused = False
        gc.freeze()
        gc.enable()

    def _boot(self) -> None:
        """Resolve the first environment off the event loop (keyring, sandbox thread)."""
        # The workspace's first form is being imported in another thread; importing the
        # sandbox (or keyring) at the same time would only split the interpreter lock three
        # ways, and the keys typed into the action list would wait for both. Forms first.
        self.forms_loaded.wait(timeout=5)
        from console.session.session import Session

        try:
            session = self._session_for(self.env_name)
        except Exception as exc:  # noqa: BLE001 - shown to the user, never a crash
            from console.wire.credentials import from_env

            self.boot_error = str(exc)
            try:
                fallback = from_env()
            except ValueError:  # a CIO_* key that cannot be sent (already named in the error)
                from console.wire.credentials import Credentials

                fallback = Credentials()
            session = Session(fallback, label="environment variables")
            self.call_from_thread(self.notify, str(exc), title="Environment", severity="error", timeout=10)
        self.call_from_thread(setattr, self, "session", session)

    def _start_sandbox(self) -> str:
        """The embedded sandbox's root URL, started on first use (a uvicorn thread)."""
        if self.sandbox_server is None:
            from console.sandbox import SandboxConfig, serve_in_thread

            self.sandbox_server = serve_in_thread(SandboxConfig())
        return self.sandbox_server.root_url

    def environment_names(self) -> list[str]:
        """What the palette and the picker offer ("env: …"): under --sandbox the embedded
        sandbox's two environments first, then the stored ones (which may point at it)."""
        try:
            stored = self.store.names()
        except Exception:  # noqa: BLE001 - a broken file is reported by the environment screen
            stored = []
        if self.sandbox:
            return [SANDBOX_LABEL, SANDBOX_PROTECTED_LABEL, *[n for n in stored if n.casefold() not in SANDBOX_NAMES]]
        return stored

    def _session_for(self, name: str | None) -> Session:
        """The session of environment `name` (None: the one used last, or the sandbox under
        --sandbox): the core's one resolver for every path that switches (start-up, the
        palette's "env: …", F2's ctrl+o), the CLI's too, so the header, the request's
        target and the guard all come from the same credentials."""
        from console.environments.resolve import resolve
        from console.session.session import Session

        found = resolve(name, store=self.store, last_used=True, sandbox=self._start_sandbox if self.sandbox else None)
        label = found.label if found.label or found.creds.name else NO_ENVIRONMENT
        return Session(found.creds, label=label, client_factory=self.client_factory, sandbox=found.sandbox)

    def switch_environment(self, name: str) -> None:
        """Switch to environment `name` (a worker: the keyring is read off the loop); the
        toast says so only once the switch is made, naming where requests now go."""

        def work() -> None:
            from console.wire.apis import API

            try:
                session = self._session_for(name)
            except Exception as exc:  # noqa: BLE001
                self.call_from_thread(
                    self.notify, f"Not switched to {name}: {exc}", title="Environment", severity="error", timeout=10
                )
                return
            self.call_from_thread(setattr, self, "session", session)
            guard = " It is protected: sends and deletes ask you to type the identifier." if session.protected else ""
            self.call_from_thread(
                self.notify,
                f"Using {session.label} ({session.region}): requests go to "
                f"{session.creds.base_url(API.TRACK)} and its other API hosts.{guard}",
                title="Environment",
                timeout=5,
            )

        self.run_worker(work, thread=True, exclusive=True, group="session")

    async def watch_session(self, old: Session | None, new: Session | None) -> None:
        # The header first: it names the environment in use from the moment it is in use
        # (closing the old client may take a while, and the header must not lag behind it).
        if new is not None:
            marks = [new.label, new.region]
            if new.protected:
                marks.append("PROTECTED")
            self.sub_title = " · ".join(marks)
            self.set_class(new.protected, "-protected")
        if old is not None and old is not new:
            await old.aclose()

    def on_switch_environment(self, message: SwitchEnvironment) -> None:
        self.switch_environment(message.name)

    def on_environment_screen_selected(self, message: SwitchEnvironment) -> None:
        """F2's choice (EnvironmentScreen.Selected, a SwitchEnvironment)."""
        self.switch_environment(message.name)

    # -- outcomes -----------------------------------------------------------------------------
    def on_outcome_recorded(self, message: OutcomeRecorded) -> None:
        self.record(message.outcome)

    def record(self, outcome: SendOutcome) -> None:
        """Every finished send goes here (the history keeps it, keys masked)."""
        self.outcomes.append(outcome)
        self.inspected = outcome
        secrets = self.session.secrets() if self.session is not None else []

        def save() -> None:  # file IO off the event loop; the history masks before it writes
            try:
                self.history.append(outcome, secrets)
            except OSError as exc:
                self.call_from_thread(
                    self.notify, f"Not saved to the history: {exc}", title="History", severity="warning"
                )

        self.run_worker(save, thread=True, group="history", exit_on_error=False)

    @property
    def history(self) -> Any:
        if self._history is None:
            from console.session.history import History

            self._history = History()
        return self._history

    def action_move_focus(self, step: int) -> None:
        from screens.widgets.focus import move_focus

        move_focus(self.screen, step)

    def action_copy_curl(self) -> None:
        from screens.inspector.copying import copy_curl

        copy_curl(self)

    def action_copy_body(self) -> None:
        from screens.inspector.copying import copy_body

        copy_body(self)

    # -- screens ------------------------------------------------------------------------------
    def open_action(self, action_id: str) -> None:
        """Show an action's form in the workspace (the palette's "action: …")."""
        from screens.workspace.screen import WorkspaceScreen

        while len(self.screen_stack) > 1 and not isinstance(self.screen, WorkspaceScreen):
            self.pop_screen()
        if isinstance(self.screen, WorkspaceScreen):
            self.screen.select_action(action_id)

    def on_load_into_form(self, message: LoadIntoForm) -> None:
        """The history's Enter: back to the workspace, the entry's values in its form."""
        from console.wire.redact import MASK
        from screens.workspace.screen import WorkspaceScreen

        while len(self.screen_stack) > 1 and not isinstance(self.screen, WorkspaceScreen):
            self.pop_screen()
        if not isinstance(self.screen, WorkspaceScreen):
            self.notify("The workspace is not open.", severity="error")
            return
        values = message.values
        self.screen.load_values(message.action_id, values)
        masked = [k for k, v in values.items() if isinstance(v, str) and MASK in v]
        if masked:
            self.notify(
                f"Loaded; {', '.join(masked)} held a key, which the history masks: type it again.",
                title="History",
                severity="warning",
            )
        else:
            self.notify(f"Loaded {message.title} with the values it was sent with.", title="History", timeout=3)

    def on_anonymous_id_reset(self, message: AnonymousIdReset) -> None:
        """Open forms showing the old anonymous id take the new one."""
        from screens.workspace.screen import WorkspaceScreen

        for screen in self.screen_stack:
            if isinstance(screen, WorkspaceScreen):
                screen.refresh_prefill()

    def action_help(self) -> None:
        from screens.widgets.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    def action_open_screen(self, screen_id: str) -> None:
        """Show a registry screen: the same instance all session long (installed, so leaving it
        pops it without discarding it: a person looked up, a half-filled form, a running batch
        are still there when its key is pressed again)."""
        name = f"registry:{screen_id}"
        if not self.is_screen_installed(name):
            entry = next(e for e in SCREENS if e.id == screen_id)
            self.install_screen(entry.factory(self), name)
        screen = self.get_screen(name)
        if screen in self.screen_stack:
            # Already open: go back to it instead of stacking it twice.
            while self.screen is not screen:
                self.pop_screen()
            return
        self.push_screen(name)

    async def on_unmount(self) -> None:
        if self.session is not None:
            await self.session.aclose()
        if self.sandbox_server is not None:
            self.sandbox_server.stop()
