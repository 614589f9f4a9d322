"""tests/dispatch_plans.py finds the same handlers, in the same order, as Textual's own
lookup, and stops where Textual stops when a handler prevents the default action."""

from __future__ import annotations

from textual import on
from textual.message import Message
from textual.widget import Widget

from tests import dispatch_plans


class Ping(Message):
    pass


class Pong(Ping):
    pass


class Base(Widget):
    def on_ping(self, message):
        pass

    def _on_pong(self, message):
        pass


class Middle(Base):
    @on(Ping)
    def decorated(self, message):
        pass

    def on_pong(self, message):
        pass


class Leaf(Middle):
    @on(Pong)
    def first(self, message):
        pass

    @on(Ping)
    def second(self, message):
        pass


def walk(lookup, pump, name, message, stop_at=None):
    found = []
    for cls, method in lookup(pump, name, message):
        found.append((cls, method.__func__))
        if method.__func__ is stop_at:
            message.prevent_default()
    return found


def test_the_same_handlers_in_the_same_order_and_the_same_stop():
    assert dispatch_plans.textual_lookup is not None  # installed (tests/conftest.py)
    pump = Leaf()
    for message_type, name in ((Ping, "on_ping"), (Pong, "on_pong")):
        for stop_at in (None, Leaf.first, Leaf.second, Middle.decorated, Middle.on_pong, Base.on_ping):
            ours = walk(type(pump)._get_dispatch_methods, pump, name, message_type(), stop_at)
            textuals = walk(dispatch_plans.textual_lookup, pump, name, message_type(), stop_at)
            assert ours == textuals, (message_type, stop_at)
            assert ours  # something found
