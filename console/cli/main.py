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
    "profile": ("console.cli.profile_cmd", "A person's profile (show, change attributes), activity and messages"),
    "doctor": ("console.cli.doctor_cmd", "Why didn't they get it? Every check that can stop a message to a person"),
    "preview-email": ("console.cli.preview_cmd", "Render a transactional email locally and list missing variables"),
    "delivery": ("console.cli.delivery_cmd", "Show one delivery: its state, every metric with its time, its content"),
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
    # Every byte a command prints passes through redaction (the sandbox prints its own
    # demo keys on purpose), and no exception ever reaches the user as a traceback.
    streams = (sys.stdout, sys.stderr)
    if name != "sandbox":
        from console.wire.redact import RedactingStream

        sys.stdout, sys.stderr = RedactingStream(streams[0]), RedactingStream(streams[1])
    try:
        return _run_command(name, rest)
    finally:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (OSError, ValueError):
                pass
        sys.stdout, sys.stderr = streams


def _run_command(name: str, rest: list[str]) -> int:
    module_name, text = COMMANDS[name]
    from console.wire import transport_counter

    sent_before = transport_counter.attempts_started()
    try:
        module = importlib.import_module(module_name)
        parser = argparse.ArgumentParser(prog=f"cio-console {name}", description=text)
        module.add_arguments(parser)
        try:
            ns = parser.parse_args(rest)
        except SystemExit as exc:  # argparse exits 2 on bad options, 0 on --help
            return int(exc.code or 0)
        return int(module.run(ns) or 0)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 - the last resort: a message and an exit code, never a traceback
        return _unexpected(name, exc, sent=transport_counter.attempts_started() != sent_before)


def _unexpected(name: str, exc: BaseException, *, sent: bool) -> int:
    """An exception no command handled: say what it was (cut, redacted by the stream) and
    whether anything may have been sent, with the exit code that says the same."""
    detail = str(exc).strip()
    if len(detail) > 300:
        detail = detail[:300] + f"… ({len(detail) - 300} more characters)"
    what = f"{type(exc).__name__}: {detail}" if detail else type(exc).__name__
    if sent:
        print(
            f"cio-console {name}: unknown outcome: an unexpected error ({what}) happened after a "
            "request was sent, so it may have been applied. It was NOT re-sent: check Customer.io "
            "before sending it again.",
            file=sys.stderr,
        )
        return EXIT_NETWORK
    print(
        f"cio-console {name}: unexpected error ({what}); nothing was sent. This is a bug in "
        "cio-console: please report it with the command that caused it.",
        file=sys.stderr,
    )
    return EXIT_INVALID


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not is_subcommand(args):
        print(top_help(), end="")
        return EXIT_OK
    return run_subcommand(args)
