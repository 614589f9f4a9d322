"""Preview a transactional email before it goes out, then send exactly that request.

The send form's input is validated by the `send-transactional-email` spec and its
request is built once; the preview renders the template's variant around that same
request (or, for an email sent without a template, the send's own subject and body), and `send_preview` sends the very PreparedRequest the preview holds. Nothing is
rebuilt between preview and send, so what was previewed is what goes out.

The render is local (Customer.io has no render endpoint, reference §7.3): `trigger.*` is
the message_data, `customer.*` the recipient's profile when one exists. Without a
profile Customer.io creates the person on send, so `customer.*` then holds only the
identifier the send names.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

import httpx

from console.actions.catalog import get_action
from console.actions.guard import check_confirmation
from console.actions.spec import ActionSpec
from console.actions.validation import validate
from console.diagnose.explain import Explanation
from console.people.lookup import LookupOutcome, LookupResult, lookup_profile
from console.people.model import Profile
from console.transactional.html_text import html_to_text
from console.transactional.liquid import MissingVariable, Rendered, render
from console.transactional.templates import Template, Variant, list_templates, list_variants, pick_variant
from console.wire.credentials import Credentials
from console.wire.exchange import Exchange
from console.wire.request import PreparedRequest, build_request
from console.wire.transport import RetryPolicy, perform

SEND_EMAIL = "send-transactional-email"


@dataclass
class RenderedEmail:
    subject: Rendered
    preheader: Rendered
    body: Rendered  # the HTML
    sender: str = ""
    reply_to: str = ""

    @property
    def html(self) -> str:
        return self.body.output

    @property
    def text(self) -> str:
        """The HTML body as readable text (the raw HTML stays in `html`)."""
        return html_to_text(self.body.output)

    @property
    def parts(self) -> dict[str, Rendered]:
        return {"subject": self.subject, "preheader": self.preheader, "body": self.body}

    @property
    def missing(self) -> list[MissingVariable]:
        """Every variable some part uses and the data lacks; `has_default` only when
        every use in every part has a default."""
        merged: dict[str, bool] = {}
        for part in self.parts.values():
            for m in part.missing:
                merged[m.path] = merged.get(m.path, True) and m.has_default
        return [MissingVariable(path, default) for path, default in merged.items()]

    @property
    def unapplied(self) -> list[str]:
        """Filters some part uses that the preview cannot apply (values shown unfiltered)."""
        return list(dict.fromkeys(name for part in self.parts.values() for name in part.unapplied))

    @property
    def errors(self) -> list[str]:
        return [f"{name}: {part.error}" for name, part in self.parts.items() if part.error]


def unapplied_line(names: list[str]) -> str:
    """How the CLI and the console say that some filters were not applied."""
    return (
        f"Filters not applied in this preview: {', '.join(names)} (not standard Liquid: "
        "Customer.io's own, or misspelt). Their values are shown unfiltered; check the "
        "names against Customer.io's Liquid reference before sending."
    )


def customer_data(profile: Profile | None, identifiers: dict[str, Any]) -> dict[str, Any]:
    """What `customer.*` holds at send time."""
    if profile is None:
        return {k: v for k, v in identifiers.items() if k in ("id", "email", "cio_id")}
    data = dict(profile.attributes)
    data.update({k: v for k, v in profile.identifiers.items() if v is not None})
    return data


def liquid_context(message_data: dict[str, Any] | None, customer: dict[str, Any]) -> dict[str, Any]:
    return {"trigger": dict(message_data or {}), "customer": customer}


def render_email(
    variant: Variant | None, context: dict[str, Any], overrides: dict[str, Any] | None = None
) -> RenderedEmail:
    """Render a variant; a send's own subject/preheader/body replace the template's."""
    o = overrides or {}

    def source(key: str, fallback: str) -> str:
        return o[key] if o.get(key) is not None else fallback

    v = variant or Variant(None, "")
    return RenderedEmail(
        subject=render(source("subject", v.subject), context),
        preheader=render(source("preheader", v.preheader), context),
        body=render(source("body", v.body), context),
        sender=render(source("from", v.sender), context).output,
        reply_to=render(source("reply_to", v.reply_to), context).output,
    )


@dataclass
class EmailPreview:
    spec: ActionSpec
    request: PreparedRequest  # the exact request `send_preview` sends
    template: Template | None = None
    variants: list[Variant] = field(default_factory=list)
    variant: Variant | None = None
    recipient: LookupResult | None = None
    rendered: RenderedEmail | None = None
    notes: list[str] = field(default_factory=list)
    explanation: Explanation | None = None  # why there is no render (no such template, ...)
    failed: Exchange | None = None  # the read that failed, when one did
    context: dict[str, Any] = field(default_factory=dict)  # the Liquid data it was rendered with

    @property
    def missing(self) -> list[MissingVariable]:
        return self.rendered.missing if self.rendered else []

    @property
    def profile(self) -> Profile | None:
        return self.recipient.profile if self.recipient else None


def _identifiers(request: PreparedRequest) -> dict[str, Any]:
    body = request.body if isinstance(request.body, dict) else {}
    ids = body.get("identifiers")
    return ids if isinstance(ids, dict) else {}


async def _find_template(
    creds: Credentials, client: httpx.AsyncClient, reference: Any, preview: EmailPreview, policy: RetryPolicy
) -> Template | None:
    listing = await list_templates(creds, client, policy=policy)
    if not listing.read.ok:
        preview.explanation, preview.failed = listing.explanation, listing.read.exchange
        return None
    for template in listing.templates:
        if template.answers_to(reference):
            return template
    known = ", ".join(t.label.replace("  ", " ") for t in listing.templates[:8]) or "none"
    preview.explanation = Explanation(
        f"No transactional message {reference if str(reference).isdigit() else repr(reference)} in this workspace",
        "The transactional_message_id names no template by id or Trigger Name here "
        "(check the environment and region, too). A send would fail with 404.",
        [f"Pick one of: {known}."],
        field="transactional_message_id",
    )
    return None


async def _recipient(
    creds: Credentials,
    client: httpx.AsyncClient,
    identifiers: dict[str, Any],
    preview: EmailPreview,
    policy: RetryPolicy,
) -> None:
    if len(identifiers) != 1:
        return
    ((kind, value),) = identifiers.items()
    result = await lookup_profile(creds, client, str(value), kind, with_segments=False, policy=policy)
    preview.recipient = result
    if result.outcome == LookupOutcome.NOT_FOUND:
        preview.notes.append(
            f"no profile with {kind} {value!r} yet: Customer.io creates the person on "
            f"send, so customer.* holds only the {kind}"
        )
    elif result.outcome == LookupOutcome.AMBIGUOUS:
        preview.notes.append(
            f"{len(result.matches)} people share the email {value!r}: customer.* is left "
            'empty; send with identifiers {"cio_id": ...} to preview one of them'
        )
    elif result.outcome == LookupOutcome.FAILED:
        title = result.explanation.title if result.explanation else "the read failed"
        preview.notes.append(f"could not read the recipient's profile ({title}); customer.* is left empty")
    elif result.profile is not None and result.profile.unsubscribed:
        if preview.spec.value("send_to_unsubscribed") is False:
            preview.notes.append(
                "the recipient is unsubscribed and send_to_unsubscribed is false: "
                "Customer.io will not deliver this message"
            )
        else:
            preview.notes.append(
                "the recipient is unsubscribed; transactional sends still reach them "
                "unless send_to_unsubscribed is false"
            )


async def preview_email(
    creds: Credentials,
    client: httpx.AsyncClient,
    data: dict[str, Any],
    *,
    queue_draft: bool | None = None,
    policy: RetryPolicy = RetryPolicy(),
) -> EmailPreview:
    """Validate the send form, build its request and render what it would send.

    Raises InvalidInput (naming the field) and MissingCredential; API failures while
    reading the template or the recipient are explained in the preview."""
    data = dict(data)
    if queue_draft is not None:
        data["queue_draft"] = queue_draft
    spec = validate(get_action(SEND_EMAIL), data)
    preview = EmailPreview(spec, build_request(spec, creds))
    preview.notes += preview.request.notes
    identifiers = _identifiers(preview.request)
    overrides = {k: spec.value(k) for k in ("subject", "preheader", "body", "from", "reply_to")}
    reference = spec.value("transactional_message_id")
    if reference is None:
        # Sent without a template: the message is the send's own subject, body and from.
        await _recipient(creds, client, identifiers, preview, policy)
        preview.notes.append("sent without a template: the subject, body and from are the send's own")
        context = preview.context = liquid_context(
            spec.value("message_data"), customer_data(preview.profile, identifiers)
        )
        preview.rendered = render_email(None, context, overrides)
        return preview
    # The template and the recipient are independent reads: one round trip, not two.
    template, _ = await asyncio.gather(
        _find_template(creds, client, reference, preview, policy),
        _recipient(creds, client, identifiers, preview, policy),
    )
    if template is None:
        return preview
    preview.template = template
    contents = await list_variants(creds, client, template.id, policy=policy)
    if not contents.read.ok:
        preview.explanation, preview.failed = contents.explanation, contents.read.exchange
        return preview
    preview.variants = contents.variants
    preview.variant, note = pick_variant(contents.variants, spec.value("language"))
    if note:
        preview.notes.append(note)
    if preview.variant is None:
        preview.notes.append("the template has no content variants; only the send's own fields render")
    elif preview.variant.type != "email":
        preview.notes.append(
            f"template {template.id} is a {preview.variant.type} template, not an email: "
            "an email send with it is likely to fail (send-push sends push templates)"
        )
    context = preview.context = liquid_context(spec.value("message_data"), customer_data(preview.profile, identifiers))
    preview.rendered = render_email(preview.variant, context, overrides)
    return preview


async def send_preview(
    preview: EmailPreview,
    creds: Credentials,
    client: httpx.AsyncClient,
    *,
    confirmation: str | None = None,
    policy: RetryPolicy = RetryPolicy(),
) -> Exchange:
    """Send the previewed request, unchanged. In a protected environment the recipient
    must be typed as `confirmation` (raises ConfirmationRequired; nothing is sent).
    A send is never re-sent after a lost answer (the transport's rule for sends)."""
    check_confirmation(preview.spec, creds, confirmation)
    return await perform(preview.request, client, repeat_safe=preview.spec.INFO.is_repeat_safe, policy=policy)
