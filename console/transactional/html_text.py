"""Readable text from an email's HTML body, for a terminal preview.

A small converter on the standard library's `html.parser` rather than a dependency:
html2text is GPL-3.0 (this project is MIT), inscriptis pulls in lxml, and
BeautifulSoup's `get_text` loses the structure that makes a preview readable (lists,
paragraphs, links). Email bodies need only a small subset: paragraphs and headings,
line breaks, lists, tables as rows, links with their address, image alt text; head,
style, script and comments (Outlook's conditional ones too) are dropped.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

BLOCKS = {
    "address",
    "article",
    "aside",
    "blockquote",
    "center",
    "dd",
    "div",
    "dl",
    "dt",
    "figure",
    "footer",
    "form",
    "header",
    "main",
    "nav",
    "section",
    "table",
    "tbody",
    "thead",
    "tfoot",
    "tr",
}
PARAGRAPHS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "pre", "hr"}
HIDDEN = {"head", "style", "script", "title", "template"}
_SPACES = re.compile(r"[ \t\r\n\f\v]+")


class _Converter(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.hidden = 0
        self.pre = 0
        self.lists: list[list[int]] = []  # one [counter] per open list; counter -1 = bullets
        self.links: list[tuple[str, int]] = []  # (href, len(out) when the link opened)

    # -- output helpers (they look only at the tail, so long bodies stay linear) ----
    def _text(self) -> str:
        return "".join(self.out)

    def _tail(self, n: int) -> str:
        buf = ""
        for chunk in reversed(self.out):
            buf = chunk + buf
            if len(buf) >= n:
                break
        return buf[-n:]

    def _breaks(self, n: int) -> None:
        """End the current line, leaving at least n-1 blank lines (none at the start)."""
        while self.out:
            stripped = self.out[-1].rstrip(" ")
            if stripped:
                self.out[-1] = stripped
                break
            self.out.pop()
        if not self.out:
            return
        tail = self._tail(n)
        have = len(tail) - len(tail.rstrip("\n"))
        if n > have:
            self.out.append("\n" * (n - have))

    def _write(self, text: str) -> None:
        if not text:
            return
        last = self._tail(1)
        if not self.pre and text.startswith(" ") and (not last or last in " \n"):
            text = text.lstrip(" ")
        if text:
            self.out.append(text)

    # -- parser callbacks -------------------------------------------------------------
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = dict(attrs)
        if tag in HIDDEN:
            self.hidden += 1
            return
        if self.hidden:
            return
        if tag == "br":
            self._write("\n")
        elif tag in PARAGRAPHS:
            self._breaks(2)
            if tag == "hr":
                self._write("-" * 40)
                self._breaks(2)
            elif tag == "ul":
                self.lists.append([-1])
            elif tag == "ol":
                self.lists.append([0])
            elif tag == "pre":
                self.pre += 1
        elif tag in BLOCKS:
            self._breaks(1)
        elif tag == "li":
            self._breaks(1)
            indent = "  " * max(0, len(self.lists) - 1)
            counter = self.lists[-1] if self.lists else [-1]
            if counter[0] >= 0:
                counter[0] += 1
                self._write(f"{indent}{counter[0]}. ")
            else:
                self._write(f"{indent}- ")
        elif tag in ("td", "th"):
            if self._tail(1) not in ("", "\n"):
                self._write("  ")
        elif tag == "a":
            self.links.append((attr.get("href") or "", len(self.out)))
        elif tag == "img" and (alt := attr.get("alt")):
            self._write(f" [{alt.strip()}] ")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in ("br", "hr", "img"):
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in HIDDEN:
            self.hidden = max(0, self.hidden - 1)
            return
        if self.hidden:
            return
        if tag in PARAGRAPHS:
            if tag in ("ul", "ol") and self.lists:
                self.lists.pop()
            if tag == "pre":
                self.pre = max(0, self.pre - 1)
            self._breaks(2)
        elif tag in BLOCKS or tag == "li":
            self._breaks(1)
        elif tag == "a" and self.links:
            href, start = self.links.pop()
            label = "".join(self.out[start:]).strip()
            if href and not href.startswith(("#", "javascript:")):
                shown = href.removeprefix("mailto:")
                if shown != label:
                    self._write(f" ({shown})" if label else shown)

    def handle_data(self, data: str) -> None:
        if self.hidden:
            return
        self._write(data if self.pre else _SPACES.sub(" ", data))

    def handle_comment(self, data: str) -> None:
        pass  # includes <!--[if mso]> blocks, which only Outlook renders


def html_to_text(html: str | None) -> str:
    """The body as plain text: one paragraph per block, links as `text (url)`."""
    if not html:
        return ""
    parser = _Converter()
    parser.feed(html)
    parser.close()
    lines = [line.rstrip() for line in parser._text().split("\n")]
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip("\n")
