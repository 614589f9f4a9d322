"""The profile fixer (F4): look a person up, edit their attributes in place, apply.

Look up by id, email or cio_id; an email shared by several people lists them to pick
from. Edits collect in a `ProfileDraft` (nothing is sent): the diff and the exact identify
request that applies them are shown as they change. Ctrl+S applies in a worker, reads
the profile back and shows whether it matches; Ctrl+Z loads the undo for review. The
person's other actions (devices, merge, suppress, destroy) open the action's request in
a modal first, and go through the protected-environment guard.

The screen is kept for the session (leaving it with Escape keeps the person and the
pending changes; F4 shows them again). A person belongs to the environment it was looked
up in: after a switch the profile stays on screen, marked as the other environment's, and
nothing is edited, applied or sent for it until it is looked up again in the new one.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Header, Input, OptionList, Select, Static, TabbedContent, TabPane
from textual.widgets.option_list import Option

from console.actions.validation import InvalidInput
from console.diagnose.explain import Explanation
from console.people.draft import ProfileDraft, after_apply, typed_text, undo_draft
from console.people.edit import EditOutcome
from console.people.lookup import LookupOutcome, LookupResult
from console.people.model import ID_TYPES, MISSING
from console.people.person_actions import ProfileAction, delete_device
from screens.context import console_app
from screens.profile.story_views import (
    ActivityView,
    DiagnosisView,
    MessagesView,
    Owner,
    PreferencesView,
    RelationshipsView,
    StoryTable,
    StoryView,
)
from screens.profile.views import (
    LOOK_UP_AGAIN,
    AttributeTable,
    DeviceTable,
    action_label,
    applied_text,
    diff_text,
    environment_key,
    listed_actions,
    other_environment_text,
    refused_text,
    summary_text,
    switched_text,
)
from screens.styles import ASSETS, StyledOnce
from screens.widgets.focus import focus_now
from screens.widgets.footer import StableFooter
from screens.widgets.request_preview import RequestPreview
from screens.widgets.status_line import StatusLine
from screens.words import ui_text

IO_GROUP = "profile-io"
AUTO = "auto"  # like the CLI without --id-type: an email when it contains @, else an id
# The views beside the attributes: (pane id, label, label below 100 columns, the view's id).
VIEWS = (
    ("view-attributes", "Attributes", "Attrs", "attributes"),
    ("view-activity", "Activity", "Activity", "activity"),
    ("view-messages", "Messages", "Msgs", "messages"),
    ("view-preferences", "Preferences", "Prefs", "preferences"),
    ("view-relationships", "Relationships", "Rels", "relationships"),
    ("view-diagnosis", "Diagnosis", "Doctor", "diagnosis"),
)


class ProfileScreen(StyledOnce, Screen):
    HELP_TITLE = "Profile fixer"
    CSS_PATH = [ASSETS / "profile.tcss"]
    # 80x24: a narrower right column and, below 30 rows, shorter boxes around the attributes,
    # so the table keeps rows to move through (profile.tcss).
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (30, "-tall")]
    HELP = (
        "Look a person up by id, email or cio_id (the type on the left; auto takes text with an @ "
        "as an email, anything else as an id; Enter looks up). "
        "Enter on an attribute loads it into the editor below the table; type the new value and "
        "press Enter (an empty value removes it, a new name adds one). Delete marks the highlighted "
        "attribute for removal, Backspace drops its pending change. Nothing is sent until Ctrl+S: the "
        "diff and the exact identify request are shown first; after applying, the profile is read "
        "back and checked, and Ctrl+Z loads the undo. Ctrl+T picks another action for this person "
        "(add or delete a device, merge, suppress, destroy). Escape leaves the screen as it is: F4 "
        "brings back the person and the pending changes. After an environment switch the person "
        "shown is the old environment's: look them up again (Enter in the lookup field, or Ctrl+R) "
        "before changing anything. "
        "] and [ switch the view beside the attributes: Activity (newest first, m loads more; "
        "Customer.io keeps 30 days), Messages (Enter opens a delivery: its metrics, failure and "
        "archived content), Preferences (Enter or Space turns a topic on or off as a pending change, "
        "applied with Ctrl+S like any attribute), Relationships, and Diagnosis (the doctor: every "
        "check that can stop a message reaching this person, with what was seen and the fix; pick "
        "the channel, type a template and press Enter to run it again). Each is read when first "
        "shown, and again after Ctrl+R."
    )
    BINDINGS = [
        Binding(
            "ctrl+s",
            "apply",
            "Apply",
            id="profile-apply",
            priority=True,
            tooltip="Send the identify that applies the pending changes, then read the profile back",
        ),
        Binding(
            "right_square_bracket",
            "switch_view(1)",
            "Views",
            id="profile-next-view",
            tooltip="The next view: Attributes, Activity, Messages, Preferences, Relationships, Diagnosis",
        ),
        Binding(
            "left_square_bracket",
            "switch_view(-1)",
            "Previous view",
            id="profile-previous-view",
            show=False,
            tooltip="The previous view",
        ),
        Binding(
            "ctrl+z",
            "undo",
            "Undo",
            id="profile-undo",
            tooltip="Load the old values of the last apply as pending changes",
        ),
        Binding("ctrl+r", "reload", "Reload", id="profile-reload", tooltip="Read the profile again"),
        Binding("ctrl+l", "focus_lookup", "Look up", id="profile-lookup", tooltip="Jump to the lookup field"),
        Binding(
            "ctrl+t",
            "focus_actions",
            "Actions",
            id="profile-actions",
            tooltip="Devices, merge, suppress, destroy: pick one to see its request",
        ),
        Binding(
            "escape",
            "back",
            "Back",
            id="profile-back",
            tooltip="Back to where you were; the person and pending changes stay here (F4)",
        ),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.lookup: LookupResult | None = None
        self.draft: ProfileDraft | None = None
        self.last: EditOutcome | None = None  # the last apply, for undo
        self.actions: list[ProfileAction] = []
        # The environment the person shown was looked up in: (identity, label).
        self.looked_up_in: tuple[tuple, str] | None = None
        self._said_other = False  # the status says the person is another environment's

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="lookup-bar"):
            yield Select(
                [(AUTO, AUTO), *[(t, t) for t in ID_TYPES]], value=AUTO, allow_blank=False, id="id-type", compact=True
            )
            yield Input(placeholder="user id, email or cio_id; Enter looks up", id="lookup-input", compact=True)
        yield StatusLine(id="profile-status")
        with Horizontal(id="profile-body"):
            with Vertical(id="profile-left"):
                yield Static("Look a person up to see their profile.", id="profile-summary")
                with TabbedContent(id="profile-views", initial="view-attributes"):
                    with TabPane("Attributes", id="view-attributes"):
                        yield AttributeTable(id="attributes")
                        with Horizontal(id="edit-bar"):
                            yield Input(placeholder="attribute", id="attr-name", compact=True)
                            yield Input(placeholder="value (empty removes), Enter", id="attr-value", compact=True)
                        yield DeviceTable(id="devices")
                    with TabPane("Activity", id="view-activity"):
                        yield ActivityView(id="activity")
                    with TabPane("Messages", id="view-messages"):
                        yield MessagesView(id="messages")
                    with TabPane("Preferences", id="view-preferences"):
                        yield PreferencesView(id="preferences")
                    with TabPane("Relationships", id="view-relationships"):
                        yield RelationshipsView(id="relationships")
                    with TabPane("Diagnosis", id="view-diagnosis"):
                        yield DiagnosisView(id="diagnosis")
            with Vertical(id="profile-right"):
                yield OptionList(id="matches")
                yield Static("", id="changes")
                yield RequestPreview(id="edit-request")
                yield OptionList(id="profile-action-list")
        yield StableFooter()

    def on_mount(self) -> None:
        self.query_one("#attributes").border_title = "Attributes"
        self.query_one("#devices").border_title = "Devices"
        self.query_one("#matches").display = False
        self.query_one("#changes").border_title = "Changes (not sent)"
        preview = self.query_one(RequestPreview)
        preview.border_title, preview.border_subtitle = "Identify request", "what Ctrl+S sends"
        self.query_one("#profile-action-list").border_title = "Actions (Ctrl+T, Enter)"
        self.watch(self.app, "session", self._session_changed, init=False)
        self._render_all()
        self.query_one("#lookup-input", Input).focus()

    # -- status -------------------------------------------------------------------------------
    def status(self, text: str, severity: str = "") -> None:
        self.query_one("#profile-status", StatusLine).say(text, severity)

    def other_environment(self) -> str | None:
        """The label of the environment the person shown was looked up in, when the console
        has switched to another one since (then nothing is edited or sent for them)."""
        if self.looked_up_in is None or (self.lookup is None and self.draft is None):
            return None
        key, label = self.looked_up_in
        return label if key != environment_key(console_app(self).session) else None

    def _refuse_other_environment(self) -> bool:
        old = self.other_environment()
        if old is None:
            return False
        session = console_app(self).session
        now = session.label if session is not None else "the new environment"
        self.status(refused_text(old, now), "error")
        return True

    def _busy(self) -> bool:
        if any(w.group == IO_GROUP and w.is_running for w in self.workers):
            self.status("Wait for the request in flight to finish.", "warning")
            return True
        if console_app(self).session is None:
            self.status("The environment is still loading.", "warning")
            return True
        return False

    def _run(self, work) -> None:
        self.run_worker(work, exclusive=True, group=IO_GROUP, exit_on_error=False)

    # -- environment --------------------------------------------------------------------------
    def _session_changed(self, session: Any) -> None:
        # The person belongs to the workspace they were looked up in: edits planned there must
        # not go to another. They stay on screen (the support person may still need them),
        # marked, and every change is refused until a new lookup (also while hidden: kept screen).
        if self.lookup is None and self.draft is None:
            return
        old = self.other_environment()
        label = session.label if session is not None else "another environment"
        if old is not None:
            lookup_input = self.query_one("#lookup-input", Input)
            if not lookup_input.value and self.lookup is not None:
                lookup_input.value = self.lookup.identifier
            self.status(switched_text(label, old), "warning")
        elif self._said_other:
            self.status(f"Back on {label}, where this profile was looked up.")
        self._said_other = old is not None
        self._render_all()
        self._story_reset()

    # -- look up ------------------------------------------------------------------------------
    @on(Input.Submitted, "#lookup-input")
    def _lookup_submitted(self, event: Input.Submitted) -> None:
        id_type = self.query_one("#id-type", Select).value  # allow_blank=False: always one of the options
        self.look_up(event.value, str(id_type))

    def look_up(self, identifier: str, id_type: str) -> None:
        from screens.profile.requests import look_up

        if id_type == AUTO:
            id_type = "email" if "@" in identifier else "id"
        if not self._busy():
            self._run(look_up(self, identifier, id_type))

    def show_lookup(self, result: LookupResult, *, keep_status: bool = False) -> None:
        session = console_app(self).session  # the lookup's: the requests show only a current one
        here = (environment_key(session), session.label if session is not None else "")
        if self.looked_up_in is not None and self.looked_up_in[0] != here[0]:
            self.last = None  # an undo of another workspace's apply must not be offered here
        self.lookup, self.looked_up_in, self._said_other = result, here, False
        matches = self.query_one("#matches", OptionList)
        matches.display = result.outcome == LookupOutcome.AMBIGUOUS
        if result.outcome == LookupOutcome.AMBIGUOUS:
            matches.clear_options()
            matches.add_options([Option(m.label, id=m.cio_id) for m in result.matches])
            matches.highlighted = 0  # Enter picks the highlighted person
            matches.border_title = f"{len(result.matches)} people share this email: pick one (Enter)"
            matches.focus()
            self.draft = None
            self.status(f"{len(result.matches)} people share {result.identifier}: pick one.", "warning")
        elif result.profile is not None:
            if self.draft is None or self.draft.profile.cio_id != result.profile.cio_id:
                self.last = None
            self.draft = ProfileDraft(result.profile)
            if not keep_status:
                self.status(f"Found {result.profile.label}. Enter on an attribute edits it.", "success")
                focus_now(self._view_focus())
        else:
            self.draft = None
            if not keep_status:
                self.status(result.explanation.title if result.explanation else "Not found.", "error")
        self._render_all()
        self._story_reset()
        if result.profile is None and result.outcome != LookupOutcome.AMBIGUOUS and result.explanation:
            self.show_explanation(result.explanation)

    @on(OptionList.OptionSelected, "#matches")
    def _match_picked(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is not None and not self._refuse_other_environment():  # the old environment's cio_ids
            self.look_up(event.option.id, "cio_id")

    def show_explanation(self, explanation: Explanation) -> None:
        summary = self.query_one("#profile-summary", Static)
        summary.update(Text(ui_text(explanation.text()), style="red"))

    # -- editing ------------------------------------------------------------------------------
    @on(AttributeTable.Requested)
    def _table_request(self, event: AttributeTable.Requested) -> None:
        table = self.query_one(AttributeTable)
        if self.draft is None or self._refuse_other_environment():
            table.hand_over(None)
            return
        if event.verb == "edit":
            pending = self.draft.pending.get(event.name, MISSING)
            value = pending if event.name in self.draft.pending else self.draft.profile.current(event.name)
            self.query_one("#attr-name", Input).value = event.name
            editor = self.query_one("#attr-value", Input)
            editor.value = typed_text(value)
            # Now, not after a refresh: keys still arriving must find the editor focused.
            self.set_focus(editor)
            table.hand_over(editor)
        elif event.verb == "remove":
            self.edit(event.name, "")
        elif event.verb == "revert" and self.draft.revert(event.name):
            self._render_edits()

    @on(Input.Submitted, "#attr-name, #attr-value")
    def _edit_submitted(self) -> None:
        name = self.query_one("#attr-name", Input).value
        if self.edit(name, self.query_one("#attr-value", Input).value):
            self.query_one("#attr-name", Input).value = ""
            self.query_one("#attr-value", Input).value = ""
            self.query_one("#attributes").focus()

    def edit(self, name: str, text: str) -> bool:
        """Add a change to the pending edits; a bad one is explained, nothing typed is lost."""
        if self.draft is None:
            self.status("Look a person up first.", "warning")
            return False
        if self._refuse_other_environment():
            return False
        try:
            self.draft.set(name, text)
        except InvalidInput as exc:
            self.status(f"Not added: {exc.text()}", "error")
            return False
        if name.strip() not in self.draft.pending:
            self.status(f"{name.strip()}: that is what is stored already; nothing to change.")
        else:
            self.status(f"{len(self.draft.pending)} change(s) pending: review them on the right; Ctrl+S applies.")
        self._render_edits()
        return True

    # -- applying -----------------------------------------------------------------------------
    def action_apply(self) -> None:
        from screens.profile.requests import apply_changes

        if self._refuse_other_environment():
            return
        if self.draft is None or self.draft.empty:
            self.status("Nothing to apply: change, add or remove an attribute first.", "warning")
            return
        if not self._busy():
            self._run(apply_changes(self))

    def show_applied(self, outcome: EditOutcome) -> None:
        if not outcome.applied:
            self.status("Not applied: the identify failed (see the explanation).", "error")
            self.query_one("#changes", Static).update(applied_text(outcome, undo_available=False))
            return
        self.last = outcome
        self.draft = after_apply(outcome)
        ok = outcome.verification is not None and outcome.verification.ok
        self.status(
            "Applied and read back: the profile matches."
            if ok
            else "Applied, but the profile read back does not match (see the right).",
            "success" if ok else "error",
        )
        self._render_all()
        self._story_reset()  # the preferences, the activity: what the apply changed
        self.query_one("#changes", Static).update(applied_text(outcome, undo_available=True))

    def action_undo(self) -> None:
        if self._refuse_other_environment():
            return
        if self.last is None:
            self.status("Nothing to undo: no changes were applied here.", "warning")
            return
        self.draft = undo_draft(self.last)
        self.status("Undo loaded: review the diff and request on the right; Ctrl+S applies it.")
        self._render_edits()

    def action_reload(self) -> None:
        if self.other_environment() is not None and self.lookup is not None:
            # A cio_id is the old workspace's: look up what was typed, in this one.
            self.look_up(self.lookup.identifier, self.lookup.id_type)
        elif self.draft is not None:
            self.look_up(self.draft.profile.cio_id, "cio_id")
        elif self.lookup is not None:
            self.look_up(self.lookup.identifier, self.lookup.id_type)

    def action_back(self) -> None:
        # The screen is kept (the App installs it): leaving loses nothing; say what waits here.
        if self.draft is not None and not self.draft.empty:
            self.app.notify(
                f"{len(self.draft.pending)} change(s) to {self.draft.profile.label} not applied: "
                "they wait on the profile fixer (F4).",
                title="Profile fixer",
                severity="warning",
            )
        self.app.pop_screen()

    def action_focus_lookup(self) -> None:
        self.query_one("#lookup-input", Input).focus()

    # -- other actions ------------------------------------------------------------------------
    def action_focus_actions(self) -> None:
        options = self.query_one("#profile-action-list", OptionList)
        if options.option_count and options.highlighted is None:
            options.highlighted = 0
        options.focus()

    @on(OptionList.OptionSelected, "#profile-action-list")
    def _action_picked(self, event: OptionList.OptionSelected) -> None:
        action = self.actions[event.option_index]
        if action.action_id == "delete-device" and self.draft is not None:
            # The device highlighted in the devices table, when there is one.
            device = self.query_one(DeviceTable).current_id()
            action = delete_device(self.draft.profile, device) if device else action
        self.open_action(action)

    def open_action(self, action: ProfileAction) -> None:
        from screens.profile.action_screen import ProfileActionScreen

        if self._refuse_other_environment() or self._busy():
            return

        def chosen(extra: dict[str, Any] | None) -> None:
            from screens.profile.requests import run_action

            if extra is None:
                self.status("Backed out: nothing was sent.", "warning")
            else:
                self._run(run_action(self, action, extra))

        session = console_app(self).session
        if session is None:  # _busy() said so already
            return
        self.app.push_screen(ProfileActionScreen(action, session.creds), chosen)

    # -- the person's story -------------------------------------------------------------------
    def on_resize(self) -> None:
        narrow = self.size.width < 100  # the -narrow breakpoint: the tabs must fit the left column
        tabs = self.query_one("#profile-views", TabbedContent)
        for pane, label, short_label, _ in VIEWS:
            tabs.get_tab(pane).label = short_label if narrow else label

    def story_owner(self) -> Owner | None:
        """Whom the story views may show: the person on screen, in the environment in use."""
        session = console_app(self).session
        if self.draft is None or session is None or self.other_environment() is not None:
            return None
        return (environment_key(session), self.draft.profile.cio_id)

    def active_view(self) -> StoryView | None:
        active = self.query_one("#profile-views", TabbedContent).active
        return next((self.query_one(f"#{v}", StoryView) for p, _, _, v in VIEWS[1:] if p == active), None)

    def _view_focus(self) -> Any:
        """The widget the keys go to in the view shown."""
        view = self.active_view()
        return self.query_one(AttributeTable) if view is None else view.table

    def _story_hint(self) -> str:
        old = self.other_environment()
        if old is not None:
            return f"This profile was looked up in {old}: look the person up again here ({LOOK_UP_AGAIN})."
        if self.draft is None:
            return "Look a person up to see their story."
        return "Read when shown."

    def _story_reset(self) -> None:
        """The person, the environment or the profile changed: every view is read again when
        shown (the one shown now at once); nothing of another person stays on screen."""
        hint = self._story_hint()
        for view in self.query(StoryView):
            view.clear(hint)
        self._load_active()

    def _load_active(self, *, more: bool = False) -> None:
        view, owner = self.active_view(), self.story_owner()
        if view is None:
            return
        if owner is None:
            view.clear(self._story_hint())
            return
        if more:
            if view.reading or not view.next or view.owner != owner:
                return
        elif view.owner == owner:
            return  # read already, or being read
        self.run_worker(
            self._story_read(view, owner, more), group=f"profile-story-{view.id}", exclusive=True, exit_on_error=False
        )

    def _story_read(self, view: StoryView, owner: Owner, more: bool) -> Any:
        from screens.profile import story_requests as reads

        app = console_app(self)
        if isinstance(view, ActivityView):
            return reads.load_activity(app, view, owner, more=more)
        if isinstance(view, MessagesView):
            return reads.load_messages(app, view, owner, more=more)
        if isinstance(view, PreferencesView):
            return reads.load_preferences(app, view, owner, lambda: self.draft)
        if isinstance(view, DiagnosisView):
            return reads.load_diagnosis(app, view, owner)
        assert isinstance(view, RelationshipsView)
        return reads.load_relationships(app, view, owner, more=more)

    @on(TabbedContent.TabActivated, "#profile-views")
    def _view_shown(self) -> None:
        self._load_active()

    def action_switch_view(self, step: int) -> None:
        tabs = self.query_one("#profile-views", TabbedContent)
        panes = [v[0] for v in VIEWS]
        tabs.active = panes[(panes.index(tabs.active) + step) % len(panes)]
        # Now, not after a refresh: the next key must go to the view shown, not the one left.
        focus_now(self._view_focus())

    @on(Input.Submitted, "#doctor-template")
    @on(Select.Changed, "#doctor-channel")
    def _doctor_asked(self) -> None:
        view = self.query_one(DiagnosisView)
        if view is self.active_view():
            view.owner = None  # run it again, with the channel and template chosen
            self._load_active()

    @on(StoryTable.MoreRequested)
    def _more(self, event: StoryTable.MoreRequested) -> None:
        if event.view is self.active_view():
            self._load_active(more=True)

    @on(StoryTable.RowSelected)
    def _story_row(self, event: StoryTable.RowSelected) -> None:
        event.stop()
        view = event.data_table.parent
        if isinstance(view, MessagesView):
            self.open_delivery(view.current_id())
        elif isinstance(view, PreferencesView):
            self.action_toggle_topic()

    def open_delivery(self, delivery_id: str | None) -> None:
        from screens.profile.delivery_screen import DeliveryScreen

        if delivery_id and console_app(self).session is not None:
            self.app.push_screen(DeliveryScreen(delivery_id))

    def action_toggle_topic(self) -> None:
        view = self.query_one(PreferencesView)
        topic = view.current_topic()
        if self.draft is None or topic is None or self._refuse_other_environment():
            return
        if view.owner != self.story_owner():
            return  # the preferences shown are not (yet) this person's
        try:
            on = self.draft.toggle_topic(topic)
        except InvalidInput as exc:
            self.status(f"Not changed: {exc.text()}", "error")
            return
        state = "on" if on else "off"
        pending = len(self.draft.pending)
        if topic.subscribed == on:
            self.status(f"Topic {topic.id} {topic.name}: back to {state}, as stored ({pending} change(s) pending).")
        else:
            self.status(
                f"Topic {topic.id} {topic.name}: {state} once applied ({pending} change(s) pending; Ctrl+S applies)."
            )
        self._render_edits()

    # -- rendering ----------------------------------------------------------------------------
    def _render_all(self) -> None:
        draft = self.draft
        summary = self.query_one("#profile-summary", Static)
        old = self.other_environment()
        summary.border_title = f"Person — looked up in {old}, not this environment" if old else "Person"
        summary.set_class(old is not None, "-other-environment")
        if draft is not None:
            summary.update(summary_text(draft.profile))
        elif self.lookup is not None and self.lookup.outcome == LookupOutcome.AMBIGUOUS:
            # Nobody is picked yet: the person shown before must not look like one of them.
            summary.update(
                Text(
                    f"{len(self.lookup.matches)} people share {self.lookup.identifier}: pick one "
                    "in the list on the right (Enter) to see their profile.",
                    style="yellow",
                )
            )
        else:
            summary.update("Look a person up to see their profile.")
        self.query_one(DeviceTable).show(draft.profile if draft else None)
        self._render_actions()
        self._render_edits()

    def _render_actions(self) -> None:
        self.actions = listed_actions(self.draft, self.lookup)
        options = self.query_one("#profile-action-list", OptionList)
        options.clear_options()
        options.add_options([Option(action_label(a), id=str(i)) for i, a in enumerate(self.actions)])
        options.display = bool(self.actions)

    def _render_edits(self) -> None:
        draft = self.draft
        self.query_one(AttributeTable).show(draft)
        preferences = self.query_one(PreferencesView)
        if preferences.owner is not None and preferences.owner == self.story_owner():
            preferences.render_draft(draft)
        changes = self.query_one("#changes", Static)
        preview = self.query_one(RequestPreview)
        session = console_app(self).session
        old = self.other_environment()
        if old is not None:
            changes.update(other_environment_text(draft, old, session.label if session else None))
            preview.show_waiting(f"No request: the profile shown belongs to {old}.")
            return
        if draft is None or draft.empty or session is None:
            changes.update(
                Text(
                    "No changes. Enter on an attribute edits it; Delete removes it; a new name below adds one.",
                    style="dim",
                )
            )
            preview.show_waiting("The identify request appears here when something changes.")
            return
        try:
            plan = draft.plan(session.creds, preview=True)
        except InvalidInput as exc:
            changes.update(Text(exc.text(), style="red"))
            preview.show_problems(exc.text())
            return
        changes.update(diff_text(plan.diff))
        if plan.request is None:
            preview.show_waiting("Nothing differs from what is stored: nothing would be sent.")
        else:
            preview.show_request(plan.request.preview(), plan.request.notes)
