"""Printing shared by the profile and preview commands: explanations with secrets
masked, exit codes from exchanges, times, and --input read as a JSON object."""

from __future__ import annotations

import json
import sys
from typing import Any

from console.actions.json_input import loads_json
from console.cli.inputs import read_text_source
from console.cli.main import EXIT_API_ERROR, EXIT_NETWORK
from console.diagnose.explain import Explanation
from console.wire.credentials import Credentials
from console.wire.exchange import Exchange
from console.wire.redact import redact_text


def secrets_of(creds: Credentials) -> list[str]:
    return creds.redaction_secrets()


def print_explanation(explanation: Explanation | None, creds: Credentials) -> None:
    if explanation is not None:
        print(redact_text(explanation.text(), secrets_of(creds)), file=sys.stderr)
        if explanation.send_again() is not None:  # a final 429: when, never an automatic re-send
            print(explanation.send_again(), file=sys.stderr)


def failure_code(exchange: Exchange | None) -> int:
    """1 when the API answered with an error, 3 when no answer came."""
    return EXIT_API_ERROR if exchange is None or exchange.response is not None else EXIT_NETWORK


def plain(value: Any) -> str:
    """A stored value as a person reads it in a table: text bare, the rest as JSON."""
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def read_object(raw: str | None, what: str = "--input") -> dict[str, Any]:
    """A JSON object from --input TEXT, @file or @- (stdin); ValueError otherwise."""
    if raw is None:
        raise ValueError(f"{what} is required")
    text = raw
    if raw.startswith("@"):
        source = raw[1:]
        try:
            text = read_text_source(source)
        except OSError as exc:
            raise ValueError(f"{what}: cannot read {source}: {exc.strerror}") from None
    try:
        data = loads_json(text, what)
    except json.JSONDecodeError as exc:
        raise ValueError(f"{what} is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}") from None
    if not isinstance(data, dict):
        raise ValueError(f"{what} must be a JSON object (got {type(data).__name__})")
    return data


def credentials_for_command(env_name: str | None) -> Credentials:
    """resolve_credentials, with a clear ConfigError while stored environments are not
    available in this build (their module lands with the environments work)."""
    from console.cli.common import ConfigError, resolve_credentials

    try:
        return resolve_credentials(env_name)
    except ImportError:
        raise ConfigError(
            f"--env {env_name}: stored environments are not available in this build; set the CIO_* variables instead"
        ) from None
