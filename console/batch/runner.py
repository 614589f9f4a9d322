"""BatchRun: send rows concurrently over one pooled client at a steady, adaptive rate.

Workers take units (one row, or a v2 batch of rows) from a queue. Each request first
takes a slot from the pacer, then a `sending` record goes to the checkpoint, then
`console.wire.transport.perform` sends it with the usual retry rules (a send or an event is
never re-sent after its answer was lost). Retries wait for their Retry-After and then
take a pacer slot too, so retries count against the rate. Every answer feeds the
adaptive controller through the client's response hook.

`stop()` (Ctrl-C) sends nothing new and lets requests in flight finish and be recorded;
rows waiting to retry stop waiting and are recorded as not delivered. `abort()` (a
second Ctrl-C) cancels in-flight requests: their `sending` record stays the last one,
so a resume treats them as unknown outcomes.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Awaitable, Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx

from console import words
from console.actions.spec import ActionSpec
from console.batch import v2
from console.batch.checkpoint import Checkpoint, CheckpointEntry, RowOutcome
from console.batch.outcomes import FailedFile, classify, failure_record, halt_reason
from console.batch.pacing import AdaptiveRate, Pacer, RateChange
from console.batch.plan import Unit, iter_units
from console.batch.pool import linear_transport
from console.batch.progress import FailureItem, Progress, State
from console.batch.rows import ValidRow
from console.diagnose.explain import Explanation, explain
from console.wire.credentials import Credentials
from console.wire.exchange import Exchange
from console.wire.request import build_request
from console.wire.retry_after import parse_retry_after
from console.wire.transport import RetryPolicy, TransportEvent, make_client, perform

# After this many rows in a row fail before anything was sent (refused, DNS...), the
# network is down: stop rather than run every remaining row into the same wall.
HALT_AFTER_NETWORK_FAILURES = 10
# After this many requests in a row whose answer was lost (sent, then the connection
# dropped or timed out), stop: each such row may have been applied and must be checked by
# hand, so a server or network that loses every answer must not be fed the whole file.
HALT_AFTER_LOST_ANSWERS = 5
# Requests of an action that is not harmless to repeat start few in flight, and one more
# may go out for every answer (so the window doubles each round trip, as TCP's slow
# start); each lost answer halves it. A server that loses every answer then costs a
# handful of unknown rows before the halt, not a whole connection pool's worth.
START_WINDOW = 8
MAX_REQUEUES = 10  # a row refused with 429 to the end of its retries goes back this often


@dataclass
class Options:
    rate: float | None  # requests per second; None: no limit (sandbox only)
    concurrency: int
    use_v2: bool = False
    timeout: float | None = None
    policy: RetryPolicy = RetryPolicy()
    max_ops: int = v2.MAX_OPS


class _Stopped(Exception):
    """Raised inside a retry wait when the run is stopping."""


def default_concurrency(rate: float | None) -> int:
    """Enough requests in flight to hold the rate at ~200 ms per answer, within reason.
    No limit is for the sandbox on loopback, where answers take a millisecond and more
    connections only cost CPU (measured: 16 beat 64 by half)."""
    if rate is None:
        return 16
    return max(4, min(200, int(rate * 0.2) + 4))


class BatchRun:
    def __init__(
        self,
        action: type[ActionSpec],
        creds: Credentials,
        rows: Iterable[ValidRow] | None,
        *,
        options: Options,
        checkpoint: Checkpoint,
        failed: FailedFile,
        client: httpx.AsyncClient | None = None,
        progress: Progress | None = None,
        units: Iterator[Unit] | None = None,
        total: int | None = None,
    ) -> None:
        """`rows` (a list), or `units` as they are read from the file with their `total`
        count of rows: units are taken from it only as workers are free, so no more rows
        are held than are in flight or waiting to retry."""
        self.action = action
        self.creds = creds
        self.options = options
        self.checkpoint = checkpoint
        self.failed = failed
        self._client = client
        self.progress = progress or Progress()
        if units is None:
            rows = list(rows or [])
            units, total = iter_units(rows, options.use_v2, options.max_ops), len(rows)
        self.progress.total = total or 0
        self.progress.target_rate = options.rate
        self.pacer = Pacer(options.rate)
        self.adaptive = AdaptiveRate(self.pacer, options.rate, on_change=self._rate_changed)
        self._source: Iterator[Unit] | None = units
        self._pulled = 0  # rows taken from the source
        self._queue: deque[Unit] = deque()  # units back for another go (requeued, split), first
        self._v2_enabled = options.use_v2
        self._repeat_safe = action.INFO.is_repeat_safe
        self._secrets = creds.redaction_secrets()
        self.halt: str | None = None  # why the run stopped itself
        self.halt_network = False
        self.disk_error: OSError | None = None  # the checkpoint or failed file could not be written
        # Outcomes known here that the disk refused to record (key -> the outcome).
        self.unrecorded: dict[str, CheckpointEntry] = {}
        self._lost_answers = 0
        self.v2_requests = 0
        self._network_failures = 0
        self._active = 0
        self._window = options.concurrency if self._repeat_safe else min(options.concurrency, START_WINDOW)
        self._stopping = False
        self._stop_event: asyncio.Event | None = None
        self._wake: asyncio.Event | None = None
        self._workers: list[asyncio.Task[None]] = []

    # -- control ---------------------------------------------------------------
    def stop(self, reason: str | None = None) -> None:
        """Send nothing new; let requests in flight finish and be recorded."""
        if not self._stopping:
            self._stopping = True
            if self.progress.state == State.RUNNING:
                self.progress.state = State.STOPPING
            if reason:
                self.progress.note = reason
        if self._stop_event:
            self._stop_event.set()
        if self._wake:
            self._wake.set()
        self.progress.changed()

    def abort(self) -> None:
        """Cancel requests in flight too (their outcome stays unknown)."""
        self.stop()
        for task in self._workers:
            task.cancel()

    @property
    def unsent(self) -> int:
        return sum(len(u.rows) for u in self._queue) + max(0, self.progress.total - self._pulled)

    def _next_unit(self) -> Unit | None:
        if self._queue:
            return self._queue.popleft()
        if self._source is None:
            return None
        try:
            unit = next(self._source)
        except StopIteration:
            self._source = None
            return None
        except (OSError, ValueError) as exc:  # the file went away or changed under the run
            self._source = None
            self._halt(
                f"reading the file failed: {getattr(exc, 'strerror', None) or exc}; {words.run_again} once it is back"
            )
            return None
        self._pulled += len(unit.rows)
        return unit

    # -- running ---------------------------------------------------------------
    async def run(self) -> State:
        self._stop_event = asyncio.Event()
        self._wake = asyncio.Event()
        own = self._client is None
        client = self._client or make_client(timeout=self.options.timeout, transport=linear_transport(self._limits()))
        hooks = client.event_hooks
        client.event_hooks = {**hooks, "response": [*hooks.get("response", []), self._observe]}
        self.progress.start()
        syncer = asyncio.create_task(self._sync_loop())
        errors: list[BaseException] = []
        try:
            count = min(self.options.concurrency, max(1, self.progress.total))
            self._workers = [asyncio.create_task(self._worker(client)) for _ in range(count)]
            await asyncio.wait(self._workers)
            # Every worker's exception is collected here (never "Task exception was never
            # retrieved"); the first is raised once the files are closed.
            errors = [e for t in self._workers if not t.cancelled() and (e := t.exception()) is not None]
        finally:
            syncer.cancel()
            await asyncio.gather(syncer, return_exceptions=True)
            client.event_hooks = hooks
            if own:
                await client.aclose()
            try:
                self.checkpoint.sync()
            except OSError as exc:
                self._cannot_write(exc)
            self.failed.close()
        if errors:
            raise errors[0]
        if self.halt:
            self.progress.state = State.HALTED
        elif self._stopping:
            self.progress.state = State.INTERRUPTED
        else:
            self.progress.state = State.FINISHED
        self.progress.changed()
        return self.progress.state

    def _limits(self) -> httpx.Limits:
        # As many connections kept alive as requests in flight: a connection closed
        # after each answer would cost a new TCP (and TLS) handshake per row.
        n = self.options.concurrency
        return httpx.Limits(max_connections=n, max_keepalive_connections=n)

    async def _sync_loop(self) -> None:
        while True:
            await asyncio.sleep(0.25)
            try:
                await asyncio.to_thread(self.checkpoint.sync)
            except OSError as exc:
                self._cannot_write(exc)
                return

    def _checkpoint(self, entries: list[CheckpointEntry]) -> bool:
        """Record `entries`; False when the disk refused (the run then halts). A refused
        write leaves no part of itself, so the checkpoint's last word on these rows is
        still the one before."""
        try:
            self.checkpoint.record(entries)
        except OSError as exc:
            self.unrecorded.update((e.key, e) for e in entries)
            self._cannot_write(exc)
            return False
        for e in entries:
            self.unrecorded.pop(e.key, None)
        return True

    def note_write_failure(self, exc: OSError) -> None:
        """A write that failed after the run (closing, compacting): said once, like one during it."""
        if self.disk_error is None:
            self._cannot_write(exc)
            self.progress.state = State.HALTED

    def _cannot_write(self, exc: OSError) -> None:
        if self.disk_error is None:
            self.disk_error = exc
            where = exc.filename or self.checkpoint.path
            self._halt(
                f"cannot write {where}: {exc.strerror or exc}. Every outcome recorded before "
                f"is kept; free some space (or fix the disk), then "
                f"{words.run_again} to send the rest"
            )

    async def _observe(self, response: httpx.Response) -> None:
        self.adaptive.observe(response.status_code, parse_retry_after(response.headers.get("retry-after")))

    def _rate_changed(self, change: RateChange) -> None:
        self.progress.target_rate = change.rate
        self.progress.note = change.reason

    async def _worker(self, client: httpx.AsyncClient) -> None:
        assert self._wake is not None
        while not self._stopping:
            if self._active >= self._window:
                self._wake.clear()
                await self._wake.wait()
                continue
            unit = self._next_unit()
            if unit is None:
                if self._active == 0:
                    self._wake.set()
                    return
                self._wake.clear()
                await self._wake.wait()
                continue
            self._active += 1
            try:
                await self._process(unit, client)
            finally:
                self._active -= 1
                self._wake.set()

    async def _slot(self) -> bool:
        """Wait for the pacer's next slot; False if the run is stopping meanwhile."""
        wait = self.pacer.reserve()
        if wait > 0 and not await self._sleep_unless_stopped(wait):
            return False
        return not self._stopping

    async def _sleep_unless_stopped(self, seconds: float) -> bool:
        assert self._stop_event is not None
        try:
            await asyncio.wait_for(self._stop_event.wait(), seconds)
        except TimeoutError:
            return True
        return False

    async def _process(self, unit: Unit, client: httpx.AsyncClient) -> None:
        if unit.is_v2 and not self._v2_enabled:
            self._queue.extendleft(Unit([row]) for row in reversed(unit.rows))
            return
        if not await self._slot():
            self._queue.appendleft(unit)  # not sent: a resume sends it
            return
        rows = unit.rows
        if not self._repeat_safe:
            # Write-ahead, so a kill now leaves these rows "unknown", never re-sent. A
            # row of a repeat-safe action (identify) is re-sent either way, so it skips it.
            if not self._checkpoint([CheckpointEntry(r.key, r.line, RowOutcome.SENDING) for r in rows]):
                self._queue.appendleft(unit)  # not sent, and not recorded as sent
                return
        if unit.is_v2:
            self.v2_requests += 1
            req = v2.build_batch_request(unit.ops or [], self.creds, self.action.INFO.id)
        else:
            req = build_request(rows[0].spec, self.creds)
        self.progress.in_flight += len(rows)
        try:
            ex = await perform(
                req,
                client,
                repeat_safe=self._repeat_safe,
                policy=self.options.policy,
                on_event=self._unit_events(unit),
                sleep=self._retry_sleep(unit),
            )
        except _Stopped:
            # Stopped during a retry wait: every attempt so far was refused unapplied.
            self._record([(r, RowOutcome.ERROR, None, None, None) for r in rows])
            return
        except asyncio.CancelledError:
            if unit.waiting_retry:
                self._record([(r, RowOutcome.ERROR, None, None, None) for r in rows])
            raise
        finally:
            self.progress.in_flight -= len(rows)
        if ex.response is None and ex.delivered == "unknown":
            self._window = max(1, self._window // 2)
        elif ex.response is not None and not self._repeat_safe:
            self._window = min(self.options.concurrency, self._window + 1)
        if unit.is_v2:
            self._v2_result(unit, ex)
        else:
            self._v1_result(unit, ex)
        self._check_halt(ex)

    def _unit_events(self, unit: Unit) -> Callable[[TransportEvent], None]:
        def on_event(event: TransportEvent) -> None:
            if event.kind == "attempt":
                self.progress.sent()
            elif event.kind == "wait":
                unit.refused_status = event.status

        return on_event

    def _retry_sleep(self, unit: Unit) -> Callable[[float], Awaitable[None]]:
        rows = unit.rows

        async def sleep(seconds: float) -> None:
            # The transport retries only answers that say the request was not applied
            # (429, 503 with Retry-After) for an action that is not harmless to repeat.
            # Recorded so before the wait: a kill during it leaves these rows "not
            # delivered" (a resume sends them), not "unknown" (never re-sent).
            if not self._repeat_safe and not self._checkpoint(
                [CheckpointEntry(r.key, r.line, RowOutcome.ERROR, unit.refused_status) for r in rows]
            ):
                raise _Stopped
            unit.waiting_retry = True
            self.progress.retrying += len(unit.rows)
            self.progress.changed()
            try:
                if not await self._sleep_unless_stopped(seconds) or not await self._slot():
                    raise _Stopped
                # Write-ahead again: the next attempt goes out as soon as this returns.
                if not self._repeat_safe and not self._checkpoint(
                    [CheckpointEntry(r.key, r.line, RowOutcome.SENDING) for r in rows]
                ):
                    raise _Stopped
            except asyncio.CancelledError:
                raise  # keeps waiting_retry set: the last attempt was refused, not lost
            else:
                unit.waiting_retry = False
            finally:
                self.progress.retrying -= len(unit.rows)

        return sleep

    def _requeue_if_limited(self, unit: Unit, ex: Exchange) -> bool:
        """A unit refused with 429 to the end of its retries goes to the back of the queue,
        unless the server asked for a longer wait than a run should sit through."""
        if ex.status != 429 or unit.requeues >= MAX_REQUEUES or self._stopping:
            return False
        retry_after = parse_retry_after(ex.response.headers.get("retry-after")) if ex.response else None
        if retry_after is not None and retry_after > self.options.policy.max_wait:
            self._halt(f"Customer.io asked to wait {retry_after:.0f} s (429 Retry-After); {words.run_again} after that")
            return False
        unit.requeues += 1
        # Recorded as not delivered while it waits, so a kill now does not leave it "in flight".
        self._checkpoint([CheckpointEntry(r.key, r.line, RowOutcome.ERROR, 429) for r in unit.rows])
        self._queue.append(unit)
        return True

    def _v1_result(self, unit: Unit, ex: Exchange) -> None:
        outcome = classify(ex)
        if outcome == RowOutcome.ERROR and self._requeue_if_limited(unit, ex):
            return
        explanation = explain(ex, self.action, self.creds) if outcome != RowOutcome.OK else None
        self._record([(unit.rows[0], outcome, ex.status, ex, explanation)])

    def _v2_result(self, unit: Unit, ex: Exchange) -> None:
        rows, status = unit.rows, ex.status
        if status == 207 and ex.response is not None:
            placed = v2.partial_failures(ex.response.json(), len(rows))
            if placed is None:
                why = _unplaced_207(self._repeat_safe)
                self._record([(r, RowOutcome.UNKNOWN, 207, ex, why) for r in rows])
                return
            self._record(
                [
                    (r, RowOutcome.REJECTED, 207, ex, v2.row_explanation(self.action, placed[i], r.line))
                    if i in placed
                    else (r, RowOutcome.OK, 207, ex, None)
                    for i, r in enumerate(rows)
                ]
            )
            return
        if status in (400, 404, 413):
            # The whole request was refused and nothing applied: send each row over v1,
            # which gives every row its own answer.
            if status == 404:
                self._v2_enabled = False
                self.progress.note = "the Track v2 batch endpoint answered 404: sending rows one by one"
            self._checkpoint([CheckpointEntry(r.key, r.line, RowOutcome.ERROR, status) for r in rows])
            self._queue.extendleft(Unit([row]) for row in reversed(rows))
            return
        outcome = classify(ex)
        if outcome == RowOutcome.ERROR and self._requeue_if_limited(unit, ex):
            return
        explanation = explain(ex, self.action, self.creds) if outcome != RowOutcome.OK else None
        self._record([(r, outcome, status, ex, explanation) for r in rows])

    def _record(self, results: list[tuple[ValidRow, RowOutcome, int | None, Exchange | None, Any]]) -> None:
        self._checkpoint([CheckpointEntry(r.key, r.line, o, s) for r, o, s, _, _ in results])
        ok = sum(1 for _, o, *_ in results if o == RowOutcome.OK)
        unknown = sum(1 for _, o, *_ in results if o == RowOutcome.UNKNOWN)
        self.progress.completed(ok=ok, failed=len(results) - ok - unknown, unknown=unknown)
        failures = [(r, o, s, ex, why) for r, o, s, ex, why in results if o != RowOutcome.OK]
        if failures:
            try:
                self.failed.append(
                    failure_record(
                        key=r.key,
                        line=r.line,
                        data=r.row.data,
                        outcome=o,
                        ex=ex,
                        explanation=why,
                        secrets=self._secrets,
                    )
                    for r, o, s, ex, why in failures
                )
            except OSError as exc:
                self._cannot_write(exc)
            for r, o, s, _ex, why in failures:
                self.progress.add_failure(
                    FailureItem(
                        r.line, o.value, s, why.title if why is not None else _plain(o, s), getattr(why, "field", None)
                    )
                )
        self.progress.changed()

    def _check_halt(self, ex: Exchange) -> None:
        if ex.ok:
            self._network_failures = self._lost_answers = 0
            return
        reason = halt_reason(ex)
        network = False
        if ex.delivered == "unknown" and ex.response is None:
            self._lost_answers += 1
            if self._lost_answers >= HALT_AFTER_LOST_ANSWERS and reason is None:
                failure = ex.failure.value if ex.failure else "lost"
                reason = (
                    f"the answers to {self._lost_answers} requests in a row were lost ({failure}): "
                    f"those rows may have been applied and are listed as unknown outcome. Fix the "
                    f"network or the server, check those rows, then "
                    f"{words.run_again} to send the rows never sent"
                )
                network = True
        elif ex.response is not None:
            self._lost_answers = 0
        if reason is None and ex.response is None and ex.delivered == "no":
            self._network_failures += 1
            if self._network_failures >= HALT_AFTER_NETWORK_FAILURES:
                failure = ex.failure.value if ex.failure else "network failure"
                reason = f"the network failed for {self._network_failures} rows in a row ({failure})"
                network = True
        elif ex.response is not None:
            self._network_failures = 0
        if reason:
            self._halt(reason, network)

    def _halt(self, reason: str, network: bool = False) -> None:
        if not self.halt:
            self.halt, self.halt_network = reason, network
            self.stop(f"stopped: {reason}")


def _plain(outcome: RowOutcome, status: int | None) -> str:
    return f"{outcome.value}" + (f" ({status})" if status else "")


def _unplaced_207(repeat_safe: bool) -> Explanation:
    return Explanation(
        "207: Customer.io applied part of a Track v2 batch but did not say which rows",
        "An error in the 207 answer had no usable batch_index, so no row of this request is "
        "known to have been applied or not.",
        [
            "Check these people in Customer.io before sending them again."
            if not repeat_safe
            else f"{words.RUN_AGAIN}: repeating these rows is harmless."
        ],
        delivered="unknown",
    )
