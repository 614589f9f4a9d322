"""What a run will send: the rows an earlier run left, and how they are grouped.

Resuming, a row's last checkpoint record decides: `ok` and `rejected` rows are done;
`error` rows (and rows never tried) are sent; `unknown` rows (the answer was lost, or
the process died with the request in flight) are sent again only when the action is
harmless to repeat, and otherwise listed for the user to check.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from console.batch import v2
from console.batch.checkpoint import Loaded, Outcome
from console.batch.rows import ValidRow
from console.spec import ActionSpec

AUTO_V2_MIN_ROWS = 10  # below this one request per row is as quick and simpler to read


@dataclass
class Plan:
    to_send: list[ValidRow]
    done_before: int = 0
    rejected_before: int = 0
    unknown_skipped: list[ValidRow] = field(default_factory=list)
    unknown_resent: int = 0
    retried: int = 0  # rows an earlier run could not deliver (error), sent again

    @property
    def skipped(self) -> int:
        return self.done_before + self.rejected_before + len(self.unknown_skipped)


def plan(valid: list[ValidRow], loaded: Loaded | None, action: type[ActionSpec]) -> Plan:
    if loaded is None:
        return Plan(list(valid))
    repeat_safe = action.INFO.is_repeat_safe
    result = Plan([])
    for row in valid:
        outcome = loaded.outcome(row.key)
        if outcome == Outcome.OK:
            result.done_before += 1
        elif outcome == Outcome.REJECTED:
            result.rejected_before += 1
        elif outcome == Outcome.UNKNOWN and not repeat_safe:
            result.unknown_skipped.append(row)
        else:
            if outcome == Outcome.UNKNOWN:
                result.unknown_resent += 1
            elif outcome == Outcome.ERROR:
                result.retried += 1
            result.to_send.append(row)
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


def make_units(rows: list[ValidRow], with_v2: bool, max_ops: int = v2.MAX_OPS) -> list[Unit]:
    if not with_v2:
        return [Unit([row]) for row in rows]
    sized: list[tuple[ValidRow, dict[str, Any], int]] = []
    single: list[Unit] = []
    for row in rows:
        converted = v2.operation(row.spec)
        if converted is None:
            single.append(Unit([row]))
        else:
            sized.append((row, *converted))
    batches = [Unit([r for r, _ in c], [op for _, op in c]) for c in v2.chunk(sized, max_ops=max_ops)]
    return batches + single
