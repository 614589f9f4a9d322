"""App API transactional sends (App API reference, transactional sends: https://docs.customer.io/api/app/). Bearer auth with the App API key.

A send may deliver a message to a real person: it is never re-sent after a lost answer
(`sends_message`), and a protected environment asks the user to type the recipient.
"""

from __future__ import annotations

from email.utils import getaddresses
from typing import Annotated, Any

from pydantic import Field

from console.actions.fields import FieldMeta, Kind
from console.actions.numbers import canonical_int
from console.actions.spec import ActionInfo, ActionSpec, BuiltBody, FieldProblem
from console.wire.apis import API

IDENTIFIER_KEYS = ("id", "email", "cio_id")
MAX_RECIPIENTS = 15  # App API reference, "Message sending limits": across to + cc + bcc
# What an email sent without a template must carry instead (App API reference, `sendEmail`).
WITHOUT_TEMPLATE = ("body", "subject", "from")


def identifiers_problems(value: dict[str, Any] | None, field: str = "identifiers") -> list[FieldProblem]:
    """Identifier objects hold exactly one of id / email / cio_id (Track OpenAPI, op `identify`)."""
    if value is None:
        return []
    keys = list(value)
    if len(keys) != 1 or keys[0] not in IDENTIFIER_KEYS:
        got = ", ".join(keys) if keys else "nothing"
        return [
            FieldProblem(
                field,
                f"must have exactly one of id, email, cio_id (got {got}), "
                'e.g. {"id": "user_1001"} or {"email": "user@example.com"}',
            )
        ]
    only = value[keys[0]]
    if not isinstance(only, (str, int)) or isinstance(only, bool) or str(only).strip() == "":
        return [FieldProblem(field, f"{keys[0]} must be a non-empty string")]
    if keys[0] == "email" and "@" not in str(only):
        return [FieldProblem(field, f"email {only!r} is not an email address")]
    return []


def addresses(text: str | None) -> list[str]:
    """The addresses in a comma-separated recipient list ('"Ann" <a@x.com>, b@y.com')."""
    if not text:
        return []
    return [addr for _name, addr in getaddresses([text]) if addr]


def template_id(value: str | None) -> int | str | None:
    # An integer template id or the template's trigger name (App API reference, transactional sends). A canonical
    # integer is sent as a number, the id form every official client uses; anything else
    # ("0012", a name) is a trigger name and goes as typed.
    if value is None:
        return None
    number = canonical_int(value.strip())
    return value if number is None else number


TEMPLATE_ID_HELP = "ID of the transactional message template (a number), or its Trigger Name"


def _meta(label: str, help: str, kind: Kind = Kind.TEXT, example: Any = None, **kw: Any) -> FieldMeta:
    return FieldMeta(label=label, help=help, kind=kind, example=example, **kw)


IDENTIFIERS = _meta(
    "Identifiers",
    "The person this message is for: exactly one of id, email or cio_id",
    Kind.JSON_OBJECT,
    {"id": "user_1001"},
)
MESSAGE_DATA = _meta(
    "Message Data",
    "Data for the template's Liquid, available as {{ trigger.<key> }}",
    Kind.JSON_OBJECT,
    {"order_id": "1234", "items": [{"name": "Socks"}]},
)
SEND_AT = _meta(
    "Send At",
    "Schedule the send (Unix seconds, at most 90 days ahead); past times send now",
    Kind.TIMESTAMP,
    1700000000,
    fill="",  # F5 sends now: an example should not schedule anything
)
LANGUAGE = _meta("Language", 'Template language variant to use, e.g. "es"', example="es")
QUEUE_DRAFT = _meta(
    "Queue Draft",
    "Queue the message as a draft to review in Customer.io instead of sending it",
    Kind.BOOLEAN,
    False,
)
SEND_TO_UNSUBSCRIBED = _meta(
    "Send To Unsubscribed",
    "Send even if the person is unsubscribed (API default: true)",
    Kind.BOOLEAN,
    True,
)
DISABLE_RETENTION = _meta(
    "Disable Message Retention",
    "Do not keep the message body in Customer.io's delivery log",
    Kind.BOOLEAN,
    False,
)


class SendTransactionalEmail(ActionSpec):
    INFO = ActionInfo(
        id="send-transactional-email",
        title="Send Transactional Email",
        api=API.APP,
        method="POST",
        path="/v1/send/email",
        summary="Send a transactional email from a template, or without one (Body, Subject and From)",
        sends_message=True,
        confirm_field="to",
    )
    transactional_message_id: Annotated[
        str | None,
        _meta(
            "Transactional Message ID",
            TEMPLATE_ID_HELP + ". Leave it empty to send without a template: then Body, Subject and From are required",
            example="1",
        ),
    ] = None
    to: Annotated[
        str,
        _meta(
            "To",
            "Recipient email; several may be comma-separated, with display names",
            example="recipient@example.com",
        ),
    ]
    identifiers: Annotated[
        dict[str, Any] | None,
        FieldMeta(
            label=IDENTIFIERS.label,
            help=IDENTIFIERS.help + ". Required by the API; filled from To when that is one address",
            kind=Kind.JSON_OBJECT,
            example=IDENTIFIERS.example,
            filled_when_empty='{"email": <To>} when To is a single address',
        ),
    ] = None
    message_data: Annotated[dict[str, Any] | None, MESSAGE_DATA] = None
    from_: Annotated[
        str | None,
        _meta(
            "From", "The sender (overrides the template's); must be a verified sender", example='"Acme" <hi@acme.com>'
        ),
        Field(alias="from"),  # `from` is a Python keyword; the public name stays `from`
    ] = None
    subject: Annotated[str | None, _meta("Subject", "The subject (overrides the template's)", example="Welcome!")] = (
        None
    )
    body: Annotated[str | None, _meta("Body", "The HTML body (overrides the template's)", example="<p>Hello</p>")] = (
        None
    )
    body_plain: Annotated[str | None, _meta("Plain Body", "Override the plain-text body")] = None
    body_amp: Annotated[str | None, _meta("AMP Body", "Override the AMP body")] = None
    preheader: Annotated[str | None, _meta("Preheader", "Override the preheader text")] = None
    reply_to: Annotated[str | None, _meta("Reply To", "Reply-to address", example="support@acme.com")] = None
    bcc: Annotated[str | None, _meta("BCC", "Blind-copy addresses, comma-separated")] = None
    cc: Annotated[str | None, _meta("CC", "Copy addresses, comma-separated")] = None
    fake_bcc: Annotated[bool | None, _meta("Fake BCC", "Send BCC copies as separate messages", Kind.BOOLEAN, False)] = (
        None
    )
    send_at: Annotated[int | None, SEND_AT] = None
    language: Annotated[str | None, LANGUAGE] = None
    queue_draft: Annotated[bool | None, QUEUE_DRAFT] = None
    send_to_unsubscribed: Annotated[bool | None, SEND_TO_UNSUBSCRIBED] = None
    disable_message_retention: Annotated[bool | None, DISABLE_RETENTION] = None
    tracked: Annotated[
        bool | None, _meta("Tracked", "Track opens and clicks (API default: true)", Kind.BOOLEAN, True)
    ] = None
    disable_css_preprocessing: Annotated[
        bool | None, _meta("Disable CSS Preprocessing", "Send the CSS as written", Kind.BOOLEAN, False)
    ] = None
    attachments: Annotated[
        dict[str, Any] | None,
        _meta(
            "Attachments",
            "File name to base64 content; 2 MB in total",
            Kind.JSON_OBJECT,
            {"hello.txt": "SGVsbG8gZnJvbSBjaW8tY29uc29sZQo="},
        ),
    ] = None
    headers: Annotated[
        dict[str, Any] | None,
        _meta(
            "Headers",
            "Extra email headers, name to value (ASCII names without spaces)",
            Kind.JSON_OBJECT,
            {"X-Campaign": "spring"},
        ),
    ] = None

    def recipients(self) -> list[str]:
        return addresses(self.to) + addresses(self.cc) + addresses(self.bcc)

    def cross_checks(self) -> list[FieldProblem]:
        problems = identifiers_problems(self.identifiers) + self._content_problems()
        to = addresses(self.to)
        if not to or any("@" not in a for a in to):
            problems.append(FieldProblem("to", f"{self.to!r} is not an email address, e.g. recipient@example.com"))
        elif self.identifiers is None and len(to) > 1:
            problems.append(
                FieldProblem(
                    "identifiers",
                    "is required when To has several addresses: say which person the message "
                    'is for, e.g. {"email": "' + to[0] + '"}',
                )
            )
        if len(self.recipients()) > MAX_RECIPIENTS:
            problems.append(
                FieldProblem("to", f"has {len(self.recipients())} recipients across to, cc and bcc; the limit is 15")
            )
        return problems

    def _content_problems(self) -> list[FieldProblem]:
        # The App API's two forms (App API reference, `sendEmail`): from a template, or "without template",
        # where the message is the send's own body, subject and from.
        if self.transactional_message_id is not None:
            return []
        missing = [name for name in WITHOUT_TEMPLATE if not (self.value(name) or "").strip()]
        if len(missing) == len(WITHOUT_TEMPLATE):
            return [
                FieldProblem(
                    "transactional_message_id",
                    "is required, or send without a template by giving Body (body), Subject (subject) "
                    'and From (from), e.g. "1" or a Trigger Name',
                )
            ]
        return [
            FieldProblem(
                name,
                "is required when sending without a template (no Transactional "
                f"Message ID); {', '.join(WITHOUT_TEMPLATE)} are all needed",
            )
            for name in missing
        ]

    @property
    def uses_template(self) -> bool:
        return self.transactional_message_id is not None

    def build_body(self) -> BuiltBody:
        built = super().build_body()
        body = built.body or {}
        if self.transactional_message_id is not None:
            body["transactional_message_id"] = template_id(self.transactional_message_id)
        if self.identifiers is None:
            # The API requires identifiers (App API reference, `sendEmail`); one plain recipient names the person.
            (address,) = addresses(self.to)
            body["identifiers"] = {"email": address}
            built.notes.append(f'identifiers filled from To: {{"email": "{address}"}}')
        return BuiltBody(body, built.notes)


class SendPush(ActionSpec):
    INFO = ActionInfo(
        id="send-push",
        title="Send Push",
        api=API.APP,
        method="POST",
        path="/v1/send/push",
        summary="Send a push notification from a template (title and message may override it)",
        sends_message=True,
        confirm_field="identifiers",
    )
    # Required: the App API document (`sendPush`) has no push without a
    # template (unlike email's "without template" form); title and message override it.
    transactional_message_id: Annotated[
        str,
        _meta(
            "Transactional Message ID", TEMPLATE_ID_HELP, example="3"
        ),  # the demo workspace's push message (1 and 2 are emails)
    ]
    identifiers: Annotated[
        dict[str, Any] | None,
        FieldMeta(
            label=IDENTIFIERS.label,
            help=IDENTIFIERS.help + ". Required by the API",
            kind=Kind.JSON_OBJECT,
            example=IDENTIFIERS.example,
        ),
    ] = None
    to: Annotated[
        str | None,
        _meta(
            "To",
            'Which of the person\'s devices: "all" (default), "last_used", or one device token',
            example="all",
        ),
    ] = None
    title: Annotated[
        str | None, _meta("Title", "Push title (overrides the template)", example="Your order shipped")
    ] = None
    message: Annotated[
        str | None, _meta("Message", "Push body (overrides the template)", example="It arrives Tuesday")
    ] = None
    link: Annotated[str | None, _meta("Link", "Deep link opened on tap", example="myapp://orders/1234")] = None
    image_url: Annotated[
        str | None, _meta("Image URL", "Image shown in the notification", example="https://example.com/a.png")
    ] = None
    sound: Annotated[
        str | None,
        FieldMeta(label="Sound", help="iOS only", kind=Kind.ENUM, choices=("default", "none"), example="default"),
    ] = None
    custom_data: Annotated[
        dict[str, Any] | None,
        _meta(
            "Custom Data", "Extra key-value data for the app (string values)", Kind.JSON_OBJECT, {"order_id": "1234"}
        ),
    ] = None
    custom_device: Annotated[
        dict[str, Any] | None,
        _meta(
            "Custom Device",
            "Add or update a device at send time: token and platform required",
            Kind.JSON_OBJECT,
            {"token": "device_token_abc", "platform": "ios"},
        ),
    ] = None
    custom_payload: Annotated[
        dict[str, Any] | None,
        _meta(
            "Custom Payload",
            'Full per-platform payload override: {"ios": {...}, "android": {...}}',
            Kind.JSON_OBJECT,
            {"android": {"message": {"notification": {"title": "Hi"}}}},
        ),
    ] = None
    message_data: Annotated[dict[str, Any] | None, MESSAGE_DATA] = None
    send_at: Annotated[int | None, SEND_AT] = None
    language: Annotated[str | None, LANGUAGE] = None
    queue_draft: Annotated[bool | None, QUEUE_DRAFT] = None
    send_to_unsubscribed: Annotated[bool | None, SEND_TO_UNSUBSCRIBED] = None
    disable_message_retention: Annotated[bool | None, DISABLE_RETENTION] = None

    def cross_checks(self) -> list[FieldProblem]:
        problems = identifiers_problems(self.identifiers)
        if self.identifiers is None:
            problems.append(
                FieldProblem(
                    "identifiers",
                    'is required by the API: which person to notify, e.g. {"id": "user_1001"}',
                )
            )
        for key, value in (self.custom_data or {}).items():
            if not isinstance(value, str):
                problems.append(FieldProblem("custom_data", f"{key!r} must be a string (push data values are strings)"))
        device = self.custom_device
        if device is not None:
            missing = [k for k in ("token", "platform") if not device.get(k)]
            if missing:
                problems.append(FieldProblem("custom_device", f"needs {' and '.join(missing)}"))
            elif device["platform"] not in ("ios", "android"):
                problems.append(FieldProblem("custom_device", "platform must be one of ios, android"))
        return problems

    def build_body(self) -> BuiltBody:
        built = super().build_body()
        body = built.body or {}
        body["transactional_message_id"] = template_id(self.transactional_message_id)
        return BuiltBody(body, built.notes)


ACTIONS = [SendTransactionalEmail, SendPush]
