"""The transactional preview (F6) against the sandbox over loopback: messages and their
variants, the render with a missing variable, the HTML toggle, then a send that is
exactly the previewed request; the protected guard asks for the recipient."""

from __future__ import annotations

import json

from textual.widgets import Input, OptionList, Switch, TextArea

from screens.transactional.screen import TransactionalScreen
from screens.widgets.confirm import ConfirmScreen
from tests.ui.workspace_helpers import sandbox_app


async def idle(pilot) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def open_transactional(pilot) -> TransactionalScreen:
    await pilot.pause()
    await pilot.press("f6")
    await idle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, TransactionalScreen)
    return screen


async def pick(pilot, screen, selector: str, index: int) -> None:
    options = screen.query_one(selector, OptionList)
    options.focus()
    options.highlighted = index
    await pilot.press("enter")
    await idle(pilot)


async def fill(pilot, screen, *, to: str, identifiers: str = "", data: str = "", draft: bool = False) -> None:
    screen.query_one("#tx-to", Input).value = to
    screen.query_one("#tx-identifiers", Input).value = identifiers
    screen.query_one("#tx-data", TextArea).text = data
    screen.query_one("#tx-draft", Switch).value = draft
    await pilot.pause()
    await pilot.press("ctrl+r")  # preview now rather than after the debounce
    await idle(pilot)


def text_of(screen, selector: str) -> str:
    return str(screen.query_one(selector).render())


def sends(sandbox) -> list[dict]:
    return [r for r in sandbox.sandbox.requests if r["path"] == "/v1/send/email"]


async def test_messages_variants_and_a_preview_with_a_missing_variable(sandbox):
    app = sandbox_app(sandbox.root_url)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_transactional(pilot)
        templates = screen.query_one("#tx-templates", OptionList)
        assert templates.option_count == 3
        assert "Password reset (password_reset)" in str(templates.get_option_at_index(1).prompt)
        await pick(pilot, screen, "#tx-templates", 1)
        variants = screen.query_one("#tx-variants", OptionList)
        assert [str(variants.get_option_at_index(i).prompt).split(" ·")[0] for i in range(2)] == ["default", "es"]

        await fill(pilot, screen, to="grace.hopper@example.com", data='{"expires_in_minutes": 15}')
        rendered = text_of(screen, "#tx-rendered")
        assert "Hi Grace," in rendered  # customer.* from Grace's profile
        assert "15 minutes" in rendered  # trigger.* from message_data
        findings = text_of(screen, "#tx-findings")
        assert "Missing variables (1):" in findings and "trigger.reset_url" in findings
        assert "variable(s) missing" in text_of(screen, "#tx-status")
        assert '<a href="">' not in rendered
        await pilot.press("ctrl+t")  # the raw HTML
        assert '<a href="">' in text_of(screen, "#tx-rendered")
        await pilot.press("ctrl+t")
        assert '<a href="">' not in text_of(screen, "#tx-rendered")

        # The Spanish variant.
        await pick(pilot, screen, "#tx-variants", 1)
        assert screen.preview.variant.language == "es"
        assert screen.query_one("#tx-request").request["body"]["language"] == "es"
        assert sends(sandbox) == []  # previewing sends nothing


async def test_preview_then_send_sends_exactly_the_previewed_request(sandbox):
    app = sandbox_app(sandbox.root_url)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_transactional(pilot)
        await pick(pilot, screen, "#tx-templates", 0)
        await fill(
            pilot,
            screen,
            to="ada.lovelace@example.com",
            identifiers='{"id": "user_1001"}',
            data=json.dumps({"items": [{"name": "Socks"}]}),
            draft=True,
        )
        assert "Welcome to Acme, Ada!" in text_of(screen, "#tx-rendered")
        previewed = screen.query_one("#tx-request").request
        assert previewed["body"]["queue_draft"] is True and "sb-app" not in json.dumps(previewed["headers"])

        # A change after the preview: Ctrl+S previews again instead of sending the unseen request.
        screen.query_one("#tx-data", TextArea).text = json.dumps({"items": [{"name": "Hat"}]})
        await pilot.press("ctrl+s")
        await idle(pilot)
        assert sends(sandbox) == [] and "changed since the preview" in text_of(screen, "#tx-status")
        previewed = screen.query_one("#tx-request").request
        assert previewed["body"]["message_data"] == {"items": [{"name": "Hat"}]}

        await pilot.press("ctrl+s")
        if screen.preview.missing:  # a second Ctrl+S confirms sending with missing variables
            await pilot.press("ctrl+s")
        await idle(pilot)
        (received,) = sends(sandbox)
        assert received["method"] == previewed["method"] == "POST"
        assert previewed["url"].endswith(received["path"])
        assert received["body"] == previewed["body"]
        assert "queued as a draft" in text_of(screen, "#tx-status")
        assert app.outcomes[-1].action_id == "send-transactional-email" and app.outcomes[-1].ok


async def test_missing_variables_need_a_second_ctrl_s(sandbox):
    app = sandbox_app(sandbox.root_url)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_transactional(pilot)
        await pick(pilot, screen, "#tx-templates", 1)
        await fill(pilot, screen, to="grace.hopper@example.com")
        await pilot.press("ctrl+s")
        await idle(pilot)
        assert sends(sandbox) == [] and "Ctrl+S again sends anyway" in text_of(screen, "#tx-status")
        await pilot.press("ctrl+s")
        await idle(pilot)
        assert len(sends(sandbox)) == 1


async def test_bad_json_names_the_field_and_keeps_the_text(sandbox):
    app = sandbox_app(sandbox.root_url)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_transactional(pilot)
        await pick(pilot, screen, "#tx-templates", 0)
        await fill(pilot, screen, to="ada.lovelace@example.com", data='{"items": ')
        assert "message_data" in text_of(screen, "#tx-status") or "message_data" in text_of(screen, "#tx-request")
        assert screen.query_one("#tx-data", TextArea).text == '{"items": '
        await pilot.press("ctrl+s")
        await idle(pilot)
        assert sends(sandbox) == []


async def test_protected_env_asks_for_the_recipient_before_sending(sandbox):
    app = sandbox_app(sandbox.root_url, protected=True)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_transactional(pilot)
        await pick(pilot, screen, "#tx-templates", 0)
        await fill(
            pilot, screen, to="ada.lovelace@example.com", identifiers='{"id": "user_1001"}', data='{"items": []}'
        )
        await pilot.press("ctrl+s")
        if screen.preview.missing:
            await pilot.press("ctrl+s")
        await pilot.pause()
        confirm = app.screen
        assert isinstance(confirm, ConfirmScreen) and confirm.expected == "ada.lovelace@example.com"
        await pilot.press("escape")
        await idle(pilot)
        assert sends(sandbox) == [] and "Backed out" in text_of(screen, "#tx-status")


async def test_an_environment_change_reloads_the_messages_and_drops_the_preview(sandbox):
    from console.environments.resolve import sandbox_credentials
    from console.session.session import Session

    app = sandbox_app(sandbox.root_url)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_transactional(pilot)
        await pick(pilot, screen, "#tx-templates", 0)
        await fill(pilot, screen, to="ada.lovelace@example.com", data='{"items": []}')
        assert screen.preview is not None
        listed = len([r for r in sandbox.sandbox.requests if r["path"] == "/v1/transactional"])
        app.session = Session(sandbox_credentials(sandbox.root_url, protected=True))
        await idle(pilot)
        assert screen.preview is None and screen.template is None
        assert len([r for r in sandbox.sandbox.requests if r["path"] == "/v1/transactional"]) > listed
        await pilot.press("ctrl+s")
        await idle(pilot)
        assert sends(sandbox) == [] and "pick a transactional message" in text_of(screen, "#tx-status")


async def test_keys_alone_pick_a_message_and_its_default_variant(sandbox):
    app = sandbox_app(sandbox.root_url)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_transactional(pilot)
        await pilot.press("down", "enter")  # the second message
        await idle(pilot)
        await pilot.press("tab", "enter")  # its default variant; focus moves to To
        await idle(pilot)
        assert screen.template.id == 2 and app.focused is screen.query_one("#tx-to")
        await pilot.press(*"grace.hopper@example.com")
        await pilot.pause(0.6)  # the debounced preview
        await idle(pilot)
        assert "Hi Grace," in text_of(screen, "#tx-rendered")


async def test_protected_env_sends_once_the_recipient_is_typed(sandbox):
    app = sandbox_app(sandbox.root_url, protected=True)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_transactional(pilot)
        await pick(pilot, screen, "#tx-templates", 1)
        await fill(
            pilot,
            screen,
            to="grace.hopper@example.com",
            data='{"expires_in_minutes": 15, "reset_url": "https://acme.example/r/1"}',
        )
        assert not screen.preview.missing
        previewed = screen.query_one("#tx-request").request
        await pilot.press("ctrl+s")
        await pilot.pause()
        confirm = app.screen
        assert isinstance(confirm, ConfirmScreen)
        confirm.query_one(Input).value = "grace.hopper@example.com"
        await pilot.press("enter")
        await idle(pilot)
        (received,) = sends(sandbox)
        assert received["body"] == previewed["body"]
        assert "sent to grace.hopper@example.com" in text_of(screen, "#tx-status")


async def test_a_send_answered_after_an_environment_switch_still_says_what_was_sent(sandbox, monkeypatch):
    """The switch clears the screen's preview while the send is in flight: the answer is
    still reported against what was sent (it used to be lost to an AttributeError)."""
    import console.transactional.preview as preview_module
    from console.environments.resolve import sandbox_credentials
    from console.session.session import Session

    app = sandbox_app(sandbox.root_url)
    real_send = preview_module.send_preview

    async def send_then_switch(*args, **kwargs):
        app.session = Session(sandbox_credentials(sandbox.root_url, protected=True))  # the user switches meanwhile
        return await real_send(*args, **kwargs)

    monkeypatch.setattr(preview_module, "send_preview", send_then_switch)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_transactional(pilot)
        await pick(pilot, screen, "#tx-templates", 1)
        await fill(pilot, screen, to="grace.hopper@example.com", data='{"expires_in_minutes": 15}')
        await pilot.press("ctrl+s")
        if screen.preview is not None and screen.preview.missing:
            await pilot.press("ctrl+s")
        await idle(pilot)
        assert len(sends(sandbox)) == 1
        assert screen.preview is None  # the switch dropped it
        assert "sent to grace.hopper@example.com" in text_of(screen, "#tx-status"), text_of(screen, "#tx-status")
