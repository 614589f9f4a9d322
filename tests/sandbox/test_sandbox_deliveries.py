"""Deliveries play out over the sandbox's clock and tell the stories of issue 16: each
demo person, and the same state reached through the Track API alone, gets the outcome
the doctor will have to explain (state, metric with its time, failure_message)."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from .conftest import APP, START, TRACK, state

A = "/app-us/v1"
EMAIL, PUSH, SMS = f"{A}/send/email", f"{A}/send/push", f"{A}/send/sms"
STEP = 0.5  # the default --delivery-delay


async def send(client, url=EMAIL, **body) -> str:
    r = await client.post(url, json=body, headers=APP)
    assert r.status_code == 200, r.text
    return r.json()["delivery_id"]


async def message(client, delivery_id: str) -> dict:
    r = await client.get(f"{A}/messages/{delivery_id}", headers=APP)
    assert r.status_code == 200, r.text
    return r.json()["message"]


async def settle(client, clock, delivery_id: str, steps: int = 6) -> dict:
    clock.advance(STEP * steps)
    return await message(client, delivery_id)


def welcome(person_id: str, to: str, **extra) -> dict:
    return {"transactional_message_id": 1, "identifiers": {"id": person_id}, "to": to, **extra}


async def test_a_delivery_moves_queued_sent_delivered_opened_on_the_clock(client, clock):
    d = await send(client, **welcome("user_1011", "mary.jackson@example.com"))
    seen = []
    for _ in range(4):
        m = await message(client, d)
        seen.append((m["state"], dict(m["metrics"])))
        clock.advance(STEP)
    assert [s for s, _ in seen] == ["queued", "sent", "delivered", "opened"]
    assert seen[-1][1] == {"sent": START + 0, "delivered": START + 1, "opened": START + 1}  # int(0.5), int(1), int(1.5)
    clock.advance(60)
    final = await message(client, d)
    assert final["state"] == "opened" and final["failure_message"] is None
    assert final["recipient"] == "mary.jackson@example.com" and final["subject"] == "Welcome to Acme, Mary!"


async def test_the_delay_is_configurable_and_zero_settles_at_once(make_client, clock):
    slow = make_client(delivery_delay=30)
    d = await send(slow, **welcome("user_1011", "mary.jackson@example.com"))
    clock.advance(29)
    assert (await message(slow, d))["state"] == "queued"
    clock.advance(1)
    assert (await message(slow, d))["state"] == "sent"
    instant = make_client(delivery_delay=0)
    d = await send(instant, **welcome("user_1011", "mary.jackson@example.com"))
    assert (await message(instant, d))["state"] == "opened"
    with pytest.raises(ValueError, match="delivery_delay"):
        make_client(delivery_delay=-1)
    with pytest.raises(ValueError, match="delivery_delay"):
        make_client(delivery_delay=float("nan"))


async def test_bounce_domain_hard_bounces_and_joins_the_esp_list(client, clock):
    address = "new.person@bounce.example.com"
    d = await send(client, **welcome("user_1001", address))
    clock.advance(STEP)
    assert (await message(client, d))["state"] == "sent"
    search = f"{A}/esp/search_suppression/{quote(address)}"
    assert (await client.get(search, headers=APP)).json() == {"suppressions": []}
    m = await settle(client, clock, d)
    assert m["state"] == "bounced" and set(m["metrics"]) == {"sent", "bounced"}
    assert "does not exist" in m["failure_message"]
    found = (await client.get(search, headers=APP)).json()
    assert found["category"] == "bounces" and [s["email"] for s in found["suppressions"]] == [address]
    assert found["suppressions"][0]["created"] == m["metrics"]["bounced"]
    # The next email to the address is dropped, and says why.
    again = await settle(client, clock, await send(client, **welcome("user_1001", address)))
    assert again["state"] == "dropped" and "sent" not in again["metrics"]
    assert "suppression list" in again["failure_message"] and "bounces" in again["failure_message"]


async def test_spam_domain_is_delivered_then_reported(client, clock):
    address = "someone@spam.example.com"
    d = await send(client, **welcome("user_1001", address))
    clock.advance(STEP * 2)
    assert (await message(client, d))["state"] == "delivered"
    m = await settle(client, clock, d)
    assert m["state"] == "spammed" and list(m["metrics"]) == ["sent", "delivered", "spammed"]
    found = (await client.get(f"{A}/esp/search_suppression/{quote(address)}", headers=APP)).json()
    assert found["category"] == "spam"


async def test_the_esp_bounced_demo_person(client, clock):
    hedy = "hedy.lamarr@bounce.example.com"
    found = (await client.get(f"{A}/esp/search_suppression/{quote(hedy.upper())}", headers=APP)).json()
    assert found["category"] == "bounces" and found["suppressions"][0]["status"] == "550"
    past = (await client.get(f"{A}/customers/user_1008/messages", headers=APP)).json()["messages"]
    assert [(m["state"], m["failure_message"] is not None) for m in past] == [("bounced", True)]
    m = await settle(client, clock, await send(client, **welcome("user_1008", hedy)))
    assert m["state"] == "dropped" and "2024-12-30" in m["failure_message"]


@pytest.mark.parametrize(
    "who,to,why",
    [
        # Alan: the welcome template (send_to_unsubscribed false) is not sent to the unsubscribed.
        ("user_1003", "alan.turing@example.com", "unsubscribed (unsubscribed: true)"),
        # Barbara: the welcome template's topic, Getting started, is off for her.
        ("user_1009", "barbara.liskov@example.com", "topic 1 (Getting started)"),
    ],
)
async def test_not_sent_to_the_unsubscribed_or_topic_off(client, clock, who, to, why):
    d = await send(client, **welcome(who, to))
    assert (await message(client, d))["state"] == "queued"
    m = await settle(client, clock, d)
    assert m["state"] == "undeliverable" and list(m["metrics"]) == ["undeliverable"]
    assert why in m["failure_message"]
    # The request log already says it will not be sent.
    assert why in client.sandbox.requests[0]["note"]
    r = await client.get(f"{A}/messages/{d}/archived_message", headers=APP)
    assert r.status_code == 404 and "was not sent" in r.json()["meta"]["error"]
    activity = (await client.get(f"{A}/customers/{who}/activities", headers=APP)).json()["activities"][0]
    assert activity["type"] == "undeliverable_email" and why in activity["data"]["failure_message"]


async def test_what_the_send_or_template_allows_reaches_them(client, clock):
    alan, barbara = ("user_1003", "alan.turing@example.com"), ("user_1009", "barbara.liskov@example.com")
    # The send may override the template's send_to_unsubscribed.
    m = await settle(client, clock, await send(client, **welcome(*alan, send_to_unsubscribed=True)))
    assert m["state"] == "opened"
    # The password reset keeps the transactional default (send_to_unsubscribed) and names no topic.
    for who, to in (alan, barbara):
        m = await settle(client, clock, await send(client, transactional_message_id=2, identifiers={"id": who}, to=to))
        assert m["state"] == "opened", who


async def test_push_without_a_device_fails(client, clock):
    m = await settle(
        client, clock, await send(client, PUSH, transactional_message_id=3, identifiers={"id": "user_1010"})
    )
    assert m["state"] == "failed" and "no device" in m["failure_message"]
    m = await settle(
        client,
        clock,
        await send(
            client,
            PUSH,
            transactional_message_id=3,
            identifiers={"id": "user_1011"},
            message_data={"order": {"id": "Z"}},
        ),
    )
    assert m["state"] == "opened" and m["subject"] == "Your order is on its way"
    archived = (await client.get(f"{A}/messages/{m['id']}/archived_message", headers=APP)).json()["archived_message"]
    assert archived["body"] == "Hi Mary, order Z has shipped."


async def test_email_to_a_person_without_an_email_is_undeliverable(client, clock):
    m = await settle(client, clock, await send(client, **welcome("user_1007", "{{ customer.email }}")))
    assert m["state"] == "undeliverable" and "no email address" in m["failure_message"]


async def test_a_template_that_does_not_render_fails(client, clock):
    body = {
        "identifiers": {"id": "user_1011"},
        "to": "mary.jackson@example.com",
        "from": "a@acme.example",
        "subject": "Hi",
        "body": "{{ customer.first_name | no_such_filter }}",
    }
    m = await settle(client, clock, await send(client, **body))
    assert m["state"] == "failed" and m["failure_message"].startswith("Liquid error: unknown filter")


async def test_drafts_and_scheduled_sends(client, clock):
    draft = await send(client, **welcome("user_1011", "mary.jackson@example.com", queue_draft=True))
    assert (await message(client, draft))["state"] == "drafted"
    later = await send(client, **welcome("user_1011", "mary.jackson@example.com", send_at=START + 3600))
    clock.advance(60)
    assert (await message(client, later))["state"] == "scheduled"
    clock.advance(3600)
    m = await message(client, later)
    assert m["state"] == "opened" and m["metrics"]["sent"] >= START + 3600


async def test_the_archived_message_is_the_rendered_content(client, clock):
    d = await send(
        client,
        **welcome("user_1011", "mary.jackson@example.com", language="es", message_data={"items": [{"name": "Mug"}]}),
    )
    r = await client.get(f"{A}/messages/{d}/archived_message", headers=APP)
    assert r.status_code == 404  # still queued: nothing sent, nothing archived
    clock.advance(STEP)
    archived = (await client.get(f"{A}/messages/{d}/archived_message", headers=APP)).json()["archived_message"]
    assert archived["subject"] == "¡Bienvenido a Acme, Mary!" and "<li>Mug</li>" in archived["body"]
    assert archived["recipient"] == "mary.jackson@example.com" and "{{" not in archived["body"]
    assert (await client.get(f"{A}/messages/nope/archived_message", headers=APP)).status_code == 404


# -- the same stories, reached through the Track API alone ------------------------------
async def test_a_person_made_by_identify_alone_gets_the_same_outcomes(empty_client, clock):
    """A fresh workspace without demo data: identify people into each story's state and
    each send ends as the demo person's does."""
    c = empty_client
    snap = (await c.get("/_sandbox/state")).json()
    assert snap["people"] == [] and snap["topics"] == []
    # With no topics and no templates, only the stories that need neither are reachable.
    put = lambda who, body: c.put(f"/track-us/api/v1/customers/{who}", json=body, headers=TRACK)  # noqa: E731
    assert (await put("u-unsub", {"email": "u@example.com", "unsubscribed": True})).status_code == 200
    assert (await put("u-noemail", {"first_name": "N"})).status_code == 200
    assert (await put("u-bounce", {"email": "b@bounce.example.com"})).status_code == 200
    assert (await put("u-ok", {"email": "ok@example.com"})).status_code == 200
    plain = {"from": "a@acme.example", "subject": "Hi {{ customer.first_name }}", "body": "<p>Hi</p>"}
    outcomes = {}
    for who, to, extra in (
        ("u-unsub", "u@example.com", {"send_to_unsubscribed": False}),
        ("u-noemail", "{{ customer.email }}", {}),
        ("u-bounce", "b@bounce.example.com", {}),
        ("u-ok", "ok@example.com", {}),
    ):
        d = await send(c, identifiers={"id": who}, to=to, **plain, **extra)
        outcomes[who] = d
    clock.advance(10)
    states = {who: (await message(c, d))["state"] for who, d in outcomes.items()}
    assert states == {"u-unsub": "undeliverable", "u-noemail": "undeliverable", "u-bounce": "bounced", "u-ok": "opened"}


async def test_a_topic_is_changed_by_identify_with_the_dotted_key(client, clock):
    prefs = f"{A}/customers/user_1011/subscription_preferences"
    topics = (await client.get(prefs, headers=APP)).json()["customer"]["topics"]
    assert [(t["id"], t["subscribed"]) for t in topics] == [("1", True), ("2", True), ("3", True)]
    r = await client.put(
        "/track-us/api/v1/customers/user_1011",
        json={"cio_subscription_preferences.topics.topic_1": False},
        headers=TRACK,
    )
    assert r.status_code == 200
    topics = (await client.get(prefs, headers=APP)).json()["customer"]["topics"]
    assert [(t["id"], t["subscribed"]) for t in topics] == [("1", False), ("2", True), ("3", True)]
    m = await settle(
        client,
        clock,
        await send(
            client, transactional_message_id="welcome", identifiers={"id": "user_1011"}, to="mary.jackson@example.com"
        ),
    )
    assert m["state"] == "undeliverable" and "topic 1 (Getting started)" in m["failure_message"]
    # Turned back on, the welcome email arrives.
    await client.put(
        "/track-us/api/v1/customers/user_1011",
        json={"cio_subscription_preferences.topics.topic_1": True},
        headers=TRACK,
    )
    m = await settle(
        client,
        clock,
        await send(client, transactional_message_id=1, identifiers={"id": "user_1011"}, to="mary.jackson@example.com"),
    )
    assert m["state"] == "opened"


async def test_topics_and_defaults(client):
    listed = (await client.get(f"{A}/subscription_topics", headers=APP)).json()["topics"]
    assert [(t["id"], t["identifier"], t["name"], t["subscribed_by_default"]) for t in listed] == [
        (1, "topic_1", "Getting started", True),
        (2, "topic_2", "Newsletter", True),
        (3, "topic_3", "Offers", False),
    ]
    # Ada never chose: each topic follows its default.
    ada = (await client.get(f"{A}/customers/user_1001/subscription_preferences", headers=APP)).json()["customer"]
    assert [t["subscribed"] for t in ada["topics"]] == [True, True, False] and ada["unsubscribed"] is False
    alan = (await client.get(f"{A}/customers/user_1003/subscription_preferences", headers=APP)).json()["customer"]
    assert alan["unsubscribed"] is True and alan["identifiers"]["email"] == "alan.turing@example.com"
    r = await client.get(f"{A}/customers/ghost/subscription_preferences", headers=APP)
    assert r.status_code == 404
    templates = (await client.get(f"{A}/transactional", headers=APP)).json()["messages"]
    assert [(t["subscription_topic_id"], t["send_to_unsubscribed"]) for t in templates] == [
        (1, False),
        (None, True),
        (None, True),
    ]


async def test_demo_people_for_every_story(client):
    """The README's list: each story has its person."""
    snap = await state(client)
    by_id = {p["id"]: p for p in snap["people"]}
    assert by_id["user_1003"]["unsubscribed"] is True
    assert by_id["user_1008"]["email"].endswith("@bounce.example.com")
    assert by_id["user_1009"]["attributes"]["cio_subscription_preferences"]["topics"]["topic_1"] is False
    assert by_id["user_1007"]["email"] is None
    assert by_id["user_1004"]["email"] == by_id["user_1005"]["email"]
    assert by_id["user_1010"]["devices"] == [] and by_id["user_1010"]["attributes"]["app_installed"] is True
    assert by_id["user_1011"]["devices"] and snap["esp_suppressions"][0]["email"] == by_id["user_1008"]["email"]
    # The demo's past deliveries are readable, but not in the log of what was sent here.
    assert snap["deliveries"] == [] and len(snap["past_deliveries"]) == 3


def test_stories_over_a_real_loopback_socket(loopback, clock):
    """The same stories through uvicorn on 127.0.0.1, the clock still the test's."""
    import httpx

    base = loopback.base_url("app")
    sends = {
        "arrives": welcome("user_1011", "mary.jackson@example.com"),
        "bounces": welcome("user_1001", "x@bounce.example.com"),
        "topic off": welcome("user_1009", "barbara.liskov@example.com"),
        "no device": {"transactional_message_id": 3, "identifiers": {"id": "user_1010"}},
    }
    with httpx.Client(base_url=base, headers=APP) as http:
        ids = {}
        for story, body in sends.items():
            url = "/v1/send/push" if story == "no device" else "/v1/send/email"
            ids[story] = http.post(url, json=body).json()["delivery_id"]
        trail = {story: [] for story in ids}
        for _ in range(4):
            for story, d in ids.items():
                state_now = http.get(f"/v1/messages/{d}").json()["message"]["state"]
                if not trail[story] or trail[story][-1] != state_now:
                    trail[story].append(state_now)
            clock.advance(STEP)
        assert trail == {
            "arrives": ["queued", "sent", "delivered", "opened"],
            "bounces": ["queued", "sent", "bounced"],
            "topic off": ["queued", "undeliverable"],
            "no device": ["queued", "failed"],
        }
        got = http.get("/v1/customers/user_1011/activities", params={"limit": 3}).json()
        assert [a["type"] for a in got["activities"]] == ["opened_email", "delivered_email", "sent_email"]
