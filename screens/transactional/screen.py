"""Transactional preview (F6): pick a message, fill the send form, see what the person
will get, then send exactly that request.

The workspace's transactional messages are listed (`GET /v1/transactional`); choosing
one lists its content variants per language. The form (recipient, identifiers,
message_data, draft) is previewed — debounced, in a worker — by the core's
`preview_email`: subject, preheader and body rendered with Liquid (`trigger.*` from
message_data, `customer.*` from the recipient's profile), every variable the data does
not provide, and the exact request. Ctrl+S sends that very request, and only when the
form has not changed since it was previewed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Header, Input, Label, OptionList, Static, Switch, TextArea
from textual.widgets.option_list import Option

from console.session.session import drop_empty
from console.transactional.preview import EmailPreview
from console.transactional.templates import Template, Variant
from screens.context import console_app
from screens.inspector.delivery import DeliveryView
from screens.styles import ASSETS, StyledOnce
from screens.transactional.views import email_text, findings_text, template_label, variant_label
from screens.widgets.fields import JsonEditor
from screens.widgets.footer import StableFooter
from screens.widgets.request_preview import RequestPreview
from screens.widgets.status_line import StatusLine
from screens.words import ui_text

if TYPE_CHECKING:
    from console.diagnose.explain import Explanation
    from console.wire.exchange import Exchange

PREVIEW_DELAY = 0.5  # s: each preview reads the template and the recipient; not per keystroke


class TransactionalScreen(StyledOnce, Screen):
    HELP_TITLE = "Transactional preview"
    CSS_PATH = [ASSETS / "transactional.tcss"]
    # Below 100 columns the form and its request share the second column with the rendered
    # email (ctrl+e switches which one is shown): three columns of 26 would cut everything.
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]
    HELP = (
        "Pick a transactional message on the left, then a content variant (its language). Fill "
        'the recipient (To), the identifiers of the person (JSON, e.g. {"id": "user_1001"}; '
        "empty: the To address) and message_data (JSON). The preview renders the variant with "
        "Liquid locally: trigger.* is message_data, customer.* the recipient's profile when one "
        "exists. Every variable the template uses and the data does not provide is listed. "
        "Ctrl+T switches the body between readable text and the raw HTML. Ctrl+S sends exactly "
        "the request shown (a protected environment asks for the recipient first); with "
        "'Queue as draft' on, Customer.io queues it as a draft instead of sending. After a send, "
        "Ctrl+G follows its delivery live (reads only), and Ctrl+F compares the preview with a "
        "delivery's archived message (the id under 'Compare with delivery', filled by a send): "
        "the parts that differ and the variables that came out empty. Ctrl+R shows the preview again."
    )
    BINDINGS = [
        Binding("ctrl+s", "send", "Send", id="tx-send", priority=True, tooltip="Send exactly the previewed request"),
        Binding("ctrl+r", "preview", "Preview", id="tx-preview", tooltip="Render the preview again now"),
        Binding(
            "ctrl+t",
            "toggle_html",
            "Text/HTML",
            id="tx-toggle-html",
            tooltip="Show the body as readable text or as the raw HTML",
        ),
        Binding(
            "ctrl+l",
            "focus_templates",
            "Messages",
            id="tx-messages",
            tooltip="Jump to the list of transactional messages",
        ),
        Binding(
            "ctrl+e",
            "toggle_email",
            "Email/Request",
            id="tx-toggle-email",
            tooltip="Narrow terminals: show the rendered email, or the form and its request",
        ),
        Binding(
            "ctrl+f",
            "compare",
            "Compare",
            id="tx-compare",
            tooltip="Compare the preview with a delivery's archived message (the id under "
            "'Compare with delivery'): the parts that differ, the variables that came out empty",
        ),
        # Offered once a send's answer names its delivery (check_action).
        Binding(
            "ctrl+g",
            "follow_delivery",
            "Follow",
            id="tx-follow",
            tooltip="Follow the sent email's delivery, live, until it settles (reads only)",
        ),
        Binding("escape", "back", "Back", id="tx-back", tooltip="Back to where you were"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.templates: list[Template] = []
        self.variants: list[Variant] = []
        self.template: Template | None = None
        self.language = ""  # the variant chosen; "" is the default language
        self.preview: EmailPreview | None = None
        self.previewed_data: dict[str, Any] | None = None
        self.previewed_draft = False
        self.show_html = False
        self._timer: Timer | None = None
        self._missing_ok_for: EmailPreview | None = None  # Ctrl+S twice sends with missing variables
        self._stale_send = False  # Ctrl+S found the form changed since the preview
        self._switched_to: str | None = None  # the environment switched to with a message picked
        self.sent_delivery: str | None = None  # the delivery the last send from here made
        self.comparing: str | None = None  # the delivery the email box compares with, if it does

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="tx-body"):
            with Vertical(id="tx-left"):
                yield OptionList(id="tx-templates")
                yield OptionList(id="tx-variants")
            with Vertical(id="tx-middle"):
                with VerticalScroll(id="tx-form"):
                    # Placeholders say "e.g.": a grey example must not pass for a filled value.
                    yield Label("To * (the recipient's address)")
                    yield Input(placeholder="e.g. ada.lovelace@example.com", id="tx-to", compact=True)
                    yield Label("Identifiers (JSON; empty: the To address)")
                    yield Input(placeholder='e.g. {"id": "user_1001"}', id="tx-identifiers", compact=True)
                    yield Label("message_data (JSON; trigger.* in the template)")
                    yield JsonEditor("", id="tx-data", compact=True, placeholder='e.g. {"order_id": "1234"}')
                    with Horizontal(id="tx-draft-row"):
                        yield Switch(False, id="tx-draft")
                        yield Label("Queue as draft (sent once approved in Customer.io)", id="tx-draft-label")
                    # Not part of the send: which delivery ctrl+f compares the preview with.
                    yield Label("Compare with delivery (ctrl+f; filled after a send)")
                    yield Input(placeholder="e.g. a delivery_id a person got", id="tx-compare", compact=True)
                yield StatusLine(id="tx-status")
                yield RequestPreview(id="tx-request")
            with Vertical(id="tx-right"):
                with VerticalScroll(id="tx-email"):
                    yield Static("", id="tx-rendered")
                yield Static("", id="tx-findings")
                yield DeliveryView(id="tx-delivery")
        yield StableFooter()

    def on_mount(self) -> None:
        self._list_titles()
        self.query_one("#tx-form").border_title = "Send form"
        request = self.query_one(RequestPreview)
        request.border_title, request.border_subtitle = "Request", "what Ctrl+S sends"
        self.query_one("#tx-email").border_title = "Preview (body as text)"
        self.query_one("#tx-findings").border_title = "Data check"
        self.query_one("#tx-delivery").border_title = "Delivery"
        request.show_waiting("Pick a message and fill in To to see the request.")
        self.watch(self.app, "session", self._session_changed, init=False)
        if console_app(self).session is not None:
            self._load_templates()
        self.query_one("#tx-templates").focus()

    # -- status -------------------------------------------------------------------------------
    def status(self, text: str, severity: str = "") -> None:
        self.query_one("#tx-status", StatusLine).say(text, severity)

    def show_problem(self, text: str) -> None:
        self.query_one("#tx-rendered", Static).update(Text(ui_text(text), style="red"))

    # -- environment and lists ----------------------------------------------------------------
    def _session_changed(self, session: Any) -> None:
        # Another workspace: its messages and keys differ; the message picked and its preview
        # do not carry over (also while the screen is hidden: it is kept). The form does.
        self._switched_to = session.label if session is not None and self.template is not None else None
        self.template, self.preview, self.previewed_data = None, None, None
        self.query_one("#tx-variants", OptionList).clear_options()
        self.query_one("#tx-rendered", Static).update("")
        self.query_one("#tx-findings", Static).update("")
        self.query_one(RequestPreview).show_waiting("Pick a message and fill in To to see the request.")
        if session is not None:
            self._load_templates()

    def _load_templates(self) -> None:
        from screens.transactional.requests import load_templates

        self.run_worker(load_templates(self), exclusive=True, group="tx-list", exit_on_error=False)

    def show_templates(self, templates: list[Template]) -> None:
        self.templates = templates
        options = self.query_one("#tx-templates", OptionList)
        options.clear_options()
        options.add_options([Option(template_label(t), id=str(i)) for i, t in enumerate(templates)])
        if templates:
            options.highlighted = 0
        switched, self._switched_to = self._switched_to, None
        lead = f"Environment changed to {switched}: pick the message again (the form is kept). " if switched else ""
        self.status(f"{lead}{len(templates)} transactional message(s). Pick one (Enter).")

    @on(OptionList.OptionSelected, "#tx-templates")
    def _template_picked(self, event: OptionList.OptionSelected) -> None:
        self.choose_template(self.templates[event.option_index])

    def choose_template(self, template: Template) -> None:
        from screens.transactional.requests import load_variants

        self.template, self.language, self.variants = template, "", []
        self.query_one("#tx-variants", OptionList).clear_options()
        # The list's "Pick one (Enter)" is done: say what comes next.
        self.status(f"Message {template.id} ({template.name}) picked: choose a content variant, or fill in To.")
        self.run_worker(load_variants(self, template.id), exclusive=True, group="tx-variants", exit_on_error=False)
        self.schedule_preview()

    def show_variants(self, template_id: Any, variants: list[Variant]) -> None:
        if self.template is None or self.template.id != template_id:
            return  # another template was picked meanwhile
        self.variants = variants
        options = self.query_one("#tx-variants", OptionList)
        options.clear_options()
        options.add_options([Option(variant_label(v), id=str(i)) for i, v in enumerate(variants)])
        self._list_titles()
        if variants:  # Enter on the list picks the highlighted one: start on the default language
            options.highlighted = next((i for i, v in enumerate(variants) if not v.language), 0)

    @on(OptionList.OptionSelected, "#tx-variants")
    def _variant_picked(self, event: OptionList.OptionSelected) -> None:
        variant = self.variants[event.option_index]
        self.language = variant.language
        if not self.query_one("#tx-to", Input).value:
            self.status(f"Variant {variant.language_label} picked: fill in To to see the preview.")
        self.schedule_preview(now=True)
        self.query_one("#tx-to", Input).focus()

    def action_back(self) -> None:
        self.app.pop_screen()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "toggle_email":
            return self.has_class("-narrow")  # both are on screen otherwise
        if action == "follow_delivery":
            return self.sent_delivery is not None
        return True

    def on_resize(self) -> None:
        self.refresh_bindings()
        self._list_titles()

    def _list_titles(self) -> None:
        # Border titles are cut, never wrapped: short ones where the list is narrow.
        narrow = self.has_class("-narrow")
        self.query_one("#tx-templates").border_title = "Messages" if narrow else "Transactional messages"
        count = f" ({len(self.variants)})" if self.variants else ""
        self.query_one("#tx-variants").border_title = ("Variants" if narrow else "Content variants") + count

    def action_toggle_email(self) -> None:
        showing = not self.has_class("-email")
        self.set_class(showing, "-email")
        if showing and self.focused is not None and self.query_one("#tx-middle") in self.focused.ancestors:
            self.set_focus(None)  # no focus left on a hidden field: keys would go there unseen
        elif not showing:
            self.query_one("#tx-to", Input).focus()

    def action_focus_templates(self) -> None:
        self.query_one("#tx-templates").focus()

    # -- the form and its preview -------------------------------------------------------------
    def form_values(self) -> dict[str, Any]:
        """The send-transactional-email input the form stands for (JSON fields as text)."""
        data = {
            "transactional_message_id": str(self.template.id) if self.template else "",
            "to": self.query_one("#tx-to", Input).value,
            "identifiers": self.query_one("#tx-identifiers", Input).value,
            "message_data": self.query_one("#tx-data", TextArea).text,
            "language": self.language,
        }
        return drop_empty(data)

    def draft(self) -> bool:
        return self.query_one("#tx-draft", Switch).value

    @on(Input.Changed, "#tx-to, #tx-identifiers")
    @on(TextArea.Changed, "#tx-data")
    @on(Switch.Changed, "#tx-draft")
    def _form_changed(self) -> None:
        self.schedule_preview()

    def schedule_preview(self, *, now: bool = False) -> None:
        if self._timer is not None:
            self._timer.stop()
        self._timer = None
        if now:
            self.action_preview()
        else:
            self._timer = self.set_timer(PREVIEW_DELAY, self._auto_preview)

    def _auto_preview(self) -> None:
        # A change typed back, or a Changed event arriving after a preview of the same form:
        # nothing new to render.
        if self.preview is None or self.previewed_data != self.form_values() or self.previewed_draft != self.draft():
            self.action_preview()

    def action_preview(self) -> None:
        from screens.transactional.requests import render_preview

        self._timer = None
        data = self.form_values()
        if console_app(self).session is None or self.template is None or not data.get("to"):
            return
        self.run_worker(
            render_preview(self, data, self.draft()), exclusive=True, group="tx-preview", exit_on_error=False
        )

    def show_invalid(self, text: str) -> None:
        self.preview, self.previewed_data = None, None
        self.query_one(RequestPreview).show_problems(text)
        self.status(f"Not ready: {text.splitlines()[0] if text else ''}", "error")

    def show_preview(self, preview: EmailPreview, data: dict[str, Any], draft: bool) -> None:
        self.preview, self.previewed_data, self.previewed_draft = preview, data, draft
        self.query_one(RequestPreview).show_request(preview.request.preview(), preview.request.notes)
        self._render_email()
        self.query_one("#tx-findings", Static).update(findings_text(preview))
        stale, self._stale_send = self._stale_send, False
        if preview.rendered is None:
            self.status(preview.explanation.title if preview.explanation else "Nothing to render.", "error")
        elif preview.missing:
            self.status(f"Previewed: {len(preview.missing)} variable(s) missing. Ctrl+S sends.", "warning")
        elif stale:
            self.status("Not sent: the form changed since the preview. Previewed again: Ctrl+S sends this.", "warning")
        else:
            self.status("Previewed: every variable has a value. Ctrl+S sends exactly this request.", "success")

    def _render_email(self) -> None:
        self.comparing = None
        self.query_one("#tx-email").border_title = "Preview (raw HTML)" if self.show_html else "Preview (body as text)"
        if self.preview is not None:
            self.query_one("#tx-rendered", Static).update(email_text(self.preview, html=self.show_html))

    def action_toggle_html(self) -> None:
        self.show_html = not self.show_html
        self._render_email()

    # -- sending ------------------------------------------------------------------------------
    def action_send(self) -> None:
        from screens.transactional.requests import send

        if any(w.group == "tx-send" and w.is_running for w in self.workers):
            self.status("A send is already in flight; wait for its answer.", "warning")
            return
        if self.template is None or not self.form_values().get("to"):
            self.status("Not sent: pick a transactional message and fill in To first.", "warning")
            return
        preview = self.preview
        fresh = (
            preview is not None and self.previewed_data == self.form_values() and self.previewed_draft == self.draft()
        )
        if preview is None or not fresh or any(w.group == "tx-preview" and w.is_running for w in self.workers):
            # Only a request the user has seen goes out.
            self._stale_send = True
            self.status("Not sent: the form changed since the preview; previewing again, then Ctrl+S.", "warning")
            self.schedule_preview(now=True)
            return
        if preview.rendered is None:
            self.status(
                "Not sent: " + (preview.explanation.title if preview.explanation else "nothing rendered"),
                "error",
            )
            return
        if preview.missing and self._missing_ok_for is not preview:
            self._missing_ok_for = preview
            self.status(
                f"{len(preview.missing)} variable(s) have no value (see Data check). Ctrl+S again sends anyway.",
                "warning",
            )
            return
        self.run_worker(send(self), exclusive=True, group="tx-send", exit_on_error=False)

    def show_sent(self, preview: EmailPreview, exchange: Exchange, explanation: Explanation | None) -> None:
        # `preview` is what was sent: self.preview may be gone (an environment switch
        # while the send was in flight clears it).
        from console.people.deliveries import delivery_id_of

        resp = exchange.response
        head = f"{resp.status} {resp.reason}" if resp is not None else "no answer"
        if explanation is None:
            what = "queued as a draft" if self.previewed_draft else "sent"
            self.sent_delivery = delivery_id_of(exchange)
            follow = ""
            if self.sent_delivery is not None:
                self.query_one("#tx-compare", Input).value = self.sent_delivery
                follow = " ctrl+g follows its delivery; ctrl+f compares it with the preview."
            self.refresh_bindings()
            self.status(f"{head}: {what} to {preview.spec.value('to')}.{follow}", "success")
        else:
            self.status(f"{head}: {explanation.title}", "error")
            self.query_one("#tx-findings", Static).update(Text(ui_text(explanation.text()), style="red"))

    # -- after a send: its delivery, and what it carried -------------------------------------
    def action_follow_delivery(self) -> None:
        session = console_app(self).session
        if self.sent_delivery is None or session is None:
            return
        view = self.query_one("#tx-delivery", DeliveryView)
        view.display = True
        if self.has_class("-narrow") and not self.has_class("-email"):
            self.action_toggle_email()  # the delivery box is in the second view
        view.follow(session.creds, session.client(), self.sent_delivery)
        self.status(f"Following delivery {self.sent_delivery} (reads only; nothing is re-sent).", "busy")

    def action_compare(self) -> None:
        from console.people.deliveries import check_delivery_id
        from screens.transactional.requests import compare

        delivery_id = self.query_one("#tx-compare", Input).value.strip()
        if not delivery_id:
            self.status("Not compared: type a delivery id under 'Compare with delivery' (a send fills it).", "warning")
            self.query_one("#tx-compare", Input).focus()
            return
        problem = check_delivery_id(delivery_id)
        fresh = self.preview is not None and self.previewed_data == self.form_values()
        if problem:
            self.status(f"Not compared: {problem.replace('DELIVERY_ID', 'the delivery id', 1)}", "error")
            return
        if not fresh or self.preview is None or self.preview.rendered is None:
            self.status("Not compared: preview the email first (pick a message, fill in To; ctrl+r).", "warning")
            return
        self.status(f"Reading delivery {delivery_id}'s archived message…", "busy")
        self.run_worker(
            compare(self, self.preview, delivery_id), exclusive=True, group="tx-compare", exit_on_error=False
        )

    def show_comparison(self, comparison) -> None:
        """The email box shows the preview beside the delivery (ctrl+r shows the preview again)."""
        from screens.transactional.views import comparison_text

        if not comparison.ok:
            self.status(f"Not compared: {comparison.explanation.title}", "error")
            self.query_one("#tx-findings", Static).update(Text(ui_text(comparison.explanation.text()), style="red"))
            return
        self.comparing = comparison.delivery_id
        self.query_one("#tx-email").border_title = f"Preview vs delivery {comparison.delivery_id}"
        self.query_one("#tx-rendered", Static).update(comparison_text(comparison))
        if self.has_class("-narrow") and not self.has_class("-email"):
            self.action_toggle_email()
        if comparison.same:
            self.status(f"The preview reads as delivery {comparison.delivery_id} did. ctrl+r: the preview.", "success")
        else:
            names = ", ".join(p.name for p in comparison.differing)
            self.status(f"Differs from delivery {comparison.delivery_id}: {names}. ctrl+r: the preview.", "warning")
