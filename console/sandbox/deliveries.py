"""Deliveries: what a send becomes, how it moves through its states, and how it is read.

A send is decided when it arrives (who, which address, whether anything stops it) and
then plays out on the sandbox's clock: one step every `delivery_delay` seconds
(queued -> sent -> delivered -> opened), each step a metric with its time and an
activity on the person. `advance` applies the steps whose time has come; it runs before
every request, so what a client reads is always up to date, and tests move time with
the injected clock instead of sleeping.

The stories it tells (README, "The sandbox"):
- an address at bounce.example.com is sent, then hard-bounces, and joins the email
  provider's suppression list (esp.py); later email to it is dropped;
- an address at spam.example.com is delivered, then reported as spam (and suppressed);
- a person with `unsubscribed: true` (unless the send or template has
  send_to_unsubscribed) or with the template's subscription topic off is not sent to;
- a push to a person without a device fails; an email whose `to` renders empty (no
  email attribute) is undeliverable; a template whose Liquid does not render fails.

Names: the App document's message metrics (sent, delivered, opened, clicked, converted,
bounced, spammed, dropped, failed, undeliverable, drafted...) and its activity types
(`sent_email`, `bounced_email`, `failed_push`...). The document gives a message no
`state`; the sandbox's `state` is the latest metric's name, or `queued`/`scheduled`
before the first (UNCONFIRMED: what Customer.io reports there).
"""

from __future__ import annotations

import heapq
from datetime import UTC, datetime
from email.utils import getaddresses
from functools import cache
from typing import TYPE_CHECKING, Any

from . import activities, esp
from .app_reads import person_of
from .checks import canonical_id
from .errors import meta_error
from .messages import ApiRequest, ApiResponse
from .paging import cursor_of, limit_of, page
from .routing import route
from .state import Delivery, Person, Template, Variant, Workspace
from .subscriptions import is_subscribed

if TYPE_CHECKING:
    from liquid import Environment

    from .sandbox import Sandbox

BOUNCE_DOMAIN = "bounce.example.com"
SPAM_DOMAIN = "spam.example.com"
MESSAGES_LIMIT, MESSAGES_DEFAULT = 1000, 50
# APP-SPEC's message `type` names SMS by its provider.
MESSAGE_TYPES = {"sms": "twilio"}
NOT_SENT = ("dropped", "failed", "undeliverable")


def channel_type(channel: str) -> str:
    return MESSAGE_TYPES.get(channel, channel)


@cache
def _liquid() -> Environment:
    # Deferred: python-liquid is only needed once something is sent.
    from liquid import Environment

    return Environment()


def _render(text: str | None, data: dict[str, Any]) -> str:
    return _liquid().from_string(text or "").render(**data) if text else ""


# -- deciding a send ------------------------------------------------------------
def create(
    sb: Sandbox,
    channel: str,
    body: dict[str, Any],
    template: Template | None,
    person: Person | None,
    blocked: str | None,
) -> Delivery:
    """The delivery for an accepted send, with its steps planned; `blocked` is why a
    suppressed identifier left no person."""
    ws, now_f = sb.state, sb.config.clock()
    now = int(now_f)
    send_at = body.get("send_at")
    d = Delivery(
        delivery_id=ws.new_delivery_id(),
        channel=channel,
        queued_at=now,
        state="queued",
        transactional_message_id=template.id if template else None,
        identifiers=dict(body["identifiers"]),
        cio_id=person.cio_id if person else None,
        to=body.get("to"),
        language=body.get("language"),
        send_at=send_at,
        request=body,
        seq=len(ws.all_deliveries()) + 1,
    )
    if channel == "email":
        d.delivery_type = "email"
    elif channel == "sms":
        d.delivery_type = "phone"
    elif channel == "push" and person is not None and person.devices:
        d.delivery_type = max(person.devices.values(), key=lambda x: x.last_used or 0).platform
    if person is not None and body.get("queue_draft"):
        d.plan = [(now_f, "drafted", None)]
    else:
        start = now_f
        if person is not None and send_at is not None and send_at > now:
            d.state, start = "scheduled", float(send_at)
        steps = [("dropped", f"not sent: {blocked}")] if person is None else _outcome(ws, d, person, template, body)
        d.plan = [(start + sb.config.delivery_delay * (i + 1), metric, why) for i, (metric, why) in enumerate(steps)]
    ws.deliveries.append(d)
    for i, step in enumerate(d.plan):
        heapq.heappush(ws.due_steps, (step[0], d.seq, i, d))
    advance(sb)  # with no delay, the delivery has already settled
    return d


def not_sent_reason(d: Delivery) -> str | None:
    planned = next((why for _, metric, why in d.plan if metric in NOT_SENT), None)
    return planned or (d.failure_message if d.state in NOT_SENT else None)


def _variant(template: Template | None, language: str | None) -> Variant | None:
    if template is None:
        return None
    return template.variant(language) or template.default_variant()


def _outcome(
    ws: Workspace, d: Delivery, person: Person, template: Template | None, body: dict[str, Any]
) -> list[tuple[str, str | None]]:
    send_to_unsubscribed = body.get("send_to_unsubscribed", template.send_to_unsubscribed if template else True)
    if person.unsubscribed and not send_to_unsubscribed:
        return [
            (
                "undeliverable",
                "not sent: the person is unsubscribed (unsubscribed: true) and send_to_unsubscribed is false",
            )
        ]
    topic = ws.topics.get(template.subscription_topic_id) if template and template.subscription_topic_id else None
    # A topic turned off stops the message whatever send_to_unsubscribed says (UNCONFIRMED).
    if topic is not None and not is_subscribed(person, topic):
        return [
            (
                "undeliverable",
                f"not sent: the person is unsubscribed from the message's subscription topic "
                f"{topic.id} ({topic.name}): cio_subscription_preferences.topics."
                f"{topic.identifier} is false",
            )
        ]
    try:
        d.content = content_for(d.channel, person, template, body)
    except Exception as exc:  # noqa: BLE001 - any Liquid error fails the delivery, as Customer.io's does
        return [("failed", f"Liquid error: {str(exc).splitlines()[0]}")]
    if d.channel == "email":
        return _email_outcome(ws, d)
    if d.channel == "push":
        if not person.devices:
            return [("failed", "not sent: the person has no device to push to (none was added, or all were removed)")]
        return [("sent", None), ("delivered", None), ("opened", None)]
    if d.channel == "sms":
        return [("sent", None), ("delivered", None)]
    return [("sent", None), ("opened", None)]


def content_for(channel: str, person: Person, template: Template | None, body: dict[str, Any]) -> dict[str, Any]:
    """What Customer.io renders and archives: the template's fields, overridden by the send's."""
    v = _variant(template, body.get("language"))
    data = {
        "customer": {**person.attributes, "id": person.id, "email": person.email, "cio_id": person.cio_id},
        "trigger": body.get("message_data") or {},
    }

    def field(override: str, from_variant: str) -> str:
        text = (
            body.get(override)
            if isinstance(body.get(override), str) and body.get(override)
            else (getattr(v, from_variant) if v is not None else "")
        )
        return _render(text, data)

    if channel == "email":
        return {
            "subject": field("subject", "subject"),
            "body": field("body", "body"),
            "from": field("from", "from_"),
            "reply_to": field("reply_to", "reply_to"),
            "preheader_text": field("preheader", "preheader_text"),
            "recipient": _render(body.get("to"), data),
            "bcc": _render(body.get("bcc"), data),
        }
    if channel == "push":
        return {"subject": field("title", "subject"), "body": field("message", "body")}
    content = {"body": field("body", "body")}
    if channel == "sms":
        content["recipient"] = _render(body.get("to"), data)
    return content


def _email_outcome(ws: Workspace, d: Delivery) -> list[tuple[str, str | None]]:
    found = [addr for _, addr in getaddresses([d.content.get("recipient", "")]) if addr]
    if not found:
        return [
            (
                "undeliverable",
                "not sent: no email address: `to` rendered empty (does the person have an email attribute?)",
            )
        ]
    address = d.recipient = found[0]
    blocked = sorted(esp.entries_for(ws, address), key=lambda s: s.created)
    if blocked:
        since = datetime.fromtimestamp(blocked[0].created, tz=UTC).strftime("%Y-%m-%d %H:%M UTC")
        return [
            (
                "dropped",
                f"not sent: {address} is on the email provider's suppression list "
                f"({blocked[0].category} since {since}: {blocked[0].reason})",
            )
        ]
    domain = address.rsplit("@", 1)[-1].lower()
    if domain == BOUNCE_DOMAIN or domain.endswith("." + BOUNCE_DOMAIN):
        return [("sent", None), ("bounced", esp.BOUNCE_REASON)]
    if domain == SPAM_DOMAIN or domain.endswith("." + SPAM_DOMAIN):
        return [("sent", None), ("delivered", None), ("spammed", esp.SPAM_REASON)]
    return [("sent", None), ("delivered", None), ("opened", None)]


# -- playing it out -----------------------------------------------------------------
def advance(sb: Sandbox) -> None:
    """Apply every planned step whose time has come, in time order across deliveries."""
    ws = sb.state
    if not ws.due_steps:
        return
    now = sb.config.clock()
    while ws.due_steps and ws.due_steps[0][0] <= now:
        _, _, _, d = heapq.heappop(ws.due_steps)
        # A delivery's steps are due in order, so the one popped is always its first.
        at, metric, why = d.plan.pop(0)
        apply_metric(ws, d, metric, int(at), why)


def apply_metric(ws: Workspace, d: Delivery, metric: str, at: int, failure: str | None = None) -> None:
    d.metrics.append({"name": metric, "timestamp": at})
    d.state = metric
    if failure is not None:
        d.failure_message = failure
    data: dict[str, Any] = {"delivery_id": d.delivery_id}
    if metric == "delivered":
        data["delivered"] = at
    if metric == "opened":
        data["opened"] = True
    if failure is not None:
        data["failure_message"] = failure
    person = ws.people.get(d.cio_id) if d.cio_id else None
    activities.record(
        ws,
        person,
        f"{metric}_{channel_type(d.channel)}",
        at,
        data=data,
        delivery_id=d.delivery_id,
        delivery_type=d.delivery_type,
    )
    if d.recipient and metric == "bounced":
        esp.add(ws, d.recipient, "bounces", at, esp.BOUNCE_REASON)
    elif d.recipient and metric == "spammed":
        esp.add(ws, d.recipient, "spam", at, esp.SPAM_REASON)


# -- reading ------------------------------------------------------------------------
def _recipient(d: Delivery) -> str | None:
    """The address a delivery went to, when it has one: APP-SPEC's `recipient` is a string,
    never null. A push to "all" or "last_used" devices, an in-app or an inbox message names
    no address; what Customer.io shows there is UNCONFIRMED, so the key is left out."""
    if d.recipient:
        return d.recipient
    if not isinstance(d.to, str) or not d.to:
        return None
    if d.channel == "push" and d.to in ("all", "last_used"):
        return None
    return d.to if d.channel in ("email", "sms", "push") else None


def message_json(sb: Sandbox, d: Delivery) -> dict[str, Any]:
    person = sb.state.people.get(d.cio_id) if d.cio_id else None
    data = {
        "id": d.delivery_id,
        "deduplicate_id": f"{d.delivery_id}:{d.queued_at}",
        "type": channel_type(d.channel),
        "created": d.queued_at,
        "state": d.state,
        "transactional_message_id": d.transactional_message_id,
        "customer_identifiers": person.identifiers() if person else dict(d.identifiers),
        "send_at": d.send_at,
        "metrics": {m["name"]: m["timestamp"] for m in d.metrics},
        "failure_message": d.failure_message,
    }
    if person is not None and person.id is not None:
        # A string in the listing's schema (no null there): left out for a person without an id.
        data["customer_id"] = person.id
    recipient = _recipient(d)
    if recipient is not None:
        data["recipient"] = recipient
    if d.content.get("subject"):
        data["subject"] = d.content["subject"]
    return data


def _delivery(sb: Sandbox, req: ApiRequest) -> tuple[Delivery | None, ApiResponse | None]:
    wanted = req.params["message_id"]
    for d in sb.state.all_deliveries():
        if d.delivery_id == wanted:
            return d, None
    return None, meta_error(f"message_id: no message {wanted!r}", 404)


def get_message(sb: Sandbox, req: ApiRequest) -> ApiResponse:
    d, error = _delivery(sb, req)
    if error:
        return error
    assert d is not None  # one or the other
    return ApiResponse(200, {"message": message_json(sb, d)})


def get_archived_message(sb: Sandbox, req: ApiRequest) -> ApiResponse:
    d, error = _delivery(sb, req)
    if error:
        return error
    assert d is not None  # one or the other
    if not any(m["name"] == "sent" for m in d.metrics) or not d.content:
        # Whether Customer.io archives a message it never sent is UNCONFIRMED; the sandbox does not.
        return meta_error(f"message_id: {d.delivery_id} was not sent ({d.state}), so nothing was archived", 404)
    archived = {
        "id": d.delivery_id,
        "fake_bcc": False,
        "headers": {},
        **{k: v for k, v in d.content.items() if isinstance(v, str)},
    }
    if _recipient(d):
        archived["recipient"] = _recipient(d)
    return ApiResponse(200, {"archived_message": archived})


def _timestamp_param(req: ApiRequest, name: str) -> tuple[int | None, ApiResponse | None]:
    raw = req.query_value(name)
    if raw in (None, ""):
        return None, None
    value = canonical_id(raw)
    if value is None:
        return None, meta_error(f"{name}: must be a unix timestamp in seconds, not {raw!r}")
    return value, None


def get_person_messages(sb: Sandbox, req: ApiRequest) -> ApiResponse:
    person, error = person_of(sb, req)
    limit, error = (0, error) if error else limit_of(req, MESSAGES_DEFAULT, MESSAGES_LIMIT)
    start, error = (None, error) if error else cursor_of(req)
    start_ts, error = (None, error) if error else _timestamp_param(req, "start_ts")
    end_ts, error = (None, error) if error else _timestamp_param(req, "end_ts")
    if error:
        return error
    assert person is not None  # one or the other
    mine = [
        d
        for d in sb.state.all_deliveries()
        if d.cio_id == person.cio_id
        and (start_ts is None or d.queued_at >= start_ts)
        and (end_ts is None or d.queued_at <= end_ts)
    ]
    chosen, following = page(mine, lambda d: (d.queued_at, d.seq), start, limit)
    return ApiResponse(200, {"messages": [message_json(sb, d) for d in chosen], "next": following})


ROUTES = [
    route("GET", "/v1/customers/{customer_id}/messages", get_person_messages),
    route("GET", "/v1/messages/{message_id}", get_message),
    route("GET", "/v1/messages/{message_id}/archived_message", get_archived_message),
]
