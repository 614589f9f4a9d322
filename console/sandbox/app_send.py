"""App API transactional sends (App API reference, transactional sends: https://docs.customer.io/api/app/): email, push, sms, in_app, inbox_message.

Checks run in a fixed order so one request gets one clear answer: payload size (413),
structure (400), unknown template or person (404), values that are well-formed but
wrong (422), then the delivery is recorded.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable
from email.utils import getaddresses
from typing import TYPE_CHECKING, Any

from . import deliveries, people
from .checks import (
    ATTACHMENTS_LIMIT,
    RECIPIENT_LIMIT,
    SEND_AT_HORIZON,
    SEND_PAYLOAD_LIMIT,
    check_device,
    identifier_object,
    is_int,
    json_size,
)
from .errors import meta_error, unprocessable
from .messages import ApiRequest, ApiResponse
from .routing import route
from .state import Template

if TYPE_CHECKING:
    from .sandbox import Sandbox

EMAIL_RE = re.compile(r"^[^@\s<>\",;]+@[^@\s<>\",;]+\.[^@\s<>\",;.]+$")
E164_RE = re.compile(r"^\+[1-9]\d{1,14}$")
FORBIDDEN_ATTACHMENTS = (".exe", ".bat", ".cmd", ".com", ".js", ".msi", ".scr", ".vbs", ".jar")
BOOL_FIELDS = (
    "disable_message_retention",
    "send_to_unsubscribed",
    "queue_draft",
    "tracked",
    "fake_bcc",
    "disable_css_preprocessing",
    "auto_create",
)
STRING_FIELDS = {
    "email": (
        "to",
        "from",
        "subject",
        "body",
        "body_plain",
        "body_amp",
        "preheader",
        "reply_to",
        "bcc",
        "cc",
        "language",
    ),
    "push": ("to", "title", "message", "image_url", "link", "sound", "language"),
    "sms": ("to", "from", "language"),
    "in_app": ("language",),
    "inbox_message": ("language",),
}


def is_email(text: str) -> bool:
    return bool(EMAIL_RE.match(text))


def is_liquid(text: str) -> bool:
    return "{{" in text or "{%" in text


def addresses(text: str) -> list[str]:
    """The addresses in a comma-separated header value ('"Name" <a@b>' allowed)."""
    return [addr or name for name, addr in getaddresses([text]) if addr or name]


def _present(body: dict[str, Any], key: str) -> bool:
    return body.get(key) not in (None, "")


def _structure(channel: str, body: dict[str, Any]) -> list[str]:
    problems: list[str] = []
    _, bad = identifier_object(body.get("identifiers"), "identifiers")
    if bad:
        problems.append(bad.message)
    tmid = body.get("transactional_message_id")
    if tmid is not None and (isinstance(tmid, bool) or not isinstance(tmid, (int, str)) or tmid == ""):
        problems.append("transactional_message_id: must be an integer id or a trigger name")
    for key in STRING_FIELDS[channel]:
        if body.get(key) is not None and not isinstance(body[key], str):
            problems.append(f"{key}: must be a string")
    for key in BOOL_FIELDS:
        if body.get(key) is not None and not isinstance(body[key], bool):
            problems.append(f"{key}: must be a boolean")
    if body.get("message_data") is not None and not isinstance(body["message_data"], dict):
        problems.append("message_data: must be an object")
    if body.get("send_at") is not None and not is_int(body["send_at"]):
        problems.append("send_at: must be an integer unix timestamp")
    problems += _CHANNEL_CHECKS[channel](body)
    return problems


def _email_checks(body: dict[str, Any]) -> list[str]:
    problems = []
    if not _present(body, "to"):
        problems.append("to: is required")
    if body.get("transactional_message_id") is None:
        for key in ("from", "subject", "body"):
            if not _present(body, key):
                problems.append(f"{key}: is required when transactional_message_id is not given")
    count = sum(len(addresses(body[k])) for k in ("to", "cc", "bcc") if isinstance(body.get(k), str))
    if count > RECIPIENT_LIMIT:
        problems.append(f"to: {count} recipients across to, cc and bcc; the limit is {RECIPIENT_LIMIT}")
    headers = body.get("headers")
    # APP-SPEC says an object; the 2026 components say a JSON string: accept both (UNCONFIRMED).
    if headers is not None and not isinstance(headers, (dict, str)):
        problems.append("headers: must be an object of header names to values")
    attachments = body.get("attachments")
    if attachments is not None and (
        not isinstance(attachments, dict) or not all(isinstance(v, str) for v in attachments.values())
    ):
        problems.append("attachments: must be an object of file names to base64 content")
    return problems


def _push_checks(body: dict[str, Any]) -> list[str]:
    # APP-SPEC sendPush requires the template; title and message only override it.
    problems = [] if body.get("transactional_message_id") is not None else ["transactional_message_id: is required"]
    if body.get("sound") is not None and body["sound"] not in ("default", "none"):
        problems.append("sound: must be one of default, none")
    custom_data = body.get("custom_data")
    if custom_data is not None:
        if not isinstance(custom_data, dict):
            problems.append("custom_data: must be an object")
        else:
            # FCM only carries string values (App API reference, `sendPush`).
            problems += [f"custom_data.{k}: must be a string" for k, v in custom_data.items() if not isinstance(v, str)]
    if body.get("custom_device") is not None:
        problems += [p.message for p in check_device(body["custom_device"], "custom_device", "token")]
    if body.get("custom_payload") is not None and not isinstance(body["custom_payload"], dict):
        problems.append("custom_payload: must be an object")
    return problems


def _sms_checks(body: dict[str, Any]) -> list[str]:
    problems = [] if body.get("transactional_message_id") is not None else ["transactional_message_id: is required"]
    to = body.get("to")
    if not _present(body, "to"):
        problems.append("to: is required")
    elif isinstance(to, str) and not is_liquid(to) and not E164_RE.match(to):
        problems.append("to: must be a phone number in E.164 format, like +15551234567")
    return problems


def _template_only_checks(body: dict[str, Any]) -> list[str]:
    return [] if body.get("transactional_message_id") is not None else ["transactional_message_id: is required"]


_CHANNEL_CHECKS = {
    "email": _email_checks,
    "push": _push_checks,
    "sms": _sms_checks,
    "in_app": _template_only_checks,
    "inbox_message": _template_only_checks,
}


def _attachment_problem(body: dict[str, Any]) -> ApiResponse | None:
    total = 0
    for name, content in (body.get("attachments") or {}).items():
        try:
            total += len(base64.b64decode(content, validate=True))
        except (binascii.Error, ValueError):
            return meta_error(f"attachments.{name}: is not valid base64")
        if name.lower().endswith(FORBIDDEN_ATTACHMENTS):
            return meta_error(f"attachments.{name}: this file type is not allowed", 403)
    if total > ATTACHMENTS_LIMIT:
        return meta_error(f"attachments: are {total} bytes; the limit is {ATTACHMENTS_LIMIT}", 413)
    return None


def _semantic(channel: str, body: dict[str, Any], now: int) -> list[tuple[str, str]]:
    """Well-formed but invalid values; 422 is the sandbox's choice of status for these."""
    problems = []
    ident = body["identifiers"]
    if "email" in ident and not is_email(str(ident["email"])):
        problems.append(("/identifiers/email", f"identifiers.email: {ident['email']!r} is not a valid email address"))
    if channel == "email":
        for key in ("to", "cc", "bcc"):
            value = body.get(key)
            if not isinstance(value, str) or is_liquid(value):
                continue
            for addr in addresses(value):
                if not is_email(addr):
                    problems.append((f"/{key}", f"{key}: {addr!r} is not a valid email address"))
    send_at = body.get("send_at")
    if send_at is not None and send_at > now + SEND_AT_HORIZON:
        problems.append(("/send_at", "send_at: is more than 90 days ahead"))
    return problems


def _template(sb: Sandbox, channel: str, body: dict[str, Any]) -> tuple[Template | None, ApiResponse | None]:
    tmid = body.get("transactional_message_id")
    if tmid is None:
        return None, None
    template = sb.state.template(tmid)
    if template is None:
        # Status UNCONFIRMED: the seed's error table lists 404 "Person or resource not found".
        return None, meta_error(f"transactional_message_id: no transactional message {tmid}", 404)
    # The demo has only email and push templates, so only those channels are checked.
    if channel in ("email", "push") and template.type != channel:
        return None, meta_error(
            f"transactional_message_id: message {template.id} is {_article(template.type)} {template.type} "
            f"message, not {channel}"
        )
    return template, None


def _push_target(person_devices: set[str], body: dict[str, Any]) -> ApiResponse | None:
    to = body.get("to")
    if to in (None, "all", "last_used") or (isinstance(to, str) and is_liquid(to)):
        return None
    if to not in person_devices:
        return meta_error("to: must be all, last_used, or one of the person's device tokens")
    return None


def send(channel: str) -> Callable[[Sandbox, ApiRequest], ApiResponse]:
    def handler(sb: Sandbox, req: ApiRequest) -> ApiResponse:
        parsed, body = req.json()
        if not parsed or not isinstance(body, dict):
            if len(req.body) > SEND_PAYLOAD_LIMIT:
                return meta_error(f"body: is {len(req.body)} bytes; the limit is {SEND_PAYLOAD_LIMIT}", 413)
            return meta_error(
                "body: is not valid JSON"
                if not parsed
                else "body: is required"
                if body is None
                else "body: must be a JSON object"
            )
        size = (
            len(req.body)
            if "attachments" not in body
            else json_size({k: v for k, v in body.items() if k != "attachments"})
        )
        if size > SEND_PAYLOAD_LIMIT:
            return meta_error(f"body: is {size} bytes without attachments; the limit is {SEND_PAYLOAD_LIMIT}", 413)
        problems = _structure(channel, body)
        if problems:
            return meta_error("; ".join(problems))
        if channel == "email" and body.get("attachments"):
            bad = _attachment_problem(body)
            if bad:
                return bad
        template, missing = _template(sb, channel, body)
        if missing:
            return missing
        invalid = _semantic(channel, body, sb.now())
        if invalid:
            return unprocessable(invalid)
        return _deliver(sb, channel, body, template)

    handler.__name__ = f"send_{channel}"
    return handler


def _deliver(sb: Sandbox, channel: str, body: dict[str, Any], template: Template | None) -> ApiResponse:
    ws, now = sb.state, sb.now()
    kind, value = next(iter(body["identifiers"].items()))
    value = str(value)
    existing = ws.find(kind, value)
    if existing is None and kind == "cio_id":
        # A person can be created from an id or email, not from an unknown cio_id.
        return meta_error(f"identifiers.cio_id: no person with cio_id {value!r}", 404)
    if channel == "push":
        tokens = set(existing.devices) if existing else set()
        if isinstance(body.get("custom_device"), dict):
            tokens.add(body["custom_device"]["token"])
        bad = _push_target(tokens, body)
        if bad:
            return bad
    person, note = people.ensure_person(
        ws, kind, value, now
    )  # the send creates a missing person (App API reference, `sendEmail`)
    if person is not None and channel == "push" and isinstance(body.get("custom_device"), dict):
        d = body["custom_device"]
        people.upsert_device(ws, person, d["token"], d["platform"], d.get("last_used"), d.get("attributes"), now)
    blocked = None if person is not None else f"{kind} {value!r} is suppressed in this workspace"
    delivery = deliveries.create(sb, channel, body, template, person, blocked)
    # The request log says at once why a message will not be sent (not what happens after).
    note = deliveries.not_sent_reason(delivery) or note
    return ApiResponse(200, {"delivery_id": delivery.delivery_id, "queued_at": delivery.queued_at}, note=note)


ROUTES = [
    route("POST", f"/v1/send/{channel}", send(channel))
    for channel in ("email", "push", "sms", "in_app", "inbox_message")
]


def _article(word: str) -> str:
    return "an" if word[:1].lower() in "aeiou" else "a"
