"""One key at a time: the App delivers a key only once the key before it is fully handled.

Textual delivers a key to the widget that has the focus when the App takes it off its
queue, then the key bubbles up the tree one message queue per hop, and most bindings
(Tab, Enter's "next field", a screen's Escape) run only when it reaches the App. A key
typed right behind (a fast typist, a paste of keys, tmux send-keys: they arrive in one
read) has by then been delivered already, to the widget the focus was leaving: the first
key after Tab landed in the previous field. The gate holds every later key until the
one in flight has been stopped by a widget or has reached the App and its bindings ran,
so each key goes where the focus is after every key before it.

A screen may also `hold` the key in flight until what it needs is there (the workspace:
a Tab while the rows after the focused one are still being built), then `resume` it;
the keys behind it wait, in order, as behind any other.
"""

from __future__ import annotations

from collections import deque
from typing import TYPE_CHECKING

from textual import events

if TYPE_CHECKING:
    from textual.app import App
    from textual.message_pump import MessagePump
    from textual.timer import Timer

# A key whose handling never reports back (a widget removed while the key was in its
# queue) must not hold the keyboard: after this long the next key goes anyway.
STUCK_S = 0.5
# A held key is delivered after this long whatever it waits for (late beats lost).
HELD_S = 2.0
GATED = (events.Key, events.Paste)


class KeyGate:
    def __init__(self, app: App) -> None:
        self.app = app
        self.in_flight: events.Event | None = None
        self.waiting: deque[events.Event] = deque()
        self._timer: Timer | None = None
        self.held: events.Event | None = None

    def admit(self, event: events.Event) -> bool:
        """Whether the App may handle `event` now; otherwise it waits for its turn."""
        if event is self.in_flight:
            return True
        if self.in_flight is not None or self.waiting:
            self.waiting.append(event)
            return False
        self._start(event)
        return True

    def handled(self, event: events.Event, target: MessagePump | None) -> None:
        """The App has handled `event`: by a priority binding (`target` None), or by
        forwarding it to `target` (then it is followed until it is done)."""
        if event is not self.in_flight or event is self.held:
            return
        if target is None or not event.is_forwarded or not target.call_later(self._follow, event, target):
            self._done(event)

    def hold(self, event: events.Event) -> None:
        """Keep `event`, the key in flight, from being delivered until `resume(event)`
        (or HELD_S): the App treats it as handled, the gate does not."""
        if event is not self.in_flight:
            return
        self.held = event
        self._arm(HELD_S, lambda: self.resume(event))

    def resume(self, event: events.Event) -> None:
        """Deliver a held key now (through the App's queue, as it first came)."""
        if event is not self.held:
            return
        self.held = None
        self._arm(STUCK_S, lambda: self._done(event))
        self.app.post_message(event)

    def _start(self, event: events.Event) -> None:
        self.in_flight = event
        self._arm(STUCK_S, lambda: self._done(event))

    def _arm(self, delay: float, callback) -> None:
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.app.set_timer(delay, callback, name="key-gate")

    def _follow(self, event: events.Event, node: MessagePump) -> None:
        """`node` has handled `event` (messages are handled in order): done if stopped
        there, else it went on to the parent; follow it."""
        parent = node._parent
        if event._stop_propagation or not event.bubble or parent is None:
            self._done(event)
            return
        # At the App, its bindings run when it gets there; the App's queue then says done.
        if not parent.call_later(self._follow if parent is not self.app else self._done_later, event, parent):
            self._done(event)

    def _done_later(self, event: events.Event, _node: MessagePump) -> None:
        self._done(event)

    def _done(self, event: events.Event) -> None:
        if event is not self.in_flight:
            return
        self.in_flight = None
        self.held = None
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        if self.waiting:
            following = self.waiting.popleft()
            self._start(following)
            # Through the App's queue: a focus change the last key asked for
            # (Widget.focus() is a call on that queue) is made before this key is delivered.
            self.app.post_message(following)
