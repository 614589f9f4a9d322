"""F4's trust defects (issue 12): the summary never shows a person the screen is not about,
no garbled status text, and no key typed right after Enter-to-edit is lost."""

from __future__ import annotations

from textual import events
from textual.widgets import Input

from tests.ui.test_profile_screen import idle, look_up, open_profile, status, text_of
from tests.ui.workspace_helpers import sandbox_app


async def burst(pilot, *keys: str) -> None:
    """Keys as a fast typist sends them: all queued before the app handles the first (no
    pause between them, unlike pilot.press), so focus may still be moving."""
    app = pilot.app
    for key in keys:
        event = events.Key(key, key if len(key) == 1 else None)
        event.set_sender(app)
        app._driver.send_message(event)
    await pilot.pause()
    await pilot.pause()


async def test_the_summary_forgets_the_previous_person_while_people_sharing_an_email_are_listed(sandbox):
    app = sandbox_app(sandbox.root_url)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_profile(pilot)
        await look_up(pilot, screen, "user_1001")
        assert "user_1001" in text_of(screen, "#profile-summary")
        await look_up(pilot, screen, "team@example.com", "email")
        assert screen.query_one("#matches").display
        summary = text_of(screen, "#profile-summary")
        assert "user_1001" not in summary and "ada" not in summary.lower(), summary
        assert "2 people share team@example.com" in summary
        assert not screen.query_one("#attributes").row_count


async def test_an_edit_without_a_name_says_so_in_plain_words(sandbox):
    app = sandbox_app(sandbox.root_url)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_profile(pilot)
        await look_up(pilot, screen, "user_1001")
        screen.query_one("#attr-name", Input).value = ""
        screen.query_one("#attr-value", Input).value = "gold"
        screen.query_one("#attr-value", Input).focus()
        await pilot.press("enter")
        await pilot.pause()
        text = status(screen)
        assert "name type" not in text, text
        assert text.startswith("Not added: the attribute's name is empty"), text
        assert screen.query_one("#attr-value", Input).value == "gold"  # nothing typed is lost


async def test_keys_typed_right_after_enter_to_edit_go_into_the_editor(sandbox):
    app = sandbox_app(sandbox.root_url)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_profile(pilot)
        await look_up(pilot, screen, "user_1001")
        table = screen.query_one("#attributes")
        table.focus()
        await pilot.pause()
        first = table.current_name()
        stored = screen.draft.profile.current(first)
        await burst(pilot, "enter", "x", "y", "z")
        await idle(pilot)
        value = screen.query_one("#attr-value", Input)
        assert screen.query_one("#attr-name", Input).value == first
        assert app.focused is value
        # As if typed slowly: the editor selects its value on focus, so typing replaces it.
        assert stored and value.value == "xyz", value.value
        # And the keys after that, once focus has moved, still land there, in order.
        await burst(pilot, "1", "2")
        assert value.value == "xyz12"


async def test_keys_on_the_table_after_an_edit_go_nowhere_but_the_table(sandbox):
    """The hand-over ends with the edit: back on the table, typing changes no editor."""
    app = sandbox_app(sandbox.root_url)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_profile(pilot)
        await look_up(pilot, screen, "user_1001")
        table = screen.query_one("#attributes")
        table.focus()
        await pilot.pause()
        await burst(pilot, "enter", "g", "o", "l", "d", "enter")
        await idle(pilot)
        assert "1 change(s) pending" in status(screen), (
            status(screen),
            app.focused,
            screen.query_one("#attr-value", Input).value,
        )
        assert app.focused is table
        await burst(pilot, "q", "w")
        await idle(pilot)
        assert screen.query_one("#attr-value", Input).value == ""
        assert screen.query_one("#attr-name", Input).value == ""
