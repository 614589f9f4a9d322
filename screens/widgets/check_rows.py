"""The connection test's results, one row per check: on the environment screen (F2) and
in the inspector's error panel (a 401's "test the connection")."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Static

from screens.words import ui_text

CHECK_KEYS = ("track", "region", "app", "write")
MARK = {"pass": ("✓ ", "bold $success"), "fail": ("✗ ", "bold $error"), "skip": ("– ", "$text-muted")}


class CheckRows(Vertical):
    """One row per connection-test check, filled in place as each check completes."""

    def compose(self) -> ComposeResult:
        for key in CHECK_KEYS:
            yield Static(id=f"check-{key}", classes="check")

    def _row(self, key: str) -> Static:
        return self.query_one(f"#check-{key}", Static)

    def clear(self) -> None:
        for key in CHECK_KEYS:
            row = self._row(key)
            row.update("")
            row.remove_class("-pass", "-fail", "-skip")

    def pending(self) -> None:
        from console.diagnose.connection_test import NAMES

        self.clear()
        for key in CHECK_KEYS:
            self._row(key).update(Content.styled(f"… {NAMES[key]}", "$text-muted"))

    def show(self, check: Any) -> None:
        row = self._row(check.key)
        mark, style = MARK[check.status]
        parts: list = [(mark, style), (check.name, "bold"), "\n  ", ui_text(check.detail)]
        if check.ok is False and check.fix:
            parts += ["\n  ", ("Fix: ", "bold"), ui_text(check.fix)]
        row.update(Content.assemble(*parts))
        row.remove_class("-pass", "-fail", "-skip")
        row.add_class(f"-{check.status}")
