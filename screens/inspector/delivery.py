"""A delivery followed live: each state change with its time as it happens, then the verdict.

The polling is the core's (`console.people.deliveries.follow`: reads only, never a
re-send, a second or more between reads); it runs in an async worker on the widget, on
the App's event loop, so the keys are answered between two reads and each change is drawn
as it arrives. Following another delivery (or leaving the widget) cancels the worker.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

from screens.words import ui_text

if TYPE_CHECKING:
    import httpx

    from console.people.deliveries import FollowEvent
    from console.wire.credentials import Credentials

FOLLOW_TIMEOUT = 120.0  # s; then "unknown, may still arrive" (ctrl+g follows it again)
VERDICT_STYLES = {"success": "bold $success", "failure": "bold $error"}


class DeliveryView(VerticalScroll, can_focus=True):
    """The Delivery tab of the inspector, and F6's delivery box."""

    DEFAULT_CSS = """
    DeliveryView { height: 1fr; padding: 0 1; scrollbar-size-vertical: 1; }
    DeliveryView > .delivery-line { height: auto; }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.delivery_id: str | None = None
        self.events: list[FollowEvent] = []
        self.finished = False
        self.limit = FOLLOW_TIMEOUT

    def compose(self):
        yield Static("", id="delivery-head", classes="delivery-line")
        yield Static("", id="delivery-log", classes="delivery-line")
        yield Static("", id="delivery-verdict", classes="delivery-line")

    @property
    def following(self) -> bool:
        # `self.workers` is the app's manager: only this view's own worker counts.
        return any(w.node is self and w.group == "follow" and w.is_running for w in self.workers)

    def stop(self) -> None:
        self.workers.cancel_node(self)

    def follow(
        self, creds: Credentials, client: httpx.AsyncClient, delivery_id: str, *, timeout: float = FOLLOW_TIMEOUT
    ) -> None:
        """Start following `delivery_id` (the previous follow, if any, stops)."""
        self.delivery_id, self.events, self.finished = delivery_id, [], False
        self.query_one("#delivery-head", Static).update(Content.from_markup("Delivery [b]$id[/b]", id=delivery_id))
        self.limit = timeout
        self.query_one("#delivery-log", Static).update("")
        self.query_one("#delivery-verdict", Static).update(Content.styled("Reading…", "$text-muted"))
        self.run_worker(
            self._follow(creds, client, delivery_id, timeout), group="follow", exclusive=True, exit_on_error=False
        )

    async def _follow(self, creds: Credentials, client: httpx.AsyncClient, delivery_id: str, timeout: float) -> None:
        from console.people.deliveries import follow
        from console.wire.credentials import MissingCredential

        try:
            async for event in follow(creds, client, delivery_id, timeout=timeout):
                if delivery_id != self.delivery_id:
                    return  # another delivery is followed now
                self._add(event)
        except MissingCredential as exc:
            self._verdict(Content.styled(f"Cannot follow: {exc}", "$error"))
        except Exception as exc:  # noqa: BLE001 - shown, never a crash; nothing was sent by reading
            self._verdict(Content.styled(f"Stopped following: {type(exc).__name__}: {exc}", "$error"))

    def _add(self, event: FollowEvent) -> None:
        self.events.append(event)
        if event.kind == "end":
            self.finished = True
            verdict = event.verdict.value if event.verdict else ""
            if event.explanation is not None:
                text = f"Could not follow it (the send was accepted, not re-sent): {ui_text(event.explanation.text())}"
                self._verdict(Content.styled(text, "$error"))
            else:
                label = {"success": "Delivered", "failure": "Not received"}.get(verdict, "Unknown")
                self._verdict(Content.styled(f"{label}: {event.detail}", VERDICT_STYLES.get(verdict, "bold $warning")))
            return
        lines = [e.line() for e in self.events if e.kind != "end"]
        self.query_one("#delivery-log", Static).update(Content("\n".join(lines)))
        self._verdict(
            Content.styled(f"Following, up to {self.limit:g} s (reads only; nothing is re-sent)…", "$text-muted")
        )

    def _verdict(self, content: Content) -> None:
        self.query_one("#delivery-verdict", Static).update(content)
        self.scroll_end(animate=False)

    def text(self) -> str:
        """What the view shows, as plain text (tests, the help)."""
        return "\n".join(str(w.render()) for w in self.query(Static))
