"""The person's story reads on the profile screen, each an async worker (the UI stays live).

Every read is `console.people.story`'s; a failure is shown in its view with the
explanation, never raised. Every exchange is recorded like a send (OutcomeRecorded: the
history and F8/F9 keep it), named `read …` since it is not a catalog action. A read whose
answer arrives after the person or the environment changed is dropped: its rows would be
someone else's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from console.errors import ConsoleError
from screens.words import ui_error

if TYPE_CHECKING:
    from console.people.app_reads import ReadResult
    from screens.profile.story_views import (
        ActivityView,
        DiagnosisView,
        MessagesView,
        Owner,
        PreferencesView,
        RelationshipsView,
        StoryView,
    )


def record_read(app: Any, session: Any, what: str, values: dict[str, Any], read: ReadResult) -> None:
    """The read's exchange in the history and the inspector, as the sends are."""
    record_exchange(app, session, what, values, read.exchange, read.explanation)


def record_exchange(app: Any, session: Any, what: str, values: dict[str, Any], exchange: Any, explanation: Any) -> None:
    from console.session.session import SendOutcome
    from screens.messages import OutcomeRecorded

    app.post_message(OutcomeRecorded(SendOutcome(f"read {what}", values, exchange, explanation, session.label)))


def _values(cio_id: str, **more: str | None) -> dict[str, Any]:
    """What the history shows a read was about (its About column reads customer_identifier)."""
    return {"customer_identifier": cio_id, **{k: v for k, v in more.items() if v}}


def _current(app: Any, session: Any, view: StoryView, owner: Owner) -> bool:
    return session is app.session and view.owner == owner


async def _load_page(
    app: Any, view: ActivityView | MessagesView | RelationshipsView, owner: Owner, more: bool, what: str, read_page: Any
) -> None:
    """One page of a paged view (the next one with `more`) read, recorded and shown."""
    session, cio_id = app.session, owner[1]
    start = view.next if more else None
    view.reading_for(owner, more=more)
    try:
        page = await read_page(session.creds, session.client(), cio_id, limit=view.page_size, start=start)
    except ConsoleError as exc:
        view.failed(None, f"Not read: {ui_error(exc)}")
        return
    record_read(app, session, what, _values(cio_id, start=start), page.read)
    if _current(app, session, view, owner):
        view.add(page.items, page.next) if page.ok else view.failed(page.read.explanation)


async def load_activity(app: Any, view: ActivityView, owner: Owner, *, more: bool = False) -> None:
    from console.people.story import read_activities

    await _load_page(app, view, owner, more, "activities", read_activities)


async def load_messages(app: Any, view: MessagesView, owner: Owner, *, more: bool = False) -> None:
    from console.people.story import read_messages

    await _load_page(app, view, owner, more, "messages", read_messages)


async def load_relationships(app: Any, view: RelationshipsView, owner: Owner, *, more: bool = False) -> None:
    from console.people.story import read_relationships

    await _load_page(app, view, owner, more, "relationships", read_relationships)


async def load_preferences(app: Any, view: PreferencesView, owner: Owner, draft: Any) -> None:
    """The person's topics and `unsubscribed`, with each topic's workspace default."""
    from console.people.story import read_preferences, read_topics

    session, cio_id = app.session, owner[1]
    view.reading_for(owner, more=False)
    try:
        prefs = await read_preferences(session.creds, session.client(), cio_id)
        record_read(app, session, "subscription preferences", _values(cio_id), prefs.read)
        topics = await read_topics(session.creds, session.client()) if prefs.ok else None
    except ConsoleError as exc:
        view.failed(None, f"Not read: {ui_error(exc)}")
        return
    if topics is not None:
        record_read(app, session, "subscription topics", {}, topics.read)
    if not _current(app, session, view, owner):
        return
    if not prefs.ok:
        view.failed(prefs.read.explanation)
        return
    # The defaults are a help, not the point: a failed topics read leaves them "?".
    defaults = {t.id: t.subscribed_by_default for t in topics.items} if topics is not None and topics.ok else {}
    view.show(prefs, defaults, draft())


async def load_diagnosis(app: Any, view: DiagnosisView, owner: Owner) -> None:
    """The doctor for the person shown (by cio_id: exactly the person looked up)."""
    from console.diagnose.doctor import run_doctor

    session, cio_id = app.session, owner[1]
    channel, template = view.channel, view.template
    view.reading_for(owner, more=False)
    try:
        diagnosis = await run_doctor(
            session.creds, session.client(), cio_id, "cio_id", template=template, channel=channel
        )
    except ConsoleError as exc:
        view.failed(None, f"Not run: {ui_error(exc)}")
        return
    values = _values(cio_id, channel=channel, template=template)
    for exchange in diagnosis.exchanges:
        why = diagnosis.explanation if exchange is diagnosis.failed else None
        record_exchange(app, session, "doctor", values, exchange, why)
    if _current(app, session, view, owner):
        view.show(diagnosis)
