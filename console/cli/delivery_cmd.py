"""`cio-console delivery show DELIVERY_ID [--content]`: one delivery, as Customer.io records it.

Prints the state it has reached, every metric with its time and the failure message
(`--content`: the archived subject and body as text); `--json` one object. A read:
nothing is ever sent. Exit 0 when the delivery was read (whatever its state), 1 when
the App API answered with an error (404: no such delivery), 2 invalid input, 3 network.
The watch that `send … --watch` prints is here too, so both read the same.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import TYPE_CHECKING, Any

from console.cli.common import add_env_argument, print_json
from console.cli.main import EXIT_API_ERROR, EXIT_INVALID, EXIT_NETWORK, EXIT_OK
from console.cli.output import credentials_for_command, failure_code, print_explanation, secrets_of
from console.errors import ConsoleError
from console.wire.credentials import Credentials, MissingCredential
from console.wire.redact import redact_data, redact_text

if TYPE_CHECKING:
    import httpx

    from console.people.deliveries import ArchiveRead, Delivery, FollowEvent


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="subcommand", metavar="show", required=True)
    show = sub.add_parser(
        "show",
        help="a delivery's state, every metric with its time, the failure message",
        description="Read one delivery (GET /v1/messages/{id}): its state, every metric with its "
        "time and the failure message; --content adds the archived subject and body.",
    )
    show.add_argument("delivery_id", metavar="DELIVERY_ID", help="the send's delivery_id, or a message id")
    show.add_argument(
        "--content", action="store_true", help="also the archived message: subject, from, and the body as text"
    )
    show.add_argument("--json", action="store_true", help="print the delivery (and content) as one JSON object")
    add_env_argument(show)


def run(args: argparse.Namespace) -> int:
    from console.people.deliveries import check_delivery_id

    problem = check_delivery_id(args.delivery_id)
    if problem:
        return _fail(problem)
    try:
        creds = credentials_for_command(args.env)
        return asyncio.run(_show(args, creds))
    except (ValueError, ConsoleError, MissingCredential) as exc:  # nothing was read
        return _fail(str(exc))


async def _show(args: argparse.Namespace, creds: Credentials) -> int:
    from console.people.deliveries import read_archived, read_delivery
    from console.wire.transport import make_client

    async with make_client(timeout=args.timeout) as client:
        found = await read_delivery(creds, client, args.delivery_id)
        if found.delivery is None:
            print_explanation(found.explanation, creds)
            return failure_code(found.exchange)
        archive = await read_archived(creds, client, args.delivery_id) if args.content else None
    secrets = secrets_of(creds)
    if args.json:
        data: dict[str, Any] = {"delivery": found.delivery.to_dict()}
        if archive is not None:
            data["content"] = archive.message.to_dict() if archive.message else None
            data["content_problem"] = archive.explanation.to_dict() if archive.explanation else None
        print_json(redact_data(data, secrets))
    else:
        print(redact_text(delivery_text(found.delivery), secrets))
        if archive is not None:
            print(redact_text(content_text(archive), secrets))
    if archive is not None and archive.message is None and archive.read.status != 404:
        # The content was asked for and not read (404: none was archived, an answer in itself).
        return failure_code(archive.read.exchange)
    return EXIT_OK


def delivery_text(d: Delivery) -> str:
    from console.people.deliveries import utc

    lines = [
        f"Delivery {d.id}  ({d.channel or 'unknown channel'})",
        f"  state:     {d.state}",
        f"  outcome:   {d.summary()}",
    ]
    if d.recipient:
        lines.append(f"  recipient: {d.recipient}")
    if d.subject:
        lines.append(f"  subject:   {d.subject}")
    for key, value in d.parents.items():
        lines.append(f"  {key}: {value}")
    people = ", ".join(f"{k} {v}" for k, v in d.customer.items() if v is not None)
    if people:
        lines.append(f"  person:    {people}")
    if d.created is not None:
        lines.append(f"  created:   {utc(d.created)}")
    lines.append(f"Metrics ({len(d.metrics)})")
    width = max((len(m.name) for m in d.metrics), default=0)
    lines += [f"  {m.name:<{width}}  {utc(m.at)}" for m in d.metrics]
    if not d.metrics:
        lines.append("  (none recorded yet)")
    for m in d.counts:
        lines.append(f"  {m.name}: {m.count} (a count)")
    lines.append(f"Failure message: {d.failure_message or '-'}")
    if d.forgotten:
        lines.append("Content not retained (message retention disabled).")
    return "\n".join(lines)


def content_text(archive: ArchiveRead) -> str:
    m = archive.message
    if m is None:
        why = archive.explanation.text() if archive.explanation else "the read failed"
        return "Archived content: none.\n" + "\n".join("  " + line for line in why.splitlines())
    lines = [
        "Archived content",
        f"  From:      {m.sender or '-'}",
        f"  To:        {m.recipient or '-'}",
        f"  Subject:   {m.subject or '-'}",
    ]
    if m.preheader:
        lines.append(f"  Preheader: {m.preheader}")
    lines += ["", m.text or "(empty body)"]
    return "\n".join(lines)


# -- the watch of `send … --watch` ----------------------------------------------------------
async def watch(
    creds: Credentials, client: httpx.AsyncClient, delivery_id: str, timeout: float, *, quiet: bool
) -> tuple[int, dict[str, Any]]:
    """Follow a delivery after its send; print each change (unless `quiet`: --json prints
    one object at the end). The exit code and a JSON-able record of the watch."""
    from console.people.deliveries import FollowEnd, Verdict, follow

    secrets = secrets_of(creds)
    if not quiet:
        print(
            f"watch: following delivery {delivery_id} for up to {timeout:g} s (reads only; nothing is re-sent)",
            file=sys.stderr,
            flush=True,
        )
    changes: list[dict[str, Any]] = []
    last: FollowEvent | None = None
    async for event in follow(creds, client, delivery_id, timeout=timeout):
        last = event
        if event.kind == "state":
            changes.append({"state": event.state, "at": event.at})
        if quiet:
            continue
        if event.kind == "state":
            print(redact_text(event.line(), secrets), flush=True)
        elif event.kind == "retry":
            print(f"watch: {event.detail}", file=sys.stderr, flush=True)
    assert last is not None and last.kind == "end"  # follow always ends with one
    verdict = last.verdict
    if last.end == FollowEnd.READ_FAILED:
        code = EXIT_API_ERROR
    elif verdict == Verdict.SUCCESS:
        code = EXIT_OK
    elif verdict == Verdict.FAILURE:
        code = EXIT_API_ERROR
    else:  # pending at the limit, a draft, no answer: it may still arrive
        code = EXIT_NETWORK
    if not quiet:
        if last.end == FollowEnd.READ_FAILED:
            print(
                f"watch: could not follow delivery {delivery_id}; the send was accepted (not re-sent).",
                file=sys.stderr,
            )
            print_explanation(last.explanation, creds)
        else:
            labels = {Verdict.SUCCESS: "delivered", Verdict.FAILURE: "failed", Verdict.DRAFTED: "draft"}
            label = labels.get(verdict, "unknown") if verdict is not None else "unknown"
            print(redact_text(f"{label}: {last.detail}", secrets), file=sys.stdout if code == EXIT_OK else sys.stderr)
    record = {
        "delivery_id": delivery_id,
        "end": last.end.value if last.end else None,
        "verdict": verdict.value if verdict else None,
        "state": last.state or None,
        "changes": changes,
        "summary": last.detail,
        "failure_message": last.delivery.failure_message if last.delivery else None,
        "explanation": last.explanation.to_dict() if last.explanation else None,
    }
    return code, redact_data(record, secrets)


def _fail(message: str) -> int:
    print(f"cio-console delivery show: {message}", file=sys.stderr)
    return EXIT_INVALID
