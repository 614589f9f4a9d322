"""Textual finds a message's handlers by walking the receiver's class hierarchy once per
message; here that walk is done once per (receiver class, message class, handler name).

`MessagePump._get_dispatch_methods` looks through every class of the receiver's MRO (15 to
25 classes for a widget) for decorated `@on` handlers and `on_<message>` methods, for every
message delivered: 4% of the UI tests' CPU. What it finds depends only on the classes, so
the handlers are listed once per combination (in Textual's order) and each message then
goes through that short list. What stays per message stays here as in Textual: a handler
that stops the default action ends the walk at the next class; `@on` selectors are matched
against the message's widgets; a decorated handler runs once.

The lists are dropped before each test (tests/conftest.py): a test that replaces a
handler on a class before its App starts gets the new one. (No test replaces one while
an App runs.)
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

_installed = False
textual_lookup: Callable | None = None  # Textual's own, kept for tests/test_dispatch_plans.py
_plans: dict[tuple[type, type, str], list[tuple[type, Any, Any]]] = {}


def forget() -> None:
    _plans.clear()


def _plan(pump_type: type, message_type: type, method_name: str) -> list[tuple[type, Any, Any]]:
    from textual.message import Message

    entries: list[tuple[type, Any, Any]] = []  # (class, handler, selectors or None)
    message_mro = [t for t in message_type.__mro__ if issubclass(t, Message)]
    for cls in pump_type.__mro__:
        decorated = cls.__dict__.get("_decorated_handlers")
        if decorated:
            for message_class in message_mro:
                for method, selectors in decorated.get(message_class, []):
                    entries.append((cls, method, selectors))
        method = cls.__dict__.get(f"_{method_name}") or cls.__dict__.get(method_name)
        if method is not None and not getattr(method, "_textual_on", None):
            entries.append((cls, method, None))
    return entries


def install() -> None:
    global _installed, textual_lookup
    if _installed:
        return
    from textual._on import OnNoWidget
    from textual.css.match import match
    from textual.message_pump import MessagePump
    from textual.widget import Widget

    def get_dispatch_methods(self, method_name: str, message) -> Iterator[tuple[type, Callable]]:
        key = (type(self), type(message), method_name)
        entries = _plans.get(key)
        if entries is None:
            entries = _plans[key] = _plan(*key)
        dispatched: set[Callable] = set()
        previous: type | None = None
        for cls, method, selectors in entries:
            # Textual looks at the default action before each class it walks.
            if cls is not previous and message._no_default_action:
                break
            previous = cls
            if selectors is None:
                yield cls, method.__get__(self, cls)
                continue
            if method in dispatched:
                continue
            if not selectors:
                yield cls, method.__get__(self, cls)
                dispatched.add(method)
                continue
            if not message._sender:
                continue
            for attribute, selector in selectors.items():
                node = getattr(message, attribute)
                if node is None:
                    break
                if not isinstance(node, Widget):
                    raise OnNoWidget(f"on decorator can't match against {attribute!r} as it is not a widget.")
                if not match(selector, node):
                    break
            else:
                yield cls, method.__get__(self, cls)
                dispatched.add(method)

    textual_lookup = MessagePump._get_dispatch_methods
    MessagePump._get_dispatch_methods = get_dispatch_methods
    _installed = True
