"""Pending attribute edits on one profile, as a face collects them before anything is sent.

A face (the profile screen) edits a person in place: each change, addition or removal
lands here first; `plan` turns the pending edits into the diff and the exact identify
request through `console.people.edit`, so what is previewed and what is applied come
from the same code as `cio-console profile set`.

How typed text becomes a value: text is sent as typed (Customer.io stores attributes as
text anyway); text that parses as a JSON object or array is sent as that object, so
object attributes can be edited; an empty value removes the attribute (the core's rule).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from console.actions.spec import FieldProblem
from console.actions.validation import InvalidInput
from console.people.edit import ChangeKind, EditOutcome, EditPlan, compute_diff, plan_edit
from console.people.model import MISSING, Profile
from console.people.story import Topic, topic_attribute
from console.wire.credentials import Credentials


def parse_typed(text: str) -> Any:
    """The value an attribute editor's text stands for (see the module doc)."""
    stripped = text.strip()
    if stripped[:1] in ("{", "[") and stripped[-1:] in ("}", "]"):
        try:
            return json.loads(stripped)
        except ValueError:
            pass
    return text


def typed_text(value: Any) -> str:
    """The editor text that stands for a stored value (the inverse of `parse_typed`)."""
    if value is MISSING or value is None:
        return ""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


@dataclass(frozen=True)
class AttributeRow:
    """One line of the attribute table: the stored value and what is pending for it."""

    name: str
    value: Any  # MISSING for an attribute only being added
    set_at: int | None
    pending: ChangeKind | None = None
    new: Any = MISSING


@dataclass
class ProfileDraft:
    profile: Profile
    pending: dict[str, Any] = field(default_factory=dict)  # name -> new value; None removes

    def set(self, name: str, text: str) -> None:
        """Change or add `name` to the typed text ("" removes). InvalidInput names the
        attribute when it cannot be changed this way; nothing pending is lost."""
        name = name.strip()
        if not name:
            raise InvalidInput(
                [FieldProblem(None, "the attribute's name is empty: type it in the first box, e.g. plan")]
            )
        self.set_value(name, None if text == "" else parse_typed(text))

    def set_value(self, name: str, value: Any) -> None:
        """Change `name` to `value` (None removes); InvalidInput as for `set`."""
        diff = compute_diff(self.profile, {name: value})  # raises for identifiers, limits, ...
        if diff.empty:
            self.pending.pop(name, None)  # typed back to what is stored: nothing to do
        else:
            self.pending[name] = value

    def topic_subscribed(self, topic: Topic) -> bool | None:
        """The topic's setting once the pending edits are applied (as read, if none)."""
        name = topic_attribute(topic.id)
        if name in self.pending:
            return self.pending[name] is True
        return topic.subscribed

    def toggle_topic(self, topic: Topic) -> bool:
        """Turn a topic (from a preferences read) the other way, as a pending change of its
        literal dotted key, sent as a boolean; a topic already pending goes back to what was
        read. Returns the setting it will have."""
        name = topic_attribute(topic.id)
        if not self.revert(name):
            self.set_value(name, not topic.subscribed)
        return bool(self.topic_subscribed(topic))

    def remove(self, name: str) -> None:
        self.set(name, "")

    def revert(self, name: str) -> bool:
        return self.pending.pop(name, MISSING) is not MISSING

    def load(self, desired: dict[str, Any]) -> None:
        """Replace the pending edits (an undo loads the old values this way)."""
        self.pending = dict(desired)

    @property
    def empty(self) -> bool:
        return not self.pending

    def plan(self, creds: Credentials, *, preview: bool = True) -> EditPlan:
        """The diff and the identify request for the pending edits (InvalidInput, and
        MissingCredential unless `preview`)."""
        return plan_edit(self.profile, self.pending, creds, preview=preview)

    def rows(self) -> list[AttributeRow]:
        """Every stored attribute, then the ones being added, with what is pending."""
        changes = {c.name: c for c in compute_diff(self.profile, self.pending).changes} if self.pending else {}
        out = []
        for attr in self.profile.attribute_rows():
            change = changes.get(attr.name)
            out.append(
                AttributeRow(
                    attr.name,
                    attr.value,
                    attr.set_at,
                    change.kind if change else None,
                    change.new if change else MISSING,
                )
            )
        for name, change in changes.items():
            if name not in self.profile.attributes:  # added, or an identifier changed
                out.append(AttributeRow(name, change.old, self.profile.set_at(name), change.kind, change.new))
        return out


def after_apply(outcome: EditOutcome) -> ProfileDraft:
    """A fresh draft on the profile as read back (or as it was, if the read failed)."""
    return ProfileDraft(outcome.after or outcome.plan.profile)


def undo_draft(outcome: EditOutcome) -> ProfileDraft:
    """The edits that put back what `outcome` changed, pending on the profile read back:
    a face shows their diff and request before the user applies them."""
    draft = after_apply(outcome)
    draft.load(outcome.undo)
    return draft
