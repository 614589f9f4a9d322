"""The action workspace: the action list, the form built from the spec, the live preview
of the exact request, and the inspector with the last answer.

Every edit goes into the action's `FormState` (kept for the run), then — debounced — the
form is checked through the core and the preview rebuilt with `Session.prepare(...,
preview=True)`, the same call `send --dry-run` makes. Send runs in an exclusive worker:
the protected guard's question, the request (progress forwarded to the inspector) and
the outcome, whose explanation may name a field the form then marks.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Header, Input, Static
from textual.widgets._select import SelectOverlay

from screens.context import console_app
from screens.styles import StyledOnce
from screens.widgets.focus import focus_now
from screens.widgets.footer import StableFooter
from screens.widgets.request_preview import RequestPreview
from screens.widgets.status_line import StatusLine
from screens.workspace.action_list import ActionList, ActionOptions

if TYPE_CHECKING:
    from console.session.form_state import FormBook, FormCheck, FormState
    from console.session.session import SendOutcome
    from screens.workspace.form import ActionForm

FIRST_ACTION = "identify-customer"
# Below this width the three columns do not fit: the action list shows while you pick an
# action (beside the form), the form and the request preview while you fill it in.
NARROW_WIDTH = 100
PREVIEW_DELAY = 0.12  # s: typing stays smooth; the preview follows within a blink
# s the highlight rests on an action before its form is built, hidden, for Enter to show
# at once (a highlight passed over on the way is not built)
BUILD_AHEAD_DELAY = 0.15


def load_form_modules() -> None:
    """Import what the forms and the inspector are made of: pydantic and the action specs,
    TextArea, httpx (~150 ms). The workspace does it in a thread after its first frame, so
    the action list is on screen and takes keys while this runs."""
    import console.actions.catalog
    import console.session.form_state
    import screens.inspector.inspector
    import screens.workspace.form  # noqa: F401

    console.actions.catalog.all_actions()


def keep_out_of_gc(*, collect: bool = False) -> None:
    """Take what exists now out of the cyclic garbage collector's full passes.

    A full pass walks every object (~100,000 once pydantic, the specs, Textual and the
    widgets are in) and took 60-180 ms: one fell inside most keys that build a form, an
    allocation-heavy job that triggers it. What exists after start-up (modules, classes,
    the first form, the inspector) lives for the session anyway; `gc.freeze` moves it to a
    generation the collector never walks, so a full pass walks only what came later.
    Objects still unreachable at that moment are kept too: a start-up's worth of young
    garbage, a few hundred objects; `collect` first collects what is not frozen yet
    (after a form is built: a pass over little more than that form)."""
    import gc

    if collect:
        gc.collect()
    gc.freeze()


def _field_label(state: FormState, field: str) -> str:
    """How the form labels `field`, as the validation messages name it."""
    from console.actions.spec import FieldProblem
    from console.actions.validation import describe

    return describe(FieldProblem(field, ""), state.action).strip()


class WorkspaceScreen(StyledOnce, Screen):
    HELP_TITLE = "Action workspace"
    HELP = (
        "Pick an action on the left (type in the filter to narrow the list, Enter opens it). "
        "The form is built from the action's spec: required fields carry a red *, JSON fields "
        "are checked as you type, and the preview on the right is exactly the request "
        "`cio-console send --dry-run` would print, keys masked. Ctrl+S sends it; in a protected "
        "environment you are asked to type the identifier first. The inspector below shows "
        "the answer and, when something went wrong, why and what to do next; Ctrl+R takes the "
        "focus into it ([ and ] switch its tabs, the arrows scroll). After an email, push or SMS "
        "send, Ctrl+G follows its delivery in the inspector's Delivery tab, live, until it "
        "settles (it only reads; nothing is re-sent). What you type "
        "is kept per action for the whole session."
    )
    BINDINGS = [
        Binding(
            "ctrl+s",
            "send",
            "Send",
            id="send",
            priority=True,
            tooltip="Send this action's request to the current environment",
        ),
        Binding(
            "f5", "fill_examples", "Examples", id="fill-examples", tooltip="Fill every empty field with its example"
        ),
        # Priority (escape, ctrl+r): the focus moves before the next key is delivered.
        Binding(
            "escape",
            "find_action",
            "Actions",
            id="find-action",
            priority=True,
            tooltip="Back to the action filter and list (what you typed stays in the form)",
        ),
        Binding(
            "ctrl+r",
            "focus_inspector",
            "Response",
            id="focus-inspector",
            priority=True,
            tooltip="Into the inspector: [ and ] switch its tabs, arrows and PgUp/PgDn scroll; Escape comes back",
        ),
        # Shown once an answer names a delivery (check_action); ctrl+g: no field takes it.
        Binding(
            "ctrl+g",
            "follow_delivery",
            "Follow",
            id="follow-delivery",
            tooltip="Follow the sent message's delivery in the inspector, live, until it settles (reads only)",
        ),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._book: FormBook | None = None
        self.state: FormState | None = None
        self._timer: Timer | None = None
        self._forms: dict[str, ActionForm] = {}
        self._prefilled_for: dict[str, Any] = {}  # action id -> the session its prefill came from
        self._status_from_check = False
        self._forms_importable = False  # the forms' modules are imported (by the loader thread)
        self._ahead_timer: Timer | None = None
        self._held: list[Any] = []  # keys held once until the open form's rows are built
        self._opened: set[str] = set()  # the actions whose form was shown

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="workspace-body"):
            yield ActionList(id="action-list")
            with Vertical(id="form-pane"):
                yield Static("", id="form-placeholder")
                yield StatusLine(id="form-status")
            with Vertical(id="side-pane"):
                yield RequestPreview(id="preview")
                # The inspector (tabs, JSON view; httpx underneath) is mounted just after
                # the first frame: the list and the form are on screen sooner.
                yield Static("", id="inspector-placeholder")
        yield StableFooter(compact=True)  # a key is shown whole or not at all

    @property
    def book(self) -> FormBook:
        """What the user typed into each action's form this session."""
        if self._book is None:
            from console.session.form_state import FormBook

            self._book = FormBook()
        return self._book

    def on_resize(self, event) -> None:
        narrow = event.size.width < NARROW_WIDTH
        if self.has_class("-narrow") != narrow:
            self.set_class(narrow, "-narrow")
            self.watch_focused(self.focused)

    def watch_focused(self, focused) -> None:
        # The user put the focus somewhere (a click) while a form was still mounting: the
        # form does not take it back, and what was typed for it goes nowhere.
        for form in getattr(self, "_forms", {}).values():
            if (
                form.opening
                and focused is not None
                and focused is not form.opened_from
                and form not in focused.ancestors
            ):
                form.cancel_opening()
        # Synchronous with the focus change: the column the focus moves into is shown
        # before the next key is delivered to it.
        # Only where it changes the layout: a class on the screen restyles every widget in it.
        picking = (
            self.has_class("-narrow")
            and focused is not None
            and self.query_one(ActionList) in focused.ancestors_with_self
        )
        if self.has_class("-picking") != picking:
            self.set_class(picking, "-picking")

    def on_mount(self) -> None:
        self.set_class(self.app.size.width < NARROW_WIDTH, "-narrow")
        self.watch(self.app, "session", self._session_changed, init=False)
        self.query_one("#action-filter", Input).focus()
        self.watch(self.query_one(ActionOptions), "highlighted", self._highlight_moved, init=False)
        # The first frame is the action list, taking keys at once; the first form and the
        # inspector follow when their modules are imported (a thread: the loop stays free).
        self.call_after_refresh(self.run_worker, self._load, thread=True, group="workspace-load")

    def _load(self) -> None:
        try:
            load_form_modules()
        finally:
            forms_loaded = getattr(self.app, "forms_loaded", None)
            if forms_loaded is not None:
                forms_loaded.set()
        try:
            console_app(self).call_from_thread(self._loaded)
        except RuntimeError:  # the app closed meanwhile
            pass

    async def _loaded(self) -> None:
        keep_out_of_gc()  # the modules just imported
        self._forms_importable = True
        if self.state is None:  # the user (or the palette) may have opened one already
            self.select_action(FIRST_ACTION, focus=False)
        await self._mount_inspector()
        keep_out_of_gc()  # the first form and the inspector

    async def _mount_inspector(self) -> None:
        from screens.inspector.inspector import Inspector
        from screens.styles import use_stylesheet

        use_stylesheet(self.app, "inspector.tcss")
        placeholder = self.query_one("#inspector-placeholder")
        await self.query_one("#side-pane", Vertical).mount(Inspector(id="inspector"), after=placeholder)
        await placeholder.remove()

    # -- which action -------------------------------------------------------------------------
    def select_action(self, action_id: str, *, focus: bool = True) -> None:
        """Open `action_id`'s form (the palette, the list and the history call this)."""
        from console.actions.catalog import get_action

        try:
            action = get_action(action_id)
        except KeyError as exc:  # an old history entry, a renamed action: say so, keep going
            self.notify(str(exc).strip("'\""), title="No such action", severity="error")
            return
        state = self.book.form(action)
        if self.state is not state:
            self.state = state
            # Each action's form stays mounted once built (hidden when another is shown):
            # switching back keeps scroll position and the editors' undo history.
            for shown in self._forms.values():
                shown.display = False
                shown.cancel_opening()
            form = self._forms.get(action_id)
            if form is None:
                form = self._mount_form(state)
            form.display = True
            if focus and (not form.rows() or action_id not in self._opened):
                # Its fields exist only once it is mounted: keys typed until then are
                # kept for its first field (type_ahead), not left to the action filter.
                # (Built ahead, it is opened the same way: the first field's value is not
                # selected, so what is typed adds to it, as in a form built on Enter.)
                form.open_with_focus(self.focused)
                focus = False
            self._opened.add(action_id)
            self.query_one("#form-placeholder").display = False
        self.query_one(ActionList).show_current(action_id)
        self._show_guard()
        self._prefill(state)
        self._status("")
        self.call_after_refresh(self._refresh)
        if focus:
            self._form().focus_field()

    def _mount_form(self, state: FormState, *, shown: bool = True) -> ActionForm:
        from screens.workspace.form import ActionForm

        width, height = self.app.size
        # Three columns (the list 30 wide, then the form and the side pane halving the
        # rest); below NARROW_WIDTH the form and the side pane share the width.
        form_width = (width - 30) // 2 if width >= NARROW_WIDTH else width // 2
        form = self._forms[state.action_id] = ActionForm(state, lines=height, width=form_width)
        form.display = shown
        self.query_one("#form-pane", Vertical).mount(form, before="#form-status")
        return form

    def _highlight_moved(self, _index: int | None) -> None:
        if self._ahead_timer is not None:
            self._ahead_timer.stop()
        self._ahead_timer = self.set_timer(BUILD_AHEAD_DELAY, self._build_ahead)

    def _build_ahead(self) -> None:
        """Build the highlighted action's form, hidden, while the user looks at the list:
        Enter then only shows it. Built forms are kept, as opened ones are (a removed
        widget would be garbage the frozen collector never frees: keep_out_of_gc)."""
        self._ahead_timer = None
        option = self.query_one(ActionOptions).highlighted_option
        if not self._forms_importable or option is None or not option.id or option.id in self._forms:
            return
        from console.actions.catalog import get_action

        try:
            action = get_action(option.id)
        except KeyError:
            return
        self._mount_form(self.book.form(action), shown=False)

    def on_action_form_built(self, event: ActionForm.Built) -> None:
        # A form lives for the session, as what start-up made: out of the collector's
        # full passes too, once the garbage made building it is gone.
        self.set_timer(0.05, lambda: keep_out_of_gc(collect=True))

    def type_ahead(self, event) -> bool:
        """Called by the App for each key before it is delivered: while a form opened with
        the focus is mounting, a printable key is kept for its first field; any other key
        (Escape, Tab, Enter...) means the user moved on, and what was kept goes nowhere.
        Once its first rows are there, a key that may need the others waits for them."""
        opening = [f for f in self._forms.values() if f.opening]
        if not opening:
            return self._hold_for_rows(event)
        form = opening[-1]
        if event.is_printable and event.character and form is self._forms.get(getattr(self.state, "action_id", "")):
            form.typed_ahead.append(event.character)
            return True
        for form in opening:
            form.cancel_opening()
        return False

    def _hold_for_rows(self, event) -> bool:
        """While the open form's rows below the first screenful are still being built, a
        key that could need one (Tab into it, Enter to the next field, ctrl+s focusing a
        field to fix, shift+Tab from the preview...: anything but a character typed, or
        Escape) waits until they are all there: then it goes where it would have gone."""
        form = self._forms.get(self.state.action_id) if self.state is not None else None
        gate = getattr(self.app, "key_gate", None)
        if form is None or form.built or gate is None or gate.in_flight is not event:
            return False
        if (event.is_printable and event.character) or event.key == "escape" or any(e is event for e in self._held):
            return False
        focused = self.focused
        if focused is not None and self.query_one(ActionList) in focused.ancestors_with_self:
            return False  # the filter and the list: no row involved
        self._held = [*self._held[-7:], event]  # by identity: a resumed key is not held again

        def resume() -> None:
            gate.resume(event)

        gate.hold(event)
        form.when_built(resume)
        form.finish_now()
        return True

    def load_values(self, action_id: str, values: Mapping[str, Any]) -> None:
        """Open `action_id` with `values` in its form (history's "load into form")."""
        from console.actions.catalog import get_action

        try:
            state = self.book.form(get_action(action_id))
        except KeyError as exc:
            self.notify(str(exc).strip("'\""), title="No such action", severity="error")
            return
        unknown = state.load(values)
        self.select_action(action_id)
        self._form().show_values()
        if unknown:
            self._status(f"Not loaded (no such field): {', '.join(unknown)}", "warning")

    @on(ActionList.Chosen)
    def _chosen(self, event: ActionList.Chosen) -> None:
        self.select_action(event.action_id)

    def _form(self) -> ActionForm:
        assert self.state is not None
        return self._forms[self.state.action_id]

    def editor(self, name: str):
        """The open form's editor for field `name`."""
        return self._form().query_one(f"#field-{name}")

    # -- values -------------------------------------------------------------------------------
    def _prefill(self, state: FormState) -> None:
        session = console_app(self).session
        if session is None or self._prefilled_for.get(state.action_id) is session:
            return
        from console.actions.prefill import prefill_values

        self._prefilled_for[state.action_id] = session
        changed = state.apply_prefill(prefill_values(state.action, session.creds))
        if changed and state.action_id in self._forms:
            self._form().show_values(changed)

    def refresh_prefill(self) -> None:
        """The values behind the prefills changed (the anonymous id was reset): fields still
        holding the old prefill take the new one; what the user typed stays."""
        self._prefilled_for.clear()
        if self.state is not None:
            self._prefill(self.state)
            self._refresh()

    def _show_guard(self) -> None:
        session = console_app(self).session
        if self.state is not None and self.state.action_id in self._forms:
            form = self._form()
            label = session.label if session is not None and session.protected else None
            if form.is_mounted and form.query(".form-guard"):
                form.show_guard(label)
            else:
                form.call_after_refresh(form.show_guard, label)

    def _session_changed(self, session: Any) -> None:
        self._show_guard()
        if self.state is not None:
            self._prefill(self.state)
            self._refresh()

    def on_action_form_changed(self, event: ActionForm.Changed) -> None:
        if event.state is self.state:
            self._schedule()

    def _schedule(self) -> None:
        # Debounced: a burst of keys costs one check and one preview.
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(PREVIEW_DELAY, self._refresh)

    def _refresh(self) -> FormCheck | None:
        """FormCheck the form, mark its fields and rebuild the preview; the check."""
        self._timer = None
        state = self.state
        if state is None or state.action_id not in self._forms:
            return None
        check = state.check()
        self._form().mark(state.marked(check))
        self._follow_check(state, check)
        preview = self.query_one(RequestPreview)
        session = console_app(self).session
        if not check.ok and not check.general and not state.marked(check):
            # Only empty required fields, untouched: a hint, not a wall of red.
            missing = ", ".join(state.specs[n].meta.label for n in check.problems)
            preview.show_waiting(f"Fill in {missing} to see the request.")
        elif not check.ok:
            preview.show_problems(check.summary)
        elif session is None:
            preview.show_waiting("Waiting for the environment…")
        else:
            try:
                req = session.prepare(state.action, state.filled(), preview=True)
            except Exception as exc:  # noqa: BLE001 - InvalidInput and friends: say why, never crash
                preview.show_problems(str(exc))
            else:
                content = req.content()
                preview.show_request(req.preview(), req.notes, len(content) if content else None)
        return check

    def _follow_check(self, state: FormState, check: FormCheck) -> None:
        """A "Not sent: fix …" line follows the fields: it names what is still wrong, and
        goes once nothing is."""
        if not getattr(self, "_status_from_check", False):
            return
        if check.ok:
            self._status("")
            return
        names = ", ".join(state.specs[n].meta.label for n in check.problems)
        self._status(
            f"Not sent: fix {names}." if names else f"Not sent: {'; '.join(check.general)}.", "error", from_check=True
        )

    def action_fill_examples(self) -> None:
        if self.state is None:
            return
        filled = self.state.fill_examples()
        self._form().show_values(filled)
        self._refresh()
        self._status(
            f"Examples filled into {len(filled)} empty field(s)." if filled else "Every field already has a value."
        )

    def action_find_action(self) -> None:
        from textual.actions import SkipAction

        if self.maximized is not None or isinstance(self.focused, SelectOverlay):
            raise SkipAction()  # escape restores a zoomed inspector, closes an open Select first
        if self.has_class("-narrow"):
            self.add_class("-picking")  # displayed before it takes the focus
        focus_now(self.query_one("#action-filter", Input))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "follow_delivery":
            return self._followable() is not None
        return True

    def _followable(self):
        """The inspector, when the answer it shows names a delivery to follow."""
        if not self.is_mounted:
            return None
        from screens.inspector.inspector import Inspector

        found = self.query(Inspector)
        inspector = found.first() if found else None
        return inspector if inspector is not None and inspector.delivery_id is not None else None

    def action_follow_delivery(self) -> None:
        inspector, session = self._followable(), console_app(self).session
        if inspector is None or session is None:
            return
        if inspector.follow_delivery(session.creds, session.client(), zoom=self.has_class("-narrow")):
            self._status(f"Following delivery {inspector.delivery_id} in the inspector (reads only).", "busy")

    def action_focus_inspector(self) -> None:
        from screens.inspector.inspector import Inspector

        found = self.query(Inspector)
        if not found or not found.first().has_content:
            self._status(
                "Nothing to inspect yet: send a request (ctrl+s) and its answer shows below the preview.", "warning"
            )
            return
        found.first().focus_content()

    # -- sending ------------------------------------------------------------------------------
    # Nothing here freezes the UI: the request runs in an async worker (exclusive per screen,
    # so a second Ctrl+S while one is in flight replaces nothing that was sent — the core
    # never re-sends a request whose answer was lost).
    def action_send(self) -> None:
        """Block invalid input (naming the fields), then send in a worker."""
        state = self.state
        if state is None:
            return
        state.attempted = True
        check = self._refresh()
        if check is None:
            return
        if not check.ok:
            names = list(check.problems)
            fields = ", ".join(state.specs[n].meta.label for n in names)
            what = f"fix {fields}" if names else "; ".join(check.general)
            self._status(f"Not sent: {what}.", "error", from_check=True)
            if names:
                self._form().focus_field(names[0])
            return
        if console_app(self).session is None or not self.query("#inspector"):
            self._status("Not sent: the environment is still loading.", "error")
            return
        if any(w.group == "send" and w.is_running for w in self.workers):
            self._status("A send is already in flight; wait for its answer.", "warning")
            return
        self.run_worker(self._send_form(state), exclusive=True, group="send", exit_on_error=False)

    async def _send_form(self, state: FormState) -> None:
        """Ask the protected guard, send with progress in the inspector, record the outcome,
        then mark the field an API error names."""
        from console.errors import ConsoleError
        from screens.inspector.inspector import Inspector
        from screens.messages import OutcomeRecorded
        from screens.widgets.confirm import ConfirmScreen

        app = console_app(self)
        session = app.session
        assert session is not None  # action_send checked it
        action, values = state.action, state.filled()
        inspector = self.query_one(Inspector)
        try:
            expected = session.confirmation(action, values)
            confirm = None
            if expected is not None:
                confirm = await app.push_screen_wait(
                    ConfirmScreen(env_label=session.label, what=action.INFO.title, expected=expected)
                )
                if confirm is None:
                    self._status("Backed out: nothing was sent.", "warning")
                    return
            self._status(f"Sending {action.INFO.title} to {session.label}…", "busy")
            inspector.clear()
            # An async worker runs on the event loop, so progress can go straight to the widget.
            outcome = await session.send(action, values, confirm=confirm, on_event=inspector.progress)
        except ConsoleError as exc:  # nothing was sent: an input, a key, the guard
            from screens.words import ui_error

            self._status(f"Not sent: {ui_error(exc)}", "error")
            return
        except Exception as exc:  # noqa: BLE001 - an unexpected failure is shown, never a crash
            self._status(f"Not sent: {type(exc).__name__}: {exc}", "error")
            return
        inspector.show(outcome)
        app.post_message(OutcomeRecorded(outcome))
        self._show_answer(state, outcome, session.label)
        self.refresh_bindings()  # ctrl+g shows when the answer names a delivery

    def _show_answer(self, state: FormState, outcome: SendOutcome, label: str) -> None:
        """The status line names the answer; a field the API refused is marked and focused."""
        action = state.action
        resp = outcome.exchange.response
        head = f"{resp.status} {resp.reason}" if resp is not None else "no answer"
        why = outcome.explanation
        field = why.field if why is not None else None
        if why is not None and field and field in state.specs:
            state.refused(field, why.api_message or why.title)
            self._refresh()
            self._status(
                f"{head}: the API refused {_field_label(state, field)} — {why.api_message or why.title}", "error"
            )
            self._form().focus_field(field, select=True)  # typing replaces the refused value
        elif outcome.ok:
            from console.people.deliveries import delivery_id_of

            follow = " ctrl+g follows its delivery." if delivery_id_of(outcome.exchange) else ""
            self._status(f"{head}: {action.INFO.title} sent to {label}.{follow}", "success")
        else:
            title = why.title if why else "the request failed"
            # Most titles start with the status already ("429 Too Many Requests: …").
            self._status(f"{title if title.startswith(head) else f'{head}: {title}'} (details below).", "error")

    def _status(self, text: str, severity: str = "", *, from_check: bool = False) -> None:
        """`from_check`: the text describes the form's check (a send it blocked), so every
        later check recomputes it (_follow_check) instead of leaving it stale."""
        self._status_from_check = from_check
        status = self.query_one("#form-status", StatusLine)
        status.say(text, severity)
        status.display = bool(text)
