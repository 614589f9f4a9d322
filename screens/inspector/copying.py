"""Copy as curl (F8, keys masked; "reveal keys" only from the palette) and copy the body
(F9), for the exchange the inspector in front of the user shows (the last one any screen
showed, `app.inspected`, only where no inspector is on screen: the workspace's inspector
showing an identify must not copy an email sent from F6 since). The toast names it.

Through `App.copy_to_clipboard`, which writes an OSC 52 sequence: it reaches the user's
own clipboard over SSH too. A masked command references $CIO_*_API_KEY instead of the key
(`console.wire.curl`), so it still runs where the variables are set.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from console.wire.redact import MASK, redact_text
from screens.registry import PaletteCommand

if TYPE_CHECKING:
    from console.session.session import SendOutcome
    from screens.context import ConsoleApp


def shown_outcome(app: ConsoleApp) -> SendOutcome | None:
    """The exchange an inspector on the current screen shows, else the last one shown."""
    from screens.inspector.inspector import Inspector

    try:
        inspectors = [i for i in app.screen.query(Inspector) if i.display and i.region.area]
    except Exception:  # noqa: BLE001 - no screen yet
        inspectors = []
    if inspectors:
        return inspectors[0].outcome
    return getattr(app, "inspected", None)


def describe(outcome: SendOutcome) -> str:
    """Which exchange: `200 OK · Identify Customer at 12:03:04`."""
    import time

    from screens.inspector.texts import action_title, status_title

    at = getattr(outcome, "at", None)
    when = f" at {time.strftime('%H:%M:%S', time.localtime(at))}" if at else ""
    return f"{status_title(outcome)} · {action_title(outcome.action_id)}{when}"


def _inspected(app: ConsoleApp) -> SendOutcome | None:
    outcome = shown_outcome(app)
    if outcome is None:
        app.notify(
            "Nothing to copy yet: send a request, or open one from the history (F3).", title="Copy", severity="warning"
        )
    return outcome


def curl_for(app: ConsoleApp, outcome: SendOutcome, *, reveal: bool = False) -> str | None:
    """The curl command for an outcome's request; None when the keys cannot be revealed
    (a history entry never held them)."""
    from console.wire.curl import to_curl
    from console.wire.request import NOT_SET

    req = outcome.exchange.request
    session = app.session
    if not reveal:
        same_env = session is not None and session.label == outcome.env_label
        text = to_curl(req, session.creds if session is not None and same_env else None)
        return redact_text(text, session.secrets()) if session is not None else text
    authorization = req.headers.get("Authorization", "")
    if MASK in authorization or authorization.startswith(NOT_SET):
        return None
    from console.wire.credentials import Credentials

    # The Authorization header as it was sent: the creds only pick the header form.
    return to_curl(req, session.creds if session is not None else Credentials(), reveal=True)


def copy_curl(app: ConsoleApp, *, reveal: bool = False) -> None:
    outcome = _inspected(app)
    if outcome is None:
        return
    text = curl_for(app, outcome, reveal=reveal)
    if text is None:
        app.notify(
            "This exchange comes from the history, which never stores keys: nothing to reveal. "
            "Copied nothing; F8 copies it with the keys masked.",
            title="Copy",
            severity="warning",
        )
        return
    app.copy_to_clipboard(text)
    if reveal:
        app.notify(
            f"Copied {describe(outcome)} as curl WITH THE KEYS: the clipboard now holds a secret.",
            title="Copy",
            severity="warning",
        )
    else:
        app.notify(
            f"Copied {describe(outcome)} as curl (keys masked: set CIO_* variables to run it).", title="Copy", timeout=4
        )


def copy_body(app: ConsoleApp) -> None:
    from console.wire.sizes import human_bytes

    outcome = _inspected(app)
    if outcome is None:
        return
    resp = outcome.exchange.response
    if resp is None or not resp.text:
        app.notify("That exchange has no response body.", title="Copy", severity="warning")
        return
    session = app.session
    text = redact_text(resp.text, session.secrets()) if session is not None else resp.text
    app.copy_to_clipboard(text)
    app.notify(f"Copied the response body of {describe(outcome)} ({human_bytes(resp.size)}).", title="Copy", timeout=4)


COMMANDS = [
    PaletteCommand(
        "copy as curl (keys masked)", "The inspected request as a curl command (F8)", lambda app: copy_curl(app)
    ),
    PaletteCommand(
        "copy as curl (reveal keys)",
        "The same command with the real keys: only when you ask for it",
        lambda app: copy_curl(app, reveal=True),
    ),
    PaletteCommand("copy response body", "The inspected answer's body (F9)", lambda app: copy_body(app)),
]
