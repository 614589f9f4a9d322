"""`cio-console doctor ID [--id-type …] [--template ID_OR_TRIGGER] [--channel email|push|sms]`:
every check that can stop a message reaching this person, each PASS / WARN / FAIL / SKIP
with what was seen and the fix, then one line with the verdict.

Exit codes, as `send`'s: 0 nothing blocks delivery (warnings allowed), 1 a check failed
(named on the last line) or the API refused a read, 2 invalid input (nothing was read),
3 the network failed (the checks it stopped are SKIPped; the diagnosis is incomplete).
stdout: the checks (or one JSON object with --json); stderr: the explanation of a failed read.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import TYPE_CHECKING

from console.actions.validation import InvalidInput
from console.cli.common import add_env_argument, print_json
from console.cli.main import EXIT_API_ERROR, EXIT_INVALID, EXIT_OK
from console.cli.output import credentials_for_command, failure_code, print_explanation
from console.errors import ConsoleError
from console.people.model import ID_TYPES
from console.wire.credentials import Credentials, MissingCredential

if TYPE_CHECKING:
    from console.diagnose.doctor import Diagnosis

CHANNELS = ("email", "push", "sms")  # console.diagnose.doctor.CHANNELS, without importing it for --help


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Why didn't they get it? Every check that can stop a message reaching this person, "
        "each with what was seen and the fix."
    )
    parser.add_argument("identifier", metavar="ID", help="the person's id, email or cio_id")
    parser.add_argument(
        "--id-type", choices=ID_TYPES, default=None, help="what ID is (default: email when it contains @, else id)"
    )
    parser.add_argument(
        "--template",
        metavar="ID_OR_TRIGGER",
        help="the transactional message that did not arrive (its id or Trigger Name): checks that it "
        "exists, is of the channel, its subscription topic and what its Liquid needs",
    )
    parser.add_argument("--channel", choices=CHANNELS, default="email", help="the channel to check (default email)")
    parser.add_argument("--json", action="store_true", help="print the diagnosis as one JSON object")
    add_env_argument(parser)


def run(args: argparse.Namespace) -> int:
    from console.actions.validation import text_problem

    for name, value in (("ID", args.identifier), ("--template", args.template)):
        trouble = text_problem(value) if value is not None else None
        if trouble:  # bytes a shell passed that are not UTF-8: nothing could be looked up
            return _fail(f"{name} {trouble}")
    id_type = args.id_type or ("email" if "@" in args.identifier else "id")
    try:
        creds = credentials_for_command(args.env)
        return asyncio.run(_run(args, creds, id_type))
    except InvalidInput as exc:
        return _fail("nothing read: " + exc.text())
    except (ValueError, ConsoleError, MissingCredential) as exc:  # console.errors; nothing was read yet
        return _fail(str(exc))


async def _run(args: argparse.Namespace, creds: Credentials, id_type: str) -> int:
    from console.diagnose.doctor import run_doctor
    from console.wire import clock
    from console.wire.transport import make_client

    async with make_client(timeout=args.timeout) as client:
        d = await run_doctor(
            creds, client, args.identifier, id_type, template=args.template, channel=args.channel, now=clock.wall()
        )
    if args.json:
        print_json(d.to_dict())
    else:
        print(diagnosis_text(d))
    if d.explanation is not None:
        print_explanation(d.explanation, creds)
        return failure_code(d.failed)
    return EXIT_API_ERROR if d.blocked else EXIT_OK


def diagnosis_text(d: Diagnosis) -> str:
    about = f"{d.identifier} ({d.id_type}), {d.channel}" + (f", template {d.template}" if d.template else "")
    lines = [f"Doctor: {about}"]
    for c in d.checks:
        lines.append(f"{c.verdict.value.upper():<4}  {c.title}  [{c.key}]")
        lines += [f"      {e}" for e in c.evidence]
        if c.fix and c.verdict.value in ("fail", "warn"):
            lines.append(f"      Fix: {c.fix}")
    lines.append(f"Verdict: {d.summary()}")
    return "\n".join(lines)


def _fail(message: str) -> int:
    print(f"cio-console doctor: {message}", file=sys.stderr)
    return EXIT_INVALID
