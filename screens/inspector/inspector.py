"""The request/response inspector: status and reason in the border title (coloured by
class: success, partial, client error, server error, network), size and time in the
subtitle, and tabs: Why (the error panel), Body (pretty, highlighted JSON), Headers,
Request (as sent, keys masked) and Attempts (each one, and why it was retried); after a
transactional send, Delivery follows its delivery live (`follow_delivery`).

Interface the workspace and the history rely on: `show(outcome)`, `progress(event)`,
`clear()`. The tabs are mounted on first use, so the workspace's first frame does not pay
for them. Bodies over `SYNC_LIMIT` are pretty-printed a slice at a time on the event loop
(a thread would hold the interpreter lock and starve it) and drawn by a virtualised
`JsonView`: a 5 MB answer never blocks a key press.
"""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Static, TabbedContent, TabPane

from screens.context import console_app
from screens.inspector.texts import (
    STATUS_CLASSES,
    action_title,
    attempts_content,
    headers_content,
    request_head,
    status_class,
    status_title,
    subtitle,
)
from screens.words import ui_text

if TYPE_CHECKING:  # annotations only: httpx (via console.wire.transport) stays off the first frame's path
    import httpx

    from console.session.session import SendOutcome
    from console.wire.credentials import Credentials
    from console.wire.transport import TransportEvent
    from screens.inspector.error_panel import ErrorPanel
    from screens.widgets.json_view import JsonView

SYNC_LIMIT = 64_000  # characters: smaller bodies are formatted at once (~10 ms)
# Bigger bodies are formatted SLICE_S at a time with PAUSE_S between slices. A key crosses
# several message queues before a widget handles it; with sleep(0) it would wait for a
# slice at each hop, while a real pause lets the whole chain run between two slices.
SLICE_S = 0.003
PAUSE_S = 0.002
GROW_EVERY_S = 0.1
EMPTY_HINT = "Send a request (ctrl+s) and the answer shows here: status, why it failed, body, headers, attempts."
TITLE = "Response"
# [ and ] share one footer entry; the focus stays in the inspector's content as they turn.
TABS = Binding.Group("Tabs", compact=True)


class Inspector(Vertical):
    ALLOW_MAXIMIZE = True  # z: the inspector fills the screen, tabs and all
    BINDINGS = [
        Binding(
            "left_square_bracket",
            "next_tab(-1)",
            "Previous tab",
            id="inspector-previous-tab",
            group=TABS,
            tooltip="Show the tab on the left (Why, Body, Headers, Request, Attempts)",
        ),
        Binding(
            "right_square_bracket",
            "next_tab(1)",
            "Next tab",
            id="inspector-next-tab",
            group=TABS,
            tooltip="Show the tab on the right; arrows and PgUp/PgDn scroll it",
        ),
        Binding(
            "z", "zoom", "Zoom", id="inspector-zoom", tooltip="Fill the screen with the inspector (z again to restore)"
        ),
    ]

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.outcome: SendOutcome | None = None
        self._tabs: TabbedContent | None = None
        self._mounting = False
        self._pending: list[tuple[str, object]] = []  # calls made before the tabs existed
        self._generation = 0  # bumps on every show/clear: late formatting results are dropped
        self.border_title = TITLE

    def compose(self) -> ComposeResult:
        yield Static(EMPTY_HINT, id="inspector-empty", classes="inspector-empty")

    # -- the interface --------------------------------------------------------------------
    def show(self, outcome: SendOutcome) -> None:
        """Show a finished exchange; the App's copy commands then act on it."""
        self.outcome = outcome
        self._generation += 1
        self._stop_following()
        console_app(self).inspected = outcome  # F8/F9 copy what is shown
        if self._defer("show", outcome):
            return
        ex = outcome.exchange
        self._set_status(
            status_class(ex), f"{status_title(outcome)} · {action_title(outcome.action_id)}", subtitle(outcome)
        )
        secrets = self._secrets()
        why = outcome.explanation
        panel = self._panel()
        panel.explain(why, at=outcome.at)
        tabs = self._tabs
        assert tabs is not None
        if why is None:
            tabs.hide_tab("tab-why")
        else:
            tabs.show_tab("tab-why")
        self.query_one("#inspector-headers", Static).update(
            headers_content(ex.response.headers, secrets) if ex.response is not None else "(no answer: nothing to show)"
        )
        self.query_one("#inspector-request-head", Static).update(request_head(outcome, secrets))
        self.query_one("#inspector-attempts", Static).update(attempts_content(ex))
        from screens.widgets.json_view import JsonView

        body = self.query_one("#inspector-body", JsonView)
        if ex.response is None:
            body.show_note(
                ui_text(f"(no answer: {ex.failure_detail or (ex.failure.value if ex.failure else 'failed')})")
            )
        else:
            self._format_into(body, ex.response.text, "(empty body)")
        request_body = self.query_one("#inspector-request-body", JsonView)
        if ex.request.body is None:
            request_body.show_note("")
        else:
            import json

            self._format_into(request_body, json.dumps(ex.request.body, ensure_ascii=False), "")
        tabs.active = "tab-why" if why is not None else "tab-body"

    def progress(self, event: TransportEvent) -> None:
        """An attempt starts, or the transport waits to retry (a countdown in Why)."""
        if event.kind == "attempt":
            self._set_status("-busy", "Sending…" if event.attempt == 1 else f"Attempt {event.attempt}…", "")
            return
        if self._defer("progress", event):
            return
        if event.kind == "wait":
            self._set_status("-busy", f"Waiting to retry (attempt {event.attempt} failed)", "")
            assert self._tabs is not None
            self._tabs.show_tab("tab-why")
            self._tabs.active = "tab-why"
            self._panel().waiting(event)

    def clear(self) -> None:
        self.outcome = None
        self._generation += 1
        self._pending.clear()
        self._stop_following()
        self._set_status("", TITLE, "")
        if self._tabs is not None:
            self._panel().clear()
            self._tabs.display = False
        self.query_one("#inspector-empty").display = True

    # -- a delivery followed live ------------------------------------------------------------
    @property
    def delivery_id(self) -> str | None:
        """The delivery the shown answer names (a transactional send's), if any."""
        from console.people.deliveries import delivery_id_of

        return delivery_id_of(self.outcome.exchange) if self.outcome is not None else None

    def follow_delivery(self, creds: Credentials, client: httpx.AsyncClient, *, zoom: bool = False) -> bool:
        """Follow the shown send's delivery in the Delivery tab, live; False if there is none.
        `zoom`: fill the screen with it (a narrow terminal leaves the inspector a few rows)."""
        delivery_id = self.delivery_id
        if delivery_id is None or self._tabs is None:
            return False
        self.run_worker(self._open_delivery(creds, client, delivery_id, zoom), group="delivery-tab", exclusive=True)
        return True

    async def _open_delivery(self, creds: Credentials, client: httpx.AsyncClient, delivery_id: str, zoom: bool) -> None:
        from screens.inspector.delivery import DeliveryView

        tabs = self._tabs
        assert tabs is not None  # follow_delivery checked it
        if not self.query("#inspector-delivery"):
            await tabs.add_pane(TabPane("Delivery", DeliveryView(id="inspector-delivery"), id="tab-delivery"))
        tabs.show_tab("tab-delivery")
        tabs.active = "tab-delivery"
        view = self.query_one("#inspector-delivery", DeliveryView)
        view.follow(creds, client, delivery_id)
        if zoom and not self.is_maximized:
            self.screen.maximize(self, container=False)
            from screens.widgets.focus import focus_now

            focus_now(view)  # arrows scroll it; Escape (or z) gives the screen back

    def _stop_following(self) -> None:
        # A new answer is shown: the delivery followed was the previous send's.
        for view in self.query("#inspector-delivery"):
            view.workers.cancel_node(view)  # the app's manager: only this view's workers
            if self._tabs is not None:
                self._tabs.hide_tab("tab-delivery")

    @property
    def has_content(self) -> bool:
        """Whether there is an answer (or a retry countdown) to look at."""
        return self._tabs is not None and bool(self._tabs.display)

    def focus_content(self) -> None:
        """Focus the shown tab's content (keys then scroll it)."""
        if self._tabs is None or not self._tabs.active:
            return
        pane = self._tabs.get_pane(self._tabs.active)
        target = next((w for w in pane.query("ErrorPanel, JsonView, VerticalScroll") if w.display), None)
        if target is not None:
            from screens.widgets.focus import focus_now

            focus_now(target)

    def action_next_tab(self, step: int) -> None:
        tabs = self._tabs
        if tabs is None or not tabs.active:
            return
        shown = [pane.id for pane in tabs.query(TabPane) if pane.id and tabs.get_tab(pane.id).display]
        if tabs.active not in shown:
            return
        tabs.active = shown[(shown.index(tabs.active) + step) % len(shown)]
        # Focus the new tab's content now, not after a refresh: the old tab's content is
        # hidden by then, and a hidden widget that still has the focus hands it to the
        # tab bar (Textual's blur on Hide), so a quick second key would land there.
        self.focus_content()

    # -- zoom -------------------------------------------------------------------------------
    def action_zoom(self) -> None:
        if self.is_maximized:
            self.screen.minimize()
        else:
            self.screen.maximize(self, container=False)

    # -- helpers ----------------------------------------------------------------------------
    def _defer(self, kind: str, arg: object) -> bool:
        """Mount the tabs on first use; until they exist, remember the call."""
        if self._tabs is not None and self._tabs.is_mounted:
            self._tabs.display = True
            self.query_one("#inspector-empty").display = False
            return False
        self._pending.append((kind, arg))
        if not self._mounting:
            self._mounting = True
            self.call_next(self._mount_tabs)
        return True

    async def _mount_tabs(self) -> None:
        from screens.inspector.error_panel import ErrorPanel
        from screens.widgets.json_view import JsonView

        tabs = TabbedContent(id="inspector-tabs")
        await self.mount(tabs)
        await tabs.add_pane(TabPane("Why", ErrorPanel(id="inspector-why"), id="tab-why"))
        await tabs.add_pane(TabPane("Body", JsonView(id="inspector-body"), id="tab-body"))
        await tabs.add_pane(TabPane("Headers", VerticalScroll(Static(id="inspector-headers")), id="tab-headers"))
        await tabs.add_pane(
            TabPane(
                "Request",
                VerticalScroll(Static(id="inspector-request-head"), classes="inspector-request-head"),
                JsonView(id="inspector-request-body"),
                id="tab-request",
            )
        )
        await tabs.add_pane(TabPane("Attempts", VerticalScroll(Static(id="inspector-attempts")), id="tab-attempts"))
        self._tabs = tabs
        pending, self._pending = self._pending, []
        for kind, arg in pending:
            getattr(self, kind)(arg)

    def _panel(self) -> ErrorPanel:
        from screens.inspector.error_panel import ErrorPanel

        return self.query_one("#inspector-why", ErrorPanel)

    def _set_status(self, cls: str, title: str, sub: str) -> None:
        # The status classes colour the inspector's own frame and title, nothing inside it
        # (assets/inspector.tcss; tests/ui/test_inspector.py holds that no rule reaches a
        # widget within by them), so only the inspector is restyled: Textual restyles the
        # whole subtree (tabs, JSON views, the error panel) on a class change, twice a send.
        changed = False
        for name in STATUS_CLASSES:
            if self.has_class(name) != (name == cls):
                self.set_class(name == cls, name, update=False)
                changed = True
        if changed:
            self.app.stylesheet.apply(self)
        self.border_title = title
        self.border_subtitle = sub

    def _secrets(self) -> list[str]:
        session = getattr(self.app, "session", None)
        return session.secrets() if session is not None else []

    def _format_into(self, view: JsonView, text: str, empty_note: str) -> None:
        from screens.widgets.json_view import format_body

        if not text.strip():
            view.show_note(empty_note)
        elif len(text) <= SYNC_LIMIT:
            lines, is_json = format_body(text)
            view.set_lines(lines, is_json=is_json)
        else:
            self.run_worker(
                self._format_slices(self._generation, view, text),
                group=f"format-{view.id}",
                exclusive=True,
                exit_on_error=False,
            )

    async def _format_slices(self, generation: int, view: JsonView, text: str) -> None:
        """Pretty-print a big body on the event loop, SLICE_S at a time, yielding between
        slices: keys are answered within a slice, the first screen shows after one."""
        from screens.widgets.json_format import PrettyJson
        from screens.widgets.json_view import CUT_NOTE, raw_lines

        if text.lstrip()[:1] in ("{", "["):
            pretty = PrettyJson(text)
            view.set_lines(pretty.lines, is_json=True)
            shown = 0.0
            while not pretty.done:
                now = time.perf_counter()
                deadline = now + SLICE_S
                while not pretty.done and time.perf_counter() < deadline:
                    pretty.step(500)
                if generation != self._generation:
                    return  # another exchange is shown now
                if now - shown > GROW_EVERY_S or pretty.done:
                    view.grown()  # the scrollbar follows; the first screen shows at once
                    shown = now
                await asyncio.sleep(PAUSE_S)
            if pretty.ok:
                if pretty.cut:
                    pretty.lines.append(CUT_NOTE)
                    view.grown()
                return
        view.set_lines(raw_lines(text), is_json=False)
