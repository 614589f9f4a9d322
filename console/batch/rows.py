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
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from console.actions.json_input import TooDeep, loads_json
from console.actions.spec import ActionSpec
from console.actions.validation import InvalidInput, describe, validate
from console.batch.keytable import SEEN, KeyTable
from console.errors import InputError

JSONL_SUFFIXES = (".jsonl", ".ndjson", ".json")
CSV_SUFFIXES = (".csv", ".tsv")


class FileFormatError(InputError, ValueError):
    """The file as a whole cannot be read (no header, unreadable, not CSV or JSONL)."""


@dataclass
class RowProblem:
    line: int
    field: str | None  # the action field at fault, when one is
    message: str  # a sentence naming the field, what is wrong and what would be right

    def text(self) -> str:
        return f"line {self.line}: {self.message}"


@dataclass
class BatchRow:
    line: int  # 1-based line the row starts on
    data: dict[str, Any] | None  # None when the line itself could not be parsed
    key: str = ""  # stable identity for the checkpoint (see `assign_keys`)
    problems: list[RowProblem] = field(default_factory=list)  # parse problems
    text: str | None = None  # the line as read, when it could not be parsed


@dataclass
class ValidRow:
    row: BatchRow
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
    invalid: list[BatchRow]  # each with its problems

    @property
    def problems(self) -> list[RowProblem]:
        return [p for row in self.invalid for p in row.problems]


def detect_format(path: Path, first_bytes: bytes = b"") -> str:
    suffix = path.suffix.lower()
    if suffix in JSONL_SUFFIXES:
        return "jsonl"
    if suffix in CSV_SUFFIXES:
        return "csv"
    # Unknown extension (or stdin-like names): a JSON object per line starts with "{".
    return "jsonl" if first_bytes.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{") else "csv"


def iter_rows(path: str | Path) -> Iterator[BatchRow]:
    """Every row of a CSV or JSONL file, read as it goes (memory does not grow with the
    file). Raises FileFormatError for whole-file problems (unreadable, a bad CSV header);
    problems of single rows, undecodable bytes included, are kept on the row so that the
    others can still run. Rows are not keyed (see `Keyer`)."""
    path = Path(path)
    try:
        fh = open(path, "rb")
    except OSError as exc:
        raise FileFormatError(f"cannot read {path}: {exc.strerror or exc}") from None
    with fh:
        try:
            head = fh.peek(4096)[:4096]
        except OSError as exc:
            raise FileFormatError(f"cannot read {path}: {exc.strerror or exc}") from None
        if detect_format(path, head) == "jsonl":
            yield from parse_jsonl_lines(fh)
        else:
            text = io.TextIOWrapper(fh, encoding="utf-8-sig", errors="surrogateescape", newline="")
            yield from parse_csv(text, delimiter="\t" if path.suffix.lower() == ".tsv" else ",")


def read_rows(path: str | Path) -> list[BatchRow]:
    """Every row of a file, keyed, in a list: for small files and tests (a run streams)."""
    rows = list(iter_rows(path))
    assign_keys(rows)
    return rows


# An escaped UTF-16 surrogate in JSON text: only then can json.loads make a lone one.
_SURROGATE_ESCAPE = re.compile(rb"\\[uU][dD][89a-fA-F]")
_UNDECODED = re.compile("[\udc80-\udcff]")  # bytes that were not UTF-8 (surrogateescape)


def parse_jsonl(text: str) -> list[BatchRow]:
    return list(parse_jsonl_lines(io.BytesIO(text.encode("utf-8", "surrogatepass"))))


def parse_jsonl_lines(lines: Iterable[bytes]) -> Iterator[BatchRow]:
    """JSONL from its raw lines. A line ends at "\n" only (a "\r" before it is dropped):
    U+2028, U+0085 and other characters `str.splitlines` would split on are valid inside
    a JSON string. Each line is decoded on its own, so one undecodable line is that
    line's problem, not the file's."""
    for number, raw in enumerate(lines, start=1):
        if raw.endswith(b"\n"):
            raw = raw[:-2] if raw.endswith(b"\r\n") else raw[:-1]
        if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]  # a byte-order mark
        if not raw.strip():
            continue
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            yield BatchRow(
                number,
                None,
                problems=[
                    RowProblem(
                        number,
                        None,
                        f"is not UTF-8 text (byte {exc.start + 1} of the line, {raw[exc.start : exc.start + 1]!r}); "
                        f"save the file as UTF-8",
                    )
                ],
                text=raw.decode("utf-8", "backslashreplace"),
            )
            continue
        try:
            data = loads_json(line, "the line")
        except TooDeep as exc:
            yield BatchRow(
                number, None, problems=[RowProblem(number, exc.field, str(exc).removeprefix("the line: "))], text=line
            )
            continue
        except json.JSONDecodeError as exc:
            yield BatchRow(
                number,
                None,
                problems=[RowProblem(number, None, f"is not valid JSON: {exc.msg} at column {exc.colno}")],
                text=line,
            )
            continue
        except RecursionError:
            yield BatchRow(number, None, problems=[RowProblem(number, None, "is nested too deeply to be read")])
            continue
        if not isinstance(data, dict):
            yield BatchRow(
                number,
                None,
                problems=[
                    RowProblem(
                        number, None, 'must be a JSON object of fields, like {"customer_identifier": "user_123"}'
                    )
                ],
            )
            continue
        if _SURROGATE_ESCAPE.search(raw) and not _encodable(data):
            yield BatchRow(number, None, problems=[RowProblem(number, None, _lone_surrogate(line))], text=line)
            continue
        yield BatchRow(number, data)


def _encodable(data: Any) -> bool:
    try:
        _CANONICAL.encode(data).encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _lone_surrogate(line: str) -> str:
    """What is wrong when the line's JSON escapes half of a UTF-16 pair (\\ud800 alone):
    that is not a character, and no request could carry it."""
    pairs = re.finditer(
        r"\\[uU]([dD][89abAB][0-9a-fA-F]{2})(?:\\[uU]([dD][c-fC-F][0-9a-fA-F]{2}))?|"
        r"\\[uU]([dD][c-fC-F][0-9a-fA-F]{2})",
        line,
    )
    for match in pairs:
        high, low, lone_low = match.groups()
        if (high and not low) or lone_low:
            code = (high or lone_low).lower()
            return (
                f"holds \\u{code} at column {match.start() + 1}, half of a UTF-16 surrogate pair, which is "
                f"not a character; write the whole character (e.g. \\ud83d\\ude00) or remove it"
            )
    return (
        "holds half of a UTF-16 surrogate pair (a lone \\ud800-\\udfff escape), which is not a character; "
        "write the whole character or remove it"
    )


def parse_csv(text: str | Iterable[str], delimiter: str = ",") -> Iterator[BatchRow]:
    """CSV rows from text or a text stream (read as it goes). Bytes that were not UTF-8
    (decoded with surrogateescape) make their row's problem."""
    stream = io.StringIO(text, newline="") if isinstance(text, str) else text
    reader = csv.reader(stream, delimiter=delimiter, strict=True)
    try:
        header = next(reader)
        while not any(cell.strip() for cell in header):  # leading blank lines
            header = next(reader)
    except StopIteration:
        raise FileFormatError("the CSV file is empty; it needs a header row of field names") from None
    except csv.Error as exc:
        raise FileFormatError(f"line {reader.line_num}: the header row is not valid CSV: {exc}") from None
    names = [name.strip() for name in header]
    if any(_UNDECODED.search(name) for name in names):
        raise FileFormatError(f"line {reader.line_num}: the header row is not UTF-8 text; save the file as UTF-8")
    _check_header(names, reader.line_num)
    return _csv_rows(reader, names)


def _csv_rows(reader: Any, names: list[str]) -> Iterator[BatchRow]:
    while True:
        start = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            yield BatchRow(start, None, problems=[RowProblem(start, None, f"is not valid CSV: {exc}")])
            continue
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) > len(names):
            yield BatchRow(
                start,
                None,
                problems=[RowProblem(start, None, f"has {len(cells)} cells but the header names {len(names)} columns")],
            )
            continue
        bad = next((i for i, cell in enumerate(cells) if _UNDECODED.search(cell)), None)
        if bad is not None:
            yield BatchRow(
                start,
                None,
                problems=[
                    RowProblem(start, names[bad], f"column {names[bad]!r} is not UTF-8 text; save the file as UTF-8")
                ],
            )
            continue
        lone = next((i for i, cell in enumerate(cells) if "\\" in cell and _lone_in_json_cell(cell)), None)
        if lone is not None:
            yield BatchRow(
                start,
                None,
                problems=[RowProblem(start, names[lone], f"column {names[lone]!r} {_lone_surrogate(cells[lone])}")],
            )
            continue
        # Empty cells mean "not given", like an empty form field; so do the cells a short row leaves out.
        data = {name: cell for name, cell in zip(names, cells, strict=False) if cell != ""}
        yield BatchRow(start, data)


def _lone_in_json_cell(cell: str) -> bool:
    """A JSON cell whose escapes make half a surrogate pair: no request could carry it."""
    if not _SURROGATE_ESCAPE.search(cell.encode("utf-8", "surrogateescape")):
        return False
    try:
        value = json.loads(cell)
    except (ValueError, RecursionError):
        return False  # not JSON: the field's own validation says what is wrong
    return not _encodable(value)


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
    return hashlib.sha256(canonical.encode("utf-8", "surrogatepass")).hexdigest()[:20]


class Keyer:
    """Keys rows by their content plus which repeat of that content they are.

    Content, not line numbers: a user who fixes the invalid rows or adds rows and then
    resumes must not have rows that were already sent sent again because lines moved.
    The rows met so far are the `seen` bit of their slot in a KeyTable (no per-row
    object); only contents that repeat get a counter.
    """

    def __init__(self, table: KeyTable, seen: int) -> None:
        self.table = table
        self.seen = seen
        self._repeats: dict[str, int] = {}

    def key(self, data: dict[str, Any]) -> tuple[str, int]:
        """(the row's key, its slot in the table)."""
        content = row_digest(data)
        slot = self.table.slot(content)
        if not self.table.flags(slot) & self.seen:
            self.table.mark(slot, self.seen)
            return content, slot
        count = self._repeats.get(content, 1) + 1
        self._repeats[content] = count
        key = f"{content}#{count}"
        slot = self.table.slot(key)
        self.table.mark(slot, self.seen)
        return key, slot


def assign_keys(rows: Iterable[BatchRow]) -> None:
    keyer = Keyer(KeyTable(), SEEN)
    for row in rows:
        if row.data is not None:
            row.key, _ = keyer.key(row.data)


def validate_row(action: type[ActionSpec], row: BatchRow) -> ValidRow | None:
    """The row as a ValidRow, or None with its problems set on it."""
    if row.data is None:
        return None
    try:
        spec = validate(action, row.data)
    except InvalidInput as exc:
        row.problems = [RowProblem(row.line, p.field, describe(p, action)) for p in exc.problems]
        return None
    except RecursionError:  # one row's deeply nested JSON is that row's problem, not the file's
        row.problems = [RowProblem(row.line, None, "is nested too deeply to be read")]
        return None
    return ValidRow(row, spec)


def validate_rows(action: type[ActionSpec], rows: Iterable[BatchRow]) -> Validated:
    """Every row through `console.actions.validation.validate`: the same rules as a single send."""
    valid: list[ValidRow] = []
    invalid: list[BatchRow] = []
    for row in rows:
        checked = validate_row(action, row)
        if checked is None:
            invalid.append(row)
        else:
            valid.append(checked)
    return Validated(valid, invalid)
