"""App API reads over HTTP, including reads after writes and 404s."""

from __future__ import annotations

from .conftest import APP, TRACK, attributes

A = "/app-us/v1"


async def test_workspaces_counts_people_and_sends(client, clock):
    r = await client.get(f"{A}/workspaces", headers=APP)
    assert r.status_code == 200
    [ws] = r.json()["workspaces"]
    assert ws["id"] == 4242 and ws["name"] == "Sandbox" and ws["people"] == 11 and ws["messages_sent"] == 3
    await client.post(
        f"{A}/send/email",
        headers=APP,
        json={"transactional_message_id": 2, "to": "a@example.com", "identifiers": {"id": "user_1001"}},
    )
    [ws] = (await client.get(f"{A}/workspaces", headers=APP)).json()["workspaces"]
    assert ws["messages_sent"] == 3  # still queued: the demo's three past deliveries only
    clock.advance(client.sandbox.config.delivery_delay)
    [ws] = (await client.get(f"{A}/workspaces", headers=APP)).json()["workspaces"]
    assert ws["messages_sent"] == 4 and ws["billable_messages_sent"] == 3


async def test_customers_by_email_returns_every_match(client):
    r = await client.get(f"{A}/customers", params={"email": "team@example.com"}, headers=APP)
    assert r.json() == {
        "results": [
            {"id": "user_1004", "email": "team@example.com", "cio_id": "sb000004"},
            {"id": "user_1005", "email": "team@example.com", "cio_id": "sb000005"},
        ]
    }
    r = await client.get(f"{A}/customers", params={"email": "TEAM@example.com"}, headers=APP)
    assert len(r.json()["results"]) == 2
    r = await client.get(f"{A}/customers", params={"email": "nobody@example.com"}, headers=APP)
    assert r.status_code == 200 and r.json() == {"results": []}
    r = await client.get(f"{A}/customers", headers=APP)
    assert r.status_code == 400 and r.json() == {"meta": {"error": "email: is required"}}


async def test_customer_attributes_shape(client):
    r = await attributes(client, "user_1002")
    assert r.status_code == 200
    c = r.json()["customer"]
    assert c["id"] == "user_1002"
    assert c["identifiers"] == {"email": "grace.hopper@example.com", "id": "user_1002", "cio_id": "sb000002"}
    assert c["attributes"]["seats"] == "250"  # the App API reports every value as a string
    assert c["attributes"]["cio_id"] == "sb000002" and c["attributes"]["first_name"] == "Grace"
    assert c["unsubscribed"] is False
    assert c["devices"][0]["id"] == "android-token-grace-0001" and c["devices"][0]["platform"] == "android"
    assert isinstance(c["timestamps"]["first_name"], int)


async def test_customer_attributes_by_each_id_type(client):
    assert (await attributes(client, "ada.lovelace@example.com", "email")).json()["customer"]["id"] == "user_1001"
    assert (await attributes(client, "sb000003", "cio_id")).json()["customer"]["id"] == "user_1003"
    assert (await attributes(client, "cio_sb000003", "cio_id")).json()["customer"]["id"] == "user_1003"
    assert (await attributes(client, "user_1003")).json()["customer"]["unsubscribed"] is True
    r = await attributes(client, "user_1001", "phone")
    assert r.status_code == 400 and r.json() == {"meta": {"error": "id_type: must be one of id, email, cio_id"}}


async def test_unknown_person_is_404(client):
    r = await attributes(client, "nobody")
    assert r.status_code == 404 and r.json()["meta"]["error"].startswith("customer_id: ")
    r = await client.get(f"{A}/customers/nobody/segments", headers=APP)
    assert r.status_code == 404


async def test_read_after_write(client):
    await client.put(
        "/track-us/api/v1/customers/user_1007", json={"plan": "pro", "last_name": None, "vip": True}, headers=TRACK
    )
    c = (await attributes(client, "user_1007")).json()["customer"]
    assert c["attributes"]["plan"] == "pro" and c["attributes"]["vip"] == "true"
    await client.put("/track-us/api/v1/customers/user_1007", json={"first_name": None}, headers=TRACK)
    assert "first_name" not in (await attributes(client, "user_1007")).json()["customer"]["attributes"]
    # dynamic segment membership follows the attribute
    segments = (await client.get(f"{A}/customers/user_1007/segments", headers=APP)).json()["segments"]
    assert [s["id"] for s in segments] == [1]


async def test_customers_attributes_by_ids(client):
    r = await client.post(f"{A}/customers/attributes", json={"ids": ["user_1001", "nobody", "user_1002"]}, headers=APP)
    assert [c["customer"]["id"] for c in r.json()["customers"]] == ["user_1001", "user_1002"]
    r = await client.post(f"{A}/customers/attributes", json={"ids": [str(i) for i in range(101)]}, headers=APP)
    assert r.status_code == 400 and r.json() == {"meta": {"error": "ids: has 101 entries; the limit is 100"}}


async def test_customers_filter(client):
    r = await client.post(f"{A}/customers", json={"filter": {"segment": {"id": 3}}}, headers=APP)
    assert r.json()["ids"] == ["user_1001", "user_1004"]
    r = await client.post(
        f"{A}/customers",
        params={"limit": 2},
        headers=APP,
        json={"filter": {"attribute": {"field": "plan", "operator": "eq", "value": "free"}}},
    )
    assert r.json()["ids"] == ["user_1003", "user_1005"] and r.json()["next"] == "2"


async def test_person_segments_and_segment_list(client):
    r = await client.get(f"{A}/customers/user_1001/segments", headers=APP)
    assert r.json() == {
        "segments": [
            {"id": 1, "name": "Paying customers", "description": "Everyone on the pro or enterprise plan"},
            {"id": 3, "name": "Beta testers", "description": "Hand-picked people trying new features early"},
            {"id": 4, "name": "Mobile app users", "description": "People who installed the mobile app"},
        ]
    }
    segments = (await client.get(f"{A}/segments", headers=APP)).json()["segments"]
    assert [(s["id"], s["type"]) for s in segments] == [(1, "dynamic"), (2, "dynamic"), (3, "manual"), (4, "manual")]
    assert segments[0]["state"] == "finished" and segments[0]["deduplicate_id"].startswith("1:")
    assert (await client.get(f"{A}/segments/2/customer_count", headers=APP)).json() == {"count": 3}
    assert (await client.get(f"{A}/segments/9", headers=APP)).status_code == 404


async def test_transactional_templates(client):
    messages = (await client.get(f"{A}/transactional", headers=APP)).json()["messages"]
    assert [(m["id"], m["name"], m["trigger_name"]) for m in messages] == [
        (1, "Welcome email", "welcome"),
        (2, "Password reset", "password_reset"),
        (3, "Order shipped", "order_shipped"),
    ]
    r = await client.get(f"{A}/transactional/2", headers=APP)
    assert r.json()["message"]["name"] == "Password reset"
    assert (await client.get(f"{A}/transactional/99", headers=APP)).status_code == 404
    assert (await client.get(f"{A}/transactional/welcome", headers=APP)).status_code == 404


async def test_transactional_contents_and_language(client):
    contents = (await client.get(f"{A}/transactional/1/contents", headers=APP)).json()["contents"]
    assert [(c["language"], c["type"]) for c in contents] == [("", "email"), ("es", "email")]
    assert '{{ customer.first_name | default: "there" }}' in contents[0]["subject"]
    assert "{% for item in trigger.items %}" in contents[0]["body"]
    r = await client.get(f"{A}/transactional/2/language/es", headers=APP)
    [content] = r.json()["content"]
    assert content["language"] == "es" and "{{ trigger.reset_url }}" in content["body"]
    r = await client.get(f"{A}/transactional/2/language/fr", headers=APP)
    assert r.status_code == 400 and r.json()["meta"]["error"].startswith("language: ")
    assert (await client.get(f"{A}/transactional/42/contents", headers=APP)).status_code == 404
    push = (await client.get(f"{A}/transactional/3/contents", headers=APP)).json()["contents"][0]
    assert push["type"] == "push" and "{{ trigger.order.id }}" in push["body"]


async def test_person_messages_and_message(client):
    r = await client.post(
        f"{A}/send/email",
        headers=APP,
        json={
            "transactional_message_id": "welcome",
            "to": "ada@example.com",
            "identifiers": {"email": "ada.lovelace@example.com"},
        },
    )
    delivery_id = r.json()["delivery_id"]
    messages = (await client.get(f"{A}/customers/user_1001/messages", headers=APP)).json()["messages"]
    assert [m["id"] for m in messages] == [delivery_id]
    r = await client.get(f"{A}/messages/{delivery_id}", headers=APP)
    assert r.json()["message"]["transactional_message_id"] == 1
    assert (await client.get(f"{A}/messages/nope", headers=APP)).status_code == 404
