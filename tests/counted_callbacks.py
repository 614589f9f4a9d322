"""Textual counts a callback's parameters once per callback, not once per function.

Before each callback it calls (`textual._callback._invoke`: every message handler, timer,
`call_later`, watcher) Textual counts the callback's parameters with `inspect.signature`
(about 20 µs) and keeps the count on the callable. A callable made afresh each time (a
`partial` of a bound method, a lambda) is counted again on every call: a quarter of a
million counts in the UI tests, 2% of their CPU. A plain function's count depends only on
its code (`inspect.signature` reads the parameters from it; defaults do not change how
many there are), so it is kept per code object here; anything else (a decorated function,
a callable object, a builtin) is counted as Textual counts it.
"""

from __future__ import annotations

import inspect
import types

_installed = False


def install() -> None:
    global _installed
    if _installed:
        return
    from textual import _callback

    count_parameters = _callback._count_parameters
    counts: dict[types.CodeType, int] = {}

    def counted(func) -> int:
        bound = inspect.ismethod(func)
        target = func.__func__ if bound else func
        if type(target) is not types.FunctionType or hasattr(target, "__wrapped__") or "__signature__" in vars(target):
            return count_parameters(func)
        code = target.__code__
        if bound and not code.co_argcount:  # `def f(*args)` bound: signature keeps *args
            return count_parameters(func)
        n = counts.get(code)
        if n is None:
            n = counts[code] = len(inspect.signature(target).parameters)
        return n - 1 if bound else n

    _callback._count_parameters = counted
    _installed = True
