"""The live preview: the exact request the form would send, as `send --dry-run` prints it.

`show_request` takes `PreparedRequest.preview()` (method, url, masked headers, body) and
keeps it in `.request`, so a test can compare it with the CLI's output; `show_problems`
says which field is wrong and why. Keys are masked by the core before they get here.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

from console.wire.sizes import human_bytes

# Highlighting a multi-megabyte body on every keystroke would freeze the UI; past this
# many characters the preview shows the start of the body and says how much is left out.
SHOWN_BODY_CHARS = 20_000
DRY_RUN_SUBTITLE = "same as send --dry-run"


def http_text(preview: dict[str, Any]) -> tuple[str, str]:
    """The request as an HTTP message: the head (request line, headers) and the JSON body."""
    import json  # not before the first frame (which shows no request yet): ~4 ms

    head = [f"{preview['method']} {preview['url']}"]
    head += [f"{name}: {value}" for name, value in preview["headers"].items()]
    body = preview.get("body")
    return "\n".join(head), (json.dumps(body, indent=2, ensure_ascii=False) if body is not None else "")


class RequestPreview(VerticalScroll):
    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.border_title = "Request preview"
        self.border_subtitle = DRY_RUN_SUBTITLE
        self.request: dict[str, Any] | None = None  # the last good preview, as the CLI prints it
        self.problem: str | None = None

    def compose(self):
        yield Static(id="preview-text")

    def show_request(self, preview: dict[str, Any], notes: list[str] | None = None, size: int | None = None) -> None:
        """Show a request; `size` is the body's size on the wire, in bytes."""
        self.request, self.problem = preview, None
        self.remove_class("-invalid")
        head, body = http_text(preview)
        self._show_size(size)
        # Textual's own highlighter: colours from the app's theme, no token backgrounds.
        parts: list[Content] = [Content.styled(head, "bold")]
        cut = len(body) > SHOWN_BODY_CHARS
        if cut:
            body = body[:SHOWN_BODY_CHARS]
        if body:
            from textual.highlight import highlight  # pygments: off the first frame's path (~20 ms)

            parts += [Content(""), highlight(body, language="json")]
        if cut:
            parts.append(
                Content.styled(
                    f"… only the first {SHOWN_BODY_CHARS:,} characters are shown (all of it is sent)", "italic"
                )
            )
        for note in notes or []:
            parts += [Content(""), Content.styled(f"note: {note}", "italic")]
        self.query_one("#preview-text", Static).update(Content("\n").join(parts))

    def _show_size(self, size: int | None) -> None:
        """The border names the body's size only while a request is shown: every show_* sets
        it, so it never describes a request that is no longer there."""
        if (self.border_subtitle or "").endswith(DRY_RUN_SUBTITLE):  # a host screen's own subtitle stays
            self.border_subtitle = f"body {human_bytes(size)} · {DRY_RUN_SUBTITLE}" if size else DRY_RUN_SUBTITLE

    def show_problems(self, text: str, title: str = "Not ready to send") -> None:
        self.request, self.problem = None, text
        self._show_size(None)
        self.add_class("-invalid")
        body = Text(title + "\n", style="bold")
        for line in text.splitlines():
            body.append(f"✗ {line}\n")
        self.query_one("#preview-text", Static).update(body)

    def show_waiting(self, text: str) -> None:
        self.request, self.problem = None, None
        self._show_size(None)
        self.remove_class("-invalid")
        self.query_one("#preview-text", Static).update(Text(text, style="dim"))

    def text(self) -> str:
        """What the preview shows, as plain text (tests, copy)."""
        if self.request is not None:
            head, body = http_text(self.request)
            return f"{head}\n\n{body}" if body else head
        return self.problem or ""
