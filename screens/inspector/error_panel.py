"""The error panel: why a request failed and what to do next, from the core's Explanation.

Every sentence comes from `console.diagnose.explain` (the CLI prints the same `Explanation`), so
the console and the CLI never disagree; this panel only lays it out: the title, the
cause, what Customer.io said, the field, the failed operations of a 207, the steps, a
warning when a send may have been delivered (it is never re-sent), and two countdowns:
while the transport waits to retry a 429/503, to the next attempt; after a final 429,
from its Retry-After to when the user may send again (nothing is re-sent for them:
`console.diagnose.explain.send_again_text`, which the CLI prints too). When the likely
cause is the key or the region, the connection test runs from here, in a worker.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.timer import Timer
from textual.widgets import Button, Static

from console.wire import clock
from screens.context import console_app
from screens.words import ui_text

if TYPE_CHECKING:
    from console.diagnose.explain import Explanation
    from console.session.session import Session
    from console.wire.transport import TransportEvent

COUNTDOWN_TICK = 0.25  # s between countdown redraws: the whole second changes on time


class ErrorPanel(VerticalScroll, can_focus=True):
    BINDINGS = [
        # The panel's button says "(t)", so the footer leaves room for the workspace's keys.
        Binding(
            "t",
            "connection_test",
            "Test connection",
            id="inspector-connection-test",
            show=False,
            tooltip="Check each key and the region against Customer.io (reads only)",
        ),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.explanation: Explanation | None = None
        self._deadline: float | None = None
        self._wait_text = ""
        self._mode = ""  # "retry": the transport waits to retry; "again": after a final 429
        self._timer: Timer | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="why-title", classes="why-title")
        yield Static(id="why-wait", classes="why-wait")
        yield Static(id="why-delivered", classes="why-delivered")
        yield Static(id="why-body", classes="why-body")
        yield Button("Test the connection (t)", id="why-test", compact=True, classes="why-test")
        yield Static(id="why-test-status", classes="why-test-status")
        yield _check_rows()

    def on_mount(self) -> None:
        self._draw()

    # -- what the inspector calls -----------------------------------------------------------
    def explain(self, explanation: Explanation | None, at: float | None = None) -> None:
        """Show an explanation (None: nothing went wrong); stops any retry countdown. A final
        429 with Retry-After counts down to when the user may send again; `at` is when its
        answer came (clock.wall()), so one shown again later counts from then."""
        self.explanation = explanation
        self._stop_countdown()
        self._draw()
        if explanation is not None and explanation.retry_after is not None:
            since = max(0.0, clock.wall() - at) if at is not None else 0.0
            self._start("again", explanation.retry_after - since)

    def waiting(self, event: TransportEvent) -> None:
        """The transport waits `event.wait_s` before retrying: count it down."""
        self._stop_countdown()
        self._wait_text = f"Attempt {event.attempt}: {event.reason}."
        self._start("retry", event.wait_s)

    def seconds_left(self) -> int | None:
        """Whole seconds until the next attempt, while waiting (what the countdown shows)."""
        return self._left() if self._mode == "retry" else None

    def send_again_in(self) -> int | None:
        """After a final 429 with Retry-After: whole seconds until the user may send again."""
        return self._left() if self._mode == "again" else None

    def clear(self) -> None:
        self.explanation = None
        self._stop_countdown()
        self._draw()

    # -- the countdowns -----------------------------------------------------------------------
    def _start(self, mode: str, seconds: float) -> None:
        self._mode = mode
        self._deadline = clock.monotonic() + max(0.0, seconds)
        self._timer = self.set_interval(COUNTDOWN_TICK, self._tick)
        self._tick()

    def _left(self) -> int | None:
        if self._deadline is None:
            return None
        return max(0, math.ceil(self._deadline - clock.monotonic()))

    def _tick(self) -> None:
        left = self._left()
        if left is None or not self.is_mounted:
            return
        if self._mode == "again":
            from console.diagnose.explain import send_again_text

            style = "bold $warning" if left > 0 else "bold $success"
            self._show("#why-wait", Content.styled(send_again_text(left), style))
            if left == 0 and self._timer is not None:
                self._timer.stop()  # "now" stays; nothing more to count
                self._timer = None
            return
        again = f"retrying in {left} s" if left > 0 else "retrying now…"
        self._show("#why-wait", Content.assemble((self._wait_text + " ", "bold"), (again, "bold $warning")))

    def _stop_countdown(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        self._deadline = None
        self._mode = ""
        if self.is_mounted:
            self._show("#why-wait", None)

    # -- layout -------------------------------------------------------------------------------
    def _show(self, selector: str, content: Content | str | None) -> None:
        widget = self.query_one(selector, Static)
        widget.display = content is not None
        if content is not None:
            widget.update(content)

    def _draw(self) -> None:
        if not self.is_mounted:
            return
        why = self.explanation
        offer = bool(why and why.offer_connection_test)
        self.query_one("#why-test", Button).display = offer
        if not offer:
            self._show("#why-test-status", None)
            self.query_one("#why-checks").display = False
        if why is None:
            self._show("#why-title", None)
            self._show("#why-delivered", None)
            self._show("#why-body", None)
            return
        self._show("#why-title", Content.styled(ui_text(why.title), "bold"))
        self._show("#why-delivered", _delivered_warning(why))
        self._show("#why-body", _body(why))

    # -- the connection test -------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "connection_test":
            return bool(self.explanation and self.explanation.offer_connection_test)
        return True

    @on(Button.Pressed, "#why-test")
    def action_connection_test(self) -> None:
        session = console_app(self).session
        if session is None or not (self.explanation and self.explanation.offer_connection_test):
            return
        self.run_worker(self._run_test(session), group="connection-test", exclusive=True)

    async def _run_test(self, session: Session) -> None:
        from console.diagnose.connection_test import run_connection_test
        from screens.widgets.check_rows import CheckRows

        rows = self.query_one("#why-checks", CheckRows)
        rows.display = True
        rows.pending()
        self._show("#why-test-status", Content.styled(f"Testing {session.label}…", "$text-muted"))
        try:
            checks = await run_connection_test(session.creds, session.client(), on_check=rows.show)
        except Exception as exc:  # noqa: BLE001 - shown, never a crash
            self._show("#why-test-status", Content.styled(f"The test could not run: {exc}", "$error"))
            return
        failed = [c for c in checks if c.ok is False]
        text = (
            f"{session.label}: {len(failed)} check{'s' if len(failed) != 1 else ''} failed."
            if failed
            else f"{session.label}: every key that is set works."
        )
        self._show("#why-test-status", Content.styled(text, "bold $error" if failed else "bold $success"))


def _check_rows():
    from screens.widgets.check_rows import CheckRows

    rows = CheckRows(id="why-checks", classes="why-checks")
    rows.display = False
    return rows


def _delivered_warning(why: Explanation) -> Content | None:
    if why.delivered != "unknown":
        return None
    # The label for Explanation.delivered == "unknown"; the explanation's steps say what to do.
    return Content.styled("⚠ Delivered: unknown — it may have been delivered, so it was not re-sent.", "bold $warning")


def _body(why: Explanation) -> Content:
    """The explanation's parts under the labels `Explanation.text()` uses."""
    from console.wire.multi_status import ItemFailure

    parts: list = [("Why: ", "bold"), ui_text(why.cause)]
    if why.api_message and not why.items:
        parts += ["\n\n", ("Customer.io said: ", "bold"), (why.api_message, "$text-warning")]
    if why.field:
        parts += ["\n\n", ("Field: ", "bold"), (why.field, "bold $accent")]
    if why.items:
        parts += ["\n\n", ("Failed operations", "bold"), " (index in the batch, the operation, [field]: message):"]
        for item in why.items:
            parts += ["\n  • ", ItemFailure(**item).text()]
    if why.steps:
        parts += ["\n\n", ("Next:", "bold")]
        for step in why.steps:
            parts += ["\n  • ", ui_text(step)]
    return Content.assemble(*parts)
