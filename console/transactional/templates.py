"""The workspace's transactional messages and their content variants (App API reference, transactional messages: https://docs.customer.io/api/app/)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import httpx

from console.diagnose.explain import Explanation
from console.people.app_reads import ReadResult, path_segment, read_json
from console.wire.credentials import Credentials
from console.wire.transport import RetryPolicy


@dataclass(frozen=True)
class Template:
    id: int | str
    name: str
    description: str = ""
    # The Trigger Name sends may use instead of the id; not every answer carries it.
    trigger_name: str | None = None
    raw: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def label(self) -> str:
        return f"{self.id}  {self.name}"

    def answers_to(self, reference: int | str) -> bool:
        """Whether a send's transactional_message_id names this template (an id, or a
        Trigger Name, case-insensitive per APP-SPEC `sendEmail`)."""
        text = str(reference).strip()
        if text == str(self.id):
            return True
        names = [n for n in (self.trigger_name, self.name) if n]
        return any(n.casefold() == text.casefold() for n in names)


@dataclass(frozen=True)
class Variant:
    """One language of a template ("" is the default language)."""

    id: int | str | None
    language: str
    type: str = "email"
    subject: str = ""
    preheader: str = ""
    body: str = ""
    body_plain: str = ""
    sender: str = ""
    reply_to: str = ""
    raw: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def language_label(self) -> str:
        return self.language or "default"


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def templates_from_response(data: Any) -> list[Template]:
    items = data.get("messages") if isinstance(data, dict) else None
    return [
        Template(
            id=m["id"],
            name=_text(m.get("name")),
            description=_text(m.get("description")),
            trigger_name=m.get("trigger_name") or None,
            raw=m,
        )
        for m in items or []
        if isinstance(m, dict) and m.get("id") is not None
    ]


def variants_from_response(data: Any) -> list[Variant]:
    items = data.get("contents") if isinstance(data, dict) else None
    return [
        Variant(
            id=c.get("id"),
            language=_text(c.get("language")),
            type=_text(c.get("type")) or "email",
            subject=_text(c.get("subject")),
            preheader=_text(c.get("preheader_text")),
            body=_text(c.get("body")),
            body_plain=_text(c.get("body_plain")),
            sender=_text(c.get("from")),
            reply_to=_text(c.get("reply_to")),
            raw=c,
        )
        for c in items or []
        if isinstance(c, dict)
    ]


def pick_variant(variants: list[Variant], language: str | None) -> tuple[Variant | None, str | None]:
    """The variant a send in `language` gets, and a note when it is not an exact match.

    Without a variant for the language the default one is used: what Customer.io does
    for an unknown language is UNCONFIRMED, so the preview says so."""
    if not variants:
        return None, None
    wanted = (language or "").strip()
    for v in variants:
        if v.language.casefold() == wanted.casefold():
            return v, None
    default = next((v for v in variants if not v.language), variants[0])
    if wanted:
        return default, (
            f"no {wanted!r} variant; previewing the {default.language_label} one "
            "(what Customer.io sends then is UNCONFIRMED)"
        )
    return default, None


@dataclass
class TemplatesRead:
    read: ReadResult
    templates: list[Template] = field(default_factory=list)

    @property
    def explanation(self) -> Explanation | None:
        return self.read.explanation


@dataclass
class VariantsRead:
    read: ReadResult
    variants: list[Variant] = field(default_factory=list)

    @property
    def explanation(self) -> Explanation | None:
        return self.read.explanation


async def list_templates(
    creds: Credentials, client: httpx.AsyncClient, *, policy: RetryPolicy = RetryPolicy()
) -> TemplatesRead:
    """`GET /v1/transactional`. Raises MissingCredential without an App API key."""
    read = await read_json(creds, client, "/v1/transactional", policy=policy)
    return TemplatesRead(read, templates_from_response(read.data) if read.ok else [])


async def list_variants(
    creds: Credentials, client: httpx.AsyncClient, template_id: int | str, *, policy: RetryPolicy = RetryPolicy()
) -> VariantsRead:
    """`GET /v1/transactional/{id}/contents`: one variant per language."""
    read = await read_json(creds, client, f"/v1/transactional/{path_segment(template_id)}/contents", policy=policy)
    return VariantsRead(read, variants_from_response(read.data) if read.ok else [])
