"""The pieces of the profile screen: the person's summary, the attribute table with what
is pending, the devices table, and the text of the diff and of the read-back.

Rendering only: what a change means (diff, request, verification) comes from the core
(`console.people.draft`, `console.people.edit`).
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable, Input

from console.people.draft import ProfileDraft, typed_text
from console.people.edit import SIGN, ChangeKind, Diff, EditOutcome
from console.people.lookup import LookupOutcome
from console.people.model import MISSING, Profile
from console.people.person_actions import ProfileAction, not_found_actions, profile_actions
from console.wire.clock import utc_text
from screens.words import ui_text

SHOWN_VALUE_CHARS = 28  # a long value is cut in the table; Enter loads all of it into the editor
KIND_STYLE = {ChangeKind.ADD: "green", ChangeKind.CHANGE: "yellow", ChangeKind.REMOVE: "red"}


def short(value: Any) -> str:
    if value is MISSING:
        return ""
    text = typed_text(value).replace("\n", " ")
    return text if len(text) <= SHOWN_VALUE_CHARS else text[: SHOWN_VALUE_CHARS - 1] + "…"


def utc(ts: int | None) -> str:
    """A table cell's time: the column header says UTC, so the cell need not."""
    return utc_text(ts).removesuffix(" UTC")


def summary_text(profile: Profile) -> Text:
    """Identifiers, subscription and suppression state, segments."""
    out = Text()
    for name, value in profile.identifiers.items():
        out.append(f"{name} ", style="dim")
        out.append(value if value is not None else "-", style="bold")
        out.append("   ")
    out.append("\n")
    if profile.unsubscribed:
        out.append("UNSUBSCRIBED", style="bold red")
        out.append(" (transactional sends still reach them unless send_to_unsubscribed is false)")
    else:
        out.append("subscribed", style="green")
    out.append(" · ")
    # A suppressed person's profile is deleted, so a profile that reads back is not suppressed.
    out.append("not suppressed\n")
    if profile.segments_problem:
        out.append(f"Segments: not read ({profile.segments_problem})", style="italic")
    else:
        names = ", ".join(s.name or str(s.id) for s in profile.segments) or "none"
        out.append(f"Segments ({len(profile.segments)}): ", style="dim")
        out.append(names)
    return out


def diff_text(diff: Diff) -> Text:
    out = Text()
    for change in diff.changes:
        out.append(change.line() + "\n", style=KIND_STYLE[change.kind])
    for same in diff.unchanged:
        out.append(f"= {same.name}: {same.reason}\n", style="dim")
    return out


def applied_text(outcome: EditOutcome, *, undo_available: bool) -> Text:
    """What happened to the last apply: the answer, then whether the read-back matches."""
    out = Text()
    ex = outcome.exchange
    if ex is not None and ex.response is not None:
        out.append(f"Applied: {ex.response.status} {ex.response.reason}\n", style="bold")
    if outcome.verification is not None:
        style = "green" if outcome.verification.ok else "red"
        out.append("Read back: " + "\n".join(outcome.verification.lines()) + "\n", style=style)
        if not outcome.verification.ok:
            out.append(
                "Some changes did not take (a conflicting identifier, or not processed yet: "
                "Ctrl+R reads the profile again).\n"
            )
    elif outcome.explanation is not None:
        out.append(ui_text(outcome.explanation.text()) + "\n", style="red")
    if undo_available:
        out.append("Ctrl+Z loads the undo (the old values) for review before it is applied.", style="italic")
    return out


class AttributeTable(DataTable):
    """Every attribute with when it was last set; pending edits marked +, ~ or -."""

    BINDINGS = [
        Binding(
            "delete",
            "remove",
            "Remove attribute",
            id="profile-remove-attribute",
            tooltip="Mark the highlighted attribute for removal (nothing is sent yet)",
        ),
        Binding(
            "backspace",
            "revert",
            "Revert",
            id="profile-revert-attribute",
            tooltip="Drop the pending change to the highlighted attribute",
        ),
    ]

    class Requested(Message):
        def __init__(self, verb: str, name: str) -> None:
            super().__init__()
            self.verb = verb  # "edit", "remove" or "revert"
            self.name = name

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Enter-to-edit moves focus to the editor, but the keys typed right after Enter are
        # already on their way to this table. They are held from Enter until the screen
        # names the editor (hand_over), then delivered to it in order, after its Focus, as if
        # typed there; none is dropped, none goes anywhere the user is not looking.
        self._typed_ahead: list[tuple[str, str | None]] | None = None
        self._hand_to: Input | None = None

    def on_key(self, event: events.Key) -> None:
        if self._hand_to is None and self._typed_ahead is None:
            if event.key == "enter" and self.row_count:
                # Hold from here, not from the binding's action: the Enter reaches its binding
                # only after bubbling up to the App, behind the keys typed after it.
                self._typed_ahead = []
            return
        # Every key meant for the editor (characters, Enter that submits it, ...).
        if self._hand_to is not None:
            self._deliver(event.key, event.character)
        elif self._typed_ahead is not None:  # always, by the test above: held keys wait their turn
            self._typed_ahead.append((event.key, event.character))
        event.stop()
        event.prevent_default()

    def hand_over(self, editor: Input | None) -> None:
        """The edit opened in `editor` (focused already), or was refused (None: the keys held
        are dropped, as the table would have ignored them)."""
        typed, self._typed_ahead = self._typed_ahead or [], None
        self._hand_to = editor
        for key, character in typed:
            self._deliver(key, character)

    def _deliver(self, key: str, character: str | None) -> None:
        if self._hand_to is not None:
            # Forwarded as the App forwards a terminal key to the focused widget, and sent by
            # the App, so it bubbles all the way up: the editor's bindings (Enter submits)
            # apply as if it had been typed there.
            event = events.Key(key, character)
            event.set_sender(self.app)
            self._hand_to._forward_event(event)

    def on_blur(self) -> None:
        self._typed_ahead = None
        self._hand_to = None

    def on_mount(self) -> None:
        self.cursor_type = "row"
        self.add_column(" ", key="mark", width=1)
        self.add_column("Attribute", key="name")
        self.add_column("Value", key="value")
        self.add_column("New value", key="new")
        self.add_column("Last set (UTC)", key="set_at")

    def show(self, draft: ProfileDraft | None) -> None:
        row_before = self.cursor_row
        self.clear()
        for row in draft.rows() if draft else []:
            style = KIND_STYLE[row.pending] if row.pending is not None else ""
            new = "(removed)" if row.pending == ChangeKind.REMOVE else short(row.new)
            self.add_row(
                Text(SIGN[row.pending] if row.pending else "", style=style),
                Text(row.name, style=style),
                short(row.value),
                Text(new, style=style),
                utc(row.set_at),
                key=row.name,
            )
        if self.row_count:
            self.move_cursor(row=min(row_before, self.row_count - 1))

    def current_name(self) -> str | None:
        if not self.row_count:
            return None
        return self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value

    def _request(self, verb: str) -> None:
        name = self.current_name()
        if name is not None:
            self.post_message(self.Requested(verb, name))

    def action_remove(self) -> None:
        self._request("remove")

    def action_revert(self) -> None:
        self._request("revert")

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self._request("edit")


class DeviceTable(DataTable):
    def on_mount(self) -> None:
        self.cursor_type = "row"
        self.add_column("Device", key="id")
        self.add_column("Platform", key="platform")
        self.add_column("Last used (UTC)", key="last_used")

    def show(self, profile: Profile | None) -> None:
        self.clear()
        for d in profile.devices if profile else []:
            self.add_row(short(d.id), d.platform or "?", utc(d.last_used), key=d.id)

    def current_id(self) -> str | None:
        if not self.row_count:
            return None
        return self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value


def action_label(action: ProfileAction) -> str:
    if action.action_id == "delete-device":
        return "Delete device (highlighted in Devices)"
    if action.action_id == "unsuppress-customer":
        return f"Unsuppress {action.input['customer_identifier']}"
    return action.title


def environment_key(session: Any) -> tuple:
    """What makes two sessions the same workspace (a re-selected environment is a new Session)."""
    if session is None:
        return ()
    creds = session.creds
    return (session.label, session.region, creds.site_id, creds.sandbox_root)


def listed_actions(draft: ProfileDraft | None, lookup: Any) -> list[ProfileAction]:
    """What the screen's action list offers for the person shown (or the one not found)."""
    if draft is not None:
        actions = profile_actions(draft.profile)
        # One "delete device" entry: it deletes the device highlighted in the table.
        deletes = [a for a in actions if a.action_id == "delete-device"]
        actions = [a for a in actions if a.action_id != "delete-device"]
        if deletes:
            actions.insert(1, deletes[0])
        return actions
    if lookup is not None and lookup.outcome == LookupOutcome.NOT_FOUND:
        return not_found_actions(lookup.identifier, lookup.id_type)
    return []


def other_environment_text(draft: ProfileDraft | None, old: str, current: str | None) -> Text:
    """Why nothing is applied: the profile shown was looked up in environment `old`."""
    pending = f"{len(draft.pending)} change(s) planned in {old}; " if draft and not draft.empty else ""
    return Text(
        f"{pending}nothing is applied to {current or 'this environment'}: this profile is "
        f"{old}'s. Look the person up again here.",
        style="yellow",
    )


LOOK_UP_AGAIN = "Enter in the lookup field, or Ctrl+R"


def switched_text(label: str, old: str) -> str:
    """The environment changed while a person from `old` is on screen."""
    return (
        f"Environment changed to {label}: the profile shown was looked up in {old} and belongs "
        f"there. Nothing is applied to {label} until you look the person up again ({LOOK_UP_AGAIN})."
    )


def refused_text(old: str, now: str) -> str:
    """Why an edit, apply or action is refused for a person looked up in environment `old`."""
    return (
        f"Not applied: this profile was looked up in {old}, and the console is now on {now}. "
        f"Look the person up again here first ({LOOK_UP_AGAIN})."
    )
