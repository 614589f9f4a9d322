"""tests/counted_callbacks.py counts as Textual does (`inspect.signature`), for every kind
of callback Textual is given."""

from __future__ import annotations

import functools
import inspect

from textual import _callback


def test_counts_match_inspect_signature_for_every_kind_of_callable():
    class Handler:
        def one(self, event):
            return event

        def none(self):
            return None

        def star(*args):
            return args

        def __call__(self, a, b):
            return a, b

    def decorated(f):
        @functools.wraps(f)
        def wrapper(*args, **kwargs):
            return f(*args, **kwargs)

        return wrapper

    assert _callback._count_parameters.__name__ == "counted"  # installed (tests/conftest.py)
    h = Handler()
    callables = [
        lambda: None,
        lambda x, y=1, *a, k, **kw: None,
        h.one,
        h.none,
        h.star,
        functools.partial(h.one),
        h,
        decorated(lambda a, b, c: None),
        len,
    ]
    for func in callables:
        assert _callback._count_parameters(func) == len(inspect.signature(func).parameters), func
        assert _callback._count_parameters(func) == len(inspect.signature(func).parameters), func  # kept
