"""What a run will send: the rows an earlier run left, and how they are grouped.

Resuming, a row's last checkpoint record decides: `ok` and `rejected` rows are done;
`error` rows (and rows never tried) are sent; `unknown` rows (the answer was lost, or
the process died with the request in flight) are sent again only when the action is
harmless to repeat, and otherwise listed for the user to check.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from console.actions.spec import ActionSpec
from console.batch import v2
from console.batch.checkpoint import Loaded, RowOutcome
from console.batch.rows import ValidRow

AUTO_V2_MIN_ROWS = 10  # below this one request per row is as quick and simpler to read


MAX_UNKNOWN_KEPT = 10_000  # rows left in flight kept with their input, to list in the failed file


@dataclass
class Plan:
    """What this run sends, counted (the rows themselves are read again as they are sent)."""

    sending: int = 0  # rows this run sends
    done_before: int = 0
    rejected_before: int = 0
    unknown_skipped: list[ValidRow] = field(default_factory=list)  # the first MAX_UNKNOWN_KEPT
    unknown_count: int = 0
    unknown_resent: int = 0
    retried: int = 0  # rows an earlier run could not deliver (error), sent again

    @property
    def skipped(self) -> int:
        return self.done_before + self.rejected_before + self.unknown_count

    def place(self, row: ValidRow, outcome: RowOutcome | None, repeat_safe: bool) -> bool:
        """Count one valid row by its earlier outcome; True if this run sends it."""
        if outcome == RowOutcome.OK:
            self.done_before += 1
        elif outcome == RowOutcome.REJECTED:
            self.rejected_before += 1
        elif outcome == RowOutcome.UNKNOWN and not repeat_safe:
            self.unknown_count += 1
            if len(self.unknown_skipped) < MAX_UNKNOWN_KEPT:
                self.unknown_skipped.append(row)
        else:
            if outcome == RowOutcome.UNKNOWN:
                self.unknown_resent += 1
            elif outcome == RowOutcome.ERROR:
                self.retried += 1
            self.sending += 1
            return True
        return False


def plan(valid: Iterable[ValidRow], loaded: Loaded | None, action: type[ActionSpec]) -> Plan:
    result = Plan()
    for row in valid:
        result.place(row, loaded.outcome(row.key) if loaded else None, action.INFO.is_repeat_safe)
    return result


@dataclass
class Unit:
    """One request's worth of rows: a single v1 row, or a v2 batch of several."""

    rows: list[ValidRow]
    ops: list[dict[str, Any]] | None = None  # set for a v2 batch
    requeues: int = 0
    waiting_retry: bool = False
    refused_status: int | None = None  # the status of the answer a retry waits after

    @property
    def is_v2(self) -> bool:
        return self.ops is not None


def use_v2(action: type[ActionSpec], mode: str, rows: int) -> bool:
    """`mode` is auto, on or off. Auto uses v2 for identify and events from a few rows up."""
    if mode == "off" or not v2.supports(action):
        return False
    return mode == "on" or rows >= AUTO_V2_MIN_ROWS


def make_units(rows: Iterable[ValidRow], with_v2: bool, max_ops: int = v2.MAX_OPS) -> list[Unit]:
    return list(iter_units(rows, with_v2, max_ops))


def iter_units(
    rows: Iterable[ValidRow], with_v2: bool, max_ops: int = v2.MAX_OPS, max_bytes: int = v2.MAX_REQUEST_BYTES
) -> Iterator[Unit]:
    """Rows grouped into requests as they come: a v2 batch is handed out once full (by
    count or bytes), a row with no v2 form at once, so no more than one batch is held."""
    if not with_v2:
        for row in rows:
            yield Unit([row])
        return
    batch: list[ValidRow] = []
    ops: list[dict[str, Any]] = []
    used = v2.ENVELOPE
    for row in rows:
        converted = v2.operation(row.spec)
        if converted is None:
            yield Unit([row])
            continue
        op, size = converted
        extra = size + (1 if batch else 0)  # the comma between operations
        if batch and (len(batch) >= max_ops or used + extra > max_bytes):
            yield Unit(batch, ops)
            batch, ops, used, extra = [], [], v2.ENVELOPE, size
        batch.append(row)
        ops.append(op)
        used += extra
    if batch:
        yield Unit(batch, ops)
