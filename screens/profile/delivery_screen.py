"""One delivery from the person's Messages (F4, Enter): every metric with its time, the
failure message, and the archived content (subject, body as text).

Two App API reads in a worker (`console.people.deliveries`: `GET /v1/messages/{id}`,
`…/archived_message`), each recorded like the other story reads; a failure is explained in place. A delivery that was never sent
has no archived content: the modal says so instead of an error. Escape closes it.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from console.errors import ConsoleError
from console.people.deliveries import ArchivedMessage, Delivery, Verdict
from screens.profile.views import utc
from screens.styles import ASSETS
from screens.widgets.footer import StableFooter
from screens.words import ui_error, ui_text


def delivery_text(delivery: Delivery) -> Text:
    out = Text()
    out.append(
        delivery.summary(with_failure=False) + "\n", style="bold red" if delivery.verdict == Verdict.FAILURE else "bold"
    )
    out.append("Channel ", style="dim")
    out.append(("sms" if delivery.channel == "twilio" else delivery.channel) + "   ")
    out.append("State ", style="dim")
    out.append(delivery.state, style="bold")
    for name, value in delivery.parents.items():
        out.append(f"   {name.removesuffix('_id').removesuffix('_message')} {value}", style="dim")
    out.append("\nCreated ", style="dim")
    out.append(utc(delivery.created))
    if delivery.recipient:
        out.append("   To ", style="dim")
        out.append(delivery.recipient)
    out.append("\n\nMetrics (UTC)\n", style="bold")
    for metric in delivery.metrics:
        out.append(f"  {utc(metric.at)}  {metric.name}\n")
    if not delivery.metrics:
        out.append("  none yet\n", style="dim")
    if delivery.failure_message:
        out.append("\nFailure: ", style="bold red")
        out.append(delivery.failure_message, style="red")
    return out


def archived_text(archived: ArchivedMessage) -> Text:
    out = Text()
    out.append("\nArchived content\n", style="bold")
    for label, value in (
        ("Subject", archived.subject),
        ("From", archived.sender),
        ("To", archived.recipient),
        ("Preheader", archived.preheader),
    ):
        if value:
            out.append(f"{label} ", style="dim")
            out.append(value + "\n")
    if archived.text:
        out.append("\n" + archived.text + "\n")
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
        yield StableFooter()

    def on_mount(self) -> None:
        self.query_one("#delivery-scroll").focus()
        self.run_worker(self._read(), exclusive=True, group="profile-delivery", exit_on_error=False)

    async def _read(self) -> None:
        from console.people.deliveries import read_archived, read_delivery
        from screens.profile.story_requests import record_read

        app = self.app
        session = app.session  # type: ignore[attr-defined]
        detail = self.query_one("#delivery-detail", Static)
        content = self.query_one("#delivery-content", Static)
        values = {"delivery_id": self.delivery_id}
        try:
            found = await read_delivery(session.creds, session.client(), self.delivery_id)
            record_read(app, session, "delivery", values, found.read)
            if found.delivery is None:
                detail.update(
                    Text(ui_text(found.explanation.text()) if found.explanation else "Not read.", style="red")
                )
                return
            detail.update(delivery_text(found.delivery))
            if not found.delivery.has("sent"):
                content.update(Text("\nNo archived content: it was never sent.", style="dim"))
                return
            content.update(Text("\nReading the archived content…", style="italic"))
            archived = await read_archived(session.creds, session.client(), self.delivery_id)
            record_read(app, session, "archived message", values, archived.read)
        except ConsoleError as exc:
            detail.update(Text(f"Not read: {ui_error(exc)}", style="red"))
            return
        if archived.message is None:
            why = ui_text(archived.explanation.text()) if archived.explanation else ""
            content.update(Text("\nArchived content not read: " + why, style="red"))
            return
        content.update(archived_text(archived.message))

    def action_close(self) -> None:
        self.dismiss(None)
