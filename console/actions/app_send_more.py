"""App API sends beyond email and push (App API reference, `sendSMS` and the in-app and inbox sends: https://docs.customer.io/api/app/): SMS, in-app, inbox.

Same rules as `app_send.py`: never re-sent after a lost answer, guarded in protected
environments, identifiers checked and template ids sent as numbers when they are digits.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Annotated, Any

from pydantic import Field

from console.actions.app_send import (
    DISABLE_RETENTION,
    IDENTIFIERS,
    LANGUAGE,
    MESSAGE_DATA,
    QUEUE_DRAFT,
    SEND_AT,
    SEND_TO_UNSUBSCRIBED,
    TEMPLATE_ID_HELP,
    _meta,
    identifiers_problems,
    template_id,
)
from console.actions.fields import FieldMeta, Kind
from console.actions.spec import ActionInfo, ActionSpec, BuiltBody, FieldProblem
from console.wire.apis import API

E164 = re.compile(r"^\+[1-9]\d{1,14}$")

REQUIRED_IDENTIFIERS = FieldMeta(
    label=IDENTIFIERS.label,
    help=IDENTIFIERS.help + ". Required",
    kind=Kind.JSON_OBJECT,
    example=IDENTIFIERS.example,
)
TEMPLATE_ID = _meta("Transactional Message ID", TEMPLATE_ID_HELP, example="3")


def _is_liquid(text: str) -> bool:
    return "{{" in text or "{%" in text


class TemplateSend(ActionSpec):
    """A send from a transactional template to one person (the shared build and checks)."""

    if TYPE_CHECKING:  # the fields every subclass declares (as pydantic fields, with their own metadata)
        identifiers: dict[str, Any]
        transactional_message_id: Any

    def cross_checks(self) -> list[FieldProblem]:
        return identifiers_problems(self.identifiers)

    def build_body(self) -> BuiltBody:
        built = super().build_body()
        body = built.body or {}
        body["transactional_message_id"] = template_id(self.transactional_message_id)
        return BuiltBody(body, built.notes)


class SendSMS(TemplateSend):
    INFO = ActionInfo(
        id="send-sms",
        title="Send SMS",
        api=API.APP,
        method="POST",
        path="/v1/send/sms",
        summary="Send a transactional SMS from a template",
        sends_message=True,
        confirm_field="to",
    )
    transactional_message_id: Annotated[str, TEMPLATE_ID]
    identifiers: Annotated[dict[str, Any], REQUIRED_IDENTIFIERS]
    to: Annotated[
        str,
        _meta(
            "To",
            "The phone number to text, in E.164 form (+ and country code), or Liquid such as {{customer.phone}}",
            example="+15551234567",
        ),
    ]
    from_: Annotated[
        str | None,
        _meta(
            "From", "Override the sender: a number or sender id verified with your SMS provider", example="+15557654321"
        ),
        Field(alias="from"),
    ] = None
    message_data: Annotated[dict[str, Any] | None, MESSAGE_DATA] = None
    send_at: Annotated[int | None, SEND_AT] = None
    language: Annotated[str | None, LANGUAGE] = None
    queue_draft: Annotated[bool | None, QUEUE_DRAFT] = None
    send_to_unsubscribed: Annotated[bool | None, SEND_TO_UNSUBSCRIBED] = None
    disable_message_retention: Annotated[bool | None, DISABLE_RETENTION] = None
    tracked: Annotated[bool | None, _meta("Tracked", "Track link clicks (API default: true)", Kind.BOOLEAN, True)] = (
        None
    )

    def cross_checks(self) -> list[FieldProblem]:
        problems = super().cross_checks()
        to = self.to.strip()
        if not _is_liquid(to) and not E164.match(to):
            compact = re.sub(r"[\s().-]", "", to)
            hint = f" (did you mean {compact}?)" if compact != to and E164.match(compact) else ""
            problems.append(
                FieldProblem(
                    "to",
                    f"{self.to!r} is not an E.164 phone number: + then the country code and number, "
                    f"no spaces, e.g. +15551234567{hint}",
                )
            )
        return problems


class SendInApp(TemplateSend):
    INFO = ActionInfo(
        id="send-in-app",
        title="Send In-App Message",
        api=API.APP,
        method="POST",
        path="/v1/send/in_app",
        summary="Send a transactional in-app message from a template",
        sends_message=True,
        confirm_field="identifiers",
    )
    transactional_message_id: Annotated[str, TEMPLATE_ID]
    identifiers: Annotated[dict[str, Any], REQUIRED_IDENTIFIERS]
    message_data: Annotated[dict[str, Any] | None, MESSAGE_DATA] = None
    send_at: Annotated[int | None, SEND_AT] = None
    language: Annotated[str | None, LANGUAGE] = None
    queue_draft: Annotated[bool | None, QUEUE_DRAFT] = None
    disable_message_retention: Annotated[bool | None, DISABLE_RETENTION] = None


class SendInboxMessage(TemplateSend):
    INFO = ActionInfo(
        id="send-inbox-message",
        title="Send Inbox Message",
        api=API.APP,
        method="POST",
        path="/v1/send/inbox_message",
        summary="Send a transactional message to the person's in-app inbox from a template",
        sends_message=True,
        confirm_field="identifiers",
    )
    transactional_message_id: Annotated[str, TEMPLATE_ID]
    identifiers: Annotated[dict[str, Any], REQUIRED_IDENTIFIERS]
    message_data: Annotated[dict[str, Any] | None, MESSAGE_DATA] = None
    send_at: Annotated[int | None, SEND_AT] = None
    language: Annotated[str | None, LANGUAGE] = None
    queue_draft: Annotated[bool | None, QUEUE_DRAFT] = None
    disable_message_retention: Annotated[bool | None, DISABLE_RETENTION] = None


ACTIONS = [SendSMS, SendInApp, SendInboxMessage]
