"""The history: every exchange of the console's sessions, persisted with keys masked.

One JSON object per line (`history.jsonl` under platformdirs' user data dir for
`cio-console`). A line holds what the inspector needs to show the exchange again and what
the form needs to load it back: the action, the values typed, the request as sent (masked
headers), the answer, the attempts and the explanation. Before anything is written, every
form of the environment's keys is replaced by `****` in every string (request, response,
values, explanation), request and response headers that carry credentials are masked, and
fields of kind `secret` are masked whole: the file never holds a key.

Bounded: the newest `max_entries` lines, and a response body over `max_body` characters is
cut (the entry says so). Appends are cheap; the file is rewritten (atomically, via a
temporary file) only when it grows past the bound plus some slack. A line that does not
parse (a crash mid-write, a hand edit) is skipped, never fatal.

Headless: no Textual here. The App calls `append` from a thread worker.
"""
from __future__ import annotations

import json
import os
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable

from console.redact import MASK, mask_headers, redact_data, redact_text

if TYPE_CHECKING:
    from console.session import Outcome

FILE_NAME = "history.jsonl"
VERSION = 1
MAX_ENTRIES = 500
MAX_BODY = 1_000_000  # characters of a response body kept per entry
# Rewrite only once this many lines beyond the bound have accumulated: appends stay O(1).
SLACK = 50


def default_path() -> Path:
    from platformdirs import user_data_path

    return user_data_path("cio-console", appauthor=False) / FILE_NAME


def _secret_fields(action_id: str) -> set[str]:
    """Fields whose whole value is a secret (kind `secret`), masked even if no key matches."""
    try:
        from console.catalog import get_action
        from console.fields import Kind

        return {f.name for f in get_action(action_id).field_specs() if f.meta.kind == Kind.SECRET}
    except Exception:  # noqa: BLE001 - an unknown action has no spec: nothing extra to mask
        return set()


def mask_values(action_id: str, values: dict[str, Any], secrets: Iterable[str]) -> dict[str, Any]:
    """The form's values as the history keeps them: keys masked, secret fields masked whole."""
    hidden = _secret_fields(action_id)
    masked = redact_data(values, list(secrets))
    return {k: (MASK if k in hidden and v not in (None, "") else v) for k, v in masked.items()}


def to_record(outcome: Outcome, secrets: Iterable[str], max_body: int = MAX_BODY) -> dict[str, Any]:
    """The JSON-able, masked record of one Outcome."""
    secrets = list(secrets)
    ex = outcome.exchange
    exchange = ex.to_record()  # request headers already masked (PreparedRequest.preview)
    exchange["request"] = redact_data(exchange["request"], secrets)
    exchange["failure_detail"] = redact_text(ex.failure_detail, secrets) if ex.failure_detail else None
    body_size = None
    resp = exchange.get("response")
    if resp is not None:
        text = resp["text"]
        if len(text) > max_body:
            body_size = len(text)
            text = text[:max_body]
        resp["text"] = redact_text(text, secrets)
        resp["headers"] = redact_data(mask_headers(resp["headers"]), secrets)
    explanation = outcome.explanation.to_dict() if outcome.explanation is not None else None
    return {
        "v": VERSION,
        "id": uuid.uuid4().hex,
        "at": outcome.at,
        "env": outcome.env_label,
        "action_id": outcome.action_id,
        "status": ex.status,
        "ok": ex.ok,
        "values": mask_values(outcome.action_id, dict(outcome.values), secrets),
        "exchange": exchange,
        "explanation": redact_data(explanation, secrets) if explanation else None,
        "body_cut_from": body_size,  # the full body's length when it was cut to max_body
    }


@dataclass
class Entry:
    """One exchange from the history (newest first in `History.load`)."""

    record: dict[str, Any]

    @property
    def id(self) -> str:
        return str(self.record.get("id", ""))

    @property
    def at(self) -> float:
        return float(self.record.get("at") or 0.0)

    @property
    def env(self) -> str:
        return str(self.record.get("env") or "")

    @property
    def action_id(self) -> str:
        return str(self.record.get("action_id") or "")

    @property
    def values(self) -> dict[str, Any]:
        return dict(self.record.get("values") or {})

    @property
    def body_cut_from(self) -> int | None:
        return self.record.get("body_cut_from")

    def status_text(self) -> str:
        """What the list shows: "200 OK", "207 partial", "network: refused"."""
        ex = self.record.get("exchange") or {}
        resp = ex.get("response")
        if resp:
            reason = "partial" if resp.get("status") == 207 else resp.get("reason", "")
            return f"{resp.get('status')} {reason}".strip()
        return f"network: {ex.get('failure') or 'failed'}"

    def outcome(self) -> Outcome:
        """The Outcome again, for the inspector (its request headers stay masked)."""
        from console.exchange import Exchange
        from console.explain import Explanation
        from console.session import Outcome

        explanation = self.record.get("explanation")
        return Outcome(
            action_id=self.action_id,
            values=self.values,
            exchange=Exchange.from_record(self.record["exchange"]),
            explanation=Explanation(**explanation) if explanation else None,
            env_label=self.env,
            at=self.at,
        )


class History:
    """The history file. Thread-safe within a process (the App appends from workers)."""

    def __init__(self, path: Path | None = None, *, max_entries: int = MAX_ENTRIES, max_body: int = MAX_BODY) -> None:
        self.path = path or default_path()
        self.max_entries = max_entries
        self.max_body = max_body
        self.skipped = 0  # lines the last load could not read
        self._lock = threading.Lock()
        self._lines: int | None = None  # line count, learnt on first append

    def append(self, outcome: Outcome, secrets: Iterable[str]) -> dict[str, Any]:
        """Mask and persist one outcome; returns the record written."""
        record = to_record(outcome, secrets, self.max_body)
        line = json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n"
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            if self._lines is None:
                self._lines = self._count_lines()
            # A single write of the whole line in append mode: a crash leaves at worst one
            # partial last line, which `load` skips.
            # Owner-only: keys are masked, but the people's data in the bodies is not ours to share.
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            with open(fd, "a", encoding="utf-8") as fh:
                fh.write(line)
            self._lines += 1
            if self._lines > self.max_entries + SLACK:
                self._compact()
        return record

    def load(self, limit: int | None = None) -> list[Entry]:
        """The entries, newest first (at most `limit`); unreadable lines are skipped."""
        with self._lock:
            raw = self._read_lines()
        entries: list[Entry] = []
        skipped = 0
        for line in reversed(raw):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except ValueError:
                skipped += 1
                continue
            if not isinstance(record, dict) or not isinstance(record.get("exchange"), dict):
                skipped += 1
                continue
            entries.append(Entry(record))
            if limit is not None and len(entries) >= limit:
                break
        self.skipped = skipped
        return entries

    def clear(self) -> None:
        with self._lock:
            try:
                self.path.unlink()
            except FileNotFoundError:
                pass
            self._lines = 0

    # -- file helpers (called with the lock held) ------------------------------------------
    def _read_lines(self) -> list[str]:
        try:
            with open(self.path, encoding="utf-8", errors="replace") as fh:
                return fh.read().splitlines()
        except FileNotFoundError:
            return []

    def _count_lines(self) -> int:
        try:
            with open(self.path, "rb") as fh:
                return sum(chunk.count(b"\n") for chunk in iter(lambda: fh.read(1 << 20), b""))
        except FileNotFoundError:
            return 0

    def _compact(self) -> None:
        keep = [line for line in self._read_lines() if line.strip()][-self.max_entries:]
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.{int(time.time() * 1000)}.tmp")
        with open(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w", encoding="utf-8") as fh:
            fh.write("".join(line + "\n" for line in keep))
        os.replace(tmp, self.path)
        self._lines = len(keep)
