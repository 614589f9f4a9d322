"""The palette's "reset anonymous id": what a client library's reset() does at logout.

The environment's anonymous id is forgotten and a new one started (console/environments/anonymous.py,
the same store `cio-console anon reset` uses); open forms still showing the old id take
the new one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from screens.registry import PaletteCommand

if TYPE_CHECKING:
    from screens.context import ConsoleApp


def reset_anonymous_id(app: ConsoleApp) -> None:
    session = app.session
    if session is None:
        app.notify("The environment is still loading; try again in a moment.", title="Anonymous id")
        return

    def work() -> None:
        from console.environments import anonymous

        key = anonymous.key_for(session.creds, sandbox=session.sandbox)
        previous, new = anonymous.reset(key)
        app.call_from_thread(_done, app, key, previous, new)

    app.run_worker(work, thread=True, group="anonymous-id")


def _done(app: ConsoleApp, key: str, previous: str | None, new: str) -> None:
    from screens.messages import AnonymousIdReset

    forgot = f"Forgot {previous}; " if previous else ""
    app.notify(f"{forgot}new anonymous id {new}.", title=f"Anonymous id for {key}")
    app.post_message(AnonymousIdReset(key, previous, new))  # the App refreshes the open forms


COMMANDS = [
    PaletteCommand(
        "reset anonymous id (start a new visitor)",
        "Forget this environment's anonymous id and start a new one, as a client library's reset() does",
        reset_anonymous_id,
    ),
]
