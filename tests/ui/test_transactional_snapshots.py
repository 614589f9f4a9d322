"""Snapshots of the transactional preview at 120x40: a render with a missing variable, as
text and as raw HTML.

Deterministic: the URL shown is FIXED_ROOT (requests still reach the loopback sandbox);
the demo templates and people are fixed; nothing on screen shows the clock.
"""

from __future__ import annotations

from tests.ui.fixed_root import fixed_root_app
from tests.ui.test_transactional_screen import fill, idle, open_transactional, pick


def _previewed(html: bool):
    def run_before(pilot):
        async def run():
            screen = await open_transactional(pilot)
            await pick(pilot, screen, "#tx-templates", 1)
            await fill(pilot, screen, to="grace.hopper@example.com", data='{"expires_in_minutes": 15}')
            if html:
                await pilot.press("ctrl+t")
            await idle(pilot)

        return run()

    return run_before


def test_transactional_preview_with_a_missing_variable(snap_compare, sandbox):
    assert snap_compare(fixed_root_app(sandbox.root_url), run_before=_previewed(False), terminal_size=(120, 40))


def test_transactional_preview_raw_html(snap_compare, sandbox):
    assert snap_compare(fixed_root_app(sandbox.root_url), run_before=_previewed(True), terminal_size=(120, 40))
