"""Moving the focus in answer to a key, before the next key is delivered.

The App delivers each key to whatever has the focus when it takes the key off its queue.
`Widget.focus()` moves the focus later, through that same queue, and a binding that is
not a priority one runs only once its key has bubbled up the widget tree, one message
queue per hop: either way a key typed right behind (a fast typist, a paste, tmux
send-keys) still reaches the widget being left, and is typed into a field the user has
moved away from. The App's KeyGate (screens/widgets/key_gate.py) holds each key until the one
before is handled; on top of that, the keys that move the focus are priority bindings
(run by the App itself, without the trip through the widget tree) and move it with
`focus_now`, so the next key is not held for long.
"""

from __future__ import annotations

from textual.actions import SkipAction
from textual.widget import Widget


def focus_now(widget: Widget) -> None:
    """Give `widget` the focus at once (and scroll it into view)."""
    widget.screen.set_focus(widget)


def move_focus(screen, step: int) -> None:
    """Tab / shift+Tab, at once; a TextArea that indents with Tab keeps its key."""
    # Imported here: TextArea's module (tree-sitter, the document model) is ~9 ms the
    # first frame does not need; the forms bring it in just after that frame.
    from textual.widgets import TextArea

    focused = screen.focused
    if step > 0 and isinstance(focused, TextArea) and focused.tab_behavior == "indent":
        raise SkipAction()
    if step > 0:
        screen.focus_next()
    else:
        screen.focus_previous()
