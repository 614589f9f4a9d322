"""Snapshots of the profile fixer at 120x40: a person with pending edits, and a 404.

Deterministic: the URL shown is FIXED_ROOT (requests still reach the loopback sandbox),
the demo data's timestamps are fixed, and nothing on screen shows the clock.
"""

from __future__ import annotations

from tests.ui.fixed_root import fixed_root_app
from tests.ui.test_profile_screen import edit, idle, look_up, open_profile


def _pending_edits(pilot):
    async def run():
        screen = await open_profile(pilot)
        await look_up(pilot, screen, "user_1001")
        await edit(pilot, screen, "plan", "enterprise")
        await edit(pilot, screen, "nickname", "Countess")
        await edit(pilot, screen, "company", "")
        await idle(pilot)

    return run()


def _not_found(pilot):
    async def run():
        screen = await open_profile(pilot)
        await look_up(pilot, screen, "user_nobody")
        await idle(pilot)

    return run()


def test_profile_with_pending_edits(snap_compare, sandbox):
    assert snap_compare(fixed_root_app(sandbox.root_url), run_before=_pending_edits, terminal_size=(120, 40))


def test_profile_not_found(snap_compare, sandbox):
    assert snap_compare(fixed_root_app(sandbox.root_url), run_before=_not_found, terminal_size=(120, 40))
