"""The figures a batch face shows, kept by the run and handed to listeners.

`Progress` is mutated only by `BatchRun` on its event loop; faces read `snapshot()`
(a frozen copy) from a listener or by polling. The CLI draws a progress bar from it;
a console screen can render the same figures and the live list of failures.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

RATE_WINDOW = 5.0  # seconds of completions the shown rate is measured over
MAX_FAILURES_KEPT = 200  # the live list; every failure is in the failed file anyway


class State(StrEnum):
    READY = "ready"
    RUNNING = "running"
    STOPPING = "stopping"  # interrupted: waiting for requests in flight
    FINISHED = "finished"
    INTERRUPTED = "interrupted"
    HALTED = "halted"  # stopped by the run itself (e.g. every request refused: wrong key)


@dataclass(frozen=True)
class FailureItem:
    line: int
    outcome: str  # "rejected" | "error" | "unknown"
    status: int | None
    title: str  # one line: what happened
    field: str | None = None


@dataclass(frozen=True)
class Snapshot:
    state: State
    total: int  # rows this run is to send
    done: int  # answered 2xx
    failed: int  # rejected + error
    unknown: int  # sent but the answer was lost
    retrying: int  # rows waiting to retry (429, 503, ...)
    in_flight: int
    skipped: int  # already completed by an earlier run (resume)
    requests: int  # HTTP requests sent, retries included
    rate: float  # rows completed per second, recently
    request_rate: float  # requests per second, recently
    target_rate: float | None  # requests/s the pacer holds now (None: no limit)
    eta_s: float | None
    elapsed_s: float
    note: str | None  # the latest rate change or halt reason
    failures: tuple[FailureItem, ...]

    @property
    def completed(self) -> int:
        return self.done + self.failed + self.unknown

    @property
    def remaining(self) -> int:
        return max(0, self.total - self.completed)


Listener = Callable[[Snapshot], None]


@dataclass
class Progress:
    total: int = 0
    skipped: int = 0
    done: int = 0
    failed: int = 0
    unknown: int = 0
    retrying: int = 0
    in_flight: int = 0
    requests: int = 0
    target_rate: float | None = None
    state: State = State.READY
    note: str | None = None
    failures: deque[FailureItem] = field(default_factory=lambda: deque(maxlen=MAX_FAILURES_KEPT))
    clock: Callable[[], float] = time.monotonic
    _started: float | None = None
    _completions: deque[tuple[float, int]] = field(default_factory=deque)
    _sends: deque[tuple[float, int]] = field(default_factory=deque)
    _listeners: list[Listener] = field(default_factory=list)

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Call `listener(snapshot)` on every change; returns a function that unsubscribes."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    def start(self) -> None:
        self._started = self.clock()
        self.state = State.RUNNING
        self.changed()

    def sent(self, count: int = 1) -> None:
        self.requests += count
        self._sends.append((self.clock(), count))

    def completed(self, ok: int = 0, failed: int = 0, unknown: int = 0) -> None:
        self.done += ok
        self.failed += failed
        self.unknown += unknown
        self._completions.append((self.clock(), ok + failed + unknown))

    def add_failure(self, item: FailureItem) -> None:
        self.failures.append(item)

    def changed(self) -> None:
        if self._listeners:
            snap = self.snapshot()
            for listener in list(self._listeners):
                listener(snap)

    @staticmethod
    def _recent(events: deque[tuple[float, int]], now: float, since: float) -> float:
        while events and events[0][0] < now - RATE_WINDOW:
            events.popleft()
        span = min(RATE_WINDOW, now - since)
        if span <= 0:
            return 0.0
        return sum(n for _, n in events) / span

    def snapshot(self) -> Snapshot:
        now = self.clock()
        started = self._started if self._started is not None else now
        rate = self._recent(self._completions, now, started)
        completed = self.done + self.failed + self.unknown
        remaining = max(0, self.total - completed)
        eta = remaining / rate if rate > 0 else None
        return Snapshot(
            state=self.state,
            total=self.total,
            done=self.done,
            failed=self.failed,
            unknown=self.unknown,
            retrying=self.retrying,
            in_flight=self.in_flight,
            skipped=self.skipped,
            requests=self.requests,
            rate=rate,
            request_rate=self._recent(self._sends, now, started),
            target_rate=self.target_rate,
            eta_s=0.0 if remaining == 0 else eta,
            elapsed_s=now - started,
            note=self.note,
            failures=tuple(self.failures),
        )
