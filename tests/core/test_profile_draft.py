"""Pending edits on a profile (what the profile screen collects before anything is sent)."""

import pytest

from console.actions.validation import InvalidInput
from console.people.draft import ProfileDraft, parse_typed, typed_text, undo_draft, when
from console.people.edit import ChangeKind, EditOutcome, EditPlan, compute_diff
from console.people.model import MISSING, Profile
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
    assert when(1700000000) == "2023-11-14 22:13 UTC" and when(None) == "-"


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
