"""The one-line status of a screen (what just happened, what to do next)."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static

from screens.words import ui_text


class StatusLine(Static):
    def say(self, text: str, severity: str = "") -> None:
        """Show `text` as plain text (an identifier or a server's words never read as markup);
        `severity` (error, warning, success, busy) becomes the class the stylesheet colours."""
        self.update(Content(ui_text(text)))
        self.set_classes(f"-{severity}" if severity else "")
