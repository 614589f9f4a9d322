"""Edit a profile: the diff, the one identify request that applies it, read-back, undo.

How removals go on the wire. TRACK-SPEC op `identify` says nothing about removing a
person's attribute: its body schema admits string, integer and boolean values (null is
not among them). The same spec says for object attributes and relationship attributes
"Pass `null` or an empty string to remove an attribute". So a removal is sent as an
empty string: it is the form valid under the identify schema *and* documented (for
objects) as a removal. Whether person attributes follow the object rule is UNCONFIRMED;
the read-back after every edit shows whether the removal took. The consequence: a value
of "" cannot be stored, and the diff says that setting "" removes.

How the identify addresses the person. Always `cio_<cio_id>` (Track OpenAPI, op `identify`):
- changing `id` or `email` requires it (TRACK-SPEC op `identify`);
- an email may be shared by several people, so addressing by email could update the
  wrong one; the cio_id names exactly the person that was looked up;
- an unknown `cio_…` is dropped instead of creating a new person, so an edit racing a
  delete cannot resurrect someone (the read-back then reports the edit did not take).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import httpx

from console.actions.catalog import get_action
from console.actions.guard import check_confirmation
from console.actions.spec import ActionSpec, FieldProblem
from console.actions.validation import InvalidInput, validate
from console.diagnose.explain import Explanation, explain
from console.people.lookup import LookupResult, lookup_profile
from console.people.model import MISSING, Profile, same_stored, show_value, stored_text
from console.wire.credentials import Credentials
from console.wire.exchange import Exchange
from console.wire.request import PreparedRequest, build_request
from console.wire.transport import RetryPolicy, perform

IDENTIFY = "identify-customer"
REMOVAL = ""  # what an identify body carries to remove an attribute (see module doc)
MAX_NAME_BYTES = 150  # Track OpenAPI, "Customer limits": an attribute name
MAX_VALUE_BYTES = 1000

# Names that are not attributes a person has, or that Customer.io maintains itself.
NOT_EDITABLE = {
    "cio_id": "is assigned by Customer.io and cannot be changed",
    "_update": "is a request control, not an attribute; use `send identify-customer` for it",
    "_timestamp": "is a request control, not an attribute; use `send identify-customer` for it",
    "cio_relationships": "is a relationship change, not an attribute; use `send identify-customer` for it",
    "anonymous_id": "links anonymous events rather than setting an attribute; use `send identify-customer` for it",
    "_last_emailed": "is maintained by Customer.io",
    "_cio_subscription_preferences_computed": "is computed by Customer.io from the subscription preferences",
}
IDENTIFIERS = ("id", "email")


class ChangeKind(StrEnum):
    ADD = "add"
    CHANGE = "change"
    REMOVE = "remove"


SIGN = {ChangeKind.ADD: "+", ChangeKind.CHANGE: "~", ChangeKind.REMOVE: "-"}


@dataclass(frozen=True)
class AttributeChange:
    name: str
    kind: ChangeKind
    old: Any  # MISSING when added
    new: Any  # MISSING when removed
    note: str = ""

    @property
    def wire_value(self) -> Any:
        return REMOVAL if self.kind == ChangeKind.REMOVE else self.new

    @property
    def expected(self) -> Any:
        """What the read-back should show afterwards."""
        return MISSING if self.kind == ChangeKind.REMOVE else self.new

    def line(self) -> str:
        """'~ plan: "pro" -> "enterprise"'."""
        text = f"{SIGN[self.kind]} {self.name}: {show_value(self.old)} -> {show_value(self.new)}"
        return f"{text}  ({self.note})" if self.note else text


@dataclass(frozen=True)
class Unchanged:
    name: str
    reason: str


@dataclass
class Diff:
    changes: list[AttributeChange] = field(default_factory=list)
    unchanged: list[Unchanged] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.changes

    def lines(self) -> list[str]:
        out = [c.line() for c in self.changes]
        out += [f"= {u.name}: {u.reason}" for u in self.unchanged]
        return out

    def traits(self) -> dict[str, Any]:
        """The identify body: only the changed attributes, removals as REMOVAL."""
        return {c.name: c.wire_value for c in self.changes}

    def undo(self) -> dict[str, Any]:
        """Desired changes that put back what this diff changed (None removes)."""
        return {c.name: (None if c.old is MISSING else c.old) for c in self.changes}


def _name_problem(name: Any) -> str | None:
    if not isinstance(name, str) or not name.strip():
        return "attribute names must be non-empty text"
    if len(name.encode("utf-8")) > MAX_NAME_BYTES:
        return f"is over {MAX_NAME_BYTES} bytes; Customer.io limits attribute names to {MAX_NAME_BYTES}"
    return NOT_EDITABLE.get(name)


def compute_diff(profile: Profile, desired: dict[str, Any]) -> Diff:
    """old -> new for every attribute the user asked to change, add or remove.

    `desired` maps attribute names to new values; None or "" removes. Raises
    InvalidInput naming every attribute that cannot be changed this way."""
    if not isinstance(desired, dict):
        raise InvalidInput(
            [
                FieldProblem(
                    "attributes",
                    'must be a JSON object of attribute names to values, e.g. {"plan": "pro", "old_field": null}',
                )
            ]
        )
    problems: list[FieldProblem] = []
    diff = Diff()
    for name, new in desired.items():
        problem = _name_problem(name)
        if problem:
            problems.append(FieldProblem(str(name), problem))
            continue
        old = profile.current(name)
        if new is None or new == REMOVAL:
            if name in IDENTIFIERS:
                problems.append(
                    FieldProblem(
                        name, "is an identifier and cannot be removed here; change it to another value instead"
                    )
                )
            elif old is MISSING:
                diff.unchanged.append(Unchanged(name, "not set, nothing to remove"))
            else:
                note = "an empty value removes the attribute" if new == REMOVAL else ""
                diff.changes.append(AttributeChange(name, ChangeKind.REMOVE, old, MISSING, note))
            continue
        size = len(stored_text(new).encode("utf-8"))
        if size > MAX_VALUE_BYTES:
            problems.append(
                FieldProblem(name, f"is {size} bytes; Customer.io allows at most {MAX_VALUE_BYTES} bytes per value")
            )
            continue
        if name in IDENTIFIERS:
            if isinstance(new, bool) or not isinstance(new, (str, int)):
                problems.append(FieldProblem(name, "is an identifier and must be text"))
                continue
            new = str(new)  # the Track spec types id and email as strings
        if name == "email" and "@" not in str(new):
            problems.append(FieldProblem(name, f"{new!r} is not an email address"))
            continue
        if old is MISSING:
            diff.changes.append(AttributeChange(name, ChangeKind.ADD, MISSING, new))
        elif same_stored(old, new):
            shown = show_value(old)
            reason = (
                f"already {shown}"
                if old == new
                else f"already stored as {shown} (Customer.io stores attributes as text)"
            )
            diff.unchanged.append(Unchanged(name, reason))
        else:
            diff.changes.append(AttributeChange(name, ChangeKind.CHANGE, old, new))
    if problems:
        raise InvalidInput(problems)
    return diff


@dataclass
class EditPlan:
    profile: Profile
    diff: Diff
    spec: ActionSpec | None = None  # the validated identify-customer; None when nothing changes
    request: PreparedRequest | None = None

    @property
    def action(self) -> type[ActionSpec]:
        return get_action(IDENTIFY)


def identify_input(profile: Profile, diff: Diff) -> dict[str, Any]:
    """The identify-customer input that applies `diff` (for forms, history, `send`)."""
    return {"customer_identifier": profile.track_identifier, "traits": diff.traits()}


def plan_edit(profile: Profile, desired: dict[str, Any], creds: Credentials, *, preview: bool = False) -> EditPlan:
    """The diff and the exact identify request. Raises InvalidInput (nothing is sent),
    and MissingCredential unless `preview`."""
    diff = compute_diff(profile, desired)
    plan = EditPlan(profile, diff)
    if diff.empty:
        return plan
    # Through the catalog spec, so its checks (names, 300 per call) and its guard apply.
    plan.spec = validate(plan.action, identify_input(profile, diff))
    plan.request = build_request(plan.spec, creds, preview=preview)
    return plan


@dataclass(frozen=True)
class Mismatch:
    name: str
    expected: Any
    actual: Any

    def line(self) -> str:
        return f"! {self.name}: expected {show_value(self.expected)}, read back {show_value(self.actual)}"


@dataclass
class Verification:
    mismatches: list[Mismatch] = field(default_factory=list)
    checked: int = 0

    @property
    def ok(self) -> bool:
        return not self.mismatches

    def lines(self) -> list[str]:
        if self.ok:
            return [f"verified: all {self.checked} change(s) read back as expected"]
        return [m.line() for m in self.mismatches]


def verify(diff: Diff, after: Profile) -> Verification:
    """Which changes did not take, comparing what was sent with what is stored now."""
    result = Verification(checked=len(diff.changes))
    for change in diff.changes:
        actual = after.current(change.name)
        if not same_stored(actual, change.expected):
            result.mismatches.append(Mismatch(change.name, change.expected, actual))
    return result


@dataclass
class EditOutcome:
    plan: EditPlan
    exchange: Exchange | None = None
    explanation: Explanation | None = None  # why the identify failed, or the read-back did
    readback: LookupResult | None = None
    verification: Verification | None = None

    @property
    def after(self) -> Profile | None:
        return self.readback.profile if self.readback else None

    @property
    def applied(self) -> bool:
        return self.exchange is not None and self.exchange.ok

    @property
    def ok(self) -> bool:
        return self.applied and self.verification is not None and self.verification.ok

    @property
    def undo(self) -> dict[str, Any]:
        return self.plan.diff.undo()


Sleep = Callable[[float], Awaitable[None]]


async def apply_edit(
    plan: EditPlan,
    creds: Credentials,
    client: httpx.AsyncClient,
    *,
    readback_attempts: int = 4,
    readback_delay: float = 1.0,
    sleep: Sleep = asyncio.sleep,
    policy: RetryPolicy = RetryPolicy(),
    confirmation: str | None = None,
) -> EditOutcome:
    """Send the plan's identify, then read the profile back until it matches.

    Track calls are processed asynchronously, so a read right after the write may not
    show it yet: the read-back is repeated (`readback_attempts`, `readback_delay` apart)
    before a change is reported as not taken."""
    outcome = EditOutcome(plan)
    if plan.request is None or plan.spec is None:
        outcome.verification = Verification()
        return outcome
    # identify-customer is not a guarded action today; if the catalog ever marks it so,
    # the guard applies here without any face changing.
    check_confirmation(plan.spec, creds, confirmation)
    outcome.exchange = await perform(plan.request, client, repeat_safe=plan.spec.INFO.is_repeat_safe, policy=policy)
    if not outcome.exchange.ok:
        outcome.explanation = explain(outcome.exchange, plan.action, creds)
        return outcome
    for attempt in range(max(1, readback_attempts)):
        if attempt:
            await sleep(readback_delay)
        readback = await lookup_profile(creds, client, plan.profile.cio_id, "cio_id", policy=policy)
        outcome.readback = readback
        if readback.profile is None:
            outcome.verification = None
            outcome.explanation = readback.explanation
            continue
        outcome.verification = verify(plan.diff, readback.profile)
        outcome.explanation = None
        if outcome.verification.ok:
            break
    return outcome


def plan_undo(outcome: EditOutcome, creds: Credentials, *, preview: bool = False) -> EditPlan:
    """The edit that re-applies the old values (re-adding removed attributes and removing
    added ones), diffed against the profile as it was read back."""
    current = outcome.after or outcome.plan.profile
    return plan_edit(current, outcome.undo, creds, preview=preview)
