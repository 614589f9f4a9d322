"""Reading a batch file into rows, and validating every row before anything is sent.

CSV: a header row of field names, then one row per record; empty cells mean "not
given"; JSON-object and JSON-array columns hold JSON text, which the specs parse (so a
bad cell gets the same message as a bad form field). JSONL: one JSON object per line;
blank lines are skipped. Every row keeps the line it starts on, for error reports.
"""
from __future__ import annotations

import csv
import hashlib
import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from console.spec import ActionSpec
from console.json_input import TooDeep, loads_json
from console.validation import InvalidInput, describe, validate

JSONL_SUFFIXES = (".jsonl", ".ndjson", ".json")
CSV_SUFFIXES = (".csv", ".tsv")


class FileFormatError(ValueError):
    """The file as a whole cannot be read (no header, unreadable, not CSV or JSONL)."""


@dataclass
class RowProblem:
    line: int
    field: str | None  # the action field at fault, when one is
    message: str  # a sentence naming the field, what is wrong and what would be right

    def text(self) -> str:
        return f"line {self.line}: {self.message}"


@dataclass
class Row:
    line: int  # 1-based line the row starts on
    data: dict[str, Any] | None  # None when the line itself could not be parsed
    key: str = ""  # stable identity for the checkpoint (see `assign_keys`)
    problems: list[RowProblem] = field(default_factory=list)  # parse problems


@dataclass
class ValidRow:
    row: Row
    spec: ActionSpec

    @property
    def line(self) -> int:
        return self.row.line

    @property
    def key(self) -> str:
        return self.row.key


@dataclass
class Validated:
    valid: list[ValidRow]
    invalid: list[Row]  # each with its problems

    @property
    def problems(self) -> list[RowProblem]:
        return [p for row in self.invalid for p in row.problems]


def detect_format(path: Path, text: str) -> str:
    suffix = path.suffix.lower()
    if suffix in JSONL_SUFFIXES:
        return "jsonl"
    if suffix in CSV_SUFFIXES:
        return "csv"
    # Unknown extension (or stdin-like names): a JSON object per line starts with "{".
    first = next((line.lstrip() for line in text.splitlines() if line.strip()), "")
    return "jsonl" if first.startswith("{") else "csv"


def read_rows(path: str | Path) -> list[Row]:
    """Every row of a CSV or JSONL file. Raises FileFormatError for whole-file problems;
    problems of single rows are kept on the row so that the others can still run."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise FileFormatError(f"cannot read {path}: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8-sig")  # Excel writes a byte-order mark
    except UnicodeDecodeError as exc:
        raise FileFormatError(f"{path} is not UTF-8 text (byte {exc.start}); save it as UTF-8") from None
    fmt = detect_format(path, text)
    rows = parse_jsonl(text) if fmt == "jsonl" else parse_csv(text, delimiter="\t" if path.suffix.lower() == ".tsv" else ",")
    assign_keys(rows)
    return rows


def parse_jsonl(text: str) -> list[Row]:
    rows = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            data = loads_json(line, "the line")
        except TooDeep as exc:
            rows.append(Row(number, None, problems=[RowProblem(number, exc.field, str(exc).removeprefix("the line: "))]))
            continue
        except json.JSONDecodeError as exc:
            rows.append(Row(number, None, problems=[
                RowProblem(number, None, f"is not valid JSON: {exc.msg} at column {exc.colno}")]))
            continue
        if not isinstance(data, dict):
            rows.append(Row(number, None, problems=[RowProblem(
                number, None, 'must be a JSON object of fields, like {"customer_identifier": "user_123"}')]))
            continue
        rows.append(Row(number, data))
    return rows


def parse_csv(text: str, delimiter: str = ",") -> list[Row]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        header = next(reader)
        while not any(cell.strip() for cell in header):  # leading blank lines
            header = next(reader)
    except StopIteration:
        raise FileFormatError("the CSV file is empty; it needs a header row of field names") from None
    except csv.Error as exc:
        raise FileFormatError(f"line {reader.line_num}: the header row is not valid CSV: {exc}") from None
    names = [name.strip() for name in header]
    _check_header(names, reader.line_num)
    rows: list[Row] = []
    while True:
        start = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            rows.append(Row(start, None, problems=[RowProblem(start, None, f"is not valid CSV: {exc}")]))
            continue
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) > len(names):
            rows.append(Row(start, None, problems=[RowProblem(
                start, None, f"has {len(cells)} cells but the header names {len(names)} columns")]))
            continue
        # Empty cells mean "not given", like an empty form field.
        data = {name: cell for name, cell in zip(names, cells) if cell != ""}
        rows.append(Row(start, data))
    return rows


def _check_header(names: list[str], line: int) -> None:
    for index, name in enumerate(names, start=1):
        if not name:
            raise FileFormatError(f"line {line}: header column {index} has no name; name it after a field")
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise FileFormatError(f"line {line}: header column {name!r} appears twice")
        seen.add(name)


_CANONICAL = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def row_digest(data: dict[str, Any]) -> str:
    canonical = _CANONICAL.encode(data)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:20]


def assign_keys(rows: Iterable[Row]) -> None:
    """Key each row by its content (plus which repeat of that content it is).

    Content, not line numbers: a user who fixes the invalid rows or adds rows and then
    resumes must not have rows that were already sent sent again because lines moved.
    """
    seen: dict[str, int] = {}
    for row in rows:
        if row.data is None:
            continue
        digest = row_digest(row.data)
        seen[digest] = seen.get(digest, 0) + 1
        row.key = digest if seen[digest] == 1 else f"{digest}#{seen[digest]}"


def validate_rows(action: type[ActionSpec], rows: Iterable[Row]) -> Validated:
    """Every row through `console.validation.validate`: the same rules as a single send."""
    valid: list[ValidRow] = []
    invalid: list[Row] = []
    for row in rows:
        if row.data is None:
            invalid.append(row)
            continue
        try:
            spec = validate(action, row.data)
        except InvalidInput as exc:
            row.problems = [RowProblem(row.line, p.field, describe(p, action)) for p in exc.problems]
            invalid.append(row)
            continue
        valid.append(ValidRow(row, spec))
    return Validated(valid, invalid)
