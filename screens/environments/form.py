"""The environment screen's form: what it holds (`FormValues`), how it is laid out, a key
row, and how the typed values become credentials or a stored environment."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.message import Message
from textual.widgets import Button, Checkbox, Input, Label, RadioButton, RadioSet, Static
from textual.widgets.option_list import Option

from console.environments.file import Environment
from console.environments.keystore import KEY_KINDS
from console.wire.apis import Region
from console.wire.credentials import KEY_LABEL, Credentials, clean_key
from screens.widgets.check_rows import CheckRows


@dataclass
class FormValues:
    region: Region
    site_id: str
    protected: bool
    keys: dict[str, str] = field(default_factory=dict)  # only what was typed

    def differs_from(self, env: Environment) -> bool:
        return (
            self.region != env.region
            or self.site_id != (env.site_id or "")
            or self.protected != env.protected
            or any(self.keys.values())
        )


def env_option(env: Environment, unsaved: bool) -> Option:
    """An environment in the list: name, region, and marks for protected and unsaved."""
    parts: list = [(env.name, "bold"), f"  {env.region.value.upper()}"]
    if env.protected:
        parts.append(("  ● protected", "$error"))
    if unsaved:
        parts.append(("  * unsaved", "$warning"))
    return Option(Content.assemble(*parts), id=env.name)


def form_credentials(stored: Credentials | None, env: Environment, values: FormValues) -> Credentials:
    """The stored credentials (None: the keyring could not be read) with the form's
    values on top, so the connection test can run before saving."""
    if stored is None:
        from console.environments.file import stored_credentials

        stored = stored_credentials(env)
    # Typed keys follow the rules of every other way in (stripped; InvalidKey, naming the
    # key, for a control or non-ASCII character).
    typed = {
        kind: clean_key(value, f"the {KEY_LABEL[kind]} typed here")
        for kind, value in values.keys.items()
        if value and value.strip()
    }
    return replace(
        stored,
        region=values.region,
        site_id=values.site_id or None,
        track_key=typed.get("track", stored.track_key),
        app_key=typed.get("app", stored.app_key),
        write_key=typed.get("write", stored.write_key),
    )


class KeyRow(Horizontal):
    """One key: a masked input that never holds a stored key, and a Remove button that
    asks for a second press (a removed key cannot be brought back)."""

    class RemoveRequested(Message):
        def __init__(self, kind: str) -> None:
            super().__init__()
            self.kind = kind

    def __init__(self, kind: str) -> None:
        super().__init__(classes="row key-row")
        self.kind = kind
        self._armed = False

    def compose(self) -> ComposeResult:
        yield Label(KEY_LABEL[self.kind].removesuffix(" API key") + " key", classes="row-label")
        yield Input(id=f"key-{self.kind}", password=True, compact=True, classes="key")
        yield Button("Remove", id=f"remove-{self.kind}", compact=True, classes="remove", disabled=True)

    @property
    def input(self) -> Input:
        return self.query_one(Input)

    def show_status(
        self, stored: bool | None, *, unreadable: bool = False, in_memory: bool = False, env_var: str | None = None
    ) -> None:
        """Where the key really is. stored: True/False once known, None while the keyring is
        being read; in_memory: the store keeps keys for this run only; env_var: the CIO_*
        variable that is set and so supplies this key to every send."""
        if env_var:
            text = f"from {env_var} (sends use it)"
        elif unreadable:
            text = "not set (no keyring): type it"
        elif stored is None:
            text = "…"
        elif stored:
            text = "in memory for this run only: type to replace" if in_memory else "in the OS keyring: type to replace"
        else:
            text = "not set: paste the key here"
        self.input.placeholder = text
        button = self.query_one(Button)
        button.disabled = not stored
        button.label = "Remove"
        self._armed = False

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if not self._armed:
            self._armed = True
            event.button.label = "Press again"
            return
        self._armed = False
        event.button.label = "Remove"
        self.post_message(self.RemoveRequested(self.kind))


def compose_form() -> ComposeResult:
    """The form's widgets, in focus order (the screen wires them up)."""
    yield Static(id="env-title")
    with Horizontal(classes="row"):
        yield Label("Region", classes="row-label")
        with RadioSet(id="env-region", compact=True):
            yield RadioButton("US", id="region-us", value=True, compact=True)
            yield RadioButton("EU", id="region-eu", compact=True)
    with Horizontal(classes="row"):
        yield Label("Site ID", classes="row-label")
        yield Input(id="env-site-id", compact=True, placeholder="from Settings > API Credentials")
    for kind in KEY_KINDS:
        yield KeyRow(kind)
    with Horizontal(classes="row", id="env-toggles"):
        yield Label("", classes="row-label")
        yield Checkbox("Reveal keys", id="env-reveal-box", compact=True)
        yield Checkbox("Protected (sends and deletes ask to confirm)", id="env-protected", compact=True)
    with Horizontal(classes="row", id="env-buttons"):
        yield Label("", classes="row-label")
        yield Button("Save", id="env-save-button", variant="primary", compact=True)
        yield Button("Test connection", id="env-test-button", compact=True)
        yield Button("Use this environment", id="env-use-button", variant="success", compact=True)
    yield Static(id="env-message")
    yield Button("Keep keys in memory for this run", id="env-memory", compact=True)
    yield CheckRows(id="env-checks")


def apply_values(store: Any, name: str, values: FormValues) -> list[str]:
    """Write the settings, then the typed keys (a thread: the keyring blocks); the kinds stored."""
    store.update(name, region=values.region, site_id=values.site_id or None, protected=values.protected)
    stored = []
    for kind, value in values.keys.items():
        if value:
            store.set_key(name, kind, value)
            stored.append(kind)
    return stored


def default_client() -> Any:
    from console.wire.transport import make_client

    return make_client(timeout=15.0)
