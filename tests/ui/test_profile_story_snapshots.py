"""Snapshots of the person's story on F4 at 80x24 (and Hedy's messages at 120x40, the
README's picture): Hedy's bounce, the delivery opened, Barbara's topic toggled as a pending
change, Mary's activity.

Deterministic: the demo data's times are fixed and the URL shown is FIXED_ROOT.
"""

from __future__ import annotations

from screens.profile.delivery_screen import DeliveryScreen
from screens.profile.story_views import PreferencesView
from tests.ui.fixed_root import fixed_root_app
from tests.ui.test_profile_screen import idle, look_up, open_profile
from tests.ui.test_profile_story import show_view
from tests.ui.workspace_helpers import until

SMALL = (80, 24)


def _story(person: str, pane: str, *then: str):
    def run_before(pilot):
        async def run():
            screen = await open_profile(pilot)
            await look_up(pilot, screen, person)
            await show_view(pilot, screen, pane)
            for key in then:
                await pilot.press(key)
                await idle(pilot)

        return run()

    return run_before


def _delivery(pilot):
    async def run():
        await _story("user_1008", "view-messages")(pilot)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(pilot.app.screen, DeliveryScreen), "the delivery")
        await idle(pilot)

    return run()


def _topic_toggled(pilot):
    async def run():
        await _story("user_1009", "view-preferences")(pilot)
        view = pilot.app.screen.query_one(PreferencesView)
        view.table.move_cursor(row=view.table.get_row_index("1"))
        await pilot.press("space")
        await idle(pilot)

    return run()


def test_story_messages_with_a_bounce_at_80x24(snap_compare, sandbox):
    assert snap_compare(
        fixed_root_app(sandbox.root_url), run_before=_story("user_1008", "view-messages"), terminal_size=SMALL
    )


def test_story_messages_with_a_bounce(snap_compare, sandbox):
    assert snap_compare(
        fixed_root_app(sandbox.root_url), run_before=_story("user_1008", "view-messages"), terminal_size=(120, 40)
    )


def test_story_delivery_opened_at_80x24(snap_compare, sandbox):
    assert snap_compare(fixed_root_app(sandbox.root_url), run_before=_delivery, terminal_size=SMALL)


def test_story_topic_toggled_at_80x24(snap_compare, sandbox):
    assert snap_compare(fixed_root_app(sandbox.root_url), run_before=_topic_toggled, terminal_size=SMALL)


def test_story_activity_at_80x24(snap_compare, sandbox):
    assert snap_compare(
        fixed_root_app(sandbox.root_url), run_before=_story("user_1011", "view-activity"), terminal_size=SMALL
    )


def test_story_diagnosis_at_80x24(snap_compare, sandbox):
    assert snap_compare(
        fixed_root_app(sandbox.root_url), run_before=_story("user_1008", "view-diagnosis"), terminal_size=SMALL
    )
