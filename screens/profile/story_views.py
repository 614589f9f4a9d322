"""The person's story on the profile screen (F4), beside the attributes: Activity, Messages,
Preferences and Relationships, each a note line over a table, and the Diagnosis (the
doctor's checks for the person).

Rendering only: the reads are `console.people.story`'s, run by screens/profile/story_requests.py
in workers. Each view remembers whom (environment and cio_id) its rows are for, so a view
shown again for the same person is not read again, and one left over from another person
or environment is never shown as theirs.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import DataTable, Input, Select, Static

from console.diagnose.explain import Explanation
from console.people.deliveries import Delivery
from console.people.draft import ProfileDraft
from console.people.story import (
    ACTIVITY_RETENTION_DAYS,
    Activity,
    Preferences,
    Relationship,
    Topic,
    topic_attribute,
)
from screens.profile.views import utc
from screens.words import ui_text

if TYPE_CHECKING:
    from console.diagnose.doctor import Diagnosis

Owner = tuple[tuple, str]  # (environment key, cio_id): whom a view's rows are about


def _cut(text: str, width: int) -> str:
    text = text.replace("\n", " ")
    return text if len(text) <= width else text[: width - 1] + "…"


def _json(value: dict[str, Any]) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True) if value else ""


class StoryTable(DataTable):
    """A story view's table: rows, one per item; `m` asks its view for the next page."""

    BINDINGS = [
        Binding("m", "more", "More", id="profile-story-more", tooltip="Read the next page (older items)"),
    ]

    class MoreRequested(Message):
        def __init__(self, view: StoryView) -> None:
            super().__init__()
            self.view = view

    def on_mount(self) -> None:
        self.cursor_type = "row"
        self.zebra_stripes = False

    def action_more(self) -> None:
        view = self.parent
        if isinstance(view, StoryView):
            self.post_message(self.MoreRequested(view))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "more":
            view = self.parent
            return isinstance(view, StoryView) and view.paged and bool(view.next)
        return True


class StoryView(Vertical):
    """A note (what the view shows, or why it could not be read) over a table."""

    TITLE = ""
    COLUMNS: tuple[tuple[str, str], ...] = ()
    paged = False

    def __init__(self, *, id: str) -> None:
        super().__init__(id=id, classes="story-view")
        self.owner: Owner | None = None  # whom the rows are about; None: not read
        self.next = ""  # the cursor of the next page ("" on the last)
        self.reading = False

    def compose(self) -> ComposeResult:
        yield Static("", classes="story-note")
        yield StoryTable(classes="story-table")

    def on_mount(self) -> None:
        table = self.table
        for label, key in self.COLUMNS:
            table.add_column(label, key=key)
        self.clear("")

    @property
    def table(self) -> StoryTable:
        return self.query_one(StoryTable)

    def say(self, text: Text | str) -> None:
        self.query_one(".story-note", Static).update(text if isinstance(text, Text) else Text(text))

    def clear(self, note: str) -> None:
        self.owner, self.next, self.reading = None, "", False
        self.table.clear()
        self.say(Text(note, style="dim"))

    def reading_for(self, owner: Owner, *, more: bool) -> None:
        self.reading = True
        if not more:
            self.owner, self.next = owner, ""
            self.table.clear()
        self.say(Text("Reading the next page…" if more else f"Reading {self.TITLE.lower()}…", style="italic"))

    def failed(self, explanation: Explanation | None, text: str = "") -> None:
        """A read that failed: what happened and what to do; the rows read before stay."""
        self.reading = False
        if not self.table.row_count:
            self.owner = None  # read again when shown again
        self.say(Text(ui_text(explanation.text() if explanation else text), style="red"))
        self.refresh_bindings()


class ActivityView(StoryView):
    TITLE = "Activity"
    COLUMNS = (("Time (UTC)", "time"), ("Type", "type"), ("Name", "name"), ("Delivery", "delivery"))
    paged = True
    page_size = 20

    def add(self, items: list[Activity], next_cursor: str) -> None:
        self.reading, self.next = False, next_cursor
        for a in items:
            self.table.add_row(
                utc(a.timestamp),
                a.type,
                _cut(a.name or _attribute_change(a) or _delivery_note(a), 48),
                a.delivery_id or "",
                key=a.id or None,
            )
        self.say(self.note())
        self.refresh_bindings()

    def note(self) -> Text:
        count = self.table.row_count
        out = Text(f"{count} {'activity' if count == 1 else 'activities'}, newest first. ")
        out.append(f"Customer.io keeps {ACTIVITY_RETENTION_DAYS} days of activity. ", style="dim")
        out.append("m loads more (older)." if self.next else "That is all of it.", style="italic")
        return out


def _delivery_note(a: Activity) -> str:
    """A delivery step's failure message, where it has one: the reason a bounce is a bounce."""
    failure = a.data.get("failure_message") if a.delivery_id else None
    return str(failure) if failure else ""


def _attribute_change(a: Activity) -> str:
    """What an attribute_change changed: `{name: {from, to}}` (the sandbox's shape; the
    document leaves `data` open), each as name: from -> to."""
    if a.type != "attribute_change":
        return ""
    changes = [
        f"{name}: {change.get('from', '')} -> {change.get('to', '')}"
        for name, change in a.data.items()
        if isinstance(change, dict)
    ]
    return "; ".join(changes)


class MessagesView(StoryView):
    TITLE = "Messages"
    COLUMNS = (
        ("Time (UTC)", "time"),
        ("Channel", "channel"),
        ("State", "state"),
        ("Subject / recipient", "about"),
        ("Failure", "failure"),
    )
    paged = True
    page_size = 20
    STATE_STYLE = {
        "bounced": "red",
        "failed": "red",
        "dropped": "red",
        "undeliverable": "red",
        "suppressed": "red",
        "spammed": "red",
        "delivered": "green",
        "opened": "green",
        "clicked": "green",
        "converted": "green",
    }

    def __init__(self, *, id: str) -> None:
        super().__init__(id=id)
        self.items: dict[str, Delivery] = {}

    def compose(self) -> ComposeResult:
        yield from super().compose()
        # The highlighted delivery in full: the table cuts the failure message, the point here.
        yield Static("", classes="story-detail")

    def clear(self, note: str) -> None:
        self.items = {}
        super().clear(note)
        self.query_one(".story-detail", Static).update("")

    def reading_for(self, owner: Owner, *, more: bool) -> None:
        if not more:
            self.items = {}
        super().reading_for(owner, more=more)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        key = event.row_key.value if event.row_key is not None else None
        message = self.items.get(key) if key is not None else None
        self.query_one(".story-detail", Static).update(detail_text(message) if message else "")

    def add(self, items: list[Delivery], next_cursor: str) -> None:
        self.reading, self.next = False, next_cursor
        for m in items:
            self.items[m.id] = m
            state = m.state
            about = " · ".join(x for x in (m.subject, m.recipient) if x)
            self.table.add_row(
                utc(m.created),
                "sms" if m.channel == "twilio" else m.channel,
                Text(state, style=self.STATE_STYLE.get(state, "")),
                _cut(about, 40),
                Text(_cut(m.failure_message or "", 60), style="red"),
                key=m.id,
            )
        count = self.table.row_count
        out = Text(f"{count} {'delivery' if count == 1 else 'deliveries'}, newest first. ")
        out.append("Enter opens one: its metrics, failure and content. ", style="italic")
        if self.next:
            out.append("m loads more.", style="italic")
        self.say(out)
        self.refresh_bindings()

    def current_id(self) -> str | None:
        table = self.table
        if not table.row_count:
            return None
        return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value


def detail_text(m: Delivery) -> Text:
    out = Text()
    if m.failure_message:
        out.append("Failure: ", style="bold red")
        out.append(m.failure_message + "\n", style="red")
    for label, value in (("Subject", m.subject), ("To", m.recipient), ("Message", m.template_label)):
        if value:
            out.append(f"{label} ", style="dim")
            out.append(f"{value}   ")
    return out


def _on_off(value: bool | None) -> Text:
    if value is None:
        return Text("?", style="dim")
    return Text("on", style="green") if value else Text("off", style="red")


class PreferencesView(StoryView):
    TITLE = "Preferences"
    BINDINGS = [
        Binding(
            "space",
            "screen.toggle_topic",
            "Topic on/off",
            id="profile-toggle-topic",
            tooltip="Turn the highlighted topic on or off: a pending change, sent by Ctrl+S",
        ),
    ]
    COLUMNS = (
        (" ", "mark"),
        ("Topic", "topic"),
        ("Stored", "stored"),
        ("After changes", "after"),
        ("Default", "default"),
    )

    def __init__(self, *, id: str) -> None:
        super().__init__(id=id)
        self.preferences: Preferences | None = None
        self.defaults: dict[str, bool | None] = {}

    def clear(self, note: str) -> None:
        self.preferences = None
        super().clear(note)

    def show(self, preferences: Preferences, defaults: dict[str, bool | None], draft: ProfileDraft | None) -> None:
        self.reading = False
        self.preferences, self.defaults = preferences, defaults
        self.render_draft(draft)

    def render_draft(self, draft: ProfileDraft | None) -> None:
        """The rows again, with what the pending edits would turn each topic into."""
        prefs = self.preferences
        if prefs is None:
            return
        table = self.table
        row_before = table.cursor_row
        table.clear()
        pending = 0
        for topic in prefs.topics:
            after = draft.topic_subscribed(topic) if draft is not None else topic.subscribed
            changed = draft is not None and topic_attribute(topic.id) in draft.pending
            pending += changed
            style = "yellow" if changed else ""
            table.add_row(
                Text("~" if changed else "", style=style),
                Text(f"{topic.id} {topic.name}", style=style),
                _on_off(topic.subscribed),
                _on_off(after),
                _on_off(self.defaults.get(topic.id)),
                key=topic.id,
            )
        if table.row_count:
            table.move_cursor(row=min(row_before, table.row_count - 1))
        out = Text("unsubscribed: ")
        if prefs.unsubscribed:
            out.append("true", style="bold red")
            out.append(" (no topic reaches them while it is) ")
        else:
            out.append("false ", style="green")
        out.append("· Enter or Space turns the highlighted topic on/off: a pending change; Ctrl+S applies.", "italic")
        if pending:
            out.append(f" {pending} topic change(s) pending.", style="yellow")
        self.say(out)

    def current_topic(self) -> Topic | None:
        table = self.table
        if self.preferences is None or not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return next((t for t in self.preferences.topics if t.id == key), None)


class RelationshipsView(StoryView):
    TITLE = "Relationships"
    COLUMNS = (
        ("Object type", "type"),
        ("Object id", "object"),
        ("Attributes", "attributes"),
        ("Relationship attributes", "relationship"),
    )
    paged = True
    page_size = 50

    def add(self, items: list[Relationship], next_cursor: str) -> None:
        self.reading, self.next = False, next_cursor
        for r in items:
            self.table.add_row(
                "" if r.object_type_id is None else str(r.object_type_id),
                r.object_id,
                _cut(_json(r.attributes), 48),
                _cut(_json(r.relationship_attributes), 40),
            )
        count = self.table.row_count
        text = f"Belongs to {count} object(s)." if count else "Belongs to no object."
        self.say(Text(text + (" m loads more." if self.next else "")))
        self.refresh_bindings()


VERDICT_STYLE = {"pass": "bold green", "warn": "bold yellow", "fail": "bold red", "skip": "dim"}


def diagnosis_parts(diagnosis: Diagnosis) -> list[tuple[Text, str]]:
    """Each check as (text, class): its verdict and title, then what was seen and the fix
    (indented by the stylesheet, so wrapped lines keep the indent)."""
    head = Text(diagnosis.summary(), style="bold red" if diagnosis.blocked else "bold green")
    parts = [(head, "doctor-summary")]
    if diagnosis.explanation is not None:
        parts.append((Text(ui_text(diagnosis.explanation.text()), style="red"), "doctor-summary"))
    for check in diagnosis.checks:
        verdict = check.verdict.value
        title = Text(f"{verdict.upper():<5} ", style=VERDICT_STYLE.get(verdict, ""))
        title.append(check.title, style="bold")
        parts.append((title, "doctor-check"))
        body = Text("\n".join(check.evidence), style="dim" if verdict == "pass" else "")
        if check.fix:
            body.append("\nFix: " if check.evidence else "Fix: ", style="bold")
            body.append(check.fix, style="italic")
        if body.plain:
            parts.append((body, "doctor-evidence"))
    return parts


def diagnosis_text(diagnosis: Diagnosis) -> str:
    """The report as plain text (tests, the help)."""
    return "\n".join(text.plain for text, _ in diagnosis_parts(diagnosis))


class DiagnosisView(StoryView):
    """The doctor for the person shown: every check that can stop a message reaching them.
    The channel and the template (optional: it adds the template's topic, channel and Liquid
    checks) are chosen in the bar above; Enter in the template field runs it again."""

    TITLE = "Diagnosis"

    def __init__(self, *, id: str) -> None:
        super().__init__(id=id)
        self.diagnosis: Diagnosis | None = None

    def compose(self) -> ComposeResult:
        from console.diagnose.doctor import CHANNELS  # the doctor loads with its first run's view

        with Horizontal(classes="doctor-bar"):
            yield Select(
                [(c, c) for c in CHANNELS], value="email", allow_blank=False, id="doctor-channel", compact=True
            )
            yield Input(placeholder="template id or trigger (optional), Enter runs", id="doctor-template", compact=True)
        yield Static("", classes="story-note")
        yield VerticalScroll(classes="doctor-checks")

    def on_mount(self) -> None:
        self.clear("")

    @property
    def table(self) -> Any:  # the widget the keys go to when the view is shown
        return self.query_one(".doctor-checks", VerticalScroll)

    @property
    def channel(self) -> str:
        return str(self.query_one("#doctor-channel", Select).value)

    @property
    def template(self) -> str | None:
        return self.query_one("#doctor-template", Input).value.strip() or None

    def clear(self, note: str) -> None:
        self.owner, self.next, self.reading, self.diagnosis = None, "", False, None
        self.table.remove_children()
        self.say(Text(note, style="dim"))

    def reading_for(self, owner: Owner, *, more: bool) -> None:
        self.owner, self.reading = owner, True
        self.table.remove_children()
        template = f", template {self.template}" if self.template else ""
        self.say(Text(f"Running the doctor ({self.channel}{template})…", style="italic"))

    def failed(self, explanation: Explanation | None, text: str = "") -> None:
        self.reading, self.owner = False, None
        self.say(Text(ui_text(explanation.text() if explanation else text), style="red"))

    def show(self, diagnosis: Diagnosis) -> None:
        self.reading, self.diagnosis = False, diagnosis
        template = f", template {diagnosis.template}" if diagnosis.template else ", no template"
        self.say(
            Text(
                f"Every check for {diagnosis.channel}{template}. Pick a channel or type a template "
                "and press Enter to run it again.",
                style="dim",
            )
        )
        report = self.table
        report.remove_children()
        report.mount_all([Static(text, classes=classes) for text, classes in diagnosis_parts(diagnosis)])
