"""The doctor: every check that can stop a message reaching one person, with the evidence.

"They never got the email" has a handful of causes, each visible through an App API read:
the identifier names nobody or several people, the person lacks what the channel needs,
is unsubscribed, has turned the message's topic off, or the email provider refuses the
address; past deliveries show what happened before; and a named template may not exist, be
of another channel, or need attributes the person lacks. `run_doctor` reads each once and
gives each check a verdict (PASS, WARN, FAIL, or SKIP when it could not be checked), what
was seen (times in UTC, ids), and the fix in words that name no face's controls.

A read that fails (network, a refused key) does not raise: the checks it would have fed are
SKIPped naming the failure, no further read is made (the next would fail the same way, and
each may wait out a timeout), and the explained failure is returned in `explanation`.
Every exchange made is kept in `exchanges`, for the inspector.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any

import httpx

from console.actions.spec import FieldProblem
from console.actions.validation import InvalidInput
from console.diagnose.explain import Explanation
from console.people.deliveries import Delivery
from console.people.lookup import LookupOutcome, lookup_profile
from console.people.model import PersonMatch, Profile
from console.people.story import (
    Preferences,
    Topic,
    read_esp_suppression,
    read_messages,
    read_preferences,
    read_topics,
    topic_attribute,
)
from console.transactional.liquid import Rendered, render
from console.transactional.preview import customer_data, liquid_context
from console.transactional.templates import Template, Variant, list_templates, list_variants
from console.wire.clock import utc_text
from console.wire.credentials import Credentials
from console.wire.exchange import Exchange
from console.wire.transport import RetryPolicy

CHANNELS = ("email", "push", "sms")
# The message `type` a delivery of each channel has (APP-SPEC names SMS by its provider).
MESSAGE_TYPES = {"email": ("email",), "push": ("push",), "sms": ("twilio", "sms")}
# Delivery states that mean the message did not reach the person (or stopped reaching them).
NOT_DELIVERED = ("bounced", "failed", "suppressed", "undeliverable", "dropped", "spammed")
RECENT_MESSAGES = 50  # how many of the person's latest deliveries are looked at
CHECK_KEYS = (
    "identity",
    "channel_address",
    "unsubscribed",
    "topic",
    "esp_suppression",
    "recent_deliveries",
    "template",
    "template_channel",
    "liquid",
)
# The read each check's evidence comes from (the lookup's profile holds the address and
# `unsubscribed`), so a SKIP names the failure in full where it happened.
READ_OF = {
    "identity": "lookup",
    "channel_address": "lookup",
    "unsubscribed": "lookup",
    "topic": "topics",
    "esp_suppression": "esp",
    "recent_deliveries": "messages",
    "template": "template",
    "template_channel": "template",
    "liquid": "template",
}
# A deliberately loose shape: one @, no spaces, a dot in the domain. Customer.io's own rule
# is not documented (UNCONFIRMED); this catches what can never be delivered (a name, a
# missing domain) without refusing an address a provider would accept.
EMAIL_SHAPE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
# SMS goes through Twilio, which takes E.164 numbers (reference §5.3); the attribute a
# message's `to` reads by default is `phone` ({{customer.phone}}, reference §5.3 / §2.1).
E164 = re.compile(r"^\+[1-9]\d{6,14}$")
PHONE_ATTRIBUTE = "phone"


class Verdict(StrEnum):
    PASS = "pass"
    WARN = "warn"
    FAIL = "fail"
    SKIP = "skip"  # could not check; the evidence says why


@dataclass
class DoctorCheck:
    key: str  # stable id, one of CHECK_KEYS
    title: str  # one line, e.g. "The identifier resolves to one person"
    verdict: Verdict
    evidence: list[str] = field(default_factory=list)  # what was seen, with times (UTC) and ids
    fix: str | None = None  # what to do, in words that name no face's controls

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "verdict": self.verdict.value}


@dataclass
class Diagnosis:
    identifier: str
    id_type: str
    channel: str
    template: str | None
    checks: list[DoctorCheck] = field(default_factory=list)
    explanation: Explanation | None = None  # a read failed (network, auth): why
    exchanges: list[Exchange] = field(default_factory=list)  # every read made, in order
    failed: Exchange | None = None  # the read that failed, when one did
    person: Profile | None = None  # the person checked, once resolved to one
    matches: list[PersonMatch] = field(default_factory=list)  # everyone an email names

    @property
    def blocked(self) -> bool:
        """A check failed: something stops the message."""
        return any(c.verdict == Verdict.FAIL for c in self.checks)

    @property
    def failing(self) -> list[DoctorCheck]:
        return [c for c in self.checks if c.verdict == Verdict.FAIL]

    @property
    def complete(self) -> bool:
        """Every check could run (no read failed)."""
        return self.explanation is None

    def check(self, key: str) -> DoctorCheck | None:
        return next((c for c in self.checks if c.key == key), None)

    def summary(self) -> str:
        """The verdict in one line."""
        fails = self.failing
        if fails:
            names = ", ".join(c.key for c in fails)
            return f"BLOCKED: {len(fails)} check{'s' if len(fails) > 1 else ''} failed ({names})"
        if not self.complete:
            return "INCOMPLETE: a read failed, so some checks could not run"
        warns = [c.key for c in self.checks if c.verdict == Verdict.WARN]
        if warns:
            return f"NOTHING BLOCKS delivery; warnings: {', '.join(warns)}"
        return "NOTHING BLOCKS delivery: every check passed"

    def to_dict(self) -> dict[str, Any]:
        return {
            "identifier": self.identifier,
            "id_type": self.id_type,
            "channel": self.channel,
            "template": self.template,
            "blocked": self.blocked,
            "complete": self.complete,
            "summary": self.summary(),
            "checks": [c.to_dict() for c in self.checks],
            "explanation": self.explanation.to_dict() if self.explanation else None,
        }


TITLES = {
    "identity": "The identifier resolves to one person",
    "channel_address": "The person has what the channel needs",
    "unsubscribed": "The person is not unsubscribed",
    "topic": "The message's subscription topic is on",
    "esp_suppression": "The email provider does not suppress the address",
    "recent_deliveries": "Recent deliveries reached the person",
    "template": "The template exists",
    "template_channel": "The template is of this channel",
    "liquid": "The template's Liquid has what it needs from the profile",
}


def _check(key: str, verdict: Verdict, evidence: list[str], fix: str | None = None, title: str = "") -> DoctorCheck:
    return DoctorCheck(key, title or TITLES[key], verdict, evidence, fix)


class _Reads:
    """The reads of one run: each exchange kept, the first failure stops the rest."""

    def __init__(self, diagnosis: Diagnosis) -> None:
        self.d = diagnosis
        self.failed_read = ""  # which read failed: "lookup", "template", "topics", "esp", "messages"

    @property
    def stopped(self) -> bool:
        return self.d.failed is not None

    def took(self, read: str, exchanges: list[Exchange], explanation: Explanation | None, ok: bool) -> bool:
        self.d.exchanges.extend(exchanges)
        if not ok and self.d.failed is None and exchanges:
            self.d.failed, self.d.explanation, self.failed_read = exchanges[-1], explanation, read
        return ok

    def why_not(self, read: str) -> str:
        """Why a check could not run: the failure in full for the check its read fed, and
        briefly for the checks whose reads were not made after it."""
        if read != self.failed_read:
            return f"not checked: no read was made after the {self.failed_read} read failed"
        title = self.d.explanation.title if self.d.explanation else "no answer"
        return f"not checked: the {read} read failed ({title})"


@dataclass
class _TemplateFacts:
    """What the template reads told (None where a read failed or no template was named)."""

    template: Template | None = None
    variants: list[Variant] = field(default_factory=list)
    known: list[Template] = field(default_factory=list)  # the workspace's templates
    read: bool = False  # both reads succeeded


def _validate(identifier: str, channel: str, template: str | None) -> str | None:
    problems = []
    if channel not in CHANNELS:
        problems.append(FieldProblem("channel", f"must be one of {', '.join(CHANNELS)} (got {channel!r})"))
    if template is not None and not str(template).strip():
        problems.append(FieldProblem("template", "must not be blank: a template's id or Trigger Name, e.g. 1"))
    if not (identifier or "").strip():
        problems.append(FieldProblem("identifier", "must not be blank, e.g. user_123"))
    if problems:
        raise InvalidInput(problems)
    return None if template is None else str(template).strip()


async def run_doctor(
    creds: Credentials,
    client: httpx.AsyncClient,
    identifier: str,
    id_type: str = "id",
    *,
    template: str | None = None,
    channel: str = "email",
    policy: RetryPolicy = RetryPolicy(),
    now: float | None = None,
) -> Diagnosis:
    """Run every check for one person. Raises InvalidInput for bad arguments (nothing is
    read then) and MissingCredential without an App API key; nothing else."""
    template = _validate(identifier, channel, template)
    found = await lookup_profile(creds, client, identifier, id_type, with_segments=False, policy=policy)
    d = Diagnosis(found.identifier, found.id_type, channel, template)
    reads = _Reads(d)
    reads.took("lookup", found.exchanges, found.explanation, found.outcome != LookupOutcome.FAILED)
    d.matches = list(found.matches)
    # What the user typed, not the cio_id an email lookup moved on to.
    identity = _identity(found.outcome, identifier.strip(), found.id_type, found.matches, reads, found.profile)
    if found.profile is None:
        d.checks = [identity] + [
            _check(
                key,
                Verdict.SKIP,
                [reads.why_not(READ_OF[key]) if reads.stopped else "not checked: no one person to check"],
            )
            for key in CHECK_KEYS[1:]
            if template or key not in ("template", "template_channel", "liquid")
        ]
        return d
    person = d.person = found.profile
    facts = await _read_template(creds, client, template, reads, policy) if template else _TemplateFacts()
    prefs: Preferences | None = None
    topics: list[Topic] | None = None  # None: not read
    if not reads.stopped:
        prefs = await read_preferences(creds, client, person.cio_id, "cio_id", policy=policy)
        reads.took("topics", [prefs.read.exchange], prefs.read.explanation, prefs.ok)
    if not reads.stopped:
        listing = await read_topics(creds, client, policy=policy)
        if reads.took("topics", [listing.read.exchange], listing.read.explanation, listing.ok):
            topics = listing.items
    esp = await _esp(creds, client, person, channel, reads, policy)
    recent = await _recent(creds, client, person, channel, reads, policy)

    d.checks = [
        identity,
        _channel_address(person, channel, now),
        _unsubscribed(person, facts, template),
        _topic(prefs, topics, facts, template, reads),
        esp,
        recent,
    ]
    if template:
        d.checks += _template_checks(template, facts, channel, person, reads)
    return d


def _identity(
    outcome: LookupOutcome,
    value: str,
    id_type: str,
    matches: list[PersonMatch],
    reads: _Reads,
    person: Profile | None = None,
) -> DoctorCheck:
    if outcome == LookupOutcome.FAILED:
        return _check("identity", Verdict.SKIP, [reads.why_not("lookup")])
    if outcome == LookupOutcome.AMBIGUOUS:
        return _check(
            "identity",
            Verdict.FAIL,
            [f"{len(matches)} people share the email {value}:"] + [f"  {m.label}" for m in matches],
            "Address one of them by id or cio_id: a message addressed by this email cannot tell "
            "them apart, and the other checks need one person.",
            title="The identifier resolves to one person (several share the email)",
        )
    if outcome == LookupOutcome.NOT_FOUND:
        return _check(
            "identity",
            Verdict.FAIL,
            [f"no person with {id_type} {value!r} in this workspace"],
            "Check the identifier and its type (id, email or cio_id; ids are case-sensitive) and "
            "that this is the right environment and region. A suppressed person's profile is deleted.",
        )
    label = person.label if person is not None else value
    return _check("identity", Verdict.PASS, [f"{id_type} {value!r} is one person: {label}"])


async def _read_template(
    creds: Credentials, client: httpx.AsyncClient, reference: str, reads: _Reads, policy: RetryPolicy
) -> _TemplateFacts:
    facts = _TemplateFacts()
    if reads.stopped:
        return facts
    listing = await list_templates(creds, client, policy=policy)
    if not reads.took("template", [listing.read.exchange], listing.explanation, listing.read.ok):
        return facts
    facts.template = next((t for t in listing.templates if t.answers_to(reference)), None)
    facts.known = listing.templates
    if facts.template is None:
        facts.read = True
        return facts
    contents = await list_variants(creds, client, facts.template.id, policy=policy)
    if reads.took("template", [contents.read.exchange], contents.explanation, contents.read.ok):
        facts.variants, facts.read = contents.variants, True
    return facts


def _email_of(person: Profile) -> str | None:
    email = person.email or person.attributes.get("email")
    return str(email).strip() if email not in (None, "") else None


def _ago(ts: int | None, now: float | None) -> str:
    if ts is None:
        return "never"
    text = utc_text(ts)
    if now is None:
        return text
    days = int((now - ts) // 86400)
    return f"{text} ({days} days ago)" if days > 0 else f"{text} (today)"


def _channel_address(person: Profile, channel: str, now: float | None) -> DoctorCheck:
    if channel == "email":
        email = _email_of(person)
        if email is None:
            return _check(
                "channel_address",
                Verdict.FAIL,
                [f"{person.label}: no email attribute"],
                "Give the person an email address (an identify with email), or address the "
                "message to an address of its own.",
                title="The person has an email address",
            )
        if not EMAIL_SHAPE.match(email):
            return _check(
                "channel_address",
                Verdict.FAIL,
                [f"email {email!r} is not an email address (name@domain.tld)"],
                "Correct the person's email attribute (an identify with the right address).",
                title="The person has a valid email address",
            )
        return _check("channel_address", Verdict.PASS, [f"email {email}"], title="The person has a valid email address")
    if channel == "push":
        if not person.devices:
            return _check(
                "channel_address",
                Verdict.FAIL,
                [f"{person.label}: no device registered"],
                "The app registers a device when the person signs in with push enabled (add-device "
                "with its token); until then every push to them fails.",
                title="The person has a device to push to",
            )
        devices = sorted(person.devices, key=lambda x: x.last_used or 0, reverse=True)
        return _check(
            "channel_address",
            Verdict.PASS,
            [
                f"device {x.id} ({x.platform or 'platform unknown'}), last used {_ago(x.last_used, now)}"
                for x in devices
            ],
            title="The person has a device to push to",
        )
    phone = person.attributes.get(PHONE_ATTRIBUTE)
    if phone in (None, ""):
        return _check(
            "channel_address",
            Verdict.FAIL,
            [f"{person.label}: no {PHONE_ATTRIBUTE} attribute"],
            f"Give the person a {PHONE_ATTRIBUTE} attribute in E.164 form (+ and the country code, "
            "e.g. +15551234567), or address the message to a number of its own.",
            title="The person has a phone number",
        )
    if not E164.match(str(phone).strip()):
        return _check(
            "channel_address",
            Verdict.FAIL,
            [f"{PHONE_ATTRIBUTE} {phone!r} is not in E.164 form"],
            f"Store the {PHONE_ATTRIBUTE} attribute in E.164 form: + then the country code and number, "
            "e.g. +15551234567 (the SMS provider refuses other forms).",
            title="The person has a phone number",
        )
    return _check(
        "channel_address", Verdict.PASS, [f"{PHONE_ATTRIBUTE} {phone}"], title="The person has a phone number"
    )


def _unsubscribed(person: Profile, facts: _TemplateFacts, template: str | None) -> DoctorCheck:
    set_at = person.timestamps.get("unsubscribed")
    since = f" (set {utc_text(set_at)})" if set_at else ""
    if not person.unsubscribed:
        return _check("unsubscribed", Verdict.PASS, [f"unsubscribed: false{since}"])
    evidence = [f"unsubscribed: true{since}"]
    resubscribe = (
        "Only the person can choose to hear from you again: if they did, set unsubscribed to false (an identify)."
    )
    tpl = facts.template
    if tpl is not None and "send_to_unsubscribed" in tpl.raw:
        if tpl.raw["send_to_unsubscribed"] is True:
            evidence.append(f"template {tpl.id} ({tpl.name}) sends to unsubscribed people (send_to_unsubscribed: true)")
            # Not a FAIL: this message still goes. A WARN, because every campaign, broadcast
            # and newsletter still stops at this person.
            return _check(
                "unsubscribed",
                Verdict.WARN,
                evidence + ["campaigns, broadcasts and newsletters are not sent to them"],
                resubscribe,
            )
        evidence.append(
            f"template {tpl.id} ({tpl.name}) does not send to unsubscribed people (send_to_unsubscribed: false)"
        )
        return _check(
            "unsubscribed",
            Verdict.FAIL,
            evidence,
            resubscribe + " A send may override the template with send_to_unsubscribed true, for "
            "messages the person must get whatever they chose (receipts, password resets).",
        )
    # No template, or one whose setting is unknown: FAIL, because campaigns, broadcasts and
    # newsletters never reach an unsubscribed person, and a transactional message only does
    # when it sends to unsubscribed people (the send's send_to_unsubscribed, default true,
    # reference §5.1) — which cannot be seen from here. Naming the template settles it.
    evidence.append(
        "campaigns, broadcasts and newsletters are not sent to them; a transactional message is "
        "only when it sends to unsubscribed people" + ("" if template else " (name the template to check it)")
    )
    return _check("unsubscribed", Verdict.FAIL, evidence, resubscribe)


def _topic_label(t: Topic) -> str:
    return f"topic {t.id} ({t.name}): {topic_attribute(t.id)} is false"


def _topic(
    prefs: Preferences | None, topics: list[Topic] | None, facts: _TemplateFacts, template: str | None, reads: _Reads
) -> DoctorCheck:
    if prefs is None or not prefs.ok or topics is None:
        return _check("topic", Verdict.SKIP, [reads.why_not("topics")])
    defaults = {t.id: t.subscribed_by_default for t in topics}
    off = [t for t in prefs.topics if t.subscribed is False]
    # A topic that is off by default (opt-in) and was never turned on is not one the person
    # turned off; it matters only for a message of that topic.
    turned_off = [t for t in off if defaults.get(t.id) is not False]
    opt_in = [t for t in off if defaults.get(t.id) is False]
    tpl = facts.template
    turn_on = "Only the person can choose to hear about a topic again: if they did, set {} to true (an identify)."
    if tpl is not None and "subscription_topic_id" in tpl.raw:
        topic_id = tpl.raw.get("subscription_topic_id")
        if topic_id in (None, "", 0):
            return _check(
                "topic",
                Verdict.PASS,
                [f"template {tpl.id} ({tpl.name}) belongs to no subscription topic"],
                title="The message belongs to no subscription topic",
            )
        mine = next((t for t in prefs.topics if t.id == str(topic_id)), None)
        if mine is None:
            return _check(
                "topic",
                Verdict.WARN,
                [
                    f"template {tpl.id} ({tpl.name}) belongs to topic {topic_id}, which the person's preferences do not list"
                ],
                "Check the topic in Customer.io's subscription center settings: it may have been deleted.",
            )
        name = mine.name
        if mine.subscribed is False:
            return _check(
                "topic",
                Verdict.FAIL,
                [f"template {tpl.id} ({tpl.name}) belongs to topic {topic_id} ({name})", _topic_label(mine)],
                turn_on.format(topic_attribute(str(topic_id))),
            )
        return _check(
            "topic", Verdict.PASS, [f"template {tpl.id} ({tpl.name}) belongs to topic {topic_id} ({name}): on"]
        )
    # No template (or one whose topic the API does not show, UNCONFIRMED): which topic the
    # message is in is unknown, so a topic turned off is a warning, not a verdict.
    evidence = [_topic_label(t) for t in turned_off]
    evidence += [f"topic {t.id} ({t.name}) is off by default and was not turned on" for t in opt_in]
    if turned_off:
        return _check(
            "topic",
            Verdict.WARN,
            evidence + ["a message of one of these topics is not sent to them"],
            ("Name the message's template to see whether it is of one of these topics. " if not template else "")
            + turn_on.format("the topic's key"),
            title="No subscription topic is turned off",
        )
    return _check("topic", Verdict.PASS, evidence or ["every topic is on"], title="No subscription topic is turned off")


async def _esp(
    creds: Credentials, client: httpx.AsyncClient, person: Profile, channel: str, reads: _Reads, policy: RetryPolicy
) -> DoctorCheck:
    if channel != "email":
        return _check(
            "esp_suppression", Verdict.SKIP, [f"not checked: the email provider's list applies to email, not {channel}"]
        )
    email = _email_of(person)
    if email is None or not EMAIL_SHAPE.match(email):
        return _check("esp_suppression", Verdict.SKIP, ["not checked: the person has no valid email address"])
    if reads.stopped:
        return _check("esp_suppression", Verdict.SKIP, [reads.why_not("esp")])
    result = await read_esp_suppression(creds, client, email, policy=policy)
    if not reads.took("esp", [result.read.exchange], result.read.explanation, result.ok):
        return _check("esp_suppression", Verdict.SKIP, [reads.why_not("esp")])
    if not result.suppressed:
        return _check("esp_suppression", Verdict.PASS, [f"{email} is on no suppression list of the email provider"])
    evidence = [
        f"{s.email}: {s.category or 'suppressed'} since {utc_text(s.created)}" + (f": {s.reason}" if s.reason else "")
        for s in result.entries
    ]
    return _check(
        "esp_suppression",
        Verdict.FAIL,
        evidence,
        "The provider drops every email to this address. After a hard bounce, ask the person for "
        "an address that works and update their email; remove the address from the provider's "
        "suppression list only once it is known to accept mail again (a spam report: only if the "
        "person asks).",
    )


def _delivery_line(m: Delivery) -> str:
    parts = [f"{m.id}: {m.state} {utc_text(m.state_at)}", m.channel]
    if m.template_label:
        parts.append(m.template_label)
    if m.recipient:
        parts.append(f"to {m.recipient}")
    line = ", ".join(parts)
    return line + (f": {m.failure_message}" if m.failure_message else "")


def _deliveries(n: int, channel: str) -> str:
    return f"{n} {channel} deliver{'y' if n == 1 else 'ies'}"


async def _recent(
    creds: Credentials, client: httpx.AsyncClient, person: Profile, channel: str, reads: _Reads, policy: RetryPolicy
) -> DoctorCheck:
    if reads.stopped:
        return _check("recent_deliveries", Verdict.SKIP, [reads.why_not("messages")])
    page = await read_messages(creds, client, person.cio_id, "cio_id", limit=RECENT_MESSAGES, policy=policy)
    if not reads.took("messages", [page.read.exchange], page.read.explanation, page.ok):
        return _check("recent_deliveries", Verdict.SKIP, [reads.why_not("messages")])
    mine = [m for m in page.items if m.channel in MESSAGE_TYPES[channel]]
    bad = [m for m in mine if m.state in NOT_DELIVERED]
    if not mine:
        return _check("recent_deliveries", Verdict.PASS, [f"no {channel} delivery to them yet"])
    if not bad:
        latest = mine[0]
        return _check(
            "recent_deliveries",
            Verdict.PASS,
            [f"{_deliveries(len(mine), channel)}, none failed; the latest {_delivery_line(latest)}"],
        )
    # WARN, not FAIL: a past failure is the symptom, not a cause that still holds (the address
    # may have been fixed since, or the person resubscribed). The checks above name the causes
    # that still stop a message; these failure messages say what happened then.
    return _check(
        "recent_deliveries",
        Verdict.WARN,
        [f"{len(bad)} of {len(mine)} recent {channel} deliveries did not arrive:"]
        + [f"  {_delivery_line(m)}" for m in bad],
        "Read each failure message: the checks above say which causes still hold. Follow a "
        "delivery by its id for every step with its time.",
        title="Recent deliveries reached the person",
    )


def _template_checks(
    reference: str, facts: _TemplateFacts, channel: str, person: Profile, reads: _Reads
) -> list[DoctorCheck]:
    if not facts.read and facts.template is None:
        why = [reads.why_not("template")]
        return [_check(k, Verdict.SKIP, why) for k in ("template", "template_channel", "liquid")]
    tpl = facts.template
    if tpl is None:
        listing = ", ".join(f"{t.id} {t.name}" for t in facts.known[:8]) or "none"
        gone = ["not checked: there is no such template"]
        return [
            _check(
                "template",
                Verdict.FAIL,
                [f"no transactional message {reference!r} (by id or Trigger Name) in this workspace"],
                f"Name one of the workspace's transactional messages: {listing}. A send naming this one fails.",
            ),
            _check("template_channel", Verdict.SKIP, gone),
            _check("liquid", Verdict.SKIP, gone),
        ]
    found = _check(
        "template",
        Verdict.PASS,
        [f"template {tpl.id} ({tpl.name})" + (f", trigger {tpl.trigger_name}" if tpl.trigger_name else "")],
    )
    if not facts.read:
        why = [reads.why_not("template")]
        return [found, _check("template_channel", Verdict.SKIP, why), _check("liquid", Verdict.SKIP, why)]
    return [found, _template_channel(tpl, facts.variants, channel), _liquid(tpl, facts.variants, person)]


def _template_type(tpl: Template, variants: list[Variant]) -> str | None:
    kind = tpl.raw.get("type") or next((v.raw.get("type") for v in variants if v.raw.get("type")), None)
    return str(kind) if kind else None


def _a(word: str) -> str:
    return f"{'an' if word[:1] in 'aeiou' else 'a'} {word}"


def _template_channel(tpl: Template, variants: list[Variant], channel: str) -> DoctorCheck:
    kind = _template_type(tpl, variants)
    if kind is None:
        return _check(
            "template_channel",
            Verdict.WARN,
            [f"template {tpl.id} has no content that says its channel"],
            "Open the template in Customer.io and check it has content for this channel.",
        )
    if kind in MESSAGE_TYPES[channel] or kind == channel:
        return _check("template_channel", Verdict.PASS, [f"template {tpl.id} is {_a(kind)} message"])
    return _check(
        "template_channel",
        Verdict.FAIL,
        [f"template {tpl.id} ({tpl.name}) is {_a(kind)} message, not {channel}"],
        f"Send it as {kind}, or name {_a(channel)} template.",
    )


def _variant_sources(v: Variant) -> dict[str, str]:
    parts = {
        "subject": v.subject,
        "preheader": v.preheader,
        "body": v.body,
        "body_plain": v.body_plain,
        "from": v.sender,
        "reply_to": v.reply_to,
        "recipient": str(v.raw.get("recipient") or ""),
        "link": str(v.raw.get("link") or ""),
    }
    return {k: s for k, s in parts.items() if s}


def _liquid(tpl: Template, variants: list[Variant], person: Profile) -> DoctorCheck:
    context = liquid_context({}, customer_data(person, {}))
    missing: dict[str, bool] = {}  # customer path -> every use has a default
    trigger: list[str] = []
    errors: list[str] = []
    for v in variants:
        for part, source in _variant_sources(v).items():
            try:
                out: Rendered = render(source, context)
            except Exception as exc:  # noqa: BLE001 - python-liquid's analysis of a template it parsed; the other checks still stand
                return _check(
                    "liquid",
                    Verdict.SKIP,
                    [f"not checked: the {v.language_label} {part} could not be analysed ({type(exc).__name__})"],
                )
            if out.error:
                errors.append(f"{v.language_label} {part}: {out.error.splitlines()[0]}")
            for m in out.missing:
                if m.path.startswith("customer."):
                    missing[m.path] = missing.get(m.path, True) and m.has_default
                elif m.path not in trigger:
                    trigger.append(m.path)
    langs = ", ".join(v.language_label for v in variants) or "none"
    evidence = [f"checked the {langs} variant{'s' if len(variants) > 1 else ''} with the person's attributes"]
    blank = [p for p, defaulted in missing.items() if not defaulted]
    evidence += [f"{p}: not on the profile, renders blank" for p in blank]
    evidence += [f"{p}: not on the profile, its default is used" for p, d in missing.items() if d]
    if trigger:
        evidence.append(f"needs from the send's message_data: {', '.join(trigger)}")
    if errors:
        return _check(
            "liquid",
            Verdict.FAIL,
            evidence + errors,
            "Fix the template's Liquid in Customer.io: a message whose Liquid does not render fails.",
        )
    if blank:
        return _check(
            "liquid",
            Verdict.WARN,
            evidence,
            f"Set {', '.join(b.removeprefix('customer.') for b in blank)} on the person, or give "
            "each use a default in the template; otherwise the message goes out with blanks.",
        )
    return _check("liquid", Verdict.PASS, evidence)
