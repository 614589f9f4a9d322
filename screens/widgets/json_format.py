"""Pretty-print JSON text a slice at a time, without parsing it into objects first.

`json.loads` of a 5 MB body holds the interpreter lock for ~65 ms and `json.dumps(indent=2)`
for ~250 ms more; run in a thread, that work still starves the event loop (every key
then waits for the lock), so a 5 MB answer made the console answer a key after ~1 s.
This formatter walks the text's tokens with one regex and emits the lines `json.dumps(…,
indent=2)` would (strings and numbers kept as written), a bounded number of tokens per
`step()`, so the inspector can run it on the event loop between key presses and show
the first screen at once. Text that is not JSON is detected on the way (`ok` False) and
the caller shows it as it is. Pure Python, no Textual.
"""

from __future__ import annotations

import re

_TOKEN = re.compile(r'\s*(?:("(?:[^"\\]+|\\.)*")|([{}\[\],:])|(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null))')
_SPACE = re.compile(r"\s*")
_CLOSE = {"{": "}", "[": "]"}
INDENT = "  "


class PrettyJson:
    """Incremental pretty-printer: call `step()` until `done`; read `lines`."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.lines: list[str] = []
        self.ok = True  # False once the text turned out not to be JSON
        self.done = False
        self.cut = False  # the text ended inside an object or array (e.g. a cut body)
        self._pos = 0
        self._line = ""
        self._stack: list[str] = []
        self._pending_open: str | None = None  # "{" or "[" not yet known to be empty
        self._after_value = False  # a value ended: only "," or a closer may follow

    def step(self, max_tokens: int = 5000) -> int:
        """Format up to `max_tokens` tokens; the number of new lines."""
        if self.done:
            return 0
        before = len(self.lines)
        text, match = self.text, _TOKEN.match
        for _ in range(max_tokens):
            m = match(text, self._pos)
            if m is None:
                self._finish(_SPACE.fullmatch(text, self._pos) is not None)
                break
            self._pos = m.end()
            string, punct, scalar = m.group(1), m.group(2), m.group(3)
            if not self._token(string or scalar, punct):
                self._fail()
                break
        return len(self.lines) - before

    # -- one token -------------------------------------------------------------------------
    def _token(self, value: str | None, punct: str | None) -> bool:
        if self._pending_open is not None:
            opener, self._pending_open = self._pending_open, None
            if punct == _CLOSE[opener]:  # an empty {} or []
                self._line += opener + punct
                self._stack.pop()
                self._after_value = True
                return True
            self._line += opener
            self._newline()
        if value is not None:
            if self._after_value:
                return False
            self._line += value
            self._after_value = True
            return True
        if punct in ("{", "["):
            if self._after_value:
                return False
            self._stack.append(punct)
            self._pending_open = punct
            return True
        if punct in ("}", "]"):
            if not self._stack or _CLOSE[self._stack.pop()] != punct:
                return False
            self._newline()
            self._line += punct
            self._after_value = True
            return True
        if punct == ",":
            if not self._after_value or not self._stack:
                return False
            self._line += ","
            self._after_value = False
            self._newline()
            return True
        # ":" after a key inside an object
        if not self._after_value or not self._stack or self._stack[-1] != "{":
            return False
        self._line += ": "
        self._after_value = False
        return True

    def _newline(self) -> None:
        """End the current line; the next starts at the current depth (closers pop first)."""
        self.lines.append(self._line)
        self._line = INDENT * len(self._stack)

    def _finish(self, at_end: bool) -> None:
        if not at_end:  # a character no JSON token starts with
            self._fail()
            return
        if self._pending_open is not None:
            self._line += self._pending_open
        if self._line.strip():
            self.lines.append(self._line)
        self._line = ""
        self.cut = bool(self._stack)
        self.done = True

    def _fail(self) -> None:
        self.ok = False
        self.done = True
