"""The profile diff: what changes, what is sent, and how undo puts it back."""

import pytest

from console.actions.validation import InvalidInput
from console.people.edit import REMOVAL, ChangeKind, compute_diff, plan_edit, verify
from console.people.model import MISSING, Profile, profile_from_response, same_stored, stored_text
from console.wire.credentials import Credentials

CREDS = Credentials(site_id="site1", track_key="trackkey1", app_key="appkey1")


def ada() -> Profile:
    # As the App API returns them: every attribute value is text.
    return Profile(
        cio_id="a3000001",
        id="user_1",
        email="ada@example.com",
        attributes={"plan": "pro", "seats": "250", "beta": "true", "city": "London", "prefs": '{"a": 1}'},
        timestamps={"plan": 1700000000},
    )


def kinds(diff):
    return {c.name: c.kind for c in diff.changes}


def test_change_add_remove_and_unchanged():
    diff = compute_diff(ada(), {"plan": "enterprise", "nickname": "Countess", "city": None, "seats": "250"})
    assert kinds(diff) == {"plan": ChangeKind.CHANGE, "nickname": ChangeKind.ADD, "city": ChangeKind.REMOVE}
    change = {c.name: c for c in diff.changes}
    assert (change["plan"].old, change["plan"].new) == ("pro", "enterprise")
    assert change["nickname"].old is MISSING and change["city"].new is MISSING
    assert [u.name for u in diff.unchanged] == ["seats"]
    assert diff.lines()[:3] == [
        '~ plan: "pro" -> "enterprise"',
        '+ nickname: (not set) -> "Countess"',
        '- city: "London" -> (not set)',
    ]


def test_the_identify_carries_only_changes_and_removals_as_empty_strings():
    plan = plan_edit(ada(), {"plan": "enterprise", "city": None, "seats": 250, "beta": True}, CREDS)
    assert plan.request.method == "PUT"
    # Addressed by cio_id: unambiguous, and the only way to change id/email.
    assert plan.request.url == "https://track.customer.io/api/v1/customers/cio_a3000001"
    assert plan.request.body == {"plan": "enterprise", "city": REMOVAL}
    assert plan.spec.INFO.id == "identify-customer"


@pytest.mark.parametrize(
    "old, new, changed",
    [
        ("250", 250, False),  # stored as text: the same value
        ("true", True, False),
        ("250", 251, True),
        ("pro", 5, True),
        ("29.99", 29.99, False),
        ('{"a": 1}', {"a": 1}, False),  # objects come back as JSON text
        ('{"a": 1}', {"a": 2}, True),
        ("1", True, True),  # text "1" is not the text "true"
    ],
)
def test_type_changes_compare_as_stored_text(old, new, changed):
    profile = Profile(cio_id="c1", attributes={"x": old})
    diff = compute_diff(profile, {"x": new})
    assert (not diff.empty) is changed
    if not changed:
        assert diff.unchanged[0].name == "x"


def test_empty_string_removes_and_says_so():
    diff = compute_diff(ada(), {"city": ""})
    assert diff.changes[0].kind == ChangeKind.REMOVE and "removes" in diff.changes[0].note


def test_removing_what_is_not_there_changes_nothing():
    diff = compute_diff(ada(), {"never_set": None})
    assert diff.empty and diff.unchanged[0].reason == "not set, nothing to remove"
    assert plan_edit(ada(), {"never_set": None}, CREDS).request is None


def test_identifier_changes_are_sent_as_text_through_the_cio_path():
    plan = plan_edit(ada(), {"email": "ada@lovelace.example", "id": 42}, CREDS)
    assert plan.request.body == {"email": "ada@lovelace.example", "id": "42"}
    assert plan.request.url.endswith("/customers/cio_a3000001")


@pytest.mark.parametrize(
    "desired, field, words",
    [
        ({"cio_id": "x"}, "cio_id", "cannot be changed"),
        ({"email": None}, "email", "cannot be removed"),
        ({"email": "not-an-email"}, "email", "not an email address"),
        ({"id": True}, "id", "must be text"),
        ({"_last_emailed": 1}, "_last_emailed", "maintained by Customer.io"),
        ({"x" * 151: 1}, "x" * 151, "150 bytes"),
        ({"bio": "é" * 501}, "bio", "1002 bytes"),
    ],
)
def test_bad_changes_are_refused_naming_the_attribute(desired, field, words):
    with pytest.raises(InvalidInput) as info:
        compute_diff(ada(), desired)
    assert info.value.fields == [field] and words in info.value.text()


def test_not_an_object_is_refused():
    with pytest.raises(InvalidInput, match="JSON object"):
        compute_diff(ada(), ["plan"])


def test_undo_round_trip_restores_every_value():
    before = ada()
    diff = compute_diff(before, {"plan": "enterprise", "nickname": "Countess", "city": None})
    # The profile as it would read back after the edit.
    after = Profile(
        cio_id=before.cio_id,
        id=before.id,
        email=before.email,
        attributes={**before.attributes, "plan": "enterprise", "nickname": "Countess"},
    )
    del after.attributes["city"]
    assert verify(diff, after).ok
    undo = compute_diff(after, diff.undo())
    assert kinds(undo) == {"plan": ChangeKind.CHANGE, "nickname": ChangeKind.REMOVE, "city": ChangeKind.ADD}
    restored = Profile(cio_id=after.cio_id, attributes=dict(after.attributes))
    for c in undo.changes:
        if c.kind == ChangeKind.REMOVE:
            restored.attributes.pop(c.name)
        else:
            restored.attributes[c.name] = c.new
    assert restored.attributes == before.attributes


def test_verify_names_what_did_not_take():
    diff = compute_diff(ada(), {"plan": "enterprise", "city": None})
    unchanged = ada()  # as if the identify was dropped
    result = verify(diff, unchanged)
    assert not result.ok
    assert [m.name for m in result.mismatches] == ["plan", "city"]
    assert result.lines()[0] == '! plan: expected "enterprise", read back "pro"'


def test_profile_from_the_attributes_answer():
    data = {
        "customer": {
            "id": "user_1",
            "identifiers": {"id": "user_1", "email": None, "cio_id": "a1"},
            "attributes": {"id": "user_1", "cio_id": "a1", "plan": "pro"},
            "timestamps": {"plan": 1700000000, "cio_id": 1600000000},
            "unsubscribed": True,
            "devices": [{"id": "tok", "platform": "ios", "last_used": 1700000001, "attributes": {"app_version": "1"}}],
        }
    }
    p = profile_from_response(data)
    assert p.identifiers == {"id": "user_1", "email": None, "cio_id": "a1"}
    assert p.attributes == {"plan": "pro"} and p.unsubscribed
    assert p.attribute_rows()[0].set_at == 1700000000
    assert p.devices[0].id == "tok" and p.devices[0].attributes == {"app_version": "1"}
    assert p.track_identifier == "cio_a1"
    with pytest.raises(ValueError):
        profile_from_response({"results": []})


def test_stored_text_forms():
    assert stored_text(True) == "true" and stored_text(False) == "false"
    assert stored_text(3) == "3" and stored_text("x") == "x"
    assert same_stored(MISSING, MISSING) and not same_stored(MISSING, "")
