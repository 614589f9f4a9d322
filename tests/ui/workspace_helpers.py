"""Driving the workspace in Pilot tests: open it on a sandbox session, fill fields, send."""

from __future__ import annotations

import dataclasses
import time

from textual.widgets import Input, Select, Switch, TextArea

from console.environments.resolve import sandbox_credentials
from console.session.session import Session
from screens.app import CioConsoleApp
from screens.workspace.screen import WorkspaceScreen


def sandbox_app(root_url: str, *, protected: bool = False, name: str | None = None) -> CioConsoleApp:
    creds = sandbox_credentials(root_url, protected=protected)
    if name:
        creds = dataclasses.replace(creds, name=name)
    return CioConsoleApp(session=Session(creds))


async def ready(pilot) -> WorkspaceScreen:
    """The workspace once it has loaded: the first form (built in a loader thread after
    the first frame) mounted with its fields, and the inspector mounted after it."""
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, WorkspaceScreen)

    def loaded() -> bool:
        if screen.state is None or not screen.query("#inspector"):
            return False
        form = screen._forms.get(screen.state.action_id)
        return (
            form is not None
            and form.is_mounted
            and all(form.query(f"#field-{spec.name}") for spec in screen.state.action.field_specs())
        )

    await until(pilot, loaded, "the workspace's first form and inspector")
    await pilot.pause()
    return screen


def fill(screen: WorkspaceScreen, **values) -> None:
    """Set editors the way a user's typing would end (Input.value etc. post Changed)."""
    for name, value in values.items():
        editor = screen.editor(name)
        if isinstance(editor, Input):
            editor.value = value
        elif isinstance(editor, TextArea):
            editor.text = value
        elif isinstance(editor, (Select, Switch)):
            editor.value = value
        else:  # pragma: no cover
            raise TypeError(type(editor))


async def settle(pilot) -> None:
    """Let the debounced check and preview run (waits for it, not for a fixed time)."""
    screen = pilot.app.screen
    await pilot.pause(0.05)
    for _ in range(200):
        if getattr(screen, "_timer", None) is None:
            break
        await pilot.pause(0.02)
    await pilot.pause()


async def send_and_wait(pilot) -> None:
    await pilot.press("ctrl+s")
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def status_text(screen: WorkspaceScreen) -> str:
    return str(screen.query_one("#form-status").render())


def sent(sandbox) -> list[dict]:
    return sandbox.sandbox.requests


async def opened(pilot, action_id: str) -> WorkspaceScreen:
    """Open `action_id` and wait until its form has focus (so focus never races a fill)
    and all its rows (a big form builds the rows below the first screenful in the frames
    after it opens)."""
    screen = pilot.app.screen
    screen.select_action(action_id)
    for _ in range(300):
        await pilot.pause(0.01)
        if (
            screen.state.action_id == action_id
            and pilot.app.focused is not None
            and screen._form() in pilot.app.focused.ancestors
            and screen._form().built
        ):
            return screen
    raise AssertionError(f"the {action_id} form never took focus")


async def until(pilot, predicate, what: str = "the condition", timeout: float = 30.0) -> None:
    """Wait for `predicate()` (watchers and workers run when the loop gets to them).
    `timeout` (real seconds) only bounds a hung test on a loaded machine: it is no
    measurement, so it is generous."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await pilot.pause(0.01)


def steady_cursor(monkeypatch) -> None:
    """Snapshots: an Input's cursor stays shown instead of blinking every 0.5 s, so a
    picture does not depend on how long the test took to get there (under load it did)."""
    monkeypatch.setattr(Input, "_toggle_cursor", lambda self: None)
