"""Pending edits on a profile (what the profile screen collects before anything is sent)."""

import pytest

from console.actions.validation import InvalidInput
from console.people.draft import ProfileDraft, parse_typed, typed_text, undo_draft
from console.people.edit import ChangeKind, EditOutcome, EditPlan, compute_diff
from console.people.model import MISSING, Profile
from console.wire.clock import utc_text
from console.wire.credentials import Credentials

CREDS = Credentials(site_id="site1", track_key="trackkey1", app_key="appkey1")


def ada() -> Profile:
    return Profile(
        cio_id="a1",
        id="user_1",
        email="ada@example.com",
        attributes={"plan": "pro", "city": "London", "seats": "250"},
        timestamps={"plan": 1700000000},
    )


def test_typed_text_is_sent_as_text_and_json_objects_as_objects():
    assert parse_typed("42") == "42" and parse_typed("true") == "true"
    assert parse_typed('{"a": 1}') == {"a": 1} and parse_typed("[1, 2]") == [1, 2]
    assert parse_typed("{not json}") == "{not json}"
    assert typed_text({"a": 1}) == '{"a": 1}' and typed_text(MISSING) == "" and typed_text("x") == "x"
    assert utc_text(1700000000) == "2023-11-14 22:13 UTC" and utc_text(None) == "-"


def test_change_add_remove_then_the_plan_carries_only_those():
    draft = ProfileDraft(ada())
    draft.set("plan", "enterprise")
    draft.set("nickname", "Countess")
    draft.remove("city")
    draft.set("seats", "250")  # what is stored already: nothing pending
    assert draft.pending == {"plan": "enterprise", "nickname": "Countess", "city": None}
    rows = {r.name: r for r in draft.rows()}
    assert rows["plan"].pending == ChangeKind.CHANGE and rows["plan"].new == "enterprise"
    assert rows["nickname"].value is MISSING and rows["nickname"].pending == ChangeKind.ADD
    assert rows["city"].pending == ChangeKind.REMOVE and rows["seats"].pending is None
    plan = draft.plan(CREDS)
    assert plan.request.body == {"plan": "enterprise", "nickname": "Countess", "city": ""}
    assert plan.request.preview()["headers"]["Authorization"] != plan.request.headers["Authorization"]


def test_typing_the_stored_value_back_drops_the_pending_change():
    draft = ProfileDraft(ada())
    draft.set("plan", "free")
    draft.set("plan", "pro")
    assert draft.empty
    draft.set("plan", "free")
    assert draft.revert("plan") and not draft.revert("plan")


def test_bad_edits_name_the_attribute_and_keep_what_is_pending():
    draft = ProfileDraft(ada())
    draft.set("plan", "free")
    for name, text in (("", "x"), ("cio_id", "x"), ("email", ""), ("email", "not-an-email")):
        with pytest.raises(InvalidInput):
            draft.set(name, text)
    assert draft.pending == {"plan": "free"}


def test_undo_draft_puts_back_the_old_values_against_the_profile_read_back():
    before = ada()
    draft = ProfileDraft(before)
    draft.set("plan", "enterprise")
    draft.set("nickname", "Countess")
    draft.remove("city")
    plan = EditPlan(before, compute_diff(before, draft.pending))
    after = Profile(
        cio_id="a1",
        id="user_1",
        email="ada@example.com",
        attributes={"plan": "enterprise", "seats": "250", "nickname": "Countess"},
    )
    from console.people.lookup import LookupOutcome, LookupResult

    outcome = EditOutcome(plan, readback=LookupResult(LookupOutcome.FOUND, "a1", "cio_id", profile=after))
    undo = undo_draft(outcome)
    assert undo.profile is after
    assert undo.plan(CREDS).request.body == {"plan": "pro", "nickname": "", "city": "London"}


def barbara(prefs) -> Profile:
    return Profile(
        cio_id="b1",
        id="user_1009",
        email="barbara@example.com",
        attributes={"first_name": "Barbara", "cio_subscription_preferences": prefs},
        timestamps={"cio_subscription_preferences": 1700000000},
    )


@pytest.mark.parametrize(
    "stored",
    [{"topics": {"topic_1": False}}, '{"topics":{"topic_1":false}}'],  # an object, or its JSON text
)
def test_a_topic_toggle_is_a_dotted_top_level_key_and_reads_back_from_the_nested_object(stored):
    from console.people.edit import verify
    from console.people.story import Topic

    draft = ProfileDraft(barbara(stored))
    topic = Topic(id="1", identifier="topic_1", name="Getting started", subscribed=False)
    assert draft.toggle_topic(topic) is True
    key = "cio_subscription_preferences.topics.topic_1"
    plan = draft.plan(CREDS)
    (change,) = plan.diff.changes
    assert (change.name, change.kind, change.old, change.new) == (key, ChangeKind.CHANGE, False, True)
    assert plan.request.body == {key: True}  # literal dotted key, top level, a boolean
    rows = {r.name: r for r in draft.rows()}
    assert rows[key].set_at == 1700000000 and rows[key].value is False
    # The read-back nests it again; the dotted name still finds it.
    after = barbara({"topics": {"topic_1": True}})
    assert verify(plan.diff, after).ok
    assert not verify(plan.diff, barbara(stored)).ok
    # Toggling again drops the pending change; a topic never set is added.
    assert draft.toggle_topic(topic) is False and draft.empty
    news = Topic(id="2", identifier="topic_2", name="Newsletter", subscribed=True)
    draft.toggle_topic(news)
    assert draft.pending == {"cio_subscription_preferences.topics.topic_2": False}
    assert draft.plan(CREDS).diff.changes[0].kind == ChangeKind.ADD
