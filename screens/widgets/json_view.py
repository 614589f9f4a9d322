"""A read-only, virtualised view of a (pretty-printed) JSON body, for bodies of megabytes.

A 5 MB JSON answer pretty-prints to ~500,000 lines. A TextArea takes ~8 s to load that
and a Rich renderable of it blocks the loop for as long, so this view keeps the text as a
list of lines and renders only the rows on screen (the Line API), highlighting each row
with a small JSON tokenizer when it is first drawn. A big body is pretty-printed a slice
at a time (`screens.widgets.json_format`, driven by the `Inspector`) and the view grows as the
lines arrive (`grown`), so the top of the body shows at once.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from rich.segment import Segment
from rich.style import Style
from textual.cache import LRUCache
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

# A longer line is split into rows of this many characters: a minified non-JSON body on
# one line would otherwise be re-rendered whole for every frame.
MAX_LINE = 2000

_TOKEN = re.compile(
    r'(?P<key>"(?:[^"\\]|\\.)*"(?=\s*:))'
    r'|(?P<string>"(?:[^"\\]|\\.)*"?)'
    r"|(?P<number>-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)"
    r"|(?P<literal>\b(?:true|false|null)\b)"
    r"|(?P<punct>[{}\[\],:])"
)


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def raw_lines(text: str) -> list[str]:
    """Text that is not JSON, as rows: tabs expanded, control characters replaced (they
    would break the row's cell arithmetic), over-long lines split."""
    text = _CONTROL.sub("\ufffd", text.expandtabs(4))
    lines: list[str] = []
    for line in text.splitlines():
        if len(line) <= MAX_LINE:
            lines.append(line)
        else:
            lines.extend(line[i : i + MAX_LINE] for i in range(0, len(line), MAX_LINE))
    return lines


CUT_NOTE = "… (the text ends here: it was cut short)"


def format_body(text: str) -> tuple[list[str], bool]:
    """(rows to show, whether they are JSON), all at once: for small bodies. Big ones go
    through `PrettyJson.step` a slice at a time (see `Inspector`)."""
    from screens.widgets.json_format import PrettyJson

    if text.lstrip()[:1] in ("{", "["):
        pretty = PrettyJson(text)
        while not pretty.done:
            pretty.step(50_000)
        if pretty.ok:
            return pretty.lines + ([CUT_NOTE] if pretty.cut else []), True
    return raw_lines(text), False


class JsonView(ScrollView, can_focus=True):
    """Lines of text, JSON-highlighted as they scroll into view, with a line-number gutter."""

    # Copying goes through F9 (the whole body, over OSC 52); a mouse selection would copy
    # the gutter's numbers too.
    ALLOW_SELECT = False

    COMPONENT_CLASSES = {
        "json-view--key",
        "json-view--string",
        "json-view--number",
        "json-view--literal",
        "json-view--punct",
        "json-view--gutter",
        "json-view--note",
    }

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._lines: list[str] = []
        self._json = False
        self._note = ""  # shown instead of lines when there are none ("(empty body)")
        self._gutter = 0
        self._width = 0
        self._measured = 0  # lines whose width is known
        self._cache: LRUCache[int, Strip] = LRUCache(1024)

    # -- content ---------------------------------------------------------------------------
    @property
    def lines(self) -> list[str]:
        return self._lines

    @property
    def is_json(self) -> bool:
        return self._json

    def set_lines(self, lines: list[str], *, is_json: bool, note: str = "") -> None:
        """Show `lines` (the view keeps the list: see `grown`)."""
        self._lines = lines
        self._json = is_json
        self._note = note
        self._measured = 0
        self._width = len(note)
        self._cache.clear()
        self.scroll_to(0, 0, animate=False)
        self.grown()

    def grown(self) -> None:
        """The list given to `set_lines` got more lines (a formatter is still filling it)."""
        lines = self._lines
        if self._measured < len(lines):
            self._width = max(self._width, max(map(len, lines[self._measured :])))
            self._measured = len(lines)
        gutter = len(str(len(lines))) + 1 if lines else 0
        if gutter != self._gutter:
            self._gutter = gutter
            self._cache.clear()
        self.virtual_size = Size(self._width + gutter, len(lines) or (1 if self._note else 0))
        self.refresh()

    def show_note(self, note: str) -> None:
        """Show a one-line note instead of a body ("(no answer)", "formatting…")."""
        self.set_lines([], is_json=False, note=note)

    def text(self) -> str:
        return "\n".join(self._lines)

    # -- rendering -------------------------------------------------------------------------
    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._cache.clear()

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        index = scroll_y + y
        width = self.size.width
        base = self.rich_style
        if not self._lines:
            if index == 0 and self._note:
                note = Strip([Segment(self._note, base + self.get_component_rich_style("json-view--note"))])
                return note.crop_extend(scroll_x, scroll_x + width, base)
            return Strip.blank(width, base)
        if index >= len(self._lines):
            return Strip.blank(width, base)
        if base != getattr(self, "_cache_base", None):
            # The base style changes with the focus (its tint shows where the keys go):
            # rows drawn with the old one would hide that.
            self._cache.clear()
            self._cache_base = base
        strip = self._cache.get(index)
        if strip is None:
            strip = self._cache[index] = self._row(index, base)
        return strip.crop_extend(scroll_x, scroll_x + width, base).apply_offsets(scroll_x, index)

    def _row(self, index: int, base: Style) -> Strip:
        gutter = Segment(f"{index + 1:>{self._gutter - 1}} ", base + self.get_component_rich_style("json-view--gutter"))
        return Strip([gutter, *self._highlight(self._lines[index], base)])

    def _highlight(self, line: str, base: Style) -> Iterable[Segment]:
        if not self._json:
            yield Segment(line, base)
            return
        styles = {
            name: base + self.get_component_rich_style(f"json-view--{name}")
            for name in ("key", "string", "number", "literal", "punct")
        }
        pos = 0
        for match in _TOKEN.finditer(line):
            if match.start() > pos:
                yield Segment(line[pos : match.start()], base)
            yield Segment(match.group(), styles[match.lastgroup or "punct"])
            pos = match.end()
        if pos < len(line):
            yield Segment(line[pos:], base)
