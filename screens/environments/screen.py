"""The environment screen: choose an environment, set its region, Site ID and keys,
save them (keys to the OS keyring), test the connection, and switch to it.

Keys are never read back into the form: a key input starts empty and says whether a
key is stored; typing replaces it on save, and "Reveal keys" shows only what was typed.
So neither the screen nor a screenshot of it can show a stored key.

What is typed is never lost: switching to another environment keeps the typed values
as a draft (marked * in the list) until saved, and leaving with unsaved changes asks
for a second escape. Keyring and file work runs off the event loop.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Button, Checkbox, Header, Input, OptionList, RadioButton, RadioSet, Static

from console.environments.keystore import KEY_KINDS, KeyringUnavailable
from console.environments.store import Environment, EnvironmentStore, UnknownEnvironment
from console.errors import ConsoleError
from console.wire.apis import Region
from console.wire.credentials import KEY_LABEL, Credentials
from screens.environments.form import (
    FormValues,
    KeyRow,
    apply_values,
    compose_form,
    default_client,
    env_option,
    form_credentials,
)
from screens.messages import SwitchEnvironment
from screens.styles import ASSETS, StyledOnce
from screens.widgets.check_rows import CheckRows
from screens.widgets.footer import StableFooter
from screens.words import ui_text

ClientFactory = Callable[[Credentials], Any]


class EnvironmentScreen(StyledOnce, Screen):
    """Edit the stored environments; `Selected(name)` when the user switches to one.

    `client_factory(creds)` makes the httpx.AsyncClient the connection test uses (tests
    and the embedded sandbox inject a transport); the screen closes it after the test.
    """

    CSS_PATH = ASSETS / "environment.tcss"
    TITLE = "Environments"
    # Below 100 columns (80x24 laptops, SSH) the list narrows and the buttons drop their
    # indent, so Save, Test connection and Use this environment all stay on screen.
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]
    BINDINGS = [
        Binding("escape", "back", "Back", id="env-back", tooltip="Back to where you were"),
        Binding(
            "ctrl+s", "save", "Save", id="env-save", tooltip="Save the settings, and the typed keys to the OS keyring"
        ),
        Binding("ctrl+t", "test", "Test", id="env-test", tooltip="Test the connection with these settings and keys"),
        Binding("ctrl+o", "use", "Use", id="env-use", tooltip="Switch the console to this environment"),
        Binding("ctrl+r", "reveal", "Reveal keys", id="env-reveal", tooltip="Show or hide the typed keys"),
        Binding("ctrl+n", "new", "New", id="env-new", tooltip="Add an environment"),
    ]

    class Selected(SwitchEnvironment):
        """The user switched the console to environment `name` (the App makes the switch)."""

    def __init__(self, store: EnvironmentStore, *, client_factory: ClientFactory | None = None) -> None:
        super().__init__()
        self.store = store
        self.client_factory = client_factory
        self.current: str | None = None
        self.drafts: dict[str, FormValues] = {}
        self.key_status: dict[str, bool] | None = None
        self.envs: list[Environment] = []
        self._loading = False
        self._leave_armed = False

    # -- layout ------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="env-body"):
            with Vertical(id="env-side"):
                yield OptionList(id="env-list")
                yield Input(placeholder="New name, Enter", id="env-new-name", compact=True)
            with VerticalScroll(id="env-form", can_focus=False):
                yield from compose_form()
        yield StableFooter()

    def on_mount(self) -> None:
        self.query_one("#env-memory").display = False
        self._refresh_list()
        last = None
        try:
            last = self.store.last_used
        except Exception:  # noqa: BLE001 - a broken file is shown by _refresh_list already
            pass
        names = [e.name for e in self.envs]
        if names:
            self._select(last if last in names else names[0])

    def on_screen_resume(self) -> None:
        # The screen is kept for the session: `cio-console env` in another process may have
        # added, changed or deleted environments while it was hidden. What is typed stays.
        if self.current is None:
            return
        before = next((e for e in self.envs if e.name == self.current), None)
        self._refresh_list()
        now = next((e for e in self.envs if e.name == self.current), None)
        if now is None and self.envs:
            self._select(self.envs[0].name)
        elif now is not None and now != before and not (before and self.form_values().differs_from(before)):
            name, self.current = self.current, None  # nothing typed here: no draft to stash
            self._load(name)

    # -- the list ------------------------------------------------------------------------------
    def _refresh_list(self) -> None:
        try:
            self.envs = self.store.list()
        except ValueError as exc:  # a broken environments file: say which and why
            self._message(str(exc), error=True)
            self.envs = []
        listing = self.query_one("#env-list", OptionList)
        # Rebuilding moves the highlight; only the user's moves may load an environment.
        with listing.prevent(OptionList.OptionHighlighted):
            listing.clear_options()
            for env in self.envs:
                listing.add_option(env_option(env, env.name in self.drafts))
            if self.current in {e.name for e in self.envs}:
                listing.highlighted = listing.get_option_index(self.current)

    def _select(self, name: str) -> None:
        listing = self.query_one("#env-list", OptionList)
        with listing.prevent(OptionList.OptionHighlighted):
            listing.highlighted = listing.get_option_index(name)
        self._load(name)

    @on(OptionList.OptionHighlighted, "#env-list")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        name = event.option.id
        if name and name != self.current:
            self._load(name)

    def _env(self, name: str) -> Environment:
        for env in self.envs:
            if env.name == name:
                return env
        raise UnknownEnvironment(name, [e.name for e in self.envs])

    # -- the form --------------------------------------------------------------------------------
    def form_values(self) -> FormValues:
        region = Region.EU if self.query_one("#region-eu", RadioButton).value else Region.US
        return FormValues(
            region=region,
            site_id=self.query_one("#env-site-id", Input).value.strip(),
            protected=self.query_one("#env-protected", Checkbox).value,
            keys={k: self.query_one(f"#key-{k}", Input).value.strip() for k in KEY_KINDS},
        )

    def _stash_draft(self) -> None:
        if self.current is None:
            return
        try:
            env = self._env(self.current)
        except UnknownEnvironment:
            return
        values = self.form_values()
        if values.differs_from(env):
            self.drafts[self.current] = values
        else:
            self.drafts.pop(self.current, None)

    def _load(self, name: str) -> None:
        """Show environment `name` in the form: its draft if one was typed, else its settings."""
        self._stash_draft()
        self.current = name
        self._leave_armed = False
        env = self._env(name)
        values = self.drafts.get(name) or FormValues(env.region, env.site_id or "", env.protected)
        self._loading = True
        try:
            self.query_one("#region-eu" if values.region == Region.EU else "#region-us", RadioButton).value = True
            self.query_one("#env-site-id", Input).value = values.site_id
            self.query_one("#env-protected", Checkbox).value = values.protected
            for kind in KEY_KINDS:
                self.query_one(f"#key-{kind}", Input).value = values.keys.get(kind, "")
        finally:
            self._loading = False
        self._show_title()
        self.query_one(CheckRows).clear()
        self._message("")
        self._refresh_list()
        self.key_status = None
        self._placeholders()
        self.run_worker(self._load_key_status(name), group="status", exclusive=True)

    def _show_title(self) -> None:
        if self.current is None:
            return
        values = self.form_values()
        protected = values.protected
        title: list = [(self.current, "bold"), f"  ·  {values.region.value.upper()}"]
        if protected:
            title.append(("  ·  PROTECTED", "bold $error"))
        self.query_one("#env-title", Static).update(Content.assemble(*title))
        # The form's frame carries the highlighted environment's protection; the header stays
        # the App's: it names the environment in use, which is not the one highlighted here.
        self.set_class(protected, "-protected")

    async def _load_key_status(self, name: str) -> None:
        try:
            status = await asyncio.to_thread(self.store.key_status, name)
        except KeyringUnavailable as exc:
            if name == self.current:
                self.key_status = None
                self._placeholders(unknown=True)
                self._keyring_problem(exc)
            return
        except (UnknownEnvironment, ValueError):
            return
        if name == self.current:
            self.key_status = status
            self._placeholders()

    def _placeholders(self, unknown: bool = False) -> None:
        import os

        from console.wire.credentials import ENV_KEYS

        in_memory = not self.store.keys.persistent
        for row in self.query(KeyRow):
            stored = None if self.key_status is None else self.key_status.get(row.kind, False)
            var = ENV_KEYS[row.kind]
            row.show_status(
                stored, unreadable=unknown, in_memory=in_memory, env_var=var if os.environ.get(var) else None
            )

    @on(Input.Changed)
    @on(Checkbox.Changed, "#env-protected")
    @on(RadioSet.Changed)
    def _edited(self, event: Message) -> None:
        if self._loading:
            return
        self._leave_armed = False
        if isinstance(event, Input.Changed) and event.input.id == "env-new-name":
            return
        if isinstance(event, Input.Changed) and event.input.has_class("-invalid"):
            event.input.remove_class("-invalid")
        self._show_title()

    @on(Checkbox.Changed, "#env-reveal-box")
    def _reveal_changed(self, event: Checkbox.Changed) -> None:
        for kind in KEY_KINDS:
            self.query_one(f"#key-{kind}", Input).password = not event.value

    def action_reveal(self) -> None:
        box = self.query_one("#env-reveal-box", Checkbox)
        box.value = not box.value

    # -- messages ----------------------------------------------------------------------------------
    def _message(self, text: str, *, error: bool = False) -> None:
        widget = self.query_one("#env-message", Static)
        text = ui_text(text)
        widget.update(Content.styled(text, "$error") if error and text else text)
        widget.set_class(error, "-error")

    def _keyring_problem(self, exc: KeyringUnavailable) -> None:
        self._message(str(exc), error=True)
        self.query_one("#env-memory").display = True

    @on(Button.Pressed, "#env-memory")
    def _use_memory(self) -> None:
        self.store.use_memory_keys()
        self.query_one("#env-memory").display = False
        self._message("Keys are kept in memory for this run only: they are forgotten when the console exits.")
        if self.current:
            self.run_worker(self._load_key_status(self.current), group="status", exclusive=True)

    # -- save ------------------------------------------------------------------------------------
    @on(Button.Pressed, "#env-save-button")
    def action_save(self) -> None:
        if self.current is not None:
            self.run_worker(self._save(self.current, self.form_values()), group="save", exclusive=True)

    async def _save(self, name: str, values: FormValues) -> bool:
        try:
            stored = await asyncio.to_thread(apply_values, self.store, name, values)
        except KeyringUnavailable as exc:
            self._keyring_problem(exc)
            self._after_save(name, keys_saved=False)
            return False
        except (ValueError, UnknownEnvironment) as exc:
            # The error names its field (console.errors); its text is for the person.
            field = exc.field if isinstance(exc, ConsoleError) else None
            if field == "site_id":
                self.query_one("#env-site-id", Input).add_class("-invalid")
            elif field in KEY_KINDS:
                self.query_one(f"#key-{field}", Input).add_class("-invalid")
            self._message(f"Not saved: {exc}", error=True)
            return False
        self._after_save(name, keys_saved=True)
        where = "memory (this run only)" if not self.store.keys.persistent else "the OS keyring"
        keys = f"; {', '.join(KEY_LABEL[k] for k in stored)} stored in {where}" if stored else ""
        self._message(f"Saved {name}{keys}.")
        self.notify(f"Saved {name}{keys}.", timeout=3)
        return True

    def _after_save(self, name: str, *, keys_saved: bool) -> None:
        if keys_saved:
            self.drafts.pop(name, None)
            if name == self.current:
                self._loading = True
                try:
                    for kind in KEY_KINDS:
                        self.query_one(f"#key-{kind}", Input).value = ""
                finally:
                    self._loading = False
        self._refresh_list()
        if name == self.current:
            self.run_worker(self._load_key_status(name), group="status", exclusive=True)

    @on(KeyRow.RemoveRequested)
    def _remove_requested(self, event: KeyRow.RemoveRequested) -> None:
        if self.current is not None:
            self.run_worker(self._remove_key(self.current, event.kind), group="save", exclusive=True)

    async def _remove_key(self, name: str, kind: str) -> None:
        try:
            await asyncio.to_thread(self.store.delete_key, name, kind)
        except KeyringUnavailable as exc:
            self._keyring_problem(exc)
            return
        self._message(f"Removed the {KEY_LABEL[kind]} of {name}.")
        self.run_worker(self._load_key_status(name), group="status", exclusive=True)

    # -- the connection test -------------------------------------------------------------------
    @on(Button.Pressed, "#env-test-button")
    def action_test(self) -> None:
        if self.current is not None:
            self.run_worker(self._test(self.current, self.form_values()), group="test", exclusive=True)

    async def _credentials(self, name: str, values: FormValues) -> Credentials:
        try:
            stored = await asyncio.to_thread(self.store.credentials, name)
        except KeyringUnavailable as exc:
            self._keyring_problem(exc)
            stored = None
        return form_credentials(stored, self._env(name), values)

    async def _test(self, name: str, values: FormValues) -> list:
        from console.diagnose.connection_test import run_connection_test

        try:
            creds = await self._credentials(name, values)
        except ValueError as exc:  # a typed key or Site ID that cannot be sent (named, not shown)
            self._message(f"Not tested: {exc}", error=True)
            return []
        if not (creds.track_key or creds.app_key or creds.write_key):
            self._message("Nothing to test: type at least one key (or save one) first.", error=True)
            return []
        self.query_one(CheckRows).pending()
        unsaved = " (with the unsaved values in the form)" if values.differs_from(self._env(name)) else ""
        self._message(f"Testing {name}{unsaved}…")
        client = self.client_factory(creds) if self.client_factory else default_client()
        try:
            checks = await run_connection_test(creds, client, on_check=self.query_one(CheckRows).show)
        finally:
            await client.aclose()
        failed = [c for c in checks if c.ok is False]
        self._message(
            f"{name}: {len(failed)} check{'s' if len(failed) != 1 else ''} failed."
            if failed
            else f"{name}: every key that is set works.",
            error=bool(failed),
        )
        return checks

    # -- switching, adding, leaving -------------------------------------------------------------
    @on(Button.Pressed, "#env-use-button")
    def action_use(self) -> None:
        if self.current is None:
            return
        if self.form_values().differs_from(self._env(self.current)):
            self.notify(
                f"{self.current} has unsaved changes: save them (ctrl+s) before switching to it.", severity="warning"
            )
            return
        try:
            self.store.set_last_used(self.current)
        except (OSError, ValueError) as exc:
            self._message(f"Could not remember the choice: {exc}", error=True)
        # The App says "Using …" once the switch is made (or why it was not).
        self.post_message(self.Selected(self.current))

    def action_new(self) -> None:
        self.query_one("#env-new-name", Input).focus()

    @on(Input.Submitted, "#env-new-name")
    def _add(self, event: Input.Submitted) -> None:
        name = event.value.strip()
        if not name:
            return
        try:
            env = self.store.add(name, Region.US)
        except ValueError as exc:
            event.input.add_class("-invalid")
            self._message(f"Not added: {exc}", error=True)
            return
        event.input.value = ""
        self._refresh_list()
        self._select(env.name)
        self.query_one("#env-site-id", Input).focus()

    def action_back(self) -> None:
        self._stash_draft()
        if self.drafts and not self._leave_armed:
            self._leave_armed = True
            self.notify(
                f"Unsaved changes in {', '.join(self.drafts)}: press escape again to leave them "
                "unsaved (F2 shows them again), or ctrl+s to save.",
                severity="warning",
            )
            return
        if len(self.app.screen_stack) > 1:
            self.app.pop_screen()
