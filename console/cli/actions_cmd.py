"""`cio-console actions [ACTION] [--json|--markdown]`: the catalog, from the specs alone."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from console.actions.catalog import all_actions, by_api, get_action
from console.actions.docs import action_as_dict, markdown_table
from console.cli.common import print_json
from console.cli.main import EXIT_INVALID, EXIT_OK

if TYPE_CHECKING:
    from console.actions.spec import ActionSpec


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", nargs="?", help="show one action's fields")
    fmt = parser.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true", help="machine-readable output")
    fmt.add_argument("--markdown", action="store_true", help="the README's action table")


def run(args: argparse.Namespace) -> int:
    if args.markdown:
        print(markdown_table(), end="")
        return EXIT_OK
    if args.action:
        try:
            action = get_action(args.action)
        except KeyError as exc:
            print(f"cio-console actions: {str(exc).strip(chr(34) + chr(39))}", file=sys.stderr)
            return EXIT_INVALID
        if args.json:
            print_json(action_as_dict(action))
        else:
            print(_describe(action))
        return EXIT_OK
    if args.json:
        print_json([action_as_dict(a) for a in all_actions().values()])
        return EXIT_OK
    for api, actions in by_api().items():
        print(f"{api.title} ({api.key_name})")
        width = max(len(a.INFO.id) for a in actions)
        for a in actions:
            print(f"  {a.INFO.id:<{width}}  {a.INFO.summary}")
        print()
    print("Run `cio-console actions ACTION` for its fields.")
    return EXIT_OK


def _describe(action: type[ActionSpec]) -> str:
    info = action.INFO
    lines = [
        f"{info.title} ({info.id})",
        f"  {info.summary}",
        f"  {info.method} {info.path}   [{info.api.title}, {info.api.key_name}]",
    ]
    if info.guarded:
        lines.append(
            f"  Protected environments ask you to type the {info.confirm_field} to confirm."
            if info.confirm_field
            else "  Protected environments ask you to confirm before it is sent."
        )
    lines.append("")
    lines.append("Fields (* = required):")
    wire_names = {name: wire for wire, name in action.wire_aliases().items()}
    for f in action.field_specs():
        mark = "*" if f.required else " "
        lines.append(
            f"  {mark} {f.name}  ({f.meta.kind.value}{', ' + '|'.join(f.meta.choices) if f.meta.choices else ''})  {f.meta.label}"
        )
        lines.append(f"      {f.meta.help}")
        if f.name in wire_names:
            lines.append(f"      also accepted as {wire_names[f.name]} (its name on the wire)")
        if f.meta.example is not None:
            lines.append(f"      e.g. {f.meta.example_text()}")
    example = {f.name: f.meta.example for f in action.field_specs() if f.required and f.meta.example is not None}
    import json

    lines.append("")
    lines.append(f"Example: cio-console send {info.id} --input '{json.dumps(example)}'")
    return "\n".join(lines)
