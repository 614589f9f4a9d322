"""The words a batch's faces show: invalid rows, what a resume will do, a dry run, the
summary of a run. The CLI prints them and the batch screen shows them, each rendering the
controls they name (`console.batch.words`) in its own words; neither writes them again.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from console import words
from console.batch.checkpoint import RowOutcome
from console.batch.plan import Plan

SHOWN_PROBLEMS = 20
SHOWN_LINES = 20


def _lines(lines: list[int], total: int | None = None) -> str:
    lines = sorted(lines)
    total = len(lines) if total is None else total
    text = ", ".join(str(n) for n in lines[:SHOWN_LINES])
    shown = min(SHOWN_LINES, len(lines))
    return text + (f" and {total - shown:,} more" if total > shown else "")


def invalid_report(checked: Any, data_file: Path) -> str:
    """The first problems, counts by field of all of them, and where every one is."""
    problems = checked.problems
    out = [f"{checked.invalid:,} of {checked.rows:,} rows in {data_file} are invalid and will not be sent:"]
    out += [f"  {p.text()}" for p in problems[:SHOWN_PROBLEMS]]
    if checked.problem_count > SHOWN_PROBLEMS:
        fields = Counter(checked.fields)
        fields.subtract(Counter(p.field or "(the row)" for p in problems[:SHOWN_PROBLEMS]))
        listed = ", ".join(f"{name} {count:,}" for name, count in fields.most_common(5) if count > 0)
        out.append(f"  ... and {checked.problem_count - SHOWN_PROBLEMS:,} more problems ({listed})")
    if checked.invalid_file is not None:
        out.append(f"Every invalid row, with its problems: {checked.invalid_file}")
    elif checked.invalid_file_error:
        out.append(f"  (the list of invalid rows could not be written: {checked.invalid_file_error})")
    return "\n".join(out)


def unknown_advice(action_id: str, failed_file: Path) -> str:
    return (
        "  These were sent but the answer was lost, so they may have been applied; they are\n"
        "  NOT sent again automatically. Check them in Customer.io (the person's Activity, or\n"
        "  the App API: GET /v1/customers/{id}/activities), then re-send only the missing ones:\n"
        f"    jq -c 'select(.outcome==\"unknown\") | .input' {failed_file} > resend.jsonl\n"
        f"    (edit resend.jsonl)  cio-console batch {action_id} resend.jsonl"
    )


def resume_report(todo: Plan, action: Any, data_file: Path) -> str:
    out = [
        f"Resuming: {todo.done_before:,} rows done earlier, {todo.rejected_before:,} rejected earlier, "
        f"{todo.sending:,} to send."
    ]
    if todo.retried:
        out.append(f"  {todo.retried:,} of them could not be delivered before and are sent again.")
    if todo.unknown_resent:
        out.append(
            f"  {todo.unknown_resent:,} rows whose answer was lost are sent again: "
            f"{action.INFO.id} is harmless to repeat."
        )
    if todo.unknown_skipped:
        out.append(
            f"Unknown outcome, skipped: lines {_lines([r.line for r in todo.unknown_skipped], todo.unknown_count)}."
        )
        out.append(unknown_advice(action.INFO.id, Path(f"{data_file}.failed.jsonl")))
    return "\n".join(out)


def summary(batch: Any, state: Any, todo: Plan, data_file: Path, failed_file: Path | None, tally: Any) -> str:
    """Where every row of this run stands, from the checkpoint's view (the four counts
    add up to the rows this run had to send)."""
    snap = batch.progress.snapshot()
    count = {RowOutcome.OK: tally.ok, RowOutcome.REJECTED: tally.rejected, RowOutcome.UNKNOWN: tally.unknown}
    not_delivered = tally.not_delivered
    head = {"finished": "finished", "interrupted": "interrupted", "halted": "stopped"}.get(state.value, state.value)
    requests = f"{snap.requests:,} requests"
    if batch.v2_requests:
        requests += f" ({batch.v2_requests:,} Track v2 batches)"
    rate = snap.completed / snap.elapsed_s if snap.elapsed_s > 0 else 0.0
    out = [
        f"{batch.action.INFO.id}: {head}. {count[RowOutcome.OK]:,} done, {count[RowOutcome.REJECTED]:,} failed, "
        f"{count[RowOutcome.UNKNOWN]:,} unknown outcome, {not_delivered:,} not delivered, of {tally.rows:,} rows "
        f"in {snap.elapsed_s:,.1f} s ({rate:,.0f} rows/s, {requests})."
    ]
    if todo.skipped:
        out.append(f"  {todo.skipped:,} rows were completed by an earlier run and not sent again.")
    if batch.halt:
        out.append(f"Stopped: {batch.halt}.")
    lost = unrecorded_lines(batch)
    if lost:
        again = (
            "sends them again (harmless for this action)"
            if batch.action.INFO.is_repeat_safe
            else "lists them as unknown outcome, to check"
        )
        out.append(
            f"  The outcomes of {len(lost):,} rows could not be recorded (lines {_lines(lost)}): this "
            f"summary is right about them, but the checkpoint could not be told, so a resume {again}."
        )
    if failed_file is not None:
        out.append(f"Failed rows, each with its explanation: {failed_file}")
    if tally.unknown:
        out.append(f"Unknown outcome: lines {_lines(tally.unknown_lines, tally.unknown)}.")
        out.append(unknown_advice(batch.action.INFO.id, failed_file or Path(f"{data_file}.failed.jsonl")))
    if not_delivered:
        out.append(
            f"Not delivered: {not_delivered:,} rows. {words.RUN_AGAIN} to send them "
            f"(rows already done are not sent again)."
        )
    return "\n".join(out)


def unrecorded_lines(batch: Any) -> list[int]:
    """Rows whose outcome the disk refused to record after their request went out."""
    return [e.line for e in getattr(batch, "unrecorded", {}).values() if e.outcome != RowOutcome.SENDING]


def fmt_eta(seconds: float | None) -> str:
    if seconds is None:
        return "--:--"
    seconds = round(seconds)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02}:{secs:02}" if hours else f"{minutes:02}:{secs:02}"


@dataclass(frozen=True)
class DryRun:
    """What a dry run would send: counted while streaming the units (never held)."""

    units: int
    batches: int
    sending: int
    rate: float | None
    first: Any  # the first request (keys masked), or None when nothing is left

    def text(self) -> str:
        how = (
            f"{self.batches:,} Track v2 batch requests and {self.units - self.batches:,} single requests"
            if self.batches
            else f"{self.units:,} requests, one per row"
        )
        pace = "no rate limit" if self.rate is None else f"{self.rate:g} requests/s"
        estimate = "" if self.rate is None else f", about {self.units / self.rate:,.1f} s at that rate"
        return f"{self.sending:,} rows as {how}; {pace}{estimate}. Nothing sent."


def dry_run(job: Any, on_request: Callable[[Any], None] | None = None) -> DryRun:
    """Every request the job would send, built with keys masked and handed to `on_request`
    one at a time (streamed: a million rows are counted, not held). Raises OSError or
    ValueError when the file cannot be read."""
    from console.batch import v2
    from console.wire.request import build_request

    first, units, batches = None, 0, 0
    for unit in job.units():
        units += 1
        batches += unit.is_v2
        if on_request is None and first is not None:
            continue  # only counting: the first request is all a screen shows
        if unit.is_v2:
            req = v2.build_batch_request(unit.ops or [], job.creds, job.action.INFO.id, preview=True)
        else:
            req = build_request(unit.rows[0].spec, job.creds, preview=True)
        first = first or req
        if on_request is not None:
            on_request(req)
    return DryRun(units, batches, job.plan.sending, job.rate, first)


def request_json(req: Any, indent: int | None = None) -> str:
    """A request as a dry run shows it (keys masked)."""
    if indent is None:
        return json.dumps(req.preview(), ensure_ascii=False, separators=(",", ":"))
    return json.dumps(req.preview(), ensure_ascii=False, indent=indent)
