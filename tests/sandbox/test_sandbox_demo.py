"""The demo workspace: what later features (ambiguous email, previews) rely on."""

from __future__ import annotations

import liquid
import pytest

from console.sandbox import DEMO_CREDENTIALS, SandboxConfig, create_app
from console.sandbox.demo import demo_data

from .conftest import APP, state


def test_demo_credentials_are_recognisable_and_the_defaults():
    assert DEMO_CREDENTIALS.site_id == "sandbox-site-0001" == DEMO_CREDENTIALS["site_id"]
    assert DEMO_CREDENTIALS.track_key == "sandbox-track-key-0001"
    assert DEMO_CREDENTIALS.app_key == "sandbox-app-key-0001"
    assert DEMO_CREDENTIALS.write_key == "sandbox-write-key-0001"
    cfg = SandboxConfig()
    assert (cfg.site_id, cfg.track_key, cfg.app_key, cfg.write_key) == (
        DEMO_CREDENTIALS.site_id,
        DEMO_CREDENTIALS.track_key,
        DEMO_CREDENTIALS.app_key,
        DEMO_CREDENTIALS.write_key,
    )
    with pytest.raises(ValueError):
        SandboxConfig(region="ap")


async def test_demo_people(client):
    snap = await state(client)
    assert 5 <= len(snap["people"]) <= 12
    emails = [p["email"] for p in snap["people"] if p["email"]]
    assert any(emails.count(e) == 2 for e in emails)  # the ambiguous-email pair
    for p in snap["people"]:
        assert {"first_name", "plan", "created_at"} <= set(p["attributes"])
    assert sum(len(p["devices"]) for p in snap["people"]) >= 2
    assert 3 <= len(snap["segments"]) <= 5


async def test_demo_off(make_client):
    snap = await state(make_client(demo_data=False))
    assert snap["people"] == [] and snap["templates"] == [] and snap["segments"] == []


def test_templates_are_valid_liquid_and_render():
    data = demo_data()
    assert [(t["id"], t["trigger_name"], t["type"]) for t in data["templates"]] == [
        (1, "welcome", "email"),
        (2, "password_reset", "email"),
        (3, "order_shipped", "push"),
    ]
    context = {
        "customer": {"first_name": "Ada", "email": "ada@example.com"},
        "trigger": {
            "items": [{"name": "Mug"}, {"name": "Hat"}],
            "order": {"id": "A-1"},
            "reset_url": "https://acme.example/reset/abc",
        },
    }
    rendered = {}
    for t in data["templates"]:
        for v in t["variants"]:
            for field in ("subject", "preheader_text", "body", "body_plain", "link"):
                if v.get(field):
                    rendered[(t["trigger_name"], v["language"], field)] = liquid.parse(v[field]).render(**context)
    assert rendered[("welcome", "", "subject")] == "Welcome to Acme, Ada!"
    assert "<li>Hat</li>" in rendered[("welcome", "es", "body")]
    assert "https://acme.example/reset/abc" in rendered[("password_reset", "", "body")]
    assert rendered[("order_shipped", "", "body")] == "Hi Ada, order A-1 has shipped with 2 items."
    assert liquid.parse(data["templates"][0]["variants"][0]["subject"]).render(customer={}) == "Welcome to Acme, there!"


async def test_each_workspace_is_independent():
    a, b = create_app(), create_app()
    a.state.sandbox.state.people.clear()
    assert len(b.state.sandbox.state.people) == 11


async def test_created_ids_are_deterministic(make_client):
    ids = []
    for _ in range(2):
        c = make_client()
        r = await c.post(
            "/app-us/v1/send/email",
            headers=APP,
            json={"transactional_message_id": 1, "to": "z@example.com", "identifiers": {"email": "z@example.com"}},
        )
        ids.append((r.json()["delivery_id"], [p["cio_id"] for p in (await state(c))["people"]][-1]))
    assert ids[0] == ids[1] == ("sbx-delivery-000001", "sb000100")
