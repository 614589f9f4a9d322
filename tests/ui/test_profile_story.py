"""The person's story on F4 against the sandbox over loopback, at 120x40 and 80x24:
Hedy's bounce in Messages (Enter opens the delivery), Barbara's topic off in Preferences
(toggled as a pending change, applied with the literal dotted key and read back), Activity
paged with "load more", Relationships, and a failed read explained in its view."""

from __future__ import annotations

import httpx
import pytest
from textual.widgets import TabbedContent

from console.environments.resolve import sandbox_credentials
from console.sandbox import DEMO_CREDENTIALS as DEMO
from console.session.session import Session
from screens.profile.delivery_screen import DeliveryScreen
from screens.profile.story_views import ActivityView, MessagesView, PreferencesView, RelationshipsView
from tests.ui.test_profile_screen import identifies, idle, look_up, open_profile, person, status, text_of
from tests.ui.test_profile_trust import burst
from tests.ui.workspace_helpers import sandbox_app, until

SIZES = pytest.mark.parametrize("size", [(120, 40), (80, 24)], ids=["120x40", "80x24"])
TOPIC_1 = "cio_subscription_preferences.topics.topic_1"


async def show_view(pilot, screen, pane: str) -> None:
    """Press ] until `pane` is the view shown, as a user would."""
    tabs = screen.query_one("#profile-views", TabbedContent)
    for _ in range(6):
        if tabs.active == pane:
            break
        await pilot.press("right_square_bracket")
    assert tabs.active == pane
    await idle(pilot)


def cells(view, column: str) -> list[str]:
    table = view.table
    return [str(table.get_cell(row, column)) for row in table.rows]


def visible(widget) -> bool:
    node = widget
    while node is not None and hasattr(node, "display"):
        if not node.display:
            return False
        node = node.parent
    return widget.region.area > 0


@SIZES
async def test_hedys_bounce_in_messages_and_enter_opens_the_delivery(sandbox, size):
    app = sandbox_app(sandbox.root_url)
    async with app.run_test(size=size) as pilot:
        screen = await open_profile(pilot)
        await look_up(pilot, screen, "user_1008")
        await show_view(pilot, screen, "view-messages")
        view = screen.query_one(MessagesView)
        assert screen.focused is view.table and visible(view.table)
        assert "bounced" in cells(view, "state")
        row = cells(view, "state").index("bounced")
        failure = str(view.table.get_cell_at((row, 4)))
        assert failure.startswith("550 5.1.1 The email account")  # the failure message, in the row
        assert [o.action_id for o in app.outcomes][-1] == "read messages"  # the read is in the history

        view.table.move_cursor(row=row)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, DeliveryScreen), "the delivery")
        await idle(pilot)
        modal = app.screen
        detail = text_of(modal, "#delivery-detail")
        assert "bounced: not received" in detail and "sent" in detail and "Failure:" in detail
        assert "2024-12-30 00:00  sent" in detail and "2024-12-30 00:01  bounced" in detail  # metrics, times
        assert failure.rstrip("…") in detail.replace("\n", " ")
        assert detail.count("550 5.1.1") == 1  # the failure message once, on its own line
        content = text_of(modal, "#delivery-content")
        assert "Archived content" in content and "Subject" in content
        body = content.split("To hedy.lamarr@bounce.example.com", 1)[1]
        assert "Hedy" in body and "<p" not in body and "</" not in body  # the body as text, not HTML
        assert {"read delivery", "read archived message"} <= {o.action_id for o in app.outcomes}

        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen and screen.focused is view.table


@SIZES
async def test_barbaras_topic_off_toggled_is_a_pending_change_applied_with_the_dotted_key(sandbox, size):
    app = sandbox_app(sandbox.root_url)
    async with app.run_test(size=size) as pilot:
        screen = await open_profile(pilot)
        await look_up(pilot, screen, "user_1009")
        cio_id = screen.draft.profile.cio_id
        await show_view(pilot, screen, "view-preferences")
        view = screen.query_one(PreferencesView)
        stored = dict(zip([k.value for k in view.table.rows], cells(view, "stored"), strict=True))
        assert stored["1"] == "off" and stored["2"] == "on"
        assert "unsubscribed: false" in text_of(view, ".story-note")

        view.table.move_cursor(row=view.table.get_row_index("1"))
        await pilot.press("space")
        await pilot.pause()
        assert f"~ {TOPIC_1}: false -> true" in text_of(screen, "#changes")
        assert screen.query_one("#edit-request").request["body"] == {TOPIC_1: True}
        assert str(view.table.get_cell("1", "after")) == "on" and str(view.table.get_cell("1", "mark")) == "~"
        assert identifies(sandbox) == []  # nothing sent before Ctrl+S

        await pilot.press("ctrl+s")
        await idle(pilot)
        (sent,) = identifies(sandbox)
        assert sent["body"] == {TOPIC_1: True}  # the literal dotted key, top level, a boolean
        assert sent["path"] == f"/api/v1/customers/cio_{cio_id}"
        assert "the profile matches" in status(screen)
        assert person(sandbox, cio_id)["attributes"]["cio_subscription_preferences"]["topics"]["topic_1"] is True
        await idle(pilot)
        assert str(view.table.get_cell("1", "stored")) == "on"  # read again after the apply
        assert screen.draft.empty


async def test_toggling_twice_drops_the_change_and_backspace_in_attributes_reverts_it(sandbox):
    app = sandbox_app(sandbox.root_url)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_profile(pilot)
        await look_up(pilot, screen, "user_1009")
        await show_view(pilot, screen, "view-preferences")
        view = screen.query_one(PreferencesView)
        view.table.move_cursor(row=view.table.get_row_index("2"))
        await pilot.press("enter", "enter")  # Enter toggles too; twice is as read
        await pilot.pause()
        assert screen.draft.empty and str(view.table.get_cell("2", "after")) == "on"
        await pilot.press("space")
        await pilot.pause()
        assert screen.draft.pending == {"cio_subscription_preferences.topics.topic_2": False}
        await show_view(pilot, screen, "view-attributes")  # round the views back to Attributes
        table = screen.query_one("#attributes")
        assert screen.focused is table
        table.move_cursor(row=table.get_row_index("cio_subscription_preferences.topics.topic_2"))
        await pilot.press("backspace")
        await pilot.pause()
        assert screen.draft.empty
        await show_view(pilot, screen, "view-preferences")
        assert str(view.table.get_cell("2", "after")) == "on" and str(view.table.get_cell("2", "mark")) == ""


@SIZES
async def test_activity_newest_first_loads_more_on_demand(sandbox, size):
    app = sandbox_app(sandbox.root_url)
    async with app.run_test(size=size) as pilot:
        screen = await open_profile(pilot)
        view = screen.query_one(ActivityView)
        view.page_size = 2
        await look_up(pilot, screen, "user_1011")
        everything = sandbox.sandbox.snapshot()
        await show_view(pilot, screen, "view-activity")
        assert view.table.row_count == 2 and "30 days" in text_of(view, ".story-note")
        first = [k.value for k in view.table.rows]
        await pilot.press("m")
        await idle(pilot)
        keys = [k.value for k in view.table.rows]
        assert keys[:2] == first and len(keys) == 4 and len(set(keys)) == 4  # appended, nothing twice
        times = cells(view, "time")
        assert times == sorted(times, reverse=True)  # newest first
        while view.next:
            await pilot.press("m")
            await idle(pilot)
        assert "That is all of it" in text_of(view, ".story-note")
        reads = [r for r in sandbox.sandbox.requests if r["path"].endswith("/activities")]
        assert len(reads) == (view.table.row_count + 1) // 2 and everything is not None


async def test_a_bounce_in_activity_says_why(sandbox):
    app = sandbox_app(sandbox.root_url)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_profile(pilot)
        await look_up(pilot, screen, "user_1008")
        await show_view(pilot, screen, "view-activity")
        view = screen.query_one(ActivityView)
        await until(pilot, lambda: view.table.row_count > 0, "the activity")
        row = cells(view, "type").index("bounced_email")
        assert str(view.table.get_cell_at((row, 2))).startswith("550 5.1.1")


async def test_the_key_after_a_view_switch_goes_to_the_view_shown(sandbox):
    """`]` then `m` in one burst: the m loads more in Activity, it does not land in the
    attribute table the ] left (issue 12's rule)."""
    app = sandbox_app(sandbox.root_url)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_profile(pilot)
        view = screen.query_one(ActivityView)
        view.page_size = 2
        await look_up(pilot, screen, "user_1011")
        assert screen.focused is screen.query_one("#attributes")
        await pilot.press("right_square_bracket")
        await idle(pilot)
        assert view.table.row_count == 2
        await burst(pilot, "left_square_bracket", "right_square_bracket", "m")  # one read, as typed fast
        await idle(pilot)
        assert view.table.row_count == 4 and screen.focused is view.table and visible(view.table)


@SIZES
async def test_relationships_of_a_person_with_one(sandbox, size):
    op = {
        "type": "person",
        "action": "add_relationships",
        "identifiers": {"id": "user_1002"},
        "cio_relationships": [
            {"identifiers": {"object_type_id": "1", "object_id": "acme"}, "relationship_attributes": {"role": "admin"}}
        ],
    }
    async with httpx.AsyncClient(base_url=sandbox.root_url, auth=(DEMO.site_id, DEMO.track_key)) as client:
        made = await client.post(
            "/track-us/api/v2/entity",
            json={
                "type": "object",
                "action": "identify",
                "identifiers": {"object_type_id": "1", "object_id": "acme"},
                "attributes": {"name": "Acme"},
            },
        )
        joined = await client.post("/track-us/api/v2/entity", json=op)
        assert made.status_code == joined.status_code == 200, joined.text
    app = sandbox_app(sandbox.root_url)
    async with app.run_test(size=size) as pilot:
        screen = await open_profile(pilot)
        await look_up(pilot, screen, "user_1002")
        await show_view(pilot, screen, "view-relationships")
        view = screen.query_one(RelationshipsView)
        assert view.table.row_count == 1
        assert cells(view, "type") == ["1"] and cells(view, "object") == ["acme"]
        assert "Acme" in cells(view, "attributes")[0] and "admin" in cells(view, "relationship")[0]
        assert "Belongs to 1 object" in text_of(view, ".story-note")


async def test_a_failed_read_is_explained_in_its_view_and_nothing_of_another_person_stays(sandbox):
    app = sandbox_app(sandbox.root_url)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_profile(pilot)
        await look_up(pilot, screen, "user_1008")
        await show_view(pilot, screen, "view-messages")
        view = screen.query_one(MessagesView)
        assert view.table.row_count
        await look_up(pilot, screen, "user_1003")  # another person: Hedy's rows go
        assert "bounced" not in cells(view, "state")
        async with httpx.AsyncClient(base_url=sandbox.root_url, auth=(DEMO.site_id, DEMO.track_key)) as client:
            gone = await client.delete(f"/track-us/api/v1/customers/cio_{screen.draft.profile.cio_id}")
            assert gone.status_code == 200
        await show_view(pilot, screen, "view-activity")  # read now: the person is gone
        activity = screen.query_one(ActivityView)
        note = text_of(activity, ".story-note")
        assert activity.table.row_count == 0 and "404" in note and "Why:" in note, note
        assert "Traceback" not in note


def report(view) -> str:
    return "\n".join(str(w.render()) for w in view.query(".doctor-checks Static"))


@SIZES
async def test_diagnosis_names_hedys_suppression_and_barbaras_topic_with_a_template(sandbox, size):
    from screens.profile.story_views import DiagnosisView

    app = sandbox_app(sandbox.root_url)
    async with app.run_test(size=size) as pilot:
        screen = await open_profile(pilot)
        await look_up(pilot, screen, "user_1008")
        await show_view(pilot, screen, "view-diagnosis")
        view = screen.query_one(DiagnosisView)
        assert screen.focused is view.table and visible(view.table)
        text = report(view)
        assert text.startswith("BLOCKED: 1 check failed (esp_suppression)"), text
        assert "FAIL  The email provider does not suppress the address" in text and "Fix:" in text
        assert "PASS  The identifier resolves to one person" in text
        assert "read doctor" in {o.action_id for o in app.outcomes}  # its reads are recorded

        await look_up(pilot, screen, "user_1009")  # the view shown is run for the new person
        assert "esp_suppression" not in report(view).splitlines()[0]
        template = screen.query_one("#doctor-template")
        template.focus()
        await pilot.pause()
        await pilot.press(*"welcome", "enter")  # typed into the field on screen, Enter runs it
        await idle(pilot)
        assert template.value == "welcome"
        text = report(view)
        assert text.startswith("BLOCKED: 1 check failed (topic)"), text
        assert "cio_subscription_preferences.topics.topic_1 is false" in text and "topic_1 to true" in text


async def test_story_reads_are_in_the_history_and_a_switch_clears_the_views(sandbox):
    from screens.history.screen import HistoryScreen

    app = sandbox_app(sandbox.root_url)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_profile(pilot)
        await look_up(pilot, screen, "user_1008")
        cio_id = screen.draft.profile.cio_id
        await show_view(pilot, screen, "view-messages")
        view = screen.query_one(MessagesView)
        assert view.table.row_count
        read = app.outcomes[-1]
        assert read.action_id == "read messages" and read.values == {"customer_identifier": cio_id}
        assert read.exchange.request.url.endswith(f"/v1/customers/{cio_id}/messages?id_type=cio_id&limit=20")

        app.session = Session(sandbox_credentials(sandbox.root_url, protected=True))
        await idle(pilot)
        # Hedy's deliveries were read in the other environment: not shown as this one's.
        assert view.table.row_count == 0 and "looked up in Sandbox" in text_of(view, ".story-note")
        await pilot.press("right_square_bracket")  # Preferences: nothing is read for her here
        await idle(pilot)
        assert app.outcomes[-1] is read

        await pilot.press("escape", "f3")
        await until(pilot, lambda: isinstance(app.screen, HistoryScreen) and app.screen.entries, "the history")
        history = app.screen
        rows = [history.query_one("DataTable").get_row_at(i) for i in range(2)]
        assert any(str(r[2]) == "read messages" and cio_id in str(r[3]) for r in rows), rows
        table = history.query_one("DataTable")
        table.move_cursor(row=next(i for i, r in enumerate(rows) if str(r[2]) == "read messages"))
        await pilot.press("l")  # a read has no form: said so, and the history stays
        await idle(pilot)
        assert app.screen is history
        assert any("has no form" in n.message for n in app._notifications), list(app._notifications)
