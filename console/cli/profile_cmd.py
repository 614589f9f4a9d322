"""`cio-console profile show|set|activity|messages ID [--id-type id|email|cio_id]`: look a
person up, fix their attributes, read their story (activity and messages: story_cmd.py).

`show` prints the profile (or one JSON object with --json). `set` prints the diff and
the exact identify request before sending, sends it (not with --dry-run), reads the
profile back and says whether every change took, then prints the command that undoes
it. An email shared by several people lists them and exits 2: pick one by cio_id.
stdout: the profile, diff, request and verification; stderr: notes and explanations.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shlex
import sys
from typing import TYPE_CHECKING, Any

from console.actions.validation import InvalidInput
from console.cli.common import add_env_argument, print_json
from console.cli.main import EXIT_API_ERROR, EXIT_INVALID, EXIT_OK
from console.cli.output import credentials_for_command, failure_code, plain, print_explanation, read_object
from console.errors import ConsoleError
from console.people.model import ID_TYPES, Profile
from console.wire.clock import utc_text
from console.wire.credentials import Credentials, MissingCredential

if TYPE_CHECKING:
    import httpx

    from console.people.lookup import LookupResult


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from console.cli.story_cmd import add_parsers

    sub = parser.add_subparsers(dest="subcommand", metavar="show|set|activity|messages", required=True)
    show = sub.add_parser("show", help="show a person's profile", description="Show a person's profile.")
    _common(show)
    show.add_argument("--json", action="store_true", help="print the profile as one JSON object")
    edit = sub.add_parser(
        "set",
        help="change, add or remove attributes",
        description="Change, add or remove attributes: prints the diff and the request, sends "
        "it, reads the profile back and prints how to undo.",
    )
    _common(edit)
    edit.add_argument(
        "--input",
        "-i",
        metavar="JSON|@FILE",
        required=True,
        help='attributes to set, e.g. \'{"plan": "pro", "gone": null}\' (null removes); @file.json or @- for stdin',
    )
    edit.add_argument(
        "--dry-run", action="store_true", help="read the profile and print the diff and request; send nothing"
    )
    add_parsers(sub, _common)


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("identifier", metavar="ID", help="the person's id, email or cio_id")
    parser.add_argument(
        "--id-type", choices=ID_TYPES, default=None, help="what ID is (default: email when it contains @, else id)"
    )
    add_env_argument(parser)


def _id_type(args: argparse.Namespace) -> str:
    if args.id_type:
        return str(args.id_type)
    return "email" if "@" in args.identifier else "id"


def run(args: argparse.Namespace) -> int:
    from console.actions.validation import text_problem

    trouble = text_problem(args.identifier)
    if trouble:  # bytes a shell passed that are not UTF-8: nothing could be looked up
        return _fail(args, f"ID {trouble}")
    try:
        desired = read_object(args.input) if args.subcommand == "set" else None
        creds = credentials_for_command(args.env)
    except (ValueError, ConsoleError) as exc:  # console.errors; nothing was sent yet
        return _fail(args, str(exc))
    try:
        return asyncio.run(_run(args, creds, desired))
    except InvalidInput as exc:
        return _fail(args, ("nothing sent: " if args.subcommand == "set" else "") + exc.text())
    except MissingCredential as exc:
        return _fail(args, str(exc))


async def _run(args: argparse.Namespace, creds: Credentials, desired: dict[str, Any] | None) -> int:
    from console.people.lookup import LookupOutcome, lookup_profile
    from console.wire.transport import make_client

    async with make_client(timeout=args.timeout) as client:
        story = args.subcommand in ("activity", "messages")
        found = await lookup_profile(creds, client, args.identifier, _id_type(args), with_segments=not story)
        if found.outcome == LookupOutcome.AMBIGUOUS:
            return _ambiguous(args, found)
        if found.profile is None:
            print_explanation(found.explanation, creds)
            return failure_code(found.exchanges[-1] if found.exchanges else None)
        if story:
            from console.cli.story_cmd import run_story

            return await run_story(args, creds, client, found.profile)
        if args.subcommand == "show":
            if args.json:
                print_json(found.profile.to_dict())
            else:
                print(profile_text(found.profile))
            return EXIT_OK
        assert desired is not None  # read for `set`, the one other subcommand
        return await _set(args, creds, client, found.profile, desired)


def _ambiguous(args: argparse.Namespace, found: LookupResult) -> int:
    if getattr(args, "json", False):
        print_json({"matches": [m.__dict__ for m in found.matches]})
    print(f"cio-console profile: {len(found.matches)} people share the email {found.identifier!r}:", file=sys.stderr)
    for m in found.matches:
        print(f"  {m.label}", file=sys.stderr)
    first = found.matches[0].cio_id
    print(
        f"Pick one by cio_id, e.g. `cio-console profile {args.subcommand} {first} --id-type cio_id`.", file=sys.stderr
    )
    return EXIT_INVALID


async def _set(
    args: argparse.Namespace, creds: Credentials, client: httpx.AsyncClient, profile: Profile, desired: dict[str, Any]
) -> int:
    from console.people.edit import apply_edit, plan_edit

    plan = plan_edit(profile, desired, creds, preview=args.dry_run)
    print(f"Changes to {profile.label}:")
    for line in plan.diff.lines():
        print(f"  {line}")
    if plan.diff.empty:
        print("Nothing to change: the profile already holds these values. Nothing sent.")
        return EXIT_OK
    print("Request:")
    assert plan.request is not None  # planned whenever the diff is not empty
    print(json.dumps(plan.request.preview(), indent=2, ensure_ascii=False))
    if args.dry_run:
        print("Dry run: nothing sent.")
        return EXIT_OK
    outcome = await apply_edit(plan, creds, client)
    if not outcome.applied:
        print_explanation(outcome.explanation, creds)
        return failure_code(outcome.exchange)
    assert outcome.exchange is not None and outcome.exchange.response is not None  # applied: answered
    print(f"Sent: {outcome.exchange.status} {outcome.exchange.response.reason}")
    if outcome.verification is None:
        print("Could not read the profile back to check it:", file=sys.stderr)
        print_explanation(outcome.explanation, creds)
        code = EXIT_API_ERROR
    else:
        for line in outcome.verification.lines():
            print(line)
        code = EXIT_OK if outcome.verification.ok else EXIT_API_ERROR
        if not outcome.verification.ok:
            print(
                "Some changes did not take (a conflicting identifier, a suppressed value, or "
                "Customer.io has not processed the call yet: run `profile show` again).",
                file=sys.stderr,
            )
    undo = json.dumps(outcome.undo, ensure_ascii=False)
    print(
        f"Undo: cio-console profile set {profile.cio_id} --id-type cio_id --input {shlex.quote(undo)}"
        + (f" --env {shlex.quote(args.env)}" if args.env else "")
    )
    return code


def profile_text(p: Profile) -> str:
    lines = [f"Person {p.label}"]
    for name, value in p.identifiers.items():
        lines.append(f"  {name:<7} {value if value is not None else '-'}")
    lines.append(f"  unsubscribed: {'yes' if p.unsubscribed else 'no'}")
    rows = p.attribute_rows()
    lines.append(f"Attributes ({len(rows)})")
    width = max((len(r.name) for r in rows), default=0)
    for r in rows:
        lines.append(f"  {r.name:<{width}}  {plain(r.value)}  (set {utc_text(r.set_at)})")
    lines.append(f"Devices ({len(p.devices)})")
    for d in p.devices:
        extra = ", ".join(f"{k}={v}" for k, v in sorted(d.attributes.items()))
        lines.append(
            f"  {d.id}  {d.platform or '?'}  last used {utc_text(d.last_used)}" + (f"  {extra}" if extra else "")
        )
    if p.segments_problem:
        lines.append(f"Segments: not read ({p.segments_problem})")
    else:
        lines.append(f"Segments ({len(p.segments)})")
        lines += [f"  {s.id}  {s.name}" for s in p.segments]
    return "\n".join(lines)


def _fail(args: argparse.Namespace, message: str) -> int:
    print(f"cio-console profile {args.subcommand}: {message}", file=sys.stderr)
    return EXIT_INVALID
