"""`cio-console anon show|reset [--env NAME | --sandbox] [--json]`: the anonymous id the
console keeps per environment (console/environments/anonymous.py).

`show` prints the current id (starting one on first use), `reset` forgets it and prints
the new one, as a client library's reset() does at logout. stdout holds only the id, so
`ANON=$(cio-console anon show)` works in scripts; --json prints one object instead.
"""

from __future__ import annotations

import argparse
import sys

from console.cli.common import print_json
from console.cli.main import EXIT_OK
from console.environments import anonymous


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "what",
        choices=("show", "reset"),
        help="show the current anonymous id, or reset it (forget it and start a new one)",
    )
    where = parser.add_mutually_exclusive_group()
    where.add_argument(
        "--env", "-e", metavar="NAME", help="the stored environment's id (default: the one used with CIO_* variables)"
    )
    where.add_argument("--sandbox", action="store_true", help="the embedded sandbox's id")
    parser.add_argument("--json", action="store_true", help="print one JSON object")


def run(args: argparse.Namespace) -> int:
    key = anonymous.key_for(env_name=args.env, sandbox=args.sandbox)
    if args.what == "show":
        value, previous = anonymous.current(key), None
    else:
        previous, value = anonymous.reset(key)
    if args.json:
        out: dict[str, str | None] = {"environment": key, "anonymous_id": value}
        if args.what == "reset":
            out["previous"] = previous
        print_json(out)
        return EXIT_OK
    if args.what == "reset":
        was = f"forgot {previous}; " if previous else ""
        print(f"anonymous id for {key}: {was}started a new one", file=sys.stderr)
    print(value)
    return EXIT_OK
