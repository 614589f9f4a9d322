"""Route `cio-console SUBCOMMAND ...` to its module, importing only that module.

Each module exposes `add_arguments(parser)` and `run(args) -> int`. Exit codes, shared
by every command: 0 success, 1 the API answered with an error, 2 invalid input or
configuration (nothing was sent), 3 network failure.
"""
from __future__ import annotations

import argparse
import difflib
import importlib
import sys

# name -> (module, one-line help). Help lives here so `--help` imports no command.
COMMANDS: dict[str, tuple[str, str]] = {
    "send": ("console.cli.send_cmd", "Send one action (or print it with --dry-run)"),
    "batch": ("console.cli.batch_cmd", "Run one action for every row of a CSV or JSONL file, at the rate limit"),
    "actions": ("console.cli.actions_cmd", "List the actions, or show one action's fields"),
    "sandbox": ("console.cli.sandbox_cmd", "Serve an offline Customer.io workspace on loopback"),
    "env": ("console.cli.env_cmd", "Stored environments: list, add, set keys (OS keyring), test the connection"),
    "anon": ("console.cli.anon_cmd", "Show or reset the anonymous id kept for an environment"),
    "profile": ("console.cli.profile_cmd", "Show a person's profile, or change, add and remove attributes"),
    "preview-email": ("console.cli.preview_cmd", "Render a transactional email locally and list missing variables"),
}

EXIT_OK, EXIT_API_ERROR, EXIT_INVALID, EXIT_NETWORK = 0, 1, 2, 3

TOP_HELP = """usage: cio-console [--sandbox] [--env NAME]      open the console
       cio-console COMMAND [options]             run a command

A keyboard-driven console and CLI for Customer.io's Track, App and Pipelines APIs.

commands:
{commands}

Run `cio-console COMMAND --help` for a command's options.
Exit codes: 0 success, 1 API error, 2 invalid input (nothing sent), 3 network failure.
"""


def is_subcommand(args: list[str]) -> bool:
    """True unless the arguments are for the console itself (none, or only options)."""
    if not args:
        return False
    return args[0] in ("-h", "--help", "--version") or not args[0].startswith("-")


def top_help() -> str:
    width = max(map(len, COMMANDS))
    rows = "\n".join(f"  {name:<{width}}  {text}" for name, (_, text) in COMMANDS.items())
    return TOP_HELP.format(commands=rows)


def run_subcommand(args: list[str]) -> int:
    name, rest = args[0], args[1:]
    if name in ("-h", "--help"):
        print(top_help(), end="")
        return EXIT_OK
    if name == "--version":
        from console import __version__

        print(f"cio-console {__version__}")
        return EXIT_OK
    if name not in COMMANDS:
        close = difflib.get_close_matches(name, COMMANDS, n=1)
        hint = f" Did you mean `{close[0]}`?" if close else ""
        print(f"cio-console: unknown command {name!r}.{hint} Commands: {', '.join(COMMANDS)}.", file=sys.stderr)
        return EXIT_INVALID
    module_name, text = COMMANDS[name]
    module = importlib.import_module(module_name)
    parser = argparse.ArgumentParser(prog=f"cio-console {name}", description=text)
    module.add_arguments(parser)
    try:
        ns = parser.parse_args(rest)
    except SystemExit as exc:  # argparse exits 2 on bad options, 0 on --help
        return int(exc.code or 0)
    try:
        return int(module.run(ns) or 0)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not is_subcommand(args):
        print(top_help(), end="")
        return EXIT_OK
    return run_subcommand(args)
