"""The doctor's checks (console/diagnose/doctor.py) against the sandbox on loopback: each
demo story gets its verdict, and a read that fails is a SKIP with the explanation."""

import pytest

from console.actions.validation import InvalidInput
from console.diagnose.doctor import CHECK_KEYS, Verdict, run_doctor
from console.wire.credentials import from_env
from console.wire.transport import RetryPolicy
from tests.conftest import sandbox_env


def verdicts(d):
    return {c.key: c.verdict for c in d.checks}


async def test_mary_passes_every_check(creds, client):
    d = await run_doctor(creds, client, "user_1011")
    assert [c.key for c in d.checks] == list(CHECK_KEYS[:6])
    assert set(verdicts(d).values()) == {Verdict.PASS}, [(c.key, c.evidence) for c in d.checks]
    assert not d.blocked and d.complete and d.person.id == "user_1011"
    assert any("sbx-delivery-demo-0002" in e for e in d.check("recent_deliveries").evidence)
    assert len(d.exchanges) == 5  # lookup, preferences, topics, ESP, messages


async def test_mary_with_the_push_template_passes_with_the_device_and_its_last_use(creds, client):
    d = await run_doctor(creds, client, "user_1011", template="order_shipped", channel="push")
    assert [c.key for c in d.checks] == list(CHECK_KEYS)
    assert verdicts(d)["esp_suppression"] == Verdict.SKIP  # email only
    assert not d.blocked
    assert "ios-token-mary-0001" in d.check("channel_address").evidence[0]
    assert "2024-12-31 00:00 UTC" in d.check("channel_address").evidence[0]


async def test_alan_unsubscribed_fails_with_the_welcome_email_and_without_a_template(creds, client):
    bare = await run_doctor(creds, client, "user_1003")
    assert verdicts(bare)["unsubscribed"] == Verdict.FAIL and [c.key for c in bare.failing] == ["unsubscribed"]
    welcome = await run_doctor(creds, client, "user_1003", template="1")
    check = welcome.check("unsubscribed")
    assert check.verdict == Verdict.FAIL and any("send_to_unsubscribed: false" in e for e in check.evidence)
    assert "unsubscribed to false" in check.fix
    # The password reset sends to unsubscribed people: it reaches him (a warning remains).
    reset = await run_doctor(creds, client, "user_1003", template="password_reset")
    assert verdicts(reset)["unsubscribed"] == Verdict.WARN and not reset.blocked


async def test_hedy_is_suppressed_by_the_email_provider_since_the_bounce(creds, client):
    d = await run_doctor(creds, client, "user_1008")
    esp = d.check("esp_suppression")
    assert esp.verdict == Verdict.FAIL and [c.key for c in d.failing] == ["esp_suppression"]
    assert "bounces since 2024-12-30 00:01 UTC" in esp.evidence[0] and "550 5.1.1" in esp.evidence[0]
    recent = d.check("recent_deliveries")
    assert recent.verdict == Verdict.WARN
    assert any("sbx-delivery-demo-0001" in e and "bounced" in e and "550" in e for e in recent.evidence)


async def test_barbara_topic_off_fails_for_the_welcome_email_and_warns_without_it(creds, client):
    d = await run_doctor(creds, client, "user_1009", template="welcome")
    topic = d.check("topic")
    assert topic.verdict == Verdict.FAIL and [c.key for c in d.failing] == ["topic"]
    assert any("cio_subscription_preferences.topics.topic_1 is false" in e for e in topic.evidence)
    assert "topic_1 to true" in topic.fix
    bare = await run_doctor(creds, client, "user_1009")
    assert verdicts(bare)["topic"] == Verdict.WARN and not bare.blocked
    # Offers is off by default: not something she turned off, so Mary-like people pass.
    reset = await run_doctor(creds, client, "user_1009", template="2")
    assert verdicts(reset)["topic"] == Verdict.PASS


async def test_linus_without_an_email_fails_the_channel_check(creds, client):
    d = await run_doctor(creds, client, "user_1007")
    assert [c.key for c in d.failing] == ["channel_address"]
    assert "no email" in d.check("channel_address").evidence[0]
    assert verdicts(d)["esp_suppression"] == Verdict.SKIP


async def test_a_shared_email_fails_listing_both_people(creds, client):
    d = await run_doctor(creds, client, "team@example.com", "email")
    identity = d.check("identity")
    assert identity.verdict == Verdict.FAIL and d.blocked
    text = "\n".join(identity.evidence)
    assert "sb000004" in text and "sb000005" in text and "user_1004" in text and "user_1005" in text
    assert "cio_id" in identity.fix
    assert {c.verdict for c in d.checks[1:]} == {Verdict.SKIP}


async def test_margaret_without_a_device_fails_for_push_and_passes_for_email(creds, client):
    push = await run_doctor(creds, client, "user_1010", channel="push")
    assert [c.key for c in push.failing] == ["channel_address"]
    assert "no device" in push.check("channel_address").evidence[0]
    email = await run_doctor(creds, client, "user_1010")
    assert not email.blocked


async def test_template_checks_name_a_missing_template_and_the_wrong_channel(creds, client):
    missing = await run_doctor(creds, client, "user_1011", template="no_such_template")
    assert verdicts(missing)["template"] == Verdict.FAIL
    assert "1 Welcome email" in missing.check("template").fix
    assert verdicts(missing)["liquid"] == Verdict.SKIP
    push_as_email = await run_doctor(creds, client, "user_1011", template="3")
    assert [c.key for c in push_as_email.failing] == ["template_channel"]
    assert "push message, not email" in push_as_email.check("template_channel").evidence[0]


async def test_liquid_names_what_the_profile_lacks(sandbox, creds, client):
    # The password reset reads customer.email with no default: Linus has none.
    d = await run_doctor(creds, client, "user_1007", template="password_reset")
    liquid = d.check("liquid")
    assert liquid.verdict == Verdict.WARN
    assert any(e.startswith("customer.email: not on the profile, renders blank") for e in liquid.evidence)
    assert not any(e.startswith("customer.first_name") and "blank" in e for e in liquid.evidence)  # defaulted
    # Mary has first_name: nothing is missing from her profile.
    mary = await run_doctor(creds, client, "user_1011", template="password_reset")
    assert mary.check("liquid").verdict == Verdict.PASS


async def test_a_refused_key_skips_the_checks_and_returns_the_explanation(sandbox, client):
    creds = from_env(sandbox_env(sandbox, CIO_APP_API_KEY="wrong-app-key"))
    d = await run_doctor(creds, client, "user_1011")
    assert d.explanation is not None and "401" in d.explanation.title
    assert d.failed is not None and d.failed.status == 401
    assert {c.verdict for c in d.checks} == {Verdict.SKIP} and not d.blocked and not d.complete
    assert "401" in d.check("identity").evidence[0]
    assert len(d.exchanges) == 1  # nothing more was read after the refusal
    assert len([r for r in sandbox.sandbox.requests if r["api"] == "app"]) == 1


async def test_a_read_cut_off_midway_names_the_checks_it_stopped(sandbox, creds, client):
    sandbox.sandbox.add_fault("/v1/customers/sb000011/messages", api="app", drop=True, times=None)
    d = await run_doctor(creds, client, "user_1011", policy=RetryPolicy(max_attempts=1))
    assert d.failed is not None and d.failed.response is None  # no answer: a network failure
    assert verdicts(d)["recent_deliveries"] == Verdict.SKIP
    assert verdicts(d)["esp_suppression"] == Verdict.PASS  # read before the cut
    assert "not checked: the messages read failed" in d.check("recent_deliveries").evidence[0]


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"channel": "fax"}, "channel"),
        ({"template": "  "}, "template"),
        ({"id_type": "phone"}, "id_type"),
    ],
)
async def test_bad_arguments_are_refused_before_any_read(sandbox, creds, client, kwargs, field):
    ident = kwargs.pop("identifier", "user_1011")
    id_type = kwargs.pop("id_type", "id")
    with pytest.raises(InvalidInput) as err:
        await run_doctor(creds, client, ident, id_type, **kwargs)
    assert err.value.problems[0].field == field
    assert not [r for r in sandbox.sandbox.requests if r["api"] == "app"]


async def test_a_blank_identifier_is_refused(sandbox, creds, client):
    with pytest.raises(InvalidInput) as err:
        await run_doctor(creds, client, "   ")
    assert err.value.problems[0].field == "identifier"


async def test_sms_needs_a_phone_attribute_in_e164(sandbox, creds, client):
    from console.people.edit import apply_edit, plan_edit
    from console.people.lookup import lookup_profile

    none = await run_doctor(creds, client, "user_1011", channel="sms")
    assert [c.key for c in none.failing] == ["channel_address"] and "no phone" in none.failing[0].evidence[0]
    for phone, verdict in (("555-1234", Verdict.FAIL), ("+15551234567", Verdict.PASS)):
        found = await lookup_profile(creds, client, "user_1011", with_segments=False)
        outcome = await apply_edit(plan_edit(found.profile, {"phone": phone}, creds), creds, client)
        assert outcome.applied
        d = await run_doctor(creds, client, "user_1011", channel="sms")
        assert d.check("channel_address").verdict == verdict, d.check("channel_address").evidence


def test_liquid_that_does_not_render_fails_naming_the_part():
    from console.diagnose.doctor import _liquid
    from console.people.model import Profile
    from console.transactional.templates import Template, Variant

    broken = Variant(1, "", subject="Hi {{ customer.first_name", body="<p>{% if %}</p>")
    check = _liquid(Template(9, "Broken"), [broken], Profile(cio_id="x1", attributes={"first_name": "A"}))
    assert check.verdict == Verdict.FAIL
    assert any(e.startswith("default subject:") for e in check.evidence)
    assert any(e.startswith("default body:") for e in check.evidence)


async def test_a_template_topic_the_preferences_do_not_list_is_a_warning(sandbox, creds, client, monkeypatch):
    with sandbox.sandbox.lock:
        template = sandbox.sandbox.state.templates[1]
    monkeypatch.setattr(template, "subscription_topic_id", 99)
    d = await run_doctor(creds, client, "user_1011", template="1")
    topic = d.check("topic")
    assert topic.verdict == Verdict.WARN and "topic 99" in topic.evidence[0]


async def test_a_failed_topics_read_skips_the_topic_check_rather_than_guessing(sandbox, creds, client):
    sandbox.sandbox.add_fault("/v1/subscription_topics", api="app", status=500, times=None)
    d = await run_doctor(creds, client, "user_1009", policy=RetryPolicy(max_attempts=1))
    assert verdicts(d)["topic"] == Verdict.SKIP and "500" in d.check("topic").evidence[0]
    assert d.failed is not None and d.failed.status == 500 and not d.complete
    assert "no read was made after the topics read failed" in d.check("recent_deliveries").evidence[0]
