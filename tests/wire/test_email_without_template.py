"""`send-transactional-email` without a template (issue 13, item 13): the App API's
"without template" form carries body, subject and from, and no transactional_message_id.

Validation, the dry-run preview, the Liquid preview, the production guard and the
sandbox's delivery, each against the loopback sandbox where something is sent.
"""

from __future__ import annotations

import json

import pytest

from console.actions.catalog import get_action
from console.actions.guard import ConfirmationRequired, check_confirmation
from console.actions.validation import InvalidInput, validate
from console.wire.credentials import Credentials
from tests.conftest import sandbox_env

EMAIL = get_action("send-transactional-email")
NO_TEMPLATE = {
    "to": "ada.lovelace@example.com",
    "from": '"Acme" <hi@acme.com>',
    "subject": "Hello {{ customer.first_name | default: 'there' }}",
    "body": "<p>Order {{ trigger.order_id }} shipped</p>",
    "message_data": {"order_id": "A-7"},
}


def test_validation_names_what_is_missing():
    with pytest.raises(InvalidInput) as none_given:
        validate(EMAIL, {"to": "a@example.com"})
    assert none_given.value.fields == ["transactional_message_id"]
    assert "or send without a template by giving Body (body), Subject (subject) and From (from)" in str(
        none_given.value
    )
    with pytest.raises(InvalidInput) as partly:
        validate(EMAIL, {"to": "a@example.com", "subject": "Hi", "body": "  "})
    assert partly.value.fields == ["body", "from"]
    assert "is required when sending without a template" in str(partly.value)
    # A template send needs none of them.
    assert validate(EMAIL, {"to": "a@example.com", "transactional_message_id": "1"})


def test_dry_run_sends_no_template_id(cli, sandbox):
    r = cli(
        "send", "send-transactional-email", "--input", json.dumps(NO_TEMPLATE), "--dry-run", env=sandbox_env(sandbox)
    )
    assert r.code == 0, r.err
    body = r.json()["body"]
    assert "transactional_message_id" not in body
    assert body["from"] == NO_TEMPLATE["from"] and body["identifiers"] == {"email": "ada.lovelace@example.com"}
    assert sandbox.sandbox.requests == []


def test_the_sandbox_accepts_and_delivers_it(cli, sandbox):
    r = cli("send", "send-transactional-email", "--input", json.dumps(NO_TEMPLATE), env=sandbox_env(sandbox))
    assert r.code == 0, r.err
    (req,) = [e for e in sandbox.sandbox.requests if e["api"] == "app"]
    assert req["status"] == 200 and "transactional_message_id" not in req["body"]
    (delivery,) = sandbox.sandbox.snapshot()["deliveries"][-1:]
    assert delivery["channel"] == "email" and delivery["transactional_message_id"] is None
    assert delivery["request"]["subject"] == NO_TEMPLATE["subject"]
    # Delivered over the sandbox's delivery delay: the steps taken and those still to come.
    steps = [m["name"] for m in delivery["metrics"]] + [step[1] for step in delivery["plan"]]
    assert steps == ["sent", "delivered", "opened"]


def test_preview_email_renders_the_sends_own_content(cli, sandbox):
    r = cli("preview-email", "--input", json.dumps(NO_TEMPLATE), env=sandbox_env(sandbox))
    assert r.code == 0, r.err
    assert "Template: none (sent without a template" in r.out
    assert "Subject: Hello Ada" in r.out and "Order A-7 shipped" in r.out
    assert 'From: "Acme" <hi@acme.com>' in r.out
    j = cli("preview-email", "--input", json.dumps(NO_TEMPLATE), "--json", env=sandbox_env(sandbox)).json()
    assert j["template"] is None and j["missing"] == []
    assert "transactional_message_id" not in j["request"]["body"]
    # Nothing was sent: only reads of the recipient's profile, and no template lookup.
    seen = sandbox.sandbox.requests
    assert seen and {e["method"] for e in seen} == {"GET"}
    assert all(e["path"].startswith("/v1/customers") for e in seen)


def test_the_guard_asks_for_the_recipient():
    spec = validate(EMAIL, NO_TEMPLATE)
    protected = Credentials(app_key="k", protected=True, name="Production")
    with pytest.raises(ConfirmationRequired):
        check_confirmation(spec, protected, None)
    with pytest.raises(ConfirmationRequired):
        check_confirmation(spec, protected, "someone.else@example.com")
    check_confirmation(spec, protected, "ada.lovelace@example.com")


async def test_the_workspace_previews_and_guards_it(sandbox):
    from screens.widgets.confirm import ConfirmScreen
    from tests.ui.workspace_helpers import fill, opened, ready, sandbox_app, sent, settle, until

    app = sandbox_app(sandbox.root_url, protected=True, name="Production")
    async with app.run_test(size=(120, 40)) as pilot:
        ws = await ready(pilot)
        await opened(pilot, "send-transactional-email")
        fill(ws, to="ada.lovelace@example.com", subject="Hi")
        await settle(pilot)
        check = ws.state.check()  # untouched fields are not painted red, but block the send
        assert set(check.problems) == {"body", "from"} and "without a template" in check.problems["body"]
        fill(ws, body="<p>Hello</p>", **{"from": "hi@acme.com"})
        await settle(pilot)
        assert not any(row.has_class("-invalid") for row in ws._form().rows().values())
        previewed = ws.query_one("#preview").request["body"]
        assert previewed["subject"] == "Hi" and "transactional_message_id" not in previewed
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "the confirmation")
        assert sent(sandbox) == []
        app.screen.query_one("#confirm-input").value = "ada.lovelace@example.com"
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        (req,) = sent(sandbox)
        assert req["status"] == 200 and req["body"] == previewed
