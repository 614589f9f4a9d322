"""`cio-console send ACTION --input JSON [--env NAME] [--dry-run]` — a public contract.

stdout: with --dry-run exactly one JSON object {method, url, headers, body} (keys
masked); otherwise the status line and the response body (or --json: one object).
stderr: notes and, on failure, the explanation. Never imports Textual.
"""
from __future__ import annotations

import json
import sys

from console.actions.catalog import get_action
from console.errors import ConsoleError
from console.cli.common import add_env_argument, positive_seconds, print_json, resolve_credentials
from console.cli.inputs import add_input_arguments, read_input
from console.cli.main import EXIT_API_ERROR, EXIT_INVALID, EXIT_NETWORK, EXIT_OK
from console.wire.redact import redact_data, redact_text
from console.wire.request import build_request
from console.actions.validation import InvalidInput, validate


def add_arguments(parser) -> None:
    parser.add_argument("action", help="action id, e.g. identify-customer (see `cio-console actions`)")
    add_input_arguments(parser)
    add_env_argument(parser)
    parser.add_argument("--dry-run", action="store_true", help="print the request as JSON; send nothing")
    parser.add_argument("--json", action="store_true", help="print the outcome as one JSON object")
    parser.add_argument("--max-wait", type=non_negative_seconds, default=60.0, metavar="SECONDS",
                        help="the most time spent waiting between attempts in all (Retry-After of a 429 or "
                             "503, backoff), default 60; a longer Retry-After ends the send, not delivered. "
                             "A send ends within --timeout + --max-wait")
    parser.add_argument("--confirm", metavar="TEXT",
                        help="in a protected environment (--env), what a send or destructive action asks you "
                             "to type: the identifier or recipient (asked on a terminal when omitted)")


def run(args) -> int:
    try:
        action = get_action(args.action)
        data = read_input(args.input, args.field)
        spec = validate(action, data)
        creds = resolve_credentials(args.env)
        req = build_request(spec, creds, preview=args.dry_run)
    except KeyError as exc:
        return _fail(str(exc).strip("'\""))
    except InvalidInput as exc:
        return _fail(f"invalid input for {args.action} (nothing sent):\n" + _indent(exc.text()))
    except (ValueError, ConsoleError) as exc:  # console.errors; nothing was sent yet
        return _fail(str(exc))
    for note in req.notes:
        print(f"note: {note}", file=sys.stderr)
    if args.dry_run:
        print_json(req.preview())
        return EXIT_OK
    refusal = _protected_guard(spec, creds, args.confirm)
    if refusal:
        return _fail(refusal)
    import asyncio  # only a real send needs the event loop: --dry-run starts faster without it

    return asyncio.run(_send(req, action, creds, args))


def non_negative_seconds(text: str) -> float:
    """An argparse type: a finite number of seconds, 0 or more (0: never wait)."""
    try:
        if float(text) == 0:
            return 0.0
    except ValueError:
        pass
    return positive_seconds(text)


async def _send(req, action, creds, args) -> int:
    from console.diagnose.explain import explain
    from console.wire.transport import RetryPolicy, make_client, perform

    policy = RetryPolicy(max_wait=args.max_wait, max_total_wait=args.max_wait)

    def on_event(event) -> None:
        # Said as the wait starts, so a long Retry-After is never a silent hang.
        if event.kind == "wait":
            print(f"retry: attempt {event.attempt} got {event.reason}; trying again in {event.wait_s:g} s "
                  f"(waits are bounded by --max-wait {args.max_wait:g} s in all)", file=sys.stderr, flush=True)

    async with make_client(timeout=args.timeout) as client:
        ex = await perform(req, client, repeat_safe=action.INFO.is_repeat_safe, policy=policy, on_event=on_event)
    secrets = creds.redaction_secrets()
    resp = ex.response
    body_text = redact_text(resp.text, secrets) if resp else ""
    if args.json:
        explanation = explain(ex, action, creds)
        print_json({
            "ok": ex.ok,
            "status": resp.status if resp else None,
            "reason": resp.reason if resp else None,
            "body": _json_or_text(body_text),
            "attempts": len(ex.attempts),
            "elapsed_ms": round(ex.elapsed_ms, 1),
            # Time spent waiting between attempts (Retry-After, backoff), within --max-wait.
            "waited_s": round(sum(a.waited_s for a in ex.attempts), 3),
            "delivered": ex.delivered,
            "failure": ex.failure.value if ex.failure else None,
            "explanation": redact_data(explanation.to_dict(), secrets) if explanation else None,
        })
    elif resp is not None:
        print(f"{resp.status} {resp.reason}")
        if body_text:
            parsed = _json_or_text(body_text)
            print(json.dumps(parsed, indent=2, ensure_ascii=False) if not isinstance(parsed, str) else parsed)
    if ex.ok:
        return EXIT_OK
    explanation = explain(ex, action, creds)
    if explanation is not None and not args.json:
        print(redact_text(explanation.text(), secrets), file=sys.stderr)
        if explanation.send_again() is not None:  # a final 429: when, never an automatic re-send
            print(explanation.send_again(), file=sys.stderr)
    return EXIT_API_ERROR if resp is not None else EXIT_NETWORK


def _protected_guard(spec, creds, given: str | None) -> str | None:
    """Why a guarded action may not go out to a protected environment, or None."""
    from console.actions.guard import ConfirmationRequired, check_confirmation, needed_confirmation

    expected = needed_confirmation(spec, creds)
    if expected is None:
        return None
    typed = given
    stdin = sys.stdin
    if typed is None and stdin is not None and stdin.isatty():
        typed = input(f"{creds.name} is protected. Type {expected} to send {spec.INFO.title}: ")
    try:
        check_confirmation(spec, creds, typed)
    except ConfirmationRequired as exc:
        import shlex

        return f"{exc} From a script, pass --confirm {shlex.quote(expected)}."
    return None


def _json_or_text(text: str):
    try:
        return json.loads(text) if text else None
    except ValueError:
        return text


def _indent(text: str) -> str:
    return "\n".join("  " + line for line in text.splitlines())


def _fail(message: str) -> int:
    print(f"cio-console send: {message}", file=sys.stderr)
    return EXIT_INVALID
