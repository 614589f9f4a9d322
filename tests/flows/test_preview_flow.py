"""Previewing a transactional email against the sandbox, then sending exactly that."""

import dataclasses

import pytest

from console.actions.guard import ConfirmationRequired
from console.actions.validation import InvalidInput
from console.transactional.preview import preview_email, send_preview
from console.transactional.templates import list_templates, list_variants


def sends(sandbox):
    return [r for r in sandbox.sandbox.requests if r["path"] == "/v1/send/email"]


async def test_templates_and_their_language_variants(sandbox, creds, client):
    listing = await list_templates(creds, client)
    assert [(t.id, t.name) for t in listing.templates][:2] == [(1, "Welcome email"), (2, "Password reset")]
    variants = (await list_variants(creds, client, 1)).variants
    assert [v.language for v in variants] == ["", "es"]
    assert "{{ customer.first_name" in variants[1].subject and variants[1].preheader


async def test_preview_with_a_missing_variable(sandbox, creds, client):
    preview = await preview_email(
        creds,
        client,
        {
            "transactional_message_id": "password_reset",
            "to": "grace.hopper@example.com",
            "message_data": {"expires_in_minutes": 15},
        },
    )
    r = preview.rendered
    assert preview.template.id == 2 and preview.profile.id == "user_1002"
    assert "Hi Grace," in r.text and "grace.hopper@example.com" in r.text  # customer.* from the profile
    assert "15 minutes" in r.preheader.output  # trigger.* from message_data
    assert [m.path for m in preview.missing] == ["trigger.reset_url"]
    assert '<a href="">' in r.html  # the raw HTML is kept: the link has no address


async def test_preview_in_another_language_and_for_a_new_person(sandbox, creds, client):
    preview = await preview_email(
        creds,
        client,
        {
            "transactional_message_id": 1,
            "to": "new.person@example.com",
            "language": "es",
            "message_data": {"items": [{"name": "Calcetines"}, {"name": "Gorro"}]},
        },
    )
    r = preview.rendered
    assert preview.variant.language == "es"
    assert r.subject.output == "¡Bienvenido a Acme, amigo!"
    assert "- Calcetines\n- Gorro" in r.text
    assert {(m.path, m.has_default) for m in preview.missing} == {
        ("customer.first_name", True),
        ("customer.plan", True),
    }
    assert any("creates the person on send" in n for n in preview.notes)


async def test_preview_for_a_shared_email_says_customer_is_empty(sandbox, creds, client):
    preview = await preview_email(creds, client, {"transactional_message_id": 1, "to": "team@example.com"})
    assert preview.profile is None and any("2 people share" in n for n in preview.notes)


async def test_preview_then_send_sends_exactly_the_previewed_request(sandbox, creds, client):
    data = {
        "transactional_message_id": "welcome",
        "to": "Ada <ada.lovelace@example.com>",
        "identifiers": {"id": "user_1001"},
        "message_data": {"items": [{"name": "Socks"}]},
    }
    preview = await preview_email(creds, client, data, queue_draft=True)
    assert preview.rendered.subject.output == "Welcome to Acme, Ada!"
    assert sends(sandbox) == []  # previewing sends nothing
    exchange = await send_preview(preview, creds, client)
    assert exchange.ok
    (received,) = sends(sandbox)
    assert received["method"] == preview.request.method == "POST"
    assert received["body"] == preview.request.body
    assert preview.request.body["queue_draft"] is True
    assert exchange.request is preview.request


async def test_a_protected_environment_needs_the_recipient_typed(sandbox, creds, client):
    protected = dataclasses.replace(creds, protected=True, name="Production")
    preview = await preview_email(protected, client, {"transactional_message_id": 1, "to": "ada.lovelace@example.com"})
    with pytest.raises(ConfirmationRequired, match=r"type the To \(to\) exactly: ada.lovelace@example.com"):
        await send_preview(preview, protected, client, confirmation="ada@example.com")
    assert sends(sandbox) == []
    assert (await send_preview(preview, protected, client, confirmation="ada.lovelace@example.com")).ok
    assert len(sends(sandbox)) == 1


async def test_unknown_template_is_explained_and_nothing_renders(sandbox, creds, client):
    preview = await preview_email(creds, client, {"transactional_message_id": "nope", "to": "a@example.com"})
    assert preview.rendered is None and preview.explanation.field == "transactional_message_id"
    assert "Welcome email" in preview.explanation.text()


async def test_invalid_send_input_is_refused_before_any_request(sandbox, creds, client):
    with pytest.raises(InvalidInput) as info:
        await preview_email(creds, client, {"transactional_message_id": 1, "to": "not an address"})
    assert info.value.fields == ["to"] and sandbox.sandbox.requests == []
