"""`cio-console send ACTION --input JSON [--env NAME] [--dry-run]` — a public contract.

stdout: with --dry-run exactly one JSON object {method, url, headers, body} (keys
masked); otherwise the status line and the response body (or --json: one object).
stderr: notes and, on failure, the explanation. Never imports Textual.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING

from console.actions.catalog import get_action
from console.actions.validation import InvalidInput
from console.cli.common import add_env_argument, positive_seconds, print_json, resolve_credentials
from console.cli.inputs import add_input_arguments, read_input
from console.cli.main import EXIT_API_ERROR, EXIT_INVALID, EXIT_NETWORK, EXIT_OK
from console.errors import ConsoleError
from console.session.session import json_or_text
from console.wire.redact import redact_text

if TYPE_CHECKING:
    import httpx

    from console.session.session import Planned, SendOutcome, Session
    from console.wire.transport import TransportEvent


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", help="action id, e.g. identify-customer (see `cio-console actions`)")
    add_input_arguments(parser)
    add_env_argument(parser)
    parser.add_argument("--dry-run", action="store_true", help="print the request as JSON; send nothing")
    parser.add_argument("--json", action="store_true", help="print the outcome as one JSON object")
    parser.add_argument(
        "--max-wait",
        type=non_negative_seconds,
        default=60.0,
        metavar="SECONDS",
        help="the most time spent waiting between attempts in all (Retry-After of a 429 or "
        "503, backoff), default 60; a longer Retry-After ends the send, not delivered. "
        "A send ends within --timeout + --max-wait",
    )
    parser.add_argument(
        "--watch",
        action="store_true",
        help="send-transactional-email, send-push, send-sms: after the send, follow the delivery "
        "(reads only, never a re-send) and print each state change with its time until it "
        "settles; exit 0 delivered/sent, 1 bounced/failed/suppressed/dropped, 3 still pending",
    )
    parser.add_argument(
        "--watch-timeout",
        type=positive_seconds,
        default=None,
        metavar="SECONDS",
        help=f"with --watch: how long to follow the delivery, default {WATCH_DEFAULT:g}",
    )
    parser.add_argument(
        "--confirm",
        metavar="TEXT",
        help="in a protected environment (--env), what a send or destructive action asks you "
        "to type: the identifier or recipient (asked on a terminal when omitted)",
    )


# The sends whose answer names a delivery that `--watch` can follow (reference §5).
WATCHABLE = ("send-transactional-email", "send-push", "send-sms")
WATCH_DEFAULT = 60.0


def _watch_problem(args: argparse.Namespace) -> str | None:
    """Why --watch / --watch-timeout cannot go with this command line (nothing is sent)."""
    if args.watch_timeout is not None and not args.watch:
        return "--watch-timeout needs --watch (nothing sent)"
    if not args.watch:
        return None
    if args.action not in WATCHABLE:
        return (
            f"--watch follows a message's delivery: it works with {', '.join(WATCHABLE)}, "
            f"not {args.action} (nothing sent)"
        )
    if args.dry_run:
        return "--watch cannot go with --dry-run: a dry run sends nothing to follow (nothing sent)"
    return None


def run(args: argparse.Namespace) -> int:
    from console.session.session import Session

    problem = _watch_problem(args)
    if problem:
        return _fail(problem)
    try:
        action = get_action(args.action)
        data = read_input(args.input, args.field)
        creds = resolve_credentials(args.env)
        session = Session(creds, client_factory=lambda _creds: _client(args.timeout))
        # A JSON input is taken as written: an empty string is a value, not an empty field.
        planned = session.plan(action, data, from_form=False, preview=args.dry_run)
    except KeyError as exc:
        return _fail(str(exc).strip("'\""))
    except InvalidInput as exc:
        return _fail(f"invalid input for {args.action} (nothing sent):\n" + _indent(exc.text()))
    except (ValueError, ConsoleError) as exc:  # console.errors; nothing was sent yet
        return _fail(str(exc))
    for note in planned.request.notes:
        print(f"note: {note}", file=sys.stderr)
    if args.dry_run:
        print_json(planned.request.preview())
        return EXIT_OK
    confirm = _ask_confirmation(session, planned, args.confirm)
    import asyncio  # only a real send needs the event loop: --dry-run starts faster without it

    return asyncio.run(_send(session, planned, confirm, args))


def non_negative_seconds(text: str) -> float:
    """An argparse type: a finite number of seconds, 0 or more (0: never wait)."""
    try:
        if float(text) == 0:
            return 0.0
    except ValueError:
        pass
    return positive_seconds(text)


def _client(timeout: float) -> httpx.AsyncClient:
    from console.wire.transport import make_client

    return make_client(timeout=timeout)


async def _send(session: Session, planned: Planned, confirm: str | None, args: argparse.Namespace) -> int:
    from console.actions.guard import ConfirmationRequired
    from console.wire.transport import RetryPolicy

    policy = RetryPolicy(max_wait=args.max_wait, max_total_wait=args.max_wait)

    def on_event(event: TransportEvent) -> None:
        # Said as the wait starts, so a long Retry-After is never a silent hang.
        if event.kind == "wait":
            print(
                f"retry: attempt {event.attempt} got {event.reason}; trying again in {event.wait_s:g} s "
                f"(waits are bounded by --max-wait {args.max_wait:g} s in all)",
                file=sys.stderr,
                flush=True,
            )

    try:
        outcome = await session.send_planned(planned, confirm=confirm, on_event=on_event, policy=policy)
    except ConfirmationRequired as exc:
        import shlex

        expected = session.confirmation_for(planned) or ""
        await session.aclose()
        return _fail(f"{exc} From a script, pass --confirm {shlex.quote(expected)}.")
    try:
        return await _report(session, outcome, args)
    finally:
        await session.aclose()


async def _report(session: Session, outcome: SendOutcome, args: argparse.Namespace) -> int:
    secrets = session.secrets()
    ex, resp, explanation = outcome.exchange, outcome.exchange.response, outcome.explanation
    if args.json and not (args.watch and ex.ok):
        print_json(outcome.to_dict(secrets))
    elif resp is not None and not args.json:
        print(f"{resp.status} {resp.reason}")
        body_text = redact_text(resp.text, secrets)
        if body_text:
            parsed = json_or_text(body_text)
            print(json.dumps(parsed, indent=2, ensure_ascii=False) if not isinstance(parsed, str) else parsed)
    if ex.ok:
        return await _watch_after(session, outcome, args) if args.watch else EXIT_OK
    if explanation is not None and not args.json:
        print(redact_text(explanation.text(), secrets), file=sys.stderr)
        if explanation.send_again() is not None:  # a final 429: when, never an automatic re-send
            print(explanation.send_again(), file=sys.stderr)
    return EXIT_API_ERROR if resp is not None else EXIT_NETWORK


async def _watch_after(session: Session, outcome: SendOutcome, args: argparse.Namespace) -> int:
    """Follow the delivery the send's answer names; the send itself is never repeated."""
    import asyncio

    from console.cli.delivery_cmd import watch
    from console.people.deliveries import delivery_id_of

    timeout = args.watch_timeout or WATCH_DEFAULT
    delivery_id = delivery_id_of(outcome.exchange)
    if delivery_id is None:
        message = "watch: the answer names no delivery_id, so there is nothing to follow; the send was accepted"
        if args.json:
            print_json(outcome.to_dict(session.secrets()) | {"watch": {"delivery_id": None, "summary": message}})
        else:
            print(message, file=sys.stderr)
        return EXIT_NETWORK
    try:
        code, record = await watch(session.creds, session.client(), delivery_id, timeout, quiet=args.json)
    except (KeyboardInterrupt, asyncio.CancelledError):  # ctrl+c cancels the task asyncio.run runs
        print(f"watch: stopped; delivery {delivery_id} was sent and is not re-sent", file=sys.stderr)
        raise
    if args.json:
        print_json(outcome.to_dict(session.secrets()) | {"watch": record})
    return code


def _ask_confirmation(session: Session, planned: Planned, given: str | None) -> str | None:
    """What the user typed to let a guarded action go out to a protected environment
    (asked on a terminal when --confirm is absent); the core's guard judges it."""
    expected = session.confirmation_for(planned)
    if expected is None or given is not None:
        return given
    stdin = sys.stdin
    if stdin is not None and stdin.isatty():
        return input(f"{session.creds.name} is protected. Type {expected} to send {planned.spec.INFO.title}: ")
    return None


def _indent(text: str) -> str:
    return "\n".join("  " + line for line in text.splitlines())


def _fail(message: str) -> int:
    print(f"cio-console send: {message}", file=sys.stderr)
    return EXIT_INVALID
