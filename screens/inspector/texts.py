"""What the inspector shows, as text: the status line, size and time, headers, the
request as sent (masked) and the attempts with why each retry happened. Pure functions
of a SendOutcome, so the inspector, the history and the tests agree on the wording."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from textual.content import Content

from console.wire.redact import mask_headers, redact_text
from console.wire.sizes import human_bytes

if TYPE_CHECKING:
    from console.session.session import SendOutcome
    from console.wire.exchange import Attempt, Exchange


def action_title(action_id: str) -> str:
    """The action's title ("Identify Customer"); its id when the catalog has no such action
    (a history entry written by another version)."""
    from console.actions.catalog import all_actions

    action = all_actions().get(action_id)
    return action.INFO.title if action is not None else action_id


def status_class(ex: Exchange) -> str:
    """The inspector's CSS class: the colour of the border and its title."""
    if ex.response is None:
        return "-network"
    status = ex.response.status
    if ex.partial or 300 <= status < 400:
        return "-partial"
    if 200 <= status < 300:
        return "-ok"
    return "-client" if status < 500 else "-server"


STATUS_CLASSES = ("-ok", "-partial", "-client", "-server", "-network", "-busy")


def status_title(outcome: SendOutcome) -> str:
    ex = outcome.exchange
    if ex.response is None:
        return f"no answer: {ex.failure.value if ex.failure else 'failed'}"
    return f"{ex.response.status} {ex.response.reason}".strip()


def human_ms(ms: float) -> str:
    return f"{ms:.0f} ms" if ms < 1000 else f"{ms / 1000:.2f} s"


def subtitle(outcome: SendOutcome) -> str:
    """Size and time (and the attempts when there were several), for the border."""
    ex = outcome.exchange
    parts = []
    if ex.response is not None:
        parts.append(human_bytes(ex.response.size))
    parts.append(human_ms(ex.elapsed_ms))
    if len(ex.attempts) > 1:
        parts.append(f"{len(ex.attempts)} attempts")
    return " · ".join(parts)


def headers_content(headers: dict[str, str], secrets: Iterable[str]) -> Content:
    secrets = list(secrets)
    if not headers:
        return Content.styled("(no headers)", "$text-muted")
    parts: list = []
    for name, value in mask_headers(headers).items():
        parts += [(f"{name}: ", "bold $accent"), redact_text(value, secrets), "\n"]
    return Content.assemble(*parts[:-1])


def request_head(outcome: SendOutcome, secrets: Iterable[str]) -> Content:
    """The request line, masked headers and notes (the body goes to a JsonView)."""
    secrets = list(secrets)
    req = outcome.exchange.request
    parts: list = [(f"{req.method} ", "bold"), redact_text(req.url, secrets), "\n"]
    for name, value in req.masked_headers().items():
        parts += [(f"{name}: ", "bold $accent"), redact_text(value, secrets), "\n"]
    for note in req.notes:
        parts += [("note: ", "italic $text-muted"), redact_text(note, secrets), "\n"]
    if req.body is None:
        parts.append(("(no body)", "$text-muted"))
    return Content.assemble(*parts).rstrip()


def attempt_result(attempt: Attempt) -> str:
    if attempt.status is not None:
        return str(attempt.status)
    return f"no answer ({attempt.failure.value})" if attempt.failure else "?"


def attempts_content(ex: Exchange) -> Content:
    """One block per attempt: result, time, the wait before it, and why it was retried."""
    if not ex.attempts:
        return Content.styled("(no attempt was made)", "$text-muted")
    parts: list = []
    last = len(ex.attempts)
    for attempt in ex.attempts:
        parts += [
            (f"#{attempt.number} ", "bold"),
            (attempt_result(attempt), "bold"),
            f"  {human_ms(attempt.elapsed_ms)}",
        ]
        if attempt.waited_s:
            parts.append(f"  after waiting {attempt.waited_s:g} s")
        if attempt.retry_reason:
            parts += ["\n   ", ("retried: ", "$warning"), attempt.retry_reason]
        elif attempt.number == last and last > 1:
            parts += ["\n   ", ("final attempt", "$text-muted")]
        parts.append("\n")
    if ex.delivered == "unknown":
        parts.append(("Not re-sent: the request may have been delivered.", "bold $warning"))
    return Content.assemble(*parts).rstrip()
