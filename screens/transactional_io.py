"""The transactional screen's requests, each in an async worker on the screen.

Async workers run on the App's event loop, where the Session's httpx client lives: the
UI never waits, and widgets are updated directly. Send goes out through
`send_preview`, which sends the very PreparedRequest the preview holds.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from console.errors import error_text
from console.wire.credentials import MissingCredential
from console.actions.guard import ConfirmationRequired, needed_confirmation
from console.actions.validation import InvalidInput

if TYPE_CHECKING:
    from screens.transactional_screen import TransactionalScreen

EXPECTED_FAILURES = (InvalidInput, MissingCredential, ConfirmationRequired)


async def load_templates(screen: TransactionalScreen) -> None:
    from console.transactional.templates import list_templates

    session = screen.app.session
    screen.status(f"Reading the transactional messages of {session.label}…", "busy")
    try:
        listing = await list_templates(session.creds, session.client())
    except EXPECTED_FAILURES as exc:
        screen.status(f"Cannot list messages: {error_text(exc)}", "error")
        return
    if session is not screen.app.session:
        return
    if listing.explanation is not None:
        screen.status(listing.explanation.title, "error")
        screen.show_problem(listing.explanation.text())
        return
    screen.show_templates(listing.templates)


async def load_variants(screen: TransactionalScreen, template_id: Any) -> None:
    from console.transactional.templates import list_variants

    session = screen.app.session
    try:
        read = await list_variants(session.creds, session.client(), template_id)
    except EXPECTED_FAILURES as exc:
        screen.status(f"Cannot read the variants: {error_text(exc)}", "error")
        return
    if read.explanation is not None:
        screen.status(read.explanation.title, "error")
        return
    screen.show_variants(template_id, read.variants)


async def render_preview(screen: TransactionalScreen, data: dict[str, Any], queue_draft: bool) -> None:
    from console.transactional.preview import preview_email

    session = screen.app.session
    try:
        preview = await preview_email(session.creds, session.client(), data, queue_draft=queue_draft or None)
    except EXPECTED_FAILURES as exc:
        screen.show_invalid(error_text(exc))
        return
    if session is screen.app.session:
        screen.show_preview(preview, data, queue_draft)


async def send(screen: TransactionalScreen) -> None:
    from console.diagnose.explain import explain
    from console.session.session import SendOutcome
    from console.transactional.preview import send_preview
    from screens.confirm_screen import ConfirmScreen

    app, session, preview = screen.app, screen.app.session, screen.preview
    expected = needed_confirmation(preview.spec, session.creds)
    typed = None
    if expected is not None:
        typed = await app.push_screen_wait(
            ConfirmScreen(env_label=session.label, what=preview.spec.INFO.title, expected=expected))
        if typed is None:
            screen.status("Backed out: nothing was sent.", "warning")
            return
    what = "Queuing the draft" if screen.previewed_draft else "Sending"
    screen.status(f"{what} to {session.label}…", "busy")
    try:
        exchange = await send_preview(preview, session.creds, session.client(), confirmation=typed)
    except EXPECTED_FAILURES as exc:
        screen.status(f"Not sent: {error_text(exc)}", "error")
        return
    explanation = explain(exchange, preview.spec.__class__, session.creds)
    values = {**(screen.previewed_data or {}), **({"queue_draft": True} if screen.previewed_draft else {})}
    app.record(SendOutcome(preview.spec.INFO.id, values, exchange, explanation, session.label))
    screen.show_sent(exchange, explanation)
