"""Looking up and fixing a profile against the sandbox on a real loopback socket."""

import dataclasses

import pytest

from console.actions.guard import ConfirmationRequired
from console.actions.validation import InvalidInput
from console.people.edit import apply_edit, plan_edit, plan_undo
from console.people.lookup import LookupOutcome, lookup_profile
from console.people.person_actions import (
    add_device,
    delete_device,
    destroy,
    merge_into,
    not_found_actions,
    profile_actions,
    suppress,
    unsuppress,
)


def sent(sandbox, method, path_part):
    return [r for r in sandbox.sandbox.requests if r["method"] == method and path_part in r["path"]]


async def test_look_up_edit_two_remove_one_read_back_and_undo(sandbox, creds, client):
    found = await lookup_profile(creds, client, "user_1001")
    assert found.outcome == LookupOutcome.FOUND
    before = found.profile
    assert before.attributes["plan"] == "pro" and before.attributes["city"] == "London"
    assert [s.name for s in before.segments] == ["Paying customers", "Beta testers", "Mobile app users"]
    assert before.devices[0].id == "ios-token-ada-0001" and before.attribute_rows()[0].set_at

    plan = plan_edit(before, {"plan": "enterprise", "city": "Paris", "company": None}, creds)
    assert plan.request.body == {"plan": "enterprise", "city": "Paris", "company": ""}
    outcome = await apply_edit(plan, creds, client)
    assert outcome.ok, outcome.verification.lines()
    after = outcome.after
    assert after.attributes["plan"] == "enterprise" and after.attributes["city"] == "Paris"
    assert "company" not in after.attributes
    # The identify went out once, exactly as planned, to the cio_ path.
    (identify,) = sent(sandbox, "PUT", "/api/v1/customers/")
    assert identify["path"] == "/api/v1/customers/cio_sb000001" and identify["body"] == plan.request.body

    undo = plan_undo(outcome, creds)
    assert undo.request.body == {"plan": "pro", "city": "London", "company": "Analytical Engines Ltd"}
    restored = await apply_edit(undo, creds, client)
    assert restored.ok
    assert restored.after.attributes == before.attributes


async def test_ambiguous_email_lists_everyone_then_a_cio_id_picks_one(sandbox, creds, client):
    found = await lookup_profile(creds, client, "team@example.com", "email")
    assert found.outcome == LookupOutcome.AMBIGUOUS and found.profile is None
    assert [(m.cio_id, m.id) for m in found.matches] == [("sb000004", "user_1004"), ("sb000005", "user_1005")]
    picked = await lookup_profile(creds, client, "cio_sb000005", "cio_id")
    assert picked.found and picked.profile.attributes["first_name"] == "Lucía"


async def test_a_unique_email_reads_the_profile_by_cio_id(sandbox, creds, client):
    found = await lookup_profile(creds, client, "grace.hopper@example.com", "email")
    assert found.found and found.profile.id == "user_1002"
    assert [e.request.url.split("/app-us")[1] for e in found.exchanges] == [
        "/v1/customers?email=grace.hopper%40example.com",
        "/v1/customers/sb000002/attributes?id_type=cio_id",
        "/v1/customers/sb000002/segments?id_type=cio_id",
    ]


async def test_person_not_found_is_explained(sandbox, creds, client):
    found = await lookup_profile(creds, client, "no such/person", "id")
    assert found.outcome == LookupOutcome.NOT_FOUND
    # The path segment is percent-encoded, `/` included.
    assert found.exchanges[-1].request.url.endswith("/v1/customers/no%20such%2Fperson/attributes?id_type=id")
    text = found.explanation.text()
    assert found.explanation.title == "404 Not Found: no person with id 'no such/person'"
    assert "identifier type" in text and "unsuppress" in text
    nobody = await lookup_profile(creds, client, "nobody@example.com", "email")
    assert nobody.outcome == LookupOutcome.NOT_FOUND and "nobody@example.com" in nobody.explanation.title


async def test_bad_lookup_arguments_send_nothing(sandbox, creds, client):
    for args in (("", "id"), ("x", "phone"), ("not-an-email", "email")):
        with pytest.raises(InvalidInput):
            await lookup_profile(creds, client, *args)
    assert sandbox.sandbox.requests == []


async def test_a_change_that_does_not_take_is_reported(sandbox, creds, client):
    ada = (await lookup_profile(creds, client, "user_1001")).profile
    # Grace already has this email: Customer.io answers 200 but refuses the change.
    plan = plan_edit(ada, {"email": "grace.hopper@example.com", "plan": "free"}, creds)
    waits = []

    async def sleep(s):
        waits.append(s)

    outcome = await apply_edit(plan, creds, client, readback_attempts=3, readback_delay=0.5, sleep=sleep)
    assert outcome.applied and not outcome.ok
    assert [m.name for m in outcome.verification.mismatches] == ["email"]
    assert waits == [0.5, 0.5]  # read back again before giving up


async def test_identifier_change_goes_through_the_cio_path(sandbox, creds, client):
    ada = (await lookup_profile(creds, client, "user_1001")).profile
    outcome = await apply_edit(plan_edit(ada, {"email": "ada@lovelace.example"}, creds), creds, client)
    assert outcome.ok and outcome.after.email == "ada@lovelace.example"


async def test_profile_actions_are_catalog_actions_prefilled(sandbox, creds, client):
    from console.wire.transport import perform

    ada = (await lookup_profile(creds, client, "user_1001")).profile
    offered = [a.action_id for a in profile_actions(ada)]
    assert offered == ["add-device", "delete-device", "merge-customers", "suppress-customer", "destroy-customer"]

    action = add_device(ada)
    assert action.to_fill == ("device_id", "platform")
    with pytest.raises(InvalidInput) as info:
        action.prepare(creds)
    assert set(info.value.fields) == {"device_id", "platform"}
    spec, req = action.prepare(creds, {"device_id": "android-new", "platform": "android"})
    assert (await perform(req, client, repeat_safe=spec.INFO.is_repeat_safe)).ok
    spec, req = delete_device(ada, ada.devices[0]).prepare(creds)
    assert spec.INFO.guarded and (await perform(req, client, repeat_safe=True)).ok
    devices = (await lookup_profile(creds, client, "user_1001")).profile.devices
    assert [d.id for d in devices] == ["android-new"]

    linus = (await lookup_profile(creds, client, "user_1007")).profile
    spec, req = merge_into(ada, linus).prepare(creds)
    assert req.body == {"primary": {"cio_id": "sb000001"}, "secondary": {"cio_id": "sb000007"}}
    assert (await perform(req, client, repeat_safe=False)).ok
    assert (await lookup_profile(creds, client, "user_1007")).outcome == LookupOutcome.NOT_FOUND

    spec, req = destroy(ada).prepare(creds)
    assert req.url.endswith("/api/v1/customers/cio_sb000001")
    # Production: the guard asks for the identifier to be typed before anything goes out.
    production = dataclasses.replace(creds, protected=True, name="Production")
    with pytest.raises(ConfirmationRequired, match="cio_sb000001"):
        await destroy(ada).run(production, client, confirmation="user_1001")
    destroys = [
        r for r in sandbox.sandbox.requests if r["path"] == "/api/v1/customers/cio_sb000001" and r["method"] == "DELETE"
    ]
    assert destroys == []
    assert (await destroy(ada).run(production, client, confirmation="cio_sb000001")).ok
    assert (await lookup_profile(creds, client, "user_1001")).outcome == LookupOutcome.NOT_FOUND
    assert unsuppress("user_1001").input == {"customer_identifier": "user_1001"}


async def test_a_suppressed_person_is_not_found_and_unsuppress_is_offered(sandbox, creds, client):
    alan = (await lookup_profile(creds, client, "user_1003")).profile
    assert alan.unsubscribed
    assert (await suppress(alan).run(creds, client)).ok
    gone = await lookup_profile(creds, client, "alan.turing@example.com", "email")
    assert gone.outcome == LookupOutcome.NOT_FOUND and "suppressed" in gone.explanation.text()
    (offer,) = not_found_actions(gone.identifier, gone.id_type)
    assert offer.action_id == "unsuppress-customer" and offer.input == {
        "customer_identifier": "alan.turing@example.com"
    }
    assert (await offer.run(creds, client)).ok
    assert any(r["path"] == "/api/v1/customers/alan.turing%40example.com/unsuppress" for r in sandbox.sandbox.requests)
