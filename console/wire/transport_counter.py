"""How many requests this process has started to send.

The CLI's last-resort error handler reads it to say whether an unexpected error came
before anything was sent (exit 2) or after (an unknown outcome, exit 3). Kept apart
from `console.wire.transport` so that reading it never imports httpx.
"""

from __future__ import annotations

import itertools

_counter = itertools.count(1)
_started = 0


def attempt_started() -> None:
    global _started
    _started = next(_counter)


def attempts_started() -> int:
    return _started
