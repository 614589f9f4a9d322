"""One delivery from the person's Messages (F4, Enter): every metric with its time, the
failure message, and the archived content (subject, body as text).

Two App API reads in a worker (`GET /v1/messages/{id}`, `…/archived_message`), each recorded
like the other story reads; a failure is explained in place. A delivery that was never sent
has no archived content: the modal says so instead of an error. Escape closes it.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, Label, Static

from console.errors import error_text
from console.people.story import MessageSummary, message_from
from screens.profile.requests import EXPECTED_FAILURES
from screens.profile.views import utc
from screens.styles import ASSETS


def delivery_text(message: MessageSummary) -> Text:
    out = Text()
    out.append("Channel ", style="dim")
    out.append(("sms" if message.type == "twilio" else message.type) + "   ")
    out.append("State ", style="dim")
    out.append(message.state or "?", style="bold")
    if message.template_label:
        out.append("   " + message.template_label, style="dim")
    if message.created is not None:
        out.append("   created ", style="dim")
        out.append(utc(message.created))
    if message.recipient:
        out.append("\nTo ", style="dim")
        out.append(message.recipient)
    out.append("\n\nMetrics (UTC)\n", style="bold")
    for name, at in sorted(message.metrics.items(), key=lambda m: m[1]):
        out.append(f"  {utc(at)}  {name}\n")
    if not message.metrics:
        out.append("  none yet\n", style="dim")
    if message.failure_message:
        out.append("\nFailure: ", style="bold red")
        out.append(message.failure_message, style="red")
    return out


def archived_text(archived: dict) -> Text:
    from console.transactional.html_text import html_to_text

    out = Text()
    out.append("\nArchived content\n", style="bold")
    for key in ("subject", "from", "recipient", "preheader"):
        if archived.get(key):
            out.append(f"{key.capitalize()} ", style="dim")
            out.append(str(archived[key]) + "\n")
    body = archived.get("body")
    if isinstance(body, str) and body.strip():
        out.append("\n" + html_to_text(body) + "\n")
    elif archived.get("body_plain"):
        out.append("\n" + str(archived["body_plain"]) + "\n")
    return out


class DeliveryScreen(ModalScreen[None]):
    CSS_PATH = [ASSETS / "profile.tcss"]
    BINDINGS = [Binding("escape", "close", "Close", id="delivery-close", tooltip="Back to the messages")]

    def __init__(self, delivery_id: str) -> None:
        super().__init__()
        self.delivery_id = delivery_id

    def compose(self) -> ComposeResult:
        with Vertical(id="delivery-box"):
            yield Label(f"Delivery {self.delivery_id}", id="delivery-title")
            with VerticalScroll(id="delivery-scroll"):
                yield Static(Text("Reading the delivery…", style="italic"), id="delivery-detail")
                yield Static("", id="delivery-content")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#delivery-scroll").focus()
        self.run_worker(self._read(), exclusive=True, group="profile-delivery", exit_on_error=False)

    async def _read(self) -> None:
        from console.people.app_reads import path_segment, read_json
        from screens.profile.story_requests import record_read

        app = self.app
        session = app.session  # type: ignore[attr-defined]
        detail = self.query_one("#delivery-detail", Static)
        content = self.query_one("#delivery-content", Static)
        path = f"/v1/messages/{path_segment(self.delivery_id)}"
        values = {"delivery_id": self.delivery_id}
        try:
            read = await read_json(session.creds, session.client(), path)
            record_read(app, session, "delivery", values, read)
            if not read.ok:
                detail.update(Text(read.explanation.text() if read.explanation else "Not read.", style="red"))
                return
            message = read.data.get("message") if isinstance(read.data, dict) else None
            if not isinstance(message, dict):
                detail.update(Text("The answer has no `message` object.", style="red"))
                return
            summary = message_from(message)
            detail.update(delivery_text(summary))
            if "sent" not in summary.metrics:
                content.update(Text("\nNo archived content: it was never sent.", style="dim"))
                return
            content.update(Text("\nReading the archived content…", style="italic"))
            archived = await read_json(session.creds, session.client(), path + "/archived_message")
            record_read(app, session, "archived message", values, archived)
        except EXPECTED_FAILURES as exc:
            detail.update(Text(f"Not read: {error_text(exc)}", style="red"))
            return
        if not archived.ok:
            explanation = archived.explanation
            content.update(Text("\nArchived content not read: " + (explanation.text() if explanation else ""), "red"))
            return
        body = archived.data.get("archived_message") if isinstance(archived.data, dict) else None
        content.update(archived_text(body if isinstance(body, dict) else {}))

    def action_close(self) -> None:
        self.dismiss(None)
