"""Compare the local preview of an email with what a delivery actually carried.

"They got something odd" is answered by putting the two side by side: the preview renders
the template with today's data (console.transactional.preview), the archived message
(`GET /v1/messages/{id}/archived_message`) is what Customer.io rendered and sent. Each
part (subject, from, preheader) is compared as text, the bodies as readable text (the
HTML's markup differs for reasons nobody reads, e.g. tracking links), with a unified diff
of the lines that differ. The variables that came out empty in the preview are named:
they are the usual reason a sent email reads "Hi ," — and a difference in the diff where
the preview is blank points at them.
"""

from __future__ import annotations

import asyncio
import difflib
from dataclasses import dataclass, field
from typing import Any

import httpx

from console.diagnose.explain import Explanation
from console.people.deliveries import ArchivedMessage, read_archived, read_delivery
from console.transactional.liquid import empty_variables
from console.transactional.preview import EmailPreview, RenderedEmail
from console.wire.credentials import Credentials
from console.wire.exchange import Exchange

DIFF_CONTEXT = 1  # lines of context around each difference
DIFF_LIMIT = 200  # lines of diff shown; a wholly different body says so instead


@dataclass(frozen=True)
class PartComparison:
    name: str  # "subject", "from", "preheader", "body"
    local: str
    archived: str

    @property
    def same(self) -> bool:
        return _norm(self.local) == _norm(self.archived)


@dataclass
class Comparison:
    delivery_id: str
    parts: list[PartComparison] = field(default_factory=list)
    body_diff: list[str] = field(default_factory=list)  # unified diff of the bodies as text
    body_diff_cut: int = 0  # lines of diff left out past DIFF_LIMIT
    empty: list[str] = field(default_factory=list)  # variables that came out empty in the preview
    notes: list[str] = field(default_factory=list)
    explanation: Explanation | None = None  # why there is nothing to compare with
    failed: Exchange | None = None

    @property
    def ok(self) -> bool:
        return self.explanation is None

    @property
    def differing(self) -> list[PartComparison]:
        return [p for p in self.parts if not p.same]

    @property
    def same(self) -> bool:
        return self.ok and not self.differing

    def lines(self) -> list[str]:
        """The comparison as the CLI prints it (the F6 screen styles the same lines)."""
        if self.explanation is not None:
            return self.explanation.text().splitlines()
        out = [f"Compared with delivery {self.delivery_id} (what Customer.io archived):"]
        for part in self.parts:
            label = part.name.capitalize()
            if part.name == "body":
                if part.same:
                    out.append("  Body: same text")
                else:
                    out.append("  Body: differs (- the preview, + the delivery):")
                    out += [f"    {line}" for line in self.body_diff]
                    if self.body_diff_cut:
                        out.append(f"    … {self.body_diff_cut} more lines of difference")
            elif part.same:
                out.append(f"  {label}: same ({part.local or 'empty'})")
            else:
                out += [f"  {label}: differs", f"    preview:  {part.local!r}", f"    delivery: {part.archived!r}"]
        if self.empty:
            out.append(f"Empty in the preview ({len(self.empty)}): {', '.join(self.empty)}")
        else:
            out.append("Empty in the preview: none")
        out += [f"note: {note}" for note in self.notes]
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "delivery_id": self.delivery_id,
            "same": self.same,
            "parts": [{"name": p.name, "same": p.same, "preview": p.local, "delivery": p.archived} for p in self.parts],
            "body_diff": self.body_diff,
            "empty_variables": self.empty,
            "notes": self.notes,
            "explanation": self.explanation.to_dict() if self.explanation else None,
        }


def _norm(text: str) -> str:
    # Trailing blanks and blank-line runs are the converters', not the message's.
    lines = [line.rstrip() for line in text.strip().splitlines()]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out)


def compare_rendered(
    rendered: RenderedEmail, context: dict[str, Any], archived: ArchivedMessage, delivery_id: str
) -> Comparison:
    """Compare a local render (and the data it had) with an archived message."""
    result = Comparison(delivery_id)
    result.parts = [
        PartComparison("subject", rendered.subject.output, archived.subject),
        PartComparison("from", rendered.sender, archived.sender),
        PartComparison("preheader", rendered.preheader.output, archived.preheader),
        PartComparison("body", _norm(rendered.text), _norm(archived.text)),
    ]
    body = result.parts[-1]
    if not body.same:
        diff = list(
            difflib.unified_diff(
                body.local.splitlines(),
                body.archived.splitlines(),
                "preview",
                f"delivery {delivery_id}",
                n=DIFF_CONTEXT,
                lineterm="",
            )
        )
        result.body_diff, result.body_diff_cut = diff[:DIFF_LIMIT], max(0, len(diff) - DIFF_LIMIT)
    for part in rendered.parts.values():
        for path in empty_variables(part.source, context):
            if path not in result.empty:
                result.empty.append(path)
    if archived.forgotten:
        result.notes.append("the delivery's content was not retained (message retention disabled)")
    return result


async def compare_with_delivery(
    creds: Credentials, client: httpx.AsyncClient, preview: EmailPreview, delivery_id: str
) -> Comparison:
    """Read the delivery's archived message and compare the preview with it. A read that
    fails (no such delivery, never sent, the network) is explained, never raised."""
    if preview.rendered is None:
        return Comparison(
            delivery_id,
            explanation=preview.explanation
            or Explanation("Nothing to compare", "The preview did not render.", ["Fix the preview first."]),
        )
    # Independent reads: one round trip. The delivery says which template it was of.
    found, archive = await asyncio.gather(
        read_delivery(creds, client, delivery_id), read_archived(creds, client, delivery_id)
    )
    if found.not_found:
        return Comparison(delivery_id, explanation=found.explanation, failed=found.exchange)
    if archive.message is None:
        return Comparison(delivery_id, explanation=archive.explanation, failed=archive.read.exchange)
    result = compare_rendered(preview.rendered, preview.context, archive.message, delivery_id)
    sent_with = found.delivery.parents.get("transactional_message_id") if found.delivery else None
    template = preview.template.id if preview.template else None
    if sent_with is not None and template is not None and str(sent_with) != str(template):
        result.notes.append(
            f"the delivery was sent with transactional message {sent_with}, the preview renders {template}"
        )
    to = preview.spec.value("to")
    if archive.message.recipient and isinstance(to, str) and archive.message.recipient not in to:
        result.notes.append(
            f"the delivery went to {archive.message.recipient}, the preview is for {to}: customer.* differs by person"
        )
    return result
