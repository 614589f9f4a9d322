"""The request/response inspector (placeholder until the full inspector lands).

Interface the workspace relies on: `show(outcome)`, `progress(event)`, `clear()`.
"""
from __future__ import annotations

from textual.widgets import Static

from console.session import Outcome
from console.transport import TransportEvent


class Inspector(Static):
    def show(self, outcome: Outcome) -> None:
        resp = outcome.exchange.response
        head = f"{resp.status} {resp.reason}" if resp else f"network failure: {outcome.exchange.failure}"
        text = outcome.explanation.text() if outcome.explanation else ""
        self.update(f"{head}\n{text}")

    def progress(self, event: TransportEvent) -> None:
        if event.kind == "wait":
            self.update(f"attempt {event.attempt}: {event.reason}; retrying in {event.wait_s:g} s")

    def clear(self) -> None:
        self.update("")
