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

Several processes (two consoles) may share the file: an advisory lock (`history.jsonl.lock`
beside it, via filelock) is held around every append and around read-compact-rename, so a
compaction never drops a line another process appended meanwhile and lines never interleave.
Each process counts the lines others appended since its last write from the bytes it has
not seen (no full re-read per append). A lock not obtained within `lock_timeout` seconds
raises `HistoryLocked` (an OSError): the entry is not saved, and the caller says so.

Headless: no Textual here. The App calls `append` from a thread worker.
"""

from __future__ import annotations

import json
import os
import threading
import time
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from console.errors import LocalStateError
from console.wire.redact import MASK, mask_headers, redact_data, redact_text

if TYPE_CHECKING:
    from console.actions.spec import ActionSpec
    from console.diagnose.explain import Explanation
    from console.session.session import SendOutcome
    from console.wire.credentials import Credentials
    from console.wire.exchange import Exchange

FILE_NAME = "history.jsonl"
VERSION = 1
MAX_ENTRIES = 500
MAX_BODY = 1_000_000  # characters of a response body kept per entry
# Rewrite only once this many lines beyond the bound have accumulated: appends stay O(1).
SLACK = 50
# Another process holds the lock only for an append or a compaction (milliseconds); this long
# means it is stuck (or a hand-held lock): give up and report the entry as not saved.
LOCK_TIMEOUT = 2.0


class HistoryLocked(LocalStateError, TimeoutError):
    """The history file's lock was not obtained in time (an OSError: callers report it)."""


_EXPLAIN: Any = object()  # `record_of`'s default: explain the exchange here


def form_values(values: dict[str, Any]) -> dict[str, Any]:
    """An input as the workspace form holds it (objects and lists as JSON text), so that a
    history entry loads back into the form."""
    return {k: (json.dumps(v) if isinstance(v, (dict, list)) else v) for k, v in values.items()}


def record_of(
    action: type[ActionSpec],
    values: dict[str, Any],
    exchange: Exchange,
    creds: Credentials,
    env_label: str,
    *,
    explanation: Explanation | None = _EXPLAIN,
) -> SendOutcome:
    """A send made outside the workspace form (a profile's action or edit, a transactional
    message) as the history and the inspector keep it: its input as the form would hold
    it, and the explanation of a failure (the core's `explain` unless one is given)."""
    from console.session.session import SendOutcome

    if explanation is _EXPLAIN:
        from console.diagnose.explain import explain

        explanation = explain(exchange, action, creds)
    return SendOutcome(action.INFO.id, form_values(values), exchange, explanation, env_label)


def default_path() -> Path:
    from platformdirs import user_data_path

    return user_data_path("cio-console", appauthor=False) / FILE_NAME


def _secret_fields(action_id: str) -> set[str]:
    """Fields whose whole value is a secret (kind `secret`), masked even if no key matches."""
    try:
        from console.actions.catalog import get_action
        from console.actions.fields import Kind

        return {f.name for f in get_action(action_id).field_specs() if f.meta.kind == Kind.SECRET}
    except Exception:  # noqa: BLE001 - an unknown action has no spec: nothing extra to mask
        return set()


def mask_values(action_id: str, values: dict[str, Any], secrets: Iterable[str]) -> dict[str, Any]:
    """The form's values as the history keeps them: keys masked, secret fields masked whole."""
    hidden = _secret_fields(action_id)
    masked = redact_data(values, list(secrets))
    return {k: (MASK if k in hidden and v not in (None, "") else v) for k, v in masked.items()}


def to_record(outcome: SendOutcome, secrets: Iterable[str], max_body: int = MAX_BODY) -> dict[str, Any]:
    """The JSON-able, masked record of one SendOutcome."""
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


# The fields that say whom an exchange was about, most telling first (HistoryEntry.subject).
SUBJECT_FIELDS = (
    "to",
    "customer_identifier",
    "identifiers",
    "user_id",
    "anonymous_id",
    "primary",
    "device_id",
    "email",
    "id",
)


@dataclass
class HistoryEntry:
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

    def subject(self) -> str:
        """Whom or what the exchange was about, so rows of one action can be told apart: the
        recipient, the person, the identifiers, after the template as #ID ("" when none)."""
        values = self.values
        template = values.get("transactional_message_id")
        parts = [f"#{template}"] if template not in (None, "") else []
        for name in SUBJECT_FIELDS:
            value = values.get(name)
            if value in (None, "", {}, []):
                continue
            text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, separators=(",", ":"))
            parts.append(text.replace("\n", " ").strip())
            if len(parts) == 2:
                break
        return " ".join(parts)

    def target(self) -> str:
        """The request's method and path (where it went), e.g. "PUT /api/v1/customers/u1"."""
        from urllib.parse import urlsplit

        req = (self.record.get("exchange") or {}).get("request") or {}
        url = urlsplit(str(req.get("url") or ""))
        return f"{req.get('method', '')} {url.path}".strip()

    def status_text(self) -> str:
        """What the list shows: "200 OK", "207 partial", "network: refused"."""
        ex = self.record.get("exchange") or {}
        resp = ex.get("response")
        if resp:
            reason = "partial" if resp.get("status") == 207 else resp.get("reason", "")
            return f"{resp.get('status')} {reason}".strip()
        return f"network: {ex.get('failure') or 'failed'}"

    def outcome(self) -> SendOutcome:
        """The SendOutcome again, for the inspector (its request headers stay masked)."""
        from console.diagnose.explain import Explanation
        from console.session.session import SendOutcome
        from console.wire.exchange import Exchange

        explanation = self.record.get("explanation")
        return SendOutcome(
            action_id=self.action_id,
            values=self.values,
            exchange=Exchange.from_record(self.record["exchange"]),
            explanation=Explanation(**explanation) if explanation else None,
            env_label=self.env,
            at=self.at,
        )


class History:
    """The history file. Thread-safe within a process (the App appends from workers), and
    safe across processes sharing the file (an advisory lock file beside it)."""

    def __init__(
        self,
        path: Path | None = None,
        *,
        max_entries: int = MAX_ENTRIES,
        max_body: int = MAX_BODY,
        slack: int = SLACK,
        lock_timeout: float = LOCK_TIMEOUT,
    ) -> None:
        self.path = path or default_path()
        self.max_entries = max_entries
        self.max_body = max_body
        self.slack = slack
        self.lock_timeout = lock_timeout
        self.skipped = 0  # lines the last load could not read
        self._lock = threading.Lock()
        self._file_lock: Any = None  # filelock.FileLock, made on first use
        # What this process knows of the file: its line count, and the identity and size it
        # had after our last write (another process's appends and compactions change them).
        self._lines: int | None = None
        self._seen: tuple[int, int] | None = None  # (inode, size)

    @property
    def lock_path(self) -> Path:
        return self.path.with_name(self.path.name + ".lock")

    @contextmanager
    def _locked(self, timeout: float | None = None) -> Iterator[None]:
        """The thread lock, then the file lock shared with other processes."""
        from filelock import FileLock, Timeout

        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            if self._file_lock is None:
                self._file_lock = FileLock(self.lock_path, mode=0o600)
            wait = self.lock_timeout if timeout is None else timeout
            try:
                self._file_lock.acquire(timeout=wait)
            except Timeout:
                raise HistoryLocked(f"another cio-console has held {self.lock_path} for over {wait:g} s") from None
            try:
                yield
            finally:
                self._file_lock.release()

    def append(self, outcome: SendOutcome, secrets: Iterable[str]) -> dict[str, Any]:
        """Mask and persist one outcome; returns the record written. Raises OSError (with
        `HistoryLocked` when another process holds the file too long): nothing was written."""
        record = to_record(outcome, secrets, self.max_body)
        data = (json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")
        with self._locked():
            # Owner-only: keys are masked, but the people's data in the bodies is not ours to share.
            fd = os.open(self.path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o600)  # read: _catch_up
            try:
                self._catch_up(fd)
                # The whole line in one write, under the lock: a crash leaves at worst one
                # partial last line, which `load` skips.
                view = memoryview(data)
                while view:
                    view = view[os.write(fd, view) :]
                st = os.fstat(fd)
            finally:
                os.close(fd)
            self._seen = (st.st_ino, st.st_size)
            assert self._lines is not None  # _catch_up counted them
            self._lines += 1
            if self._lines > self.max_entries + self.slack:
                self._compact()
        return record

    def load(self, limit: int | None = None) -> list[HistoryEntry]:
        """The entries, newest first (at most `limit`); unreadable lines are skipped."""
        try:
            # Under the lock no line is half written; without it (held too long elsewhere)
            # the read is still safe: a rename is atomic and a partial last line is skipped.
            with self._locked(timeout=min(self.lock_timeout, 0.5)):
                raw = self._read_lines()
        except HistoryLocked:
            raw = self._read_lines()
        entries: list[HistoryEntry] = []
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
            entries.append(HistoryEntry(record))
            if limit is not None and len(entries) >= limit:
                break
        self.skipped = skipped
        return entries

    def clear(self) -> None:
        with self._locked():
            try:
                self.path.unlink()
            except FileNotFoundError:
                pass
            self._lines, self._seen = 0, None

    # -- file helpers (called with the locks held) -----------------------------------------
    def _catch_up(self, fd: int) -> None:
        """Bring the line count up to date with what other processes did since our last write:
        count only the bytes appended since; recount all after a compaction (a new file)."""
        st = os.fstat(fd)
        seen = self._seen
        if self._lines is None or seen is None or seen[0] != st.st_ino or st.st_size < seen[1]:
            self._lines = _count_newlines(fd, 0)
        elif st.st_size > seen[1]:
            self._lines += _count_newlines(fd, seen[1])

    def _read_lines(self) -> list[str]:
        try:
            with open(self.path, encoding="utf-8", errors="replace") as fh:
                return fh.read().splitlines()
        except FileNotFoundError:
            return []

    def _compact(self) -> None:
        keep = [line for line in self._read_lines() if line.strip()][-self.max_entries :]
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.{int(time.time() * 1000)}.tmp")
        with open(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w", encoding="utf-8") as fh:
            fh.write("".join(line + "\n" for line in keep))
        os.replace(tmp, self.path)
        st = os.stat(self.path)
        self._lines, self._seen = len(keep), (st.st_ino, st.st_size)


def _count_newlines(fd: int, start: int) -> int:
    count, offset = 0, start
    while chunk := os.pread(fd, 1 << 20, offset):
        count += chunk.count(b"\n")
        offset += len(chunk)
    return count
