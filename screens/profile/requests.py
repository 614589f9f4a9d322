"""The profile screen's requests, each run in an async worker on the screen.

An async worker runs on the App's event loop, where the Session's pooled httpx client
lives, so nothing blocks the UI and the widgets can be updated directly. The protected
guard is asked here (ConfirmScreen) and the typed text is passed on to the core, which
checks it again before anything is sent.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

from console.actions.guard import needed_confirmation
from console.errors import ConsoleError
from screens.context import console_app
from screens.words import ui_error

if TYPE_CHECKING:
    from console.actions.spec import ActionSpec
    from console.diagnose.explain import Explanation
    from console.people.draft import ProfileDraft
    from console.people.edit import EditOutcome
    from console.people.lookup import LookupResult
    from console.people.person_actions import ProfileAction
    from console.session.session import Session


class ProfileView(Protocol):
    """What these requests need of the profile screen (screens/profile/screen.py): its
    public face, so the screen and its requests do not import each other."""

    @property
    def app(self) -> Any: ...  # the ConsoleApp (screens/context.py)

    draft: ProfileDraft | None

    def status(self, text: str, severity: str = "") -> None: ...

    def show_lookup(self, result: LookupResult, *, keep_status: bool = False) -> None: ...

    def show_applied(self, outcome: EditOutcome) -> None: ...

    def show_explanation(self, explanation: Explanation) -> None: ...


async def _confirm(screen: ProfileView, session: Session, spec: ActionSpec, what: str) -> tuple[bool, str | None]:
    """(go on?, typed text): asks only in a protected environment."""
    from screens.widgets.confirm import ConfirmScreen

    expected = needed_confirmation(spec, session.creds)
    if expected is None:
        return True, None
    typed = await console_app(screen).push_screen_wait(
        ConfirmScreen(env_label=session.label, what=what, expected=expected)
    )
    if typed is None:
        screen.status("Backed out: nothing was sent.", "warning")
        return False, None
    return True, typed


async def look_up(screen: ProfileView, identifier: str, id_type: str) -> None:
    from console.people.lookup import lookup_profile

    session = console_app(screen).session
    if session is None:  # the screen's _busy() refuses before: the environment is still loading
        return
    screen.status(f"Looking up {id_type} {identifier!r} in {session.label}…", "busy")
    try:
        result = await lookup_profile(session.creds, session.client(), identifier, id_type)
    except ConsoleError as exc:  # nothing was sent: an input, a key, the guard
        screen.status(f"Not looked up: {ui_error(exc)}", "error")
        return
    if session is console_app(screen).session:  # the environment did not change meanwhile
        screen.show_lookup(result)


async def apply_changes(screen: ProfileView) -> None:
    from console.people.edit import apply_edit, identify_input
    from console.session.history import record_of
    from screens.messages import OutcomeRecorded

    session, draft = console_app(screen).session, screen.draft
    if session is None or draft is None:
        screen.status("Nothing to apply: no person is looked up here.", "warning")
        return
    try:
        plan = draft.plan(session.creds, preview=False)
        if plan.spec is None or plan.diff.empty:  # no spec: nothing changes
            screen.status("Nothing to apply: no attribute differs from what is stored.", "warning")
            return
        go, typed = await _confirm(screen, session, plan.spec, f"Update {draft.profile.label}")
        if not go:
            return
        screen.status(f"Applying {len(plan.diff.changes)} change(s) to {session.label}…", "busy")
        outcome = await apply_edit(plan, session.creds, session.client(), confirmation=typed)
    except ConsoleError as exc:  # nothing was sent: an input, a key, the guard
        screen.status(f"Not sent: {ui_error(exc)}", "error")
        return
    if outcome.exchange is not None:
        console_app(screen).post_message(
            OutcomeRecorded(
                record_of(
                    plan.action,
                    identify_input(plan.profile, plan.diff),
                    outcome.exchange,
                    session.creds,
                    session.label,
                    explanation=outcome.explanation if not outcome.applied else None,
                )
            )
        )
    screen.show_applied(outcome)


async def run_action(screen: ProfileView, action: ProfileAction, extra: dict[str, Any]) -> None:
    from console.session.history import record_of
    from screens.messages import OutcomeRecorded

    session = console_app(screen).session
    if session is None:
        return
    try:
        spec, _ = action.prepare(session.creds, extra)
        go, typed = await _confirm(screen, session, spec, action.title)
        if not go:
            return
        screen.status(f"Sending {action.title} to {session.label}…", "busy")
        exchange = await action.run(session.creds, session.client(), extra, confirmation=typed)
    except ConsoleError as exc:  # nothing was sent: an input, a key, the guard
        screen.status(f"Not sent: {ui_error(exc)}", "error")
        return
    outcome = record_of(action.action, {**action.input, **extra}, exchange, session.creds, session.label)
    explanation = outcome.explanation
    console_app(screen).post_message(OutcomeRecorded(outcome))
    head = f"{exchange.response.status} {exchange.response.reason}" if exchange.response else "no answer"
    if explanation is not None:
        screen.status(f"{head}: {action.title} failed.", "error")
        screen.show_explanation(explanation)
        return
    screen.status(f"{head}: {action.title} sent to {session.label}.", "success")
    await _reload_after(screen, action)


async def _reload_after(screen: ProfileView, action: ProfileAction) -> None:
    """Read the person back after an action, so the screen shows what it did."""
    from console.people.lookup import lookup_profile

    if screen.draft is None or action.action_id == "unsuppress-customer":
        return
    session = console_app(screen).session
    if session is None:
        return
    result = await lookup_profile(session.creds, session.client(), screen.draft.profile.cio_id, "cio_id")
    screen.show_lookup(result, keep_status=True)
