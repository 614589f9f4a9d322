"""Driving the workspace in Pilot tests: open it on a sandbox session, fill fields, send."""
from __future__ import annotations

import dataclasses

from textual.widgets import Input, Select, Switch, TextArea

from console.session import Session
from screens.app import CioConsoleApp, sandbox_credentials
from screens.workspace import WorkspaceScreen


def sandbox_app(root_url: str, *, protected: bool = False, name: str | None = None) -> CioConsoleApp:
    creds = sandbox_credentials(root_url, protected=protected)
    if name:
        creds = dataclasses.replace(creds, name=name)
    return CioConsoleApp(session=Session(creds))


async def ready(pilot) -> WorkspaceScreen:
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, WorkspaceScreen)
    return screen


def fill(screen: WorkspaceScreen, **values) -> None:
    """Set editors the way a user's typing would end (Input.value etc. post Changed)."""
    for name, value in values.items():
        editor = screen.editor(name)
        if isinstance(editor, Input):
            editor.value = value
        elif isinstance(editor, TextArea):
            editor.text = value
        elif isinstance(editor, Select):
            editor.value = value
        elif isinstance(editor, Switch):
            editor.value = value
        else:  # pragma: no cover
            raise TypeError(type(editor))


async def settle(pilot) -> None:
    """Let the debounced check and preview run."""
    await pilot.pause(0.2)


async def send_and_wait(pilot) -> None:
    await pilot.press("ctrl+s")
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def status_text(screen: WorkspaceScreen) -> str:
    return str(screen.query_one("#form-status").render())


def sent(sandbox) -> list[dict]:
    return sandbox.sandbox.requests
