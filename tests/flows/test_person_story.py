"""The person's story reads (console/people/story.py) against the sandbox on loopback."""

import pytest

from console.actions.validation import InvalidInput
from console.people.lookup import lookup_profile
from console.people.story import (
    read_activities,
    read_all,
    read_esp_suppression,
    read_messages,
    read_preferences,
    read_relationships,
    read_topics,
    topic_attribute,
)


async def cio_id_of(creds, client, user_id):
    found = await lookup_profile(creds, client, user_id, with_segments=False)
    assert found.found, found.explanation
    return found.profile.cio_id


async def test_activity_pages_follow_next_without_overlap(sandbox, creds, client):
    cio = await cio_id_of(creds, client, "user_1011")
    whole = await read_activities(creds, client, cio, limit=100)
    assert whole.ok and len(whole.items) >= 3, whole.items
    by_two = await read_all(lambda start: read_activities(creds, client, cio, limit=2, start=start))
    assert by_two.failed is None and not by_two.more
    assert len(by_two.pages) == (len(whole.items) + 1) // 2
    assert [a.id for a in by_two.items] == [a.id for a in whole.items]  # same order, nothing twice
    times = [a.timestamp for a in by_two.items]
    assert times == sorted(times, reverse=True)  # newest first


async def test_activity_filters_by_type_and_bounds_the_pages(sandbox, creds, client):
    cio = await cio_id_of(creds, client, "user_1011")
    events = await read_activities(creds, client, cio, type="opened_email", limit=100)
    assert events.ok and events.items and {a.type for a in events.items} == {"opened_email"}
    capped = await read_all(lambda s: read_activities(creds, client, cio, limit=1, start=s), max_pages=2)
    assert len(capped.items) == 2 and capped.more  # stopped, and says there is more


async def test_activity_limit_past_the_maximum_is_refused_before_sending(sandbox, creds, client):
    with pytest.raises(InvalidInput) as err:
        await read_activities(creds, client, "x", limit=101)
    assert err.value.problems[0].field == "limit" and "1 to 100" in err.value.problems[0].message
    assert not [r for r in sandbox.sandbox.requests if "/activities" in r["path"]]


async def test_messages_show_the_bounce_with_its_failure(sandbox, creds, client):
    cio = await cio_id_of(creds, client, "user_1008")
    page = await read_messages(creds, client, cio)
    assert page.ok
    bounced = [m for m in page.items if m.state == "bounced"]
    assert bounced and bounced[0].has("bounced") and bounced[0].channel == "email"
    assert bounced[0].failure_message


async def test_messages_paginate(sandbox, creds, client):
    cio = await cio_id_of(creds, client, "user_1011")
    whole = await read_messages(creds, client, cio, limit=100)
    assert len(whole.items) >= 2
    one_by_one = await read_all(lambda s: read_messages(creds, client, cio, limit=1, start=s))
    assert [m.id for m in one_by_one.items] == [m.id for m in whole.items]


async def test_esp_suppression_names_the_kind_and_a_clean_address_is_clean(sandbox, creds, client):
    found = await lookup_profile(creds, client, "user_1008", with_segments=False)
    esp = await read_esp_suppression(creds, client, found.profile.email)
    assert esp.ok and esp.suppressed and esp.entries[0].category == "bounces" and esp.entries[0].created
    clean = await read_esp_suppression(creds, client, "mary@example.com")
    assert clean.ok and not clean.suppressed


async def test_preferences_show_the_topic_turned_off(sandbox, creds, client):
    cio = await cio_id_of(creds, client, "user_1009")
    prefs = await read_preferences(creds, client, cio)
    assert prefs.ok and prefs.unsubscribed is False
    by_id = {t.id: t.subscribed for t in prefs.topics}
    assert by_id["1"] is False and by_id["2"] is True
    topics = await read_topics(creds, client)
    assert [t.identifier for t in topics.items][:3] == ["topic_1", "topic_2", "topic_3"]
    assert topic_attribute("topic_1") == topic_attribute("1") == "cio_subscription_preferences.topics.topic_1"


async def test_relationships_and_a_missing_person_is_explained(sandbox, creds, client):
    cio = await cio_id_of(creds, client, "user_1001")
    rels = await read_relationships(creds, client, cio)
    assert rels.ok
    missing = await read_activities(creds, client, "nobody_here", "id")
    assert not missing.ok and missing.read.status == 404 and missing.read.explanation
    assert missing.items == []
