"""Pilot waits for the App to be done with what it was given, not for a fixed time.

Textual's Pilot (`press`, `pause()`, `click`...) waits with `textual._wait.wait_for_idle`:
it sleeps 20 ms at a time until the *process* used under 1 ms of CPU in the last 20 ms,
for at least 20 ms and at most 1 s. Every key pressed paid two of those waits (40 ms or
more), and whenever anything else in the process was busy (the sandbox thread serving,
a worker) a wait ran to its full second: measured on tests/ui/test_profile_screen.py,
254 waits took 48 of its 59 s.

`quiet_wait` ends the wait when the condition the heuristic stands for holds: every
message pump of the running App (the App, its screens and widgets) has handled all it was
sent and its `call_next` callbacks, no worker is pending or running, no animation runs,
and the screen has no layout or repaint pending (it is refreshed, as `Pilot.pause` does).
That has to hold on three turns of the event loop in a row (a key sent by the driver
reaches the App's queue a turn later). While something stays busy (a worker waiting on a
stalled server, a handler awaiting a reply) the original test applies: the wait ends when
the process has been idle for 20 ms, or after `max_sleep`. So a wait never ends earlier
than the App's own work allows, and never lasts longer than Textual's.
"""

from __future__ import annotations

import asyncio
from time import monotonic, process_time

from textual import _wait
from textual.app import ScreenStackError

_original = _wait.wait_for_idle
_GRANULARITY = _wait.SLEEP_GRANULARITY
_IDLE_CPU = _wait.SLEEP_IDLE
_QUIET_TURNS = 3


QUEUED, AWAITING = "queued", "awaiting"


def _state(app) -> str | None:
    """QUEUED: a pump has messages or callbacks to handle (the loop gets to them next);
    AWAITING: a handler, a worker or an animation is under way; None: nothing."""
    from textual.worker import WorkerState

    awaiting = False
    for pump in (app, *app._registry):
        if pump._closed:
            continue
        if pump._pending_message is not None or pump._next_callbacks:
            return QUEUED
        queue = pump.__dict__.get("_message_queue")  # created on first use
        if queue is None:
            continue
        if queue.values:
            return QUEUED
        task = pump._task
        # A pump waiting for its next message waits on its queue's event; one that is not
        # is still handling the last one (perhaps awaiting something).
        if task is not None and not task.done() and not queue.ready_event._waiters:
            awaiting = True
    if awaiting or any(w.state in (WorkerState.PENDING, WorkerState.RUNNING) for w in app.workers):
        return AWAITING
    animator = app.animator
    return AWAITING if animator._animations or animator._scheduled else None


def _refresh_pending(screen) -> bool:
    return bool(
        screen._layout_required
        or screen._scroll_required
        or screen._repaint_required
        or screen._recompose_required
        or screen._dirty_widgets
        or screen._callbacks
    )


async def quiet_wait(min_sleep: float = _GRANULARITY, max_sleep: float = 1) -> None:
    from textual._context import active_app

    app = active_app.get(None)
    if app is None or not app.is_running:
        await _original(min_sleep, max_sleep)
        return
    start = monotonic()
    quiet = 0
    while monotonic() - start < max_sleep:
        state = _state(app)
        if state is QUEUED:
            quiet = 0
            await asyncio.sleep(0)
            continue
        if state is AWAITING:
            # Under way outside the queues (a worker's thread, a reply awaited): Textual's
            # own test, a process idle for 20 ms, says it waits on something outside.
            # The CPU is measured across the sleep only: this loop's own looking (a walk
            # over every pump) must not count as the process being busy, or a wait on
            # something that uses no CPU (a worker awaiting a modal's answer) would run to
            # max_sleep every time.
            quiet = 0
            cpu = process_time()
            await asyncio.sleep(_GRANULARITY)
            if process_time() - cpu < _IDLE_CPU:
                return
            continue
        try:
            screen = app.screen
        except ScreenStackError:  # no screen (starting or closing): nothing to refresh
            screen = None
        if screen is not None and _refresh_pending(screen):
            quiet = 0
            screen._on_timer_update()
        else:
            quiet += 1
            if quiet >= _QUIET_TURNS:
                return
        await asyncio.sleep(0)


def install() -> None:
    import textual.app
    import textual.pilot

    textual.app.wait_for_idle = quiet_wait
    textual.pilot.wait_for_idle = quiet_wait
