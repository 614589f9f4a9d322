"""Explain a failed Exchange: what happened, the likely cause for this action and API,
and what to do next. The CLI and the UI both show this text, so they never disagree.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import asdict, dataclass, field
from typing import Any, TypedDict
from urllib.parse import urlsplit

from console import words
from console.actions.spec import ActionSpec
from console.wire.apis import API, Region
from console.wire.credentials import Credentials
from console.wire.error_body import ApiError, api_errors
from console.wire.exchange import Exchange, Failure

# Each API's documented rate limit (its OpenAPI `info.description`); shown so people know what "too fast" means for this API.
RATE_LIMITS = {
    API.TRACK: "about 1000 requests/s (soft)",
    API.APP: "10 requests/s (100/s for transactional sends)",
    API.PIPELINES: "3000 requests per 3 s (soft)",
}
# A 429 was not processed, so it was not delivered; the transport's own retries are over
# by the time it is explained, and the console never re-sends on the user's behalf.
NOT_RESENT = "It was not delivered, and nothing is re-sent automatically"
CONNECTION_TEST = (
    f"Run the connection test{words.HOW_CONNECTION_TEST}: it checks each key and finds the region "
    "the credentials belong to."
)


class _Common(TypedDict):
    """What every explanation of one exchange shares (passed on as **base)."""

    api_message: str | None
    delivered: str
    field: str | None


@dataclass
class Explanation:
    title: str
    cause: str
    steps: list[str] = field(default_factory=list)
    field: str | None = None  # the action field to highlight
    api_message: str | None = None
    delivered: str = "no"
    offer_connection_test: bool = False
    retry_after: float | None = None
    # A 207 partial failure: each failed operation (console.wire.multi_status.ItemFailure as dicts).
    items: list[dict[str, Any]] = dataclasses.field(default_factory=list)  # `field` is shadowed above

    def text(self) -> str:
        lines = [self.title, f"Why: {self.cause}"]
        if self.api_message and not self.items:
            lines.append(f"Customer.io said: {self.api_message}")
        if self.field:
            lines.append(f"Field: {self.field}")
        if self.items:
            from console.wire.multi_status import ItemFailure

            lines.append("Failed operations (index in the batch, the operation, [field]: message):")
            lines += [f"  {ItemFailure(**item).text()}" for item in self.items]
        lines += [f"Next: {step}" for step in self.steps]
        return "\n".join(lines)

    def seconds_to_wait(self, elapsed_s: float = 0.0) -> int | None:
        """Whole seconds left of a final 429's Retry-After, `elapsed_s` after the answer."""
        if self.retry_after is None:
            return None
        return max(0, math.ceil(self.retry_after - elapsed_s))

    def send_again(self, elapsed_s: float = 0.0) -> str | None:
        """ "You can send again in N s: …" after a final 429 with Retry-After, else None."""
        left = self.seconds_to_wait(elapsed_s)
        return None if left is None else send_again_text(left)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _status_line(ex: Exchange) -> str:
    resp = ex.response
    assert resp is not None
    return f"{resp.status} {resp.reason}".strip()


def _attempts_note(ex: Exchange) -> str:
    if len(ex.attempts) <= 1:
        return ""
    seen = ", ".join(str(a.status or (a.failure.value if a.failure else "?")) for a in ex.attempts)
    return f" after {len(ex.attempts)} attempts ({seen})"


def _field_for(action: type[ActionSpec] | None, errors: list[ApiError]) -> str | None:
    if action is None:
        return None
    for err in errors:
        name = action.field_for_wire(err.field) if err.field else None
        if name:
            return name
    for err in errors:
        name = action.field_mentioned(err.message)
        if name:
            return name
    return None


def explain(
    ex: Exchange, action: type[ActionSpec] | None = None, creds: Credentials | None = None
) -> Explanation | None:
    """None for a success; otherwise the explanation of what went wrong, with every key
    masked (a server may echo the credentials in its error; every face shows this)."""
    from console.wire.redact import redact_data

    explanation = _explain(ex, action, creds)
    if explanation is None:
        return None
    secrets = creds.redaction_secrets() if creds is not None else []
    return Explanation(**redact_data(asdict(explanation), secrets))


def _explain(ex: Exchange, action: type[ActionSpec] | None, creds: Credentials | None) -> Explanation | None:
    if ex.ok:
        return None
    if ex.response is None:
        return _network(ex, action)
    status = ex.response.status
    errors = api_errors(ex.response.text)
    message = "; ".join(e.message for e in errors) or None
    api = ex.request.api or (action.INFO.api if action else API.TRACK)
    what = action.INFO.title if action else f"{ex.request.method} request"
    base = _Common(api_message=message, delivered=ex.delivered, field=_field_for(action, errors))

    if ex.partial:
        return _partial(ex, what, base)
    if 300 <= status < 400:
        return _redirect(ex, api, what, base)
    if status == 401:
        return _unauthorized(api, what, creds, base)
    if status == 403:
        return Explanation(
            f"{_status_line(ex)}: the {api.title} accepted the key but refused this request",
            "The key is valid but not allowed to do this: a key without this scope, a channel "
            "not enabled in the workspace (e.g. SMS), or a forbidden attachment type.",
            [
                "Check the key's permissions in Customer.io: Settings > API Credentials.",
                "If the message names a field, fix it and send again.",
            ],
            **base,
        )
    if status == 404:
        return _not_found(ex, action, what, base)
    if status == 413:
        return Explanation(
            f"{_status_line(ex)}: the request is too large for {what}",
            "Customer.io limits sizes: transactional payloads 1 MB (attachments 2 MB in total), "
            "event data 100 KB, attribute values 1000 bytes, v2/Pipelines calls 32 KB.",
            ["Send less data: trim the largest field, or move attachments to links."],
            **base,
        )
    if status in (400, 422):
        field_note = f" in {base['field']}" if base["field"] else ""
        return Explanation(
            f"{_status_line(ex)}: Customer.io rejected the {what} request as invalid{field_note}",
            "The request reached Customer.io but a value is missing or malformed."
            + (" The field is highlighted." if base["field"] else ""),
            [_invalid_step(base["field"], message, action)],
            **base,
        )
    if status == 429:
        return _rate_limited(ex, api, base)
    if status >= 500:
        return _server_error(ex, api, what, base)
    return Explanation(
        f"{_status_line(ex)}: unexpected answer to {what}",
        "Customer.io answered with a status this console does not expect for this action.",
        ["Look at the response body and headers in the inspector."],
        **base,
    )


def _invalid_step(field_name: str | None, message: str | None, action: type[ActionSpec] | None) -> str:
    """What to fix after a 400/422: the field when Customer.io named one, else what it said,
    else where the fields are described (never a field that was not named)."""
    if field_name:
        return f"Fix {field_name} and send again; nothing was applied."
    if message:
        return (
            "Customer.io named no field: its message above says which value it refused. Fix that "
            "value and send again; nothing was applied."
        )
    listing = words.action_docs(action.INFO.id if action else "ACTION")
    return (
        "Customer.io named no field and gave no message: check each value against the action's "
        f"fields and examples ({listing}) and send again; nothing was applied."
    )


def send_again_text(seconds_left: int) -> str:
    """When the user may send again after a final 429: the console counts this down from
    the last Retry-After; the CLI prints it once."""
    when = f"in {seconds_left} s" if seconds_left > 0 else "now"
    return f"You can send again {when}: {NOT_RESENT[0].lower()}{NOT_RESENT[1:]}."


def _rate_limited(ex: Exchange, api: API, base: _Common) -> Explanation:
    from console.wire.retry_after import parse_retry_after

    assert ex.response is not None
    header = ex.response.headers.get("retry-after")
    wait = parse_retry_after(header)
    if wait is not None and not math.isfinite(wait):
        wait = None
    asked = f" Customer.io asked to wait {math.ceil(wait)} s (Retry-After: {header})." if wait is not None else ""
    return Explanation(
        f"{_status_line(ex)}: rate limited by the {api.title}{_attempts_note(ex)}",
        f"Too many requests: the {api.title} allows {RATE_LIMITS[api]}. Customer.io did not "
        f"process the request.{asked}",
        [
            NOT_RESENT
            + (
                ": send it again yourself once the wait is over."
                if wait is not None
                else ": wait a few seconds, then send it again yourself."
            ),
            f"For many rows use {words.BATCH_TOOL}, which paces itself.",
        ],
        retry_after=wait,
        **base,
    )


def _partial(ex: Exchange, what: str, base: _Common) -> Explanation:
    from console.wire.multi_status import _operations, item_failures

    failures = item_failures(ex)
    total = len(_operations(ex))
    failed = len({f.index for f in failures}) or len(failures)
    counts = f"{failed} of {total}" if total else str(failed)
    rest = total - failed
    applied = f" The other {rest} {'was' if rest == 1 else 'were'} applied." if total and rest > 0 else ""
    indexes = ", ".join(str(i) for i in sorted({f.index for f in failures if f.index is not None}))
    return Explanation(
        f"{_status_line(ex)}: {counts} operations of the {what} request failed",
        "Customer.io applied the operations it could and rejected the ones listed." + applied,
        [
            f"Fix the failed operations (index {indexes or '?'}) and send a batch of only those; "
            "sending the whole batch again would repeat the applied ones."
        ],
        items=[f.to_dict() for f in failures],
        **_Common(api_message=base["api_message"], delivered=base["delivered"], field="batch"),
    )


def _redirect(ex: Exchange, api: API, what: str, base: _Common) -> Explanation:
    location = ex.response.headers.get("location", "") if ex.response else ""
    host = urlsplit(location).netloc + urlsplit(location).path
    if "-eu" in host:
        return Explanation(
            f"{_status_line(ex)}: these credentials belong to an EU workspace",
            f"The US {api.title} host redirected the request to the EU region ({location}). "
            "The redirect was not followed: it would drop the Authorization header and your "
            "data would transit the US.",
            [
                f"Set the environment's region to EU (CIO_REGION=eu, or {words.set_region('NAME', 'eu')}) and send again.",
                CONNECTION_TEST,
            ],
            offer_connection_test=True,
            **base,
        )
    return Explanation(
        f"{_status_line(ex)}: the {api.title} redirected {what} to {location or 'another address'}",
        "Redirects are not followed, so the Authorization header is never sent to another host.",
        ["Check the base URL (CIO_TRACK_URL / CIO_APP_URL / CIO_PIPELINES_URL) and the region.", CONNECTION_TEST],
        offer_connection_test=True,
        **base,
    )


def _unauthorized(api: API, what: str, creds: Credentials | None, base: _Common) -> Explanation:
    region = creds.region if creds else None
    other = "US" if region == Region.EU else "EU"
    region_note = (
        f" The region is set to {region.value.upper() if region else '?'}: if the workspace is "
        f"in {other}, its keys are refused here."
    )
    if api == API.TRACK:
        same = creds is not None and creds.track_key and creds.track_key == creds.app_key
        cause = (
            "The Track API key is the same as the App API key: Track actions need the Track API key."
            if same
            else "The Site ID and Track API key were not accepted together. Common causes: the App "
            "API key pasted as the Track key (Track actions need the Track API key), a Site ID "
            "from another workspace, or a region mismatch." + region_note
        )
        steps = [
            "Copy the Site ID and Track API key from Customer.io: Settings > API Credentials > Track API Keys.",
            CONNECTION_TEST,
        ]
    elif api == API.APP:
        same = creds is not None and creds.app_key and creds.app_key == creds.track_key
        cause = (
            "The App API key is the same as the Track API key: sends and reads need an App API key."
            if same
            else f"The App API key was not accepted. Common causes: a Track API key used where "
            f"{what} needs the App API key, a revoked key, or a region mismatch." + region_note
        )
        steps = [
            "Create or copy an App API key in Customer.io: Settings > API Credentials > App API Keys.",
            CONNECTION_TEST,
        ]
    else:
        cause = (
            "The Write API key (the Pipelines source key) was not accepted: a Track or App key "
            "used instead, a key from another source, or a region mismatch." + region_note
        )
        steps = ["Copy the source's Write API key from Customer.io: Data Pipelines > Sources.", CONNECTION_TEST]
    return Explanation(
        f"401 Unauthorized: the {api.title} rejected the {api.key_name}",
        cause,
        steps,
        offer_connection_test=True,
        **base,
    )


def _not_found(ex: Exchange, action: type[ActionSpec] | None, what: str, base: _Common) -> Explanation:
    info = action.INFO if action else None
    if info is not None and info.sends_message:
        base = {**base, "field": base["field"] or "transactional_message_id"}
        return Explanation(
            f"{_status_line(ex)}: no such transactional message",
            "This workspace has no transactional message with that ID or Trigger Name "
            "(check the workspace and region, too). Nothing was sent.",
            ["Pick an existing template: Customer.io > Transactional, or `GET /v1/transactional`."],
            **base,
        )
    if ex.request.method == "GET":
        return Explanation(
            f"{_status_line(ex)}: not found",
            "No person or resource with that identifier in this workspace. Check the "
            "identifier type (id, email or cio_id) and that you are in the right environment.",
            ["Look the person up by another identifier, or check the environment and region."],
            **base,
        )
    return Explanation(
        f"{_status_line(ex)}: the {what} endpoint was not found",
        "Customer.io answers 404 when the path does not exist: usually a wrong base URL "
        "override or a missing path segment.",
        ["Check CIO_TRACK_URL / CIO_APP_URL / CIO_PIPELINES_URL or the environment's base URL."],
        **base,
    )


def _server_error(ex: Exchange, api: API, what: str, base: _Common) -> Explanation:
    steps = ["Try again in a minute; check https://status.customer.io if it persists."]
    cause = f"Customer.io's {api.title} failed to handle the request{_attempts_note(ex)}."
    if ex.delivered == "unknown":
        cause += " It may still have been processed."
        steps.insert(0, _unknown_outcome_step(what))
    return Explanation(f"{_status_line(ex)}: Customer.io server error", cause, steps, **base)


def _unknown_outcome_step(what: str) -> str:
    return (
        f"It was NOT re-sent automatically. Check Customer.io (Deliveries, or the person's "
        f"Activity) before sending {what} again, so nobody gets it twice."
    )


def _network(ex: Exchange, action: type[ActionSpec] | None) -> Explanation:
    url = urlsplit(ex.request.url)
    host = url.hostname or "?"
    where = f"{host}:{url.port}" if url.port else host
    failure = ex.failure or Failure.CONNECT
    what = action.INFO.title if action else "the request"
    detail = ex.failure_detail or failure.value
    tries = _attempts_note(ex)
    if failure == Failure.DNS:
        return Explanation(
            f"Network failure: could not resolve {host}",
            f"The host name did not resolve ({detail}). Nothing was sent.",
            ["Check the network, the VPN or proxy, and any base URL override (CIO_*_URL)."],
        )
    if failure == Failure.REFUSED:
        return Explanation(
            f"Network failure: connection refused by {where}{tries}",
            "Nothing is listening at that address. Nothing was sent.",
            ["If this is the sandbox, start it with `cio-console sandbox`; otherwise check the base URL override."],
        )
    if failure == Failure.TLS:
        return Explanation(
            f"Network failure: TLS handshake with {host} failed",
            f"The server's certificate was not trusted ({detail}). A proxy that intercepts "
            "TLS is the usual cause. Nothing was sent.",
            ["Point SSL_CERT_FILE at your organisation's CA bundle, or fix the base URL."],
        )
    if failure in (Failure.CONNECT_TIMEOUT, Failure.CONNECT):
        return Explanation(
            f"Network failure: could not connect to {where}{tries}",
            f"No connection could be made ({detail}). Nothing was sent.",
            ["Check the network, firewall or proxy, then send again."],
        )
    # Sent, but the answer never came (or could not be read): it may have been applied.
    verb = {
        Failure.READ_TIMEOUT: "timed out waiting for the answer",
        Failure.UNREADABLE: "could not read the answer",
    }.get(failure, "lost the connection before the answer")
    lost = f"no answer could be read ({_cut(detail)})"
    repeat_safe = action.INFO.is_repeat_safe if action else ex.request.method in ("GET", "PUT", "DELETE")
    if repeat_safe:
        return Explanation(
            f"Network failure: {verb} from {where}{tries}",
            f"The request was sent but {lost}. Repeating it is harmless for this action.",
            ["Send again; check the network if it keeps happening."],
            delivered=ex.delivered,
        )
    return Explanation(
        f"Unknown outcome: {verb} from {where}",
        f"{what} was sent, but {lost}, so it may have been delivered.",
        [_unknown_outcome_step(what)],
        delivered="unknown",
    )


def _cut(text: str, limit: int = 300) -> str:
    return text if len(text) <= limit else text[:limit] + f"… ({len(text) - limit} more characters)"
