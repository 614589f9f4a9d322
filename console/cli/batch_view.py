"""The batch progress bar on stderr (rich), drawn from `BatchRun.progress` snapshots.

Quiet when stderr is not a terminal: scripts get only the closing summary. Failures
are printed above the bar as they happen (the first few; all are in the failed file).
"""

from __future__ import annotations

import asyncio
import sys
from typing import Any

from console.batch.progress import Progress, Snapshot
from console.batch.report import fmt_eta
from console.cli.words import CLI_WORDS

SHOWN_FAILURES = 10
REFRESH_S = 0.1


class CheckView:
    """While a file is checked: rows checked and invalid so far, on one line of stderr
    (a terminal only), redrawn at most every tenth of a second by `prepare`'s callback."""

    def __init__(self, name: str, stream: Any = None) -> None:
        self.name = name
        self.stream = stream or sys.stderr
        self.enabled = bool(getattr(self.stream, "isatty", lambda: False)())
        self._drawn = False

    def __enter__(self) -> CheckView:
        return self

    def update(self, rows: int, invalid: int) -> None:
        if self.enabled:
            self.stream.write(f"\rchecking {self.name}: {rows:,} rows, {invalid:,} invalid so far\x1b[K")
            self.stream.flush()
            self._drawn = True

    def __exit__(self, *exc: Any) -> None:
        if self._drawn:
            self.stream.write("\r\x1b[K")
            self.stream.flush()


def stats_line(s: Snapshot) -> str:
    target = "no limit" if s.target_rate is None else f"{s.target_rate:g} req/s"
    parts = [f"{s.done:,} done", f"{s.failed:,} failed"]
    if s.unknown:
        parts.append(f"{s.unknown:,} unknown")
    parts += [f"{s.retrying:,} retrying", f"{s.rate:,.0f} rows/s ({target})", f"ETA {fmt_eta(s.eta_s)}"]
    return " · ".join(parts)


class ProgressView:
    """Polls the run's progress and redraws; a no-op when stderr is not a terminal."""

    def __init__(self, progress: Progress, title: str, stream: Any = None) -> None:
        self.progress = progress
        self.title = title
        self.stream = stream or sys.stderr
        self.enabled = bool(getattr(self.stream, "isatty", lambda: False)())
        self._seen = 0  # failures accounted for
        self._printed = 0
        self._said_more = False
        self._bar: Any = None
        self._task: Any = None

    async def __aenter__(self) -> ProgressView:
        if self.enabled:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, TextColumn
            from rich.progress import Progress as Bar

            console = Console(file=self.stream)
            self._bar = Bar(
                TextColumn("{task.description}", markup=False),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("{task.fields[stats]}", markup=False),
                console=console,
                transient=False,
                auto_refresh=False,
            )
            self._bar.start()
            self._id = self._bar.add_task(self.title, total=self.progress.total, stats="")
            self._task = asyncio.create_task(self._loop())
        return self

    async def __aexit__(self, *exc: Any) -> None:
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass
        if self._bar is not None:
            self._draw()
            self._bar.stop()

    async def _loop(self) -> None:
        while True:
            self._draw()
            await asyncio.sleep(REFRESH_S)

    def _draw(self) -> None:
        snap = self.progress.snapshot()
        new = snap.failed + snap.unknown - self._seen
        if new > 0:
            self._seen += new
            for item in list(snap.failures)[-new:]:
                if self._printed < SHOWN_FAILURES:
                    self._bar.console.print(f"[red]line {item.line}[/]: {item.title}", highlight=False)
                    self._printed += 1
                elif not self._said_more:
                    self._bar.console.print("more failures: all are listed in the failed file", highlight=False)
                    self._said_more = True
        stats = stats_line(snap)
        if snap.note:
            stats += f"  [{CLI_WORDS.render(snap.note)}]"
        self._bar.update(self._id, completed=snap.completed, total=snap.total, stats=stats)
        self._bar.refresh()
