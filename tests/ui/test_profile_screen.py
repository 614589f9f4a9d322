"""The profile fixer (F4) against the sandbox over loopback: look up, edit, apply, read back,
undo; an ambiguous email; a 404 explained; the protected guard on destroy."""

from __future__ import annotations

from textual.widgets import Input, OptionList, Select

from screens.profile.action_screen import ProfileActionScreen
from screens.profile.screen import ProfileScreen
from screens.widgets.confirm import ConfirmScreen
from tests.ui.workspace_helpers import sandbox_app


async def open_profile(pilot) -> ProfileScreen:
    await pilot.pause()
    await pilot.press("f4")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, ProfileScreen)
    return screen


async def idle(pilot) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def look_up(pilot, screen: ProfileScreen, identifier: str, id_type: str = "id") -> None:
    screen.query_one("#id-type", Select).value = id_type
    screen.query_one("#lookup-input", Input).value = identifier
    screen.query_one("#lookup-input", Input).focus()
    await pilot.press("enter")
    await idle(pilot)


def text_of(screen, selector: str) -> str:
    return str(screen.query_one(selector).render())


def status(screen) -> str:
    return text_of(screen, "#profile-status")


async def edit(pilot, screen, name: str, value: str) -> None:
    screen.query_one("#attr-name", Input).value = name
    screen.query_one("#attr-value", Input).value = value
    screen.query_one("#attr-value", Input).focus()
    await pilot.press("enter")
    await pilot.pause()


def identifies(sandbox) -> list[dict]:
    return [r for r in sandbox.sandbox.requests if r["method"] == "PUT" and r["path"].startswith("/api/v1/customers/")]


def person(sandbox, cio_id: str) -> dict:
    state = sandbox.sandbox.snapshot()
    people = state["people"]
    found = people.get(cio_id) if isinstance(people, dict) else next(p for p in people if p["cio_id"] == cio_id)
    return found


async def test_look_up_edit_two_remove_one_apply_read_back_and_undo(sandbox):
    app = sandbox_app(sandbox.root_url)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_profile(pilot)
        await look_up(pilot, screen, "user_1001")
        assert "Found" in status(screen)
        table = screen.query_one("#attributes")
        assert table.get_row("plan")[2] == "pro" and str(table.get_row("plan")[4]) == "2025-01-02 00:00"
        summary = text_of(screen, "#profile-summary")
        assert "ada.lovelace@example.com" in summary and "Paying customers" in summary
        assert "ios-token-ada-0001" in str(screen.query_one("#devices").get_row("ios-token-ada-0001")[0])

        await edit(pilot, screen, "plan", "enterprise")
        await edit(pilot, screen, "city", "Paris")
        table.focus()
        table.move_cursor(row=table.get_row_index("company"))
        await pilot.press("delete")
        await pilot.pause()
        changes = text_of(screen, "#changes")
        assert (
            '~ plan: "pro" -> "enterprise"' in changes and '- company: "Analytical Engines Ltd" -> (not set)' in changes
        )
        previewed = screen.query_one("#edit-request").request
        assert previewed["method"] == "PUT" and previewed["url"].endswith("/api/v1/customers/cio_sb000001")
        assert previewed["body"] == {"plan": "enterprise", "city": "Paris", "company": ""}
        assert "sb-track" not in str(previewed["headers"])  # the key is masked
        assert identifies(sandbox) == []  # nothing sent before Ctrl+S

        await pilot.press("ctrl+s")
        await idle(pilot)
        (sent,) = identifies(sandbox)
        assert sent["body"] == previewed["body"] and sent["path"] == "/api/v1/customers/cio_sb000001"
        assert "the profile matches" in status(screen)
        assert "verified: all 3 change(s)" in text_of(screen, "#changes")
        assert table.get_row("plan")[2] == "enterprise" and "company" not in [k.value for k in table.rows]
        attrs = person(sandbox, "sb000001")["attributes"]
        assert attrs["plan"] == "enterprise" and attrs["city"] == "Paris" and "company" not in attrs
        assert app.outcomes[-1].action_id == "identify-customer" and app.outcomes[-1].ok

        await pilot.press("ctrl+z")
        await pilot.pause()
        assert screen.query_one("#edit-request").request["body"] == {
            "plan": "pro",
            "city": "London",
            "company": "Analytical Engines Ltd",
        }
        assert len(identifies(sandbox)) == 1  # the undo is reviewed first
        await pilot.press("ctrl+s")
        await idle(pilot)
        assert len(identifies(sandbox)) == 2
        attrs = person(sandbox, "sb000001")["attributes"]
        assert (attrs["plan"], attrs["city"], attrs["company"]) == ("pro", "London", "Analytical Engines Ltd")
        assert table.get_row("company")[2] == "Analytical Engines Ltd"


async def test_ambiguous_email_lists_people_and_picking_one_loads_it(sandbox):
    app = sandbox_app(sandbox.root_url)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_profile(pilot)
        await look_up(pilot, screen, "team@example.com", "email")
        matches = screen.query_one("#matches", OptionList)
        assert matches.display and matches.option_count == 2
        assert "2 people share team@example.com" in status(screen)
        assert "user_1005" in str(matches.get_option_at_index(1).prompt)
        matches.focus()
        matches.highlighted = 1
        await pilot.press("enter")
        await idle(pilot)
        assert not matches.display
        assert screen.draft.profile.cio_id == "sb000005"
        assert screen.query_one("#attributes").get_row("first_name")[2] == "Lucía"


async def test_person_not_found_shows_the_404_explanation(sandbox):
    app = sandbox_app(sandbox.root_url)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_profile(pilot)
        await look_up(pilot, screen, "user_nobody")
        summary = text_of(screen, "#profile-summary")
        assert "404 Not Found: no person with id 'user_nobody'" in summary
        assert "identifier type" in summary and "unsuppress" in summary
        assert screen.query_one("#attributes").row_count == 0
        # The one useful action for a missing person: free a suppressed identifier.
        assert "Unsuppress user_nobody" in str(screen.query_one("#profile-action-list").get_option_at_index(0).prompt)


async def test_bad_lookup_and_bad_edit_are_explained_and_send_nothing(sandbox):
    app = sandbox_app(sandbox.root_url)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_profile(pilot)
        await look_up(pilot, screen, "not-an-email", "email")
        assert "is not an email address" in status(screen)
        await look_up(pilot, screen, "user_1002")
        await edit(pilot, screen, "cio_id", "x")
        assert "cio_id" in status(screen) and "cannot be changed" in status(screen)
        assert screen.query_one("#attr-value", Input).value == "x"  # what was typed is kept
        await pilot.press("ctrl+s")
        await idle(pilot)
        assert identifies(sandbox) == []


async def test_protected_env_refuses_a_destroy_without_the_right_identifier(sandbox):
    app = sandbox_app(sandbox.root_url, protected=True)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_profile(pilot)
        await look_up(pilot, screen, "user_1001")
        actions = screen.query_one("#profile-action-list", OptionList)
        labels = [str(actions.get_option_at_index(i).prompt) for i in range(actions.option_count)]
        await pilot.press("ctrl+t")
        actions.highlighted = labels.index("Destroy Customer")
        await pilot.press("enter")
        await pilot.pause()
        modal = app.screen
        assert isinstance(modal, ProfileActionScreen)
        assert modal.query_one("#profile-action-request").request["url"].endswith("/api/v1/customers/cio_sb000001")
        await pilot.press("ctrl+s")
        await pilot.pause()
        confirm = app.screen
        assert isinstance(confirm, ConfirmScreen) and confirm.expected == "cio_sb000001"
        confirm.query_one(Input).value = "user_1001"  # the wrong identifier
        await pilot.press("enter")
        await pilot.pause()
        assert "nothing was sent" in text_of(confirm, "#confirm-error")
        await pilot.press("escape")
        await idle(pilot)
        deletes = [r for r in sandbox.sandbox.requests if r["method"] == "DELETE"]
        assert deletes == [] and "Backed out" in status(screen)
        assert screen.draft.profile.cio_id == "sb000001"

        # With the right identifier it goes out, and the profile is gone.
        await pilot.press("ctrl+t")
        actions.highlighted = labels.index("Destroy Customer")
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        app.screen.query_one(Input).value = "cio_sb000001"
        await pilot.press("enter")
        await idle(pilot)
        assert [r["path"] for r in sandbox.sandbox.requests if r["method"] == "DELETE"] == [
            "/api/v1/customers/cio_sb000001"
        ]
        assert "Destroy Customer sent" in status(screen)
        assert "404 Not Found" in text_of(screen, "#profile-summary")


async def test_add_a_device_through_its_action_form(sandbox):
    app = sandbox_app(sandbox.root_url)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_profile(pilot)
        await look_up(pilot, screen, "user_1002")
        screen.open_action(screen.actions[0])
        await pilot.pause()
        modal = app.screen
        assert isinstance(modal, ProfileActionScreen)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "Not sent" in text_of(modal, "#profile-action-error") and app.screen is modal
        modal.query_one("#fill-device_id", Input).value = "android-grace-1"
        modal.query_one("#fill-platform", Select).value = "android"
        await pilot.pause()
        assert modal.query_one("#profile-action-request").request["body"]["device"]["id"] == "android-grace-1"
        await pilot.press("ctrl+s")
        await idle(pilot)
        assert "android-grace-1" in [k.value for k in screen.query_one("#devices").rows]
        assert app.outcomes[-1].action_id == "add-device"


async def test_merge_another_profile_into_this_one(sandbox):
    app = sandbox_app(sandbox.root_url)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_profile(pilot)
        await look_up(pilot, screen, "user_1001")
        merge = next(a for a in screen.actions if a.action_id == "merge-customers")
        screen.open_action(merge)
        await pilot.pause()
        modal = app.screen
        modal.query_one("#fill-secondary_identifier_type", Select).value = "id"
        modal.query_one("#fill-secondary_identifier", Input).value = "user_1007"
        await pilot.pause()
        assert modal.query_one("#profile-action-request").request["body"] == {
            "primary": {"cio_id": "sb000001"},
            "secondary": {"id": "user_1007"},
        }
        await pilot.press("ctrl+s")
        await idle(pilot)
        assert "Merge Customers sent" in status(screen) and screen.draft.profile.cio_id == "sb000001"
        await look_up(pilot, screen, "user_1007")
        assert "404 Not Found" in text_of(screen, "#profile-summary")  # the secondary is gone


async def test_an_environment_change_marks_the_person_and_applies_nothing(sandbox):
    from console.environments.resolve import sandbox_credentials
    from console.session.session import Session

    app = sandbox_app(sandbox.root_url)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_profile(pilot)
        await look_up(pilot, screen, "user_1001")
        await edit(pilot, screen, "plan", "free")
        app.session = Session(sandbox_credentials(sandbox.root_url, protected=True))
        await pilot.pause()
        assert "Environment changed to Sandbox (protected)" in status(screen)
        assert "looked up in Sandbox" in status(screen)
        assert "looked up in Sandbox, not this environment" in str(screen.query_one("#profile-summary").border_title)
        await pilot.press("ctrl+s")
        await idle(pilot)
        assert identifies(sandbox) == [] and "Not applied" in status(screen)
        # A new lookup in the new environment makes the person editable again.
        await look_up(pilot, screen, "user_1001")
        assert screen.other_environment() is None and "Found" in status(screen)


async def test_escape_goes_back_keeping_the_pending_changes(sandbox):
    app = sandbox_app(sandbox.root_url)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_profile(pilot)
        await look_up(pilot, screen, "user_1001")
        await edit(pilot, screen, "plan", "free")
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is not screen and identifies(sandbox) == []
        assert any("1 change(s) to" in str(n.message) and "F4" in str(n.message) for n in app._notifications)
        await pilot.press("f4")
        await pilot.pause()
        assert app.screen is screen and screen.draft.pending == {"plan": "free"}


async def test_f4_on_the_profile_screen_does_not_stack_another(sandbox):
    app = sandbox_app(sandbox.root_url)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_profile(pilot)
        depth = len(app.screen_stack)
        await pilot.press("f4")
        await pilot.pause()
        assert app.screen is screen and len(app.screen_stack) == depth


async def test_auto_type_looks_an_address_up_as_an_email(sandbox):
    app = sandbox_app(sandbox.root_url)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_profile(pilot)
        await look_up(pilot, screen, "grace.hopper@example.com", "auto")
        assert screen.draft.profile.id == "user_1002"
        await look_up(pilot, screen, "user_1001", "auto")
        assert screen.draft.profile.id == "user_1001"


async def test_a_refused_identify_is_explained_and_the_changes_stay_pending(sandbox):
    app = sandbox_app(sandbox.root_url)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_profile(pilot)
        await look_up(pilot, screen, "user_1001")
        await edit(pilot, screen, "plan", "free")
        sandbox.sandbox.add_fault(
            "/api/v1/customers/*", method="PUT", status=400, body={"meta": {"error": "bad attribute"}}
        )
        await pilot.press("ctrl+s")
        await idle(pilot)
        assert "Not applied" in status(screen)
        assert "400" in text_of(screen, "#changes")
        assert screen.draft.pending == {"plan": "free"}  # nothing the user did is lost
        assert app.outcomes[-1].action_id == "identify-customer" and not app.outcomes[-1].ok
        assert person(sandbox, "sb000001")["attributes"]["plan"] == "pro"


async def test_keys_alone_look_up_and_edit_an_attribute(sandbox):
    app = sandbox_app(sandbox.root_url)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_profile(pilot)
        await pilot.press(*"user_1002", "enter")
        await idle(pilot)
        table = screen.query_one("#attributes")
        assert app.focused is table and table.get_row_at(0)[1].plain == "city"
        await pilot.press("enter")  # the highlighted attribute into the editor
        assert app.focused is screen.query_one("#attr-value")
        assert screen.query_one("#attr-name", Input).value == "city"
        screen.query_one("#attr-value", Input).value = "New York"
        await pilot.press("enter")
        await pilot.pause()
        assert screen.draft.pending == {"city": "New York"} and app.focused is table
        await pilot.press("ctrl+s")
        await idle(pilot)
        assert person(sandbox, "sb000002")["attributes"]["city"] == "New York"


async def test_typing_the_stored_value_says_nothing_changes(sandbox):
    app = sandbox_app(sandbox.root_url)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_profile(pilot)
        await look_up(pilot, screen, "user_1002")
        await edit(pilot, screen, "city", screen.draft.profile.attributes["city"])
        assert screen.draft.empty and "nothing to change" in status(screen)
