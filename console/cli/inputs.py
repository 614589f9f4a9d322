"""Reading action input from the command line: --input JSON|@file|@- and --field NAME=VALUE."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from console.actions.json_input import shorten
from console.actions.validation import parse_json_object


def add_input_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--input",
        "-i",
        metavar="JSON|@FILE",
        help="the action's fields as a JSON object, or @file.json, or @- for stdin",
    )
    parser.add_argument(
        "--field",
        "-f",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="set one field (repeatable); the value is text, JSON for object fields",
    )


def read_text_source(source: str) -> str:
    """The text of `@source` (a file, or `-` for stdin); ValueError naming the file when
    it is not UTF-8, OSError when it cannot be read."""
    if source == "-":
        return sys.stdin.read()
    raw = Path(source).read_bytes()
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise ValueError(
            f"--input @{shorten(source)}: the file is not UTF-8 text (byte 0x{raw[exc.start]:02x} "
            f"at offset {exc.start}, line {line}, cannot be decoded); save it as UTF-8"
        ) from None


def read_input(raw: str | None, fields: list[str]) -> dict[str, Any]:
    """The input object; ValueError with a clear message when it cannot be read."""
    data: dict[str, Any] = {}
    if raw is not None:
        if raw.startswith("@"):
            source = raw[1:]
            try:
                text = read_text_source(source)
            except OSError as exc:
                raise ValueError(f"--input: cannot read {source}: {exc.strerror}") from None
            data = parse_json_object(text, f"--input {raw}")
        else:
            data = parse_json_object(raw, "--input")
    for item in fields:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise ValueError(
                f"--field {shorten(repr(item))} must look like NAME=VALUE, e.g. customer_identifier=user_123"
            )
        data[name.strip()] = value
    return data
