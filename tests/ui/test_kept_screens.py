"""The F-key screens are kept for the session: leaving one (Escape) and pressing its key again
shows the same screen with what was in it (a person looked up, a half-filled transactional
form, a batch still running); a person looked up before an environment switch is marked as
the other environment's and nothing is applied to the new one without a new lookup."""

from __future__ import annotations

import asyncio
import json
import threading

from textual.widgets import Input, TextArea

from console.environments.resolve import sandbox_credentials
from console.session.session import Session
from screens.batch.screen import BatchScreen
from screens.profile.screen import ProfileScreen
from screens.transactional.screen import TransactionalScreen
from screens.workspace.screen import WorkspaceScreen
from tests.batch.conftest import event_counts, events, write_jsonl
from tests.ui import test_batch_screen as batch_ui
from tests.ui import test_profile_screen as profile_ui
from tests.ui import test_transactional_screen as tx_ui
from tests.ui.test_history_and_copy import _identify
from tests.ui.workspace_helpers import ready, sandbox_app, until


async def press(pilot, key: str) -> None:
    await pilot.press(key)
    await pilot.pause()


async def test_the_person_looked_up_is_still_there_after_leaving_to_send_something(sandbox):
    app = sandbox_app(sandbox.root_url)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        screen = await profile_ui.open_profile(pilot)
        await profile_ui.look_up(pilot, screen, "user_1001")
        await profile_ui.edit(pilot, screen, "plan", "enterprise")
        await press(pilot, "escape")
        assert isinstance(app.screen, WorkspaceScreen)
        await _identify(pilot, "someone_else")  # back in the workspace, a send
        assert app.outcomes[-1].ok
        await press(pilot, "f4")
        assert app.screen is screen and len(app.screen_stack) == 2
        assert screen.draft.profile.id == "user_1001" and screen.draft.pending == {"plan": "enterprise"}
        assert "ada.lovelace@example.com" in profile_ui.text_of(screen, "#profile-summary")
        assert screen.query_one("#attributes").row_count > 0
        assert screen.query_one("#lookup-input", Input).value == "user_1001"
        await pilot.press("ctrl+s")  # still applies, to the environment it was looked up in
        await profile_ui.idle(pilot)
        assert profile_ui.person(sandbox, "sb000001")["attributes"]["plan"] == "enterprise"


async def test_the_transactional_form_is_kept_when_leaving_and_coming_back(sandbox):
    app = sandbox_app(sandbox.root_url)
    data = json.dumps({"items": [{"name": "Socks"}]})
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        screen = await tx_ui.open_transactional(pilot)
        await tx_ui.pick(pilot, screen, "#tx-templates", 0)
        await tx_ui.fill(pilot, screen, to="ada.lovelace@example.com", identifiers='{"id": "user_1001"}', data=data)
        assert "Welcome to Acme, Ada!" in tx_ui.text_of(screen, "#tx-rendered")
        await press(pilot, "escape")
        assert isinstance(app.screen, WorkspaceScreen)
        await press(pilot, "f6")
        assert app.screen is screen
        assert screen.query_one("#tx-to", Input).value == "ada.lovelace@example.com"
        assert screen.query_one("#tx-identifiers", Input).value == '{"id": "user_1001"}'
        assert screen.query_one("#tx-data", TextArea).text == data
        assert screen.template is not None and "Welcome to Acme, Ada!" in tx_ui.text_of(screen, "#tx-rendered")
        assert tx_ui.sends(sandbox) == []


async def test_a_switch_while_the_profile_is_hidden_marks_the_person_as_the_other_environments(sandbox):
    app = sandbox_app(sandbox.root_url)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        screen = await profile_ui.open_profile(pilot)
        await profile_ui.look_up(pilot, screen, "user_1001")
        await profile_ui.edit(pilot, screen, "plan", "free")
        await press(pilot, "escape")
        app.session = Session(sandbox_credentials(sandbox.root_url, protected=True))
        await pilot.pause()
        await press(pilot, "f4")
        assert app.screen is screen
        status = profile_ui.status(screen)
        assert "Environment changed to Sandbox (protected)" in status
        assert "looked up in Sandbox and belongs there" in status
        assert "looked up in Sandbox, not this environment" in str(screen.query_one("#profile-summary").border_title)
        assert "nothing is applied to Sandbox (protected)" in profile_ui.text_of(screen, "#changes")
        # Neither the pending change nor a new one goes to the new environment.
        await pilot.press("ctrl+s")
        await profile_ui.idle(pilot)
        assert "Not applied: this profile was looked up in Sandbox" in profile_ui.status(screen)
        await profile_ui.edit(pilot, screen, "plan", "enterprise")
        assert screen.draft.pending == {"plan": "free"}
        await pilot.press("ctrl+t")
        await pilot.press("enter")  # another action for this person: refused too
        await profile_ui.idle(pilot)
        assert app.screen is screen and profile_ui.identifies(sandbox) == []
        # Ctrl+R looks the person up again, in the new environment: editable again.
        await pilot.press("ctrl+r")
        await profile_ui.idle(pilot)
        assert screen.other_environment() is None and "Found" in profile_ui.status(screen)
        assert screen.draft.pending == {}  # what was planned for Sandbox is not carried over
        assert str(screen.query_one("#profile-summary").border_title) == "Person"


async def test_a_batch_keeps_running_while_its_screen_is_left(sandbox, tmp_path, monkeypatch):
    import console.batch.runner as runner

    sandbox.sandbox.add_fault("/api/v1/customers/*", delay=0.1, times=None)
    path = write_jsonl(tmp_path / "events.jsonl", events(40, "k"))
    # The rows after the fifth wait at a gate until the screen has been left, so the run is
    # still going then however slowly this (loaded) machine gets the test to that point.
    gate, started, real_perform = threading.Event(), [0], runner.perform

    async def gated_perform(*args, **kwargs):
        started[0] += 1
        while started[0] > 5 and not gate.is_set():
            await asyncio.sleep(0.01)
        return await real_perform(*args, **kwargs)

    monkeypatch.setattr(runner, "perform", gated_perform)
    async with batch_ui.app_for(sandbox).run_test(size=(120, 40)) as pilot:
        app = pilot.app
        # Every notification raised, kept here: one lasts 10 s on screen, and a loaded
        # machine can take longer than that to get from the run's end to the check.
        notified, notify = [], app.notify

        def record(message, *args, **kwargs):
            notified.append((kwargs.get("title", ""), str(message)))
            return notify(message, *args, **kwargs)

        monkeypatch.setattr(app, "notify", record)
        screen = await batch_ui.open_batch(pilot, path, rate="40", v2="off")
        await pilot.press("ctrl+r")
        await until(pilot, lambda: sum(event_counts(sandbox).values()) >= 5, "five events sent")
        assert screen.running
        await press(pilot, "ctrl+b")  # leave while it runs
        await until(pilot, lambda: app.screen is not screen, "the batch screen to be left")
        assert isinstance(app.screen, WorkspaceScreen)
        assert screen.running
        gate.set()
        await until(pilot, lambda: not screen.running, "the run to end", timeout=60)
        assert not screen.running and sum(event_counts(sandbox).values()) == 40
        assert any(title == "Batch" and "events.jsonl" in message for title, message in notified), notified
        await press(pilot, "f7")
        await until(pilot, lambda: app.screen is screen, "the batch screen again")
        assert app.screen is screen and isinstance(screen, BatchScreen)
        assert "40" in str(screen.query_one("#batch-figures").render())
        assert screen.query_one("#batch-file", Input).value == str(path)


async def test_a_screen_is_never_stacked_twice(sandbox):
    app = sandbox_app(sandbox.root_url)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await press(pilot, "f4")
        profile = app.screen
        await tx_ui.idle(pilot)
        await press(pilot, "f6")
        tx = app.screen
        assert isinstance(profile, ProfileScreen) and isinstance(tx, TransactionalScreen)
        await press(pilot, "f4")  # back down to the profile screen: F6's is popped, not lost
        assert app.screen is profile and len(app.screen_stack) == 2
        await press(pilot, "f6")
        assert app.screen is tx and len(app.screen_stack) == 3


async def test_the_history_lists_what_was_sent_while_it_was_hidden(sandbox):
    app = sandbox_app(sandbox.root_url)
    async with app.run_test(size=(120, 40)) as pilot:
        await _identify(pilot, "first_one")
        await press(pilot, "f3")
        await tx_ui.idle(pilot)
        history = app.screen
        assert [e.values["customer_identifier"] for e in history.entries] == ["first_one"]
        await press(pilot, "escape")
        await _identify(pilot, "second_one")
        await press(pilot, "f3")
        await tx_ui.idle(pilot)
        assert app.screen is history
        assert [e.values["customer_identifier"] for e in history.entries] == ["second_one", "first_one"]


async def test_a_switch_while_the_transactional_form_is_hidden_keeps_the_form_not_the_message(sandbox):
    app = sandbox_app(sandbox.root_url)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        screen = await tx_ui.open_transactional(pilot)
        await tx_ui.pick(pilot, screen, "#tx-templates", 0)
        await tx_ui.fill(pilot, screen, to="ada.lovelace@example.com", data='{"items": []}')
        await press(pilot, "escape")
        app.session = Session(sandbox_credentials(sandbox.root_url, protected=True))
        await tx_ui.idle(pilot)
        await press(pilot, "f6")
        await tx_ui.idle(pilot)
        assert app.screen is screen and screen.template is None and screen.preview is None
        assert "Environment changed to Sandbox (protected): pick the message again" in tx_ui.text_of(
            screen, "#tx-status"
        )
        assert screen.query_one("#tx-to", Input).value == "ada.lovelace@example.com"
        await pilot.press("ctrl+s")
        await tx_ui.idle(pilot)
        assert tx_ui.sends(sandbox) == []


async def test_an_undo_from_one_environment_is_not_offered_in_another(sandbox):
    app = sandbox_app(sandbox.root_url)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        screen = await profile_ui.open_profile(pilot)
        await profile_ui.look_up(pilot, screen, "user_1001")
        await profile_ui.edit(pilot, screen, "plan", "free")
        await pilot.press("ctrl+s")
        await profile_ui.idle(pilot)
        assert screen.last is not None and len(profile_ui.identifies(sandbox)) == 1
        app.session = Session(sandbox_credentials(sandbox.root_url, protected=True))
        await pilot.pause()
        await pilot.press("ctrl+z")
        assert "Not applied" in profile_ui.status(screen)
        await profile_ui.look_up(pilot, screen, "user_1001")  # the same person, the new environment
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert "Nothing to undo" in profile_ui.status(screen) and screen.draft.empty
        # Back to the first environment: the person looked up in the other one is marked again.
        app.session = Session(sandbox_credentials(sandbox.root_url))
        await pilot.pause()
        assert "looked up in Sandbox (protected)" in profile_ui.status(screen)
