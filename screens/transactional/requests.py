"""The transactional screen's requests, each in an async worker on the screen.

Async workers run on the App's event loop, where the Session's httpx client lives: the
UI never waits, and widgets are updated directly. Send goes out through
`send_preview`, which sends the very PreparedRequest the preview holds.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

from console.actions.guard import ConfirmationRequired, needed_confirmation
from console.actions.validation import InvalidInput
from console.errors import error_text
from console.wire.credentials import MissingCredential

if TYPE_CHECKING:
    from console.diagnose.explain import Explanation
    from console.transactional.compare import Comparison
    from console.transactional.preview import EmailPreview
    from console.transactional.templates import Template, Variant
    from console.wire.exchange import Exchange


class TransactionalView(Protocol):
    """What these requests need of the transactional screen (screens/transactional/screen.py):
    its public face, so the screen and its requests do not import each other."""

    preview: EmailPreview | None
    previewed_data: dict[str, Any] | None
    previewed_draft: bool

    @property
    def app(self) -> Any: ...  # the ConsoleApp (screens/context.py)

    def status(self, text: str, severity: str = "") -> None: ...

    def show_problem(self, text: str) -> None: ...

    def show_templates(self, templates: list[Template]) -> None: ...

    def show_variants(self, template_id: Any, variants: list[Variant]) -> None: ...

    def show_invalid(self, text: str) -> None: ...

    def show_preview(self, preview: EmailPreview, data: dict[str, Any], draft: bool) -> None: ...

    def show_sent(self, exchange: Exchange, explanation: Explanation | None) -> None: ...

    def show_comparison(self, comparison: Comparison) -> None: ...


EXPECTED_FAILURES = (InvalidInput, MissingCredential, ConfirmationRequired)


async def load_templates(screen: TransactionalView) -> None:
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


async def load_variants(screen: TransactionalView, template_id: Any) -> None:
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


async def render_preview(screen: TransactionalView, data: dict[str, Any], queue_draft: bool) -> None:
    from console.transactional.preview import preview_email

    session = screen.app.session
    try:
        preview = await preview_email(session.creds, session.client(), data, queue_draft=queue_draft or None)
    except EXPECTED_FAILURES as exc:
        screen.show_invalid(error_text(exc))
        return
    if session is screen.app.session:
        screen.show_preview(preview, data, queue_draft)


async def send(screen: TransactionalView) -> None:
    from console.session.history import record_of
    from console.transactional.preview import send_preview
    from screens.messages import OutcomeRecorded
    from screens.widgets.confirm import ConfirmScreen

    app, session, preview = screen.app, screen.app.session, screen.preview
    expected = needed_confirmation(preview.spec, session.creds)
    typed = None
    if expected is not None:
        typed = await app.push_screen_wait(
            ConfirmScreen(env_label=session.label, what=preview.spec.INFO.title, expected=expected)
        )
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
    values = {**(screen.previewed_data or {}), **({"queue_draft": True} if screen.previewed_draft else {})}
    outcome = record_of(preview.spec.__class__, values, exchange, session.creds, session.label)
    explanation = outcome.explanation
    app.post_message(OutcomeRecorded(outcome))
    screen.show_sent(exchange, explanation)


async def compare(screen: TransactionalView, preview: EmailPreview, delivery_id: str) -> None:
    from console.transactional.compare import compare_with_delivery

    session = screen.app.session
    try:
        comparison = await compare_with_delivery(session.creds, session.client(), preview, delivery_id)
    except EXPECTED_FAILURES as exc:
        screen.status(f"Not compared: {error_text(exc)}", "error")
        return
    if session is screen.app.session and preview is screen.preview:
        screen.show_comparison(comparison)
