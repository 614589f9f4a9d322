"""Sending the workspace's form: block invalid input, ask the protected guard, send in a
worker with progress in the inspector, then mark the field an API error names.

Nothing here freezes the UI: the request runs in an async worker (exclusive per screen,
so a second Ctrl+S while one is in flight replaces nothing that was sent — the core
never re-sends a request whose answer was lost).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from console.errors import error_text
from console.wire.credentials import MissingCredential
from console.actions.guard import ConfirmationRequired
from console.actions.validation import InvalidInput, describe

if TYPE_CHECKING:
    from console.session.form_state import FormState
    from screens.workspace import WorkspaceScreen


def start_send(screen: WorkspaceScreen) -> None:
    state = screen.state
    if state is None:
        return
    state.attempted = True
    check = screen._refresh()
    if check is None:
        return
    if not check.ok:
        names = list(check.problems)
        fields = ", ".join(state.specs[n].meta.label for n in names)
        what = f"fix {fields}" if names else "; ".join(check.general)
        screen._status(f"Not sent: {what}.", "error", from_check=True)
        if names:
            screen._form().focus_field(names[0])
        return
    if screen.app.session is None or not screen.query("#inspector"):
        screen._status("Not sent: the environment is still loading.", "error")
        return
    if any(w.group == "send" and w.is_running for w in screen.workers):
        screen._status("A send is already in flight; wait for its answer.", "warning")
        return
    screen.run_worker(send_form(screen, state), exclusive=True, group="send", exit_on_error=False)


async def send_form(screen: WorkspaceScreen, state: FormState) -> None:
    from screens.confirm_screen import ConfirmScreen
    from screens.inspector import Inspector

    app = screen.app
    session = app.session
    action, values = state.action, state.filled()
    inspector = screen.query_one(Inspector)
    try:
        expected = session.confirmation(action, values)
        confirm = None
        if expected is not None:
            confirm = await app.push_screen_wait(
                ConfirmScreen(env_label=session.label, what=action.INFO.title, expected=expected))
            if confirm is None:
                screen._status("Backed out: nothing was sent.", "warning")
                return
        screen._status(f"Sending {action.INFO.title} to {session.label}…", "busy")
        inspector.clear()
        # An async worker runs on the event loop, so progress can go straight to the widget.
        outcome = await session.send(action, values, confirm=confirm, on_event=inspector.progress)
    except (InvalidInput, MissingCredential, ConfirmationRequired) as exc:
        screen._status(f"Not sent: {error_text(exc)}", "error")
        return
    except Exception as exc:  # noqa: BLE001 - an unexpected failure is shown, never a crash
        screen._status(f"Not sent: {type(exc).__name__}: {exc}", "error")
        return
    inspector.show(outcome)
    app.record(outcome)
    resp = outcome.exchange.response
    head = f"{resp.status} {resp.reason}" if resp is not None else "no answer"
    why = outcome.explanation
    field = why.field if why is not None else None
    if field and field in state.specs:
        state.refused(field, why.api_message or why.title)
        screen._refresh()
        label = describe_field_label(state, field)
        screen._status(f"{head}: the API refused {label} — {why.api_message or why.title}", "error")
        screen._form().focus_field(field, select=True)  # typing replaces the refused value
    elif outcome.ok:
        screen._status(f"{head}: {action.INFO.title} sent to {session.label}.", "success")
    else:
        title = why.title if why else "the request failed"
        # Most titles start with the status already ("429 Too Many Requests: …").
        screen._status(f"{title if title.startswith(head) else f'{head}: {title}'} (details below).", "error")


def describe_field_label(state: FormState, field: str) -> str:
    from console.actions.spec import FieldProblem

    return describe(FieldProblem(field, ""), state.action).strip()
