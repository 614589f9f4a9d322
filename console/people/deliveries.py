"""One delivery (a message sent to one person), read and followed to its end.

`read_delivery` reads `GET /v1/messages/{id}` into a `Delivery`: its metrics with their
times, the state they add up to, the failure message; `read_archived` reads what was
actually sent (`…/archived_message`). `follow` polls a delivery until it settles or a
time limit passes, yielding each state change with its time.

State. The App document gives a message no `state` field: its `metrics` object holds the
time each metric was reached ("only metrics that have been recorded"). So the state is
worked out from the metrics (the latest; failures outrank the rest), and a `state` field
is used only when no metric has been recorded yet (the sandbox sends `queued` or
`scheduled` there; UNCONFIRMED what Customer.io sends).

Settled. A failure metric (bounced, failed, dropped, undeliverable, suppressed) ends it
badly; delivered, opened, clicked or converted end it well. `sent` ends it well only on
channels whose provider reports no delivery: the App document's reporting webhooks give
email, push and SMS a `delivered` metric (and a `bounced` one), in-app, inbox, Slack and
webhooks only `sent` — so an email that is only `sent` may still bounce and is followed on.
A draft (`queue_draft`) waits for a person to send it in Customer.io: settled, not sent.

Polling never sends anything: it is a read, so a lost answer is harmless to repeat (the
transport already retries it) and the next poll comes anyway. It stays well under the App
API's 10 requests/s (reference §8.2): the first poll waits `first_wait` (1 s), each later
wait grows by half, up to `max_wait`. A 404 right after a send means the delivery is not
visible yet (UNCONFIRMED how long Customer.io takes): it is polled again, never reported as
a failure, and if it stays invisible the outcome is unknown — the send was accepted, so the
message may still arrive.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import httpx

from console import words
from console.diagnose.explain import Explanation
from console.people.app_reads import ReadResult, path_segment, read_json
from console.wire import clock
from console.wire.clock import utc_text
from console.wire.credentials import Credentials
from console.wire.exchange import Exchange

SUCCESS_METRICS = ("delivered", "opened", "clicked", "converted")
FAILURE_METRICS = ("bounced", "failed", "dropped", "undeliverable", "suppressed")
# The App document's reporting webhooks give these channels a `delivered` metric; the
# message `type` names SMS by its provider (twilio).
RECEIPT_CHANNELS = ("email", "push", "twilio", "sms")
# Metrics that are counts, not times (APP-SPEC: "The number of `clicked` messages…").
COUNT_PREFIXES = ("human_", "prefetch_")
# Where two metrics share a second, the later step of a delivery's life wins.
ORDER = (
    "created",
    "drafted",
    "attempted",
    "sent",
    "delivered",
    "opened",
    "clicked",
    "converted",
    "unsubscribed",
    "spammed",
    *FAILURE_METRICS,
)
PARENTS = ("transactional_message_id", "broadcast_id", "campaign_id", "newsletter_id", "action_id")
TEMPLATE_LABELS = {
    "transactional_message_id": "transactional",
    "broadcast_id": "broadcast",
    "campaign_id": "campaign",
    "newsletter_id": "newsletter",
}


class Verdict(StrEnum):
    SUCCESS = "success"  # delivered (or sent, where the channel reports no delivery)
    FAILURE = "failure"  # bounced, failed, dropped, undeliverable, suppressed
    DRAFTED = "drafted"  # queued as a draft: not sent until someone sends it in Customer.io
    PENDING = "pending"  # not settled yet: it may still arrive (or still bounce)


def utc(ts: int | float | None) -> str:
    """A delivery's times are told to the second: its steps can be seconds apart."""
    return utc_text(ts, seconds=True)


def _rank(name: str) -> int:
    return ORDER.index(name) if name in ORDER else len(ORDER)


@dataclass(frozen=True)
class Metric:
    name: str
    at: int | None  # unix seconds; None for the count metrics
    count: int | None = None


@dataclass
class Delivery:
    id: str
    channel: str  # the document's `type`: email, push, twilio (SMS), in_app, webhook...
    metrics: list[Metric]  # the times, in the order they happened
    counts: list[Metric] = field(default_factory=list)  # human_/prefetch_ counts
    failure_message: str | None = None
    recipient: str | None = None
    subject: str | None = None
    created: int | None = None
    parents: dict[str, Any] = field(default_factory=dict)  # transactional_message_id, broadcast_id...
    customer: dict[str, Any] = field(default_factory=dict)  # customer_identifiers
    forgotten: bool = False
    reported_state: str | None = None  # a `state` field, when the answer has one
    raw: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Delivery:
        times, counts = [], []
        for name, value in (data.get("metrics") or {}).items():
            if not isinstance(value, (int, float)) or isinstance(value, bool):
                continue
            if name.startswith(COUNT_PREFIXES):
                counts.append(Metric(name, None, int(value)))
            else:
                times.append(Metric(name, int(value)))
        times.sort(key=lambda m: (m.at or 0, _rank(m.name)))
        customer = data.get("customer_identifiers")
        return cls(
            id=str(data.get("id") or ""),
            channel=str(data.get("type") or ""),
            metrics=times,
            counts=counts,
            failure_message=data.get("failure_message") or None,
            recipient=data.get("recipient") or None,
            subject=data.get("subject") or None,
            created=data.get("created") if isinstance(data.get("created"), int) else None,
            parents={k: data[k] for k in PARENTS if data.get(k) is not None},
            customer=dict(customer) if isinstance(customer, dict) else {},
            forgotten=bool(data.get("forgotten")),
            reported_state=data.get("state") if isinstance(data.get("state"), str) else None,
            raw=data,
        )

    def has(self, name: str) -> bool:
        return any(m.name == name for m in self.metrics)

    @property
    def state_at(self) -> int | None:
        """When it reached its state: that metric's time, else its latest, else its creation."""
        reached = [m.at for m in self.metrics if m.name == self.state and m.at is not None]
        latest = [m.at for m in self.metrics if m.at is not None]
        return max(reached or latest, default=None) or self.created

    @property
    def template_label(self) -> str:
        """What it was sent from: "transactional 3", "broadcast 7"…, or ""."""
        for key, label in TEMPLATE_LABELS.items():
            value = self.parents.get(key)
            if value not in (None, "", 0):
                return f"{label} {value}"
        return ""

    @property
    def failure(self) -> Metric | None:
        return next((m for m in self.metrics if m.name in FAILURE_METRICS), None)

    @property
    def state(self) -> str:
        """The metric the delivery has reached (a failure outranks the rest)."""
        if self.failure is not None:
            return self.failure.name
        if self.metrics:
            return max(self.metrics, key=lambda m: (m.at or 0, _rank(m.name))).name
        return self.reported_state or "queued"

    @property
    def has_receipts(self) -> bool:
        return self.channel in RECEIPT_CHANNELS

    @property
    def verdict(self) -> Verdict:
        if self.failure is not None:
            return Verdict.FAILURE
        if any(self.has(name) for name in SUCCESS_METRICS):
            return Verdict.SUCCESS
        if self.has("sent") and not self.has_receipts:
            return Verdict.SUCCESS
        if self.has("drafted") or self.state == "drafted":
            return Verdict.DRAFTED
        return Verdict.PENDING

    def summary(self, *, with_failure: bool = True) -> str:
        """One line: where it stands, in words a support person can repeat (without the
        failure message when the face shows that on a line of its own)."""
        state, verdict = self.state, self.verdict
        to = f" to {self.recipient}" if self.recipient else ""
        if verdict == Verdict.FAILURE:
            by = f" by {self.recipient}" if self.recipient else ""
            why = f": {self.failure_message}" if self.failure_message and with_failure else ""
            return f"{state}: not received{by}{why}"
        if verdict == Verdict.SUCCESS:
            if state == "sent":
                return f"sent{to} (this channel reports no delivery: sent is as far as it goes)"
            if self.has("spammed"):
                return f"delivered{to}, then reported as spam"
            return f"delivered{to}" + (f", then {state}" if state != "delivered" else "")
        if verdict == Verdict.DRAFTED:
            return f"queued as a draft{to}: it goes out only when someone sends the draft in Customer.io"
        if state == "sent":
            return f"sent{to}; no delivery receipt yet (it may still be delivered, or bounce)"
        return f"{state}{to}: not sent yet"

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "channel": self.channel,
            "state": self.state,
            "verdict": self.verdict.value,
            "summary": self.summary(),
            "metrics": [{"name": m.name, "at": m.at, "at_utc": utc(m.at)} for m in self.metrics],
            "counts": {m.name: m.count for m in self.counts},
            "failure_message": self.failure_message,
            "recipient": self.recipient,
            "subject": self.subject,
            "created": self.created,
            **self.parents,
            "customer_identifiers": self.customer,
            "forgotten": self.forgotten,
        }


@dataclass
class ArchivedMessage:
    id: str
    subject: str = ""
    body: str = ""  # as archived: HTML for an email
    sender: str = ""
    recipient: str = ""
    reply_to: str = ""
    preheader: str = ""
    bcc: str = ""
    forgotten: bool = False

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ArchivedMessage:
        def text(key: str) -> str:
            value = data.get(key)
            return value if isinstance(value, str) else ""

        return cls(
            id=text("id"),
            subject=text("subject"),
            body=text("body"),
            sender=text("from"),
            recipient=text("recipient"),
            reply_to=text("reply_to"),
            preheader=text("preheader_text"),
            bcc=text("bcc"),
            forgotten=bool(data.get("forgotten")),
        )

    @property
    def text(self) -> str:
        """The body as readable text (an email's HTML converted; plain text stays as is)."""
        from console.transactional.html_text import html_to_text

        return html_to_text(self.body) if "<" in self.body else self.body.strip()

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "subject": self.subject,
            "from": self.sender,
            "recipient": self.recipient,
            "reply_to": self.reply_to,
            "preheader": self.preheader,
            "bcc": self.bcc,
            "forgotten": self.forgotten,
            "body": self.body,
            "text": self.text,
        }


@dataclass
class DeliveryRead:
    read: ReadResult
    delivery: Delivery | None = None
    explanation: Explanation | None = None

    @property
    def ok(self) -> bool:
        return self.delivery is not None

    @property
    def exchange(self) -> Exchange:
        return self.read.exchange

    @property
    def not_found(self) -> bool:
        return self.read.status == 404


@dataclass
class ArchiveRead:
    read: ReadResult
    message: ArchivedMessage | None = None
    explanation: Explanation | None = None

    @property
    def ok(self) -> bool:
        return self.message is not None


def _not_found(delivery_id: str, what: str, result: ReadResult) -> Explanation:
    said = result.explanation.api_message if result.explanation else None
    return Explanation(
        f"404 Not Found: no {what} for delivery {delivery_id!r} in this workspace",
        "The App API does not know this delivery id here: a typo, a delivery of another "
        "workspace or region, or (right after a send) one not visible yet."
        if what == "message"
        else "Customer.io archives a message's content once it is sent: a message that was "
        "never sent (undeliverable, dropped, a draft), or one sent with message retention "
        "disabled, has none.",
        [
            "Check the id: it is the send's delivery_id (or a message id from `profile messages`), "
            "and the environment is the one it was sent from."
        ],
        api_message=said,
    )


def _shape_problem(delivery_id: str, what: str) -> Explanation:
    return Explanation(
        f"The answer for delivery {delivery_id!r} holds no {what}",
        "Customer.io answered 2xx, but not with the App document's shape (a proxy, or a wrong base URL override).",
        ["Check CIO_APP_URL or the environment's base URL, then try again."],
    )


async def read_delivery(creds: Credentials, client: httpx.AsyncClient, delivery_id: str) -> DeliveryRead:
    """`GET /v1/messages/{id}`. Raises MissingCredential without an App API key."""
    result = await read_json(creds, client, f"/v1/messages/{path_segment(delivery_id)}")
    if not result.ok:
        explanation = _not_found(delivery_id, "message", result) if result.status == 404 else result.explanation
        return DeliveryRead(result, explanation=explanation)
    message = result.data.get("message") if isinstance(result.data, dict) else None
    if not isinstance(message, dict):
        return DeliveryRead(result, explanation=_shape_problem(delivery_id, "message"))
    return DeliveryRead(result, delivery=Delivery.from_json(message))


async def read_archived(creds: Credentials, client: httpx.AsyncClient, delivery_id: str) -> ArchiveRead:
    """`GET /v1/messages/{id}/archived_message`: what was actually sent."""
    result = await read_json(creds, client, f"/v1/messages/{path_segment(delivery_id)}/archived_message")
    if not result.ok:
        explanation = _not_found(delivery_id, "archived content", result) if result.status == 404 else None
        return ArchiveRead(result, explanation=explanation or result.explanation)
    archived = result.data.get("archived_message") if isinstance(result.data, dict) else None
    if not isinstance(archived, dict):
        return ArchiveRead(result, explanation=_shape_problem(delivery_id, "archived_message"))
    return ArchiveRead(result, message=ArchivedMessage.from_json(archived))


MAX_ID = 200  # bytes; a delivery id is ~40 characters


def check_delivery_id(value: str) -> str | None:
    """What is wrong with a delivery id as typed (named DELIVERY_ID), or None: checked
    before anything is read, so a bad id never becomes a request."""
    from console.actions.validation import text_problem

    trouble = text_problem(value)
    if trouble:
        return f"DELIVERY_ID {trouble}"
    if not value.strip():
        return "DELIVERY_ID is empty: give the send's delivery_id"
    if len(value.encode()) > MAX_ID or any(c.isspace() or ord(c) < 32 for c in value):
        shown = value if len(value) <= 80 else value[:80] + "…"
        return f"DELIVERY_ID {shown!r} is not a delivery id (no spaces or control characters, at most {MAX_ID} bytes)"
    return None


def delivery_id_of(exchange: Exchange | None) -> str | None:
    """The delivery id a transactional send's answer names (`{"delivery_id", "queued_at"}`)."""
    if exchange is None or not exchange.ok or exchange.response is None:
        return None
    try:
        body = exchange.response.json()
    except ValueError:
        return None
    value = body.get("delivery_id") if isinstance(body, dict) else None
    return str(value) if isinstance(value, (str, int)) and not isinstance(value, bool) and str(value) else None


# -- following ----------------------------------------------------------------------------
FIRST_WAIT = 1.0  # s before the second read; the App API allows 10 reads/s, this is 1/s at most
GROWTH = 1.5
MAX_WAIT = 10.0
DEFAULT_TIMEOUT = 60.0
# Answers that say "not now" rather than "no": polled again. 404 too, right after a send.
TRANSIENT = (408, 425, 429, 500, 502, 503, 504)


class FollowEnd(StrEnum):
    SETTLED = "settled"  # the delivery reached a verdict (see Verdict)
    TIME_LIMIT = "time_limit"  # still pending when the time ran out: it may still arrive
    NO_ANSWER = "no_answer"  # no read was answered: nothing is known
    READ_FAILED = "read_failed"  # the App API refused the reads (401, 403, 404 not after a send...)


@dataclass(frozen=True)
class FollowEvent:
    """What `follow` yields: a state change (`state`, with the metric's time `at`), a read
    that did not work out and is tried again (`retry`), and last, once, the `end`."""

    kind: str  # "state" | "retry" | "end"
    state: str = ""
    at: int | None = None  # the metric's unix time (Customer.io's clock), when it has one
    delivery: Delivery | None = None  # the latest read
    detail: str = ""
    end: FollowEnd | None = None
    explanation: Explanation | None = None  # a read_failed end's
    elapsed_s: float = 0.0

    @property
    def verdict(self) -> Verdict | None:
        if self.kind != "end":
            return None
        if self.end == FollowEnd.SETTLED and self.delivery is not None:
            return self.delivery.verdict
        return Verdict.PENDING if self.end == FollowEnd.TIME_LIMIT else None

    def line(self) -> str:
        """The event as a face prints it."""
        if self.kind == "state":
            return f"{utc(self.at) if self.at is not None else '-':<23}  {self.state}"
        if self.kind == "retry":
            return f"{'':<23}  ({self.detail})"
        return self.detail


Sleep = Callable[[float], Awaitable[None]]


async def follow(
    creds: Credentials,
    client: httpx.AsyncClient,
    delivery_id: str,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    just_sent: bool = True,
    first_wait: float = FIRST_WAIT,
    max_wait: float = MAX_WAIT,
    sleep: Sleep | None = None,
    monotonic: Callable[[], float] | None = None,
) -> AsyncIterator[FollowEvent]:
    """Poll the delivery until it settles or `timeout` seconds pass; never sends.

    Yields each metric as it appears (in the order it happened, with its time), a `retry`
    event for a read that will be tried again, and one `end` event. The clock is
    `console.wire.clock`'s unless given, so tests move time instead of waiting."""
    now = monotonic or clock.monotonic
    pause = sleep or clock.sleep
    start = now()
    deadline = start + timeout
    seen: set[str] = set()
    reported_queued = False
    wait = first_wait
    last: Delivery | None = None
    answered = False
    said = ""  # the last retry's detail: a run of the same one is said once

    def end(kind: FollowEnd, detail: str, explanation: Explanation | None = None) -> FollowEvent:
        return FollowEvent(
            "end",
            state=last.state if last else "",
            delivery=last,
            detail=detail,
            end=kind,
            explanation=explanation,
            elapsed_s=now() - start,
        )

    while True:
        found = await read_delivery(creds, client, delivery_id)
        if found.delivery is not None:
            answered, said = True, ""
            last = found.delivery
            if not last.metrics and not reported_queued:
                reported_queued = True
                yield FollowEvent("state", state=last.state, at=last.created, delivery=last)
            for metric in last.metrics:
                if metric.name not in seen:
                    seen.add(metric.name)
                    yield FollowEvent("state", state=metric.name, at=metric.at, delivery=last)
            if last.verdict != Verdict.PENDING:
                yield end(FollowEnd.SETTLED, last.summary())
                return
        else:
            status = found.read.status
            if status is not None:
                answered = True
            if status is None or status in TRANSIENT or (status == 404 and just_sent):
                if status == 404:
                    detail = "not visible yet (404); reading again"
                elif status is None:
                    failure = found.exchange.failure
                    detail = (
                        f"no answer ({failure.value if failure else 'lost'}); reading again (a read, safe to repeat)"
                    )
                else:
                    detail = f"{status} from the App API; reading again"
                if detail != said:
                    yield FollowEvent("retry", delivery=last, detail=detail)
                said = detail
            else:
                yield end(
                    FollowEnd.READ_FAILED,
                    found.explanation.title if found.explanation else f"the read failed ({status})",
                    found.explanation,
                )
                return
        left = deadline - now()
        if left <= 0:
            break
        await pause(min(wait, left))
        wait = min(wait * GROWTH, max_wait)
    if last is not None:
        yield end(
            FollowEnd.TIME_LIMIT,
            f"unknown after {timeout:g} s: {last.summary()}; it may still arrive. Nothing was re-sent: "
            f"{words.delivery_later(delivery_id)} shows where it stands later",
        )
    elif answered:
        yield end(
            FollowEnd.TIME_LIMIT,
            f"unknown after {timeout:g} s: the delivery could not be read yet (last: {said or 'no answer'}); "
            f"the send was accepted, so it may still arrive. Nothing was re-sent",
        )
    else:
        yield end(
            FollowEnd.NO_ANSWER,
            f"unknown after {timeout:g} s: no read of the delivery was answered (network). Nothing was re-sent",
        )
