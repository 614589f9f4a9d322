"""What several commands share: credentials from --env or CIO_* variables, printing."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any, TextIO

from console.errors import ConfigurationError
from console.wire.credentials import Credentials


class ConfigError(ConfigurationError):
    """Configuration that prevents sending (exit 2, nothing sent)."""


def add_env_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--env",
        "-e",
        metavar="NAME",
        help="use a stored environment (keys from the OS keyring); CIO_* variables override it",
    )
    parser.add_argument(
        "--timeout",
        type=positive_seconds,
        default=None,
        metavar="SECONDS",
        help="bound on the whole exchange: connecting, sending, and waiting for and reading "
        "the answer, across retries (default 30); waits for Retry-After are not counted in it",
    )


def positive_seconds(text: str) -> float:
    """An argparse type: a finite number of seconds above zero."""
    import argparse
    import math

    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text[:40]!r} is not a number of seconds") from None
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"{text[:40]!r} must be a number of seconds above 0")
    return value


def resolve_credentials(env_name: str | None) -> Credentials:
    """Credentials from a stored environment or from CIO_* variables."""
    from console.environments.resolve import resolve  # the console's resolver too

    try:
        found = resolve(env_name or None)
    except (ValueError, KeyError) as exc:
        raise ConfigError(str(exc).strip("'\"")) from None
    if env_name and found.overrides:  # field by field; say so, a stray export should not go unnoticed
        print(f"note: {', '.join(found.overrides)} override the stored settings of {found.creds.name}", file=sys.stderr)
    return found.creds


def print_json(data: Any, stream: TextIO | None = None) -> None:
    stream = stream or sys.stdout
    stream.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
