"""`cio-console doctor` and `profile activity|messages` against the sandbox on loopback.

Each demo story gets its verdict, and a person made with `send` alone, given the same state,
gets the same verdicts; exit codes 0/1/2/3 hold, and --json is one object with no secret."""

from __future__ import annotations

import json

import pytest

from console.sandbox import DEMO_CREDENTIALS
from tests.cli.conftest import api_requests
from tests.conftest import sandbox_env

SECRETS = (DEMO_CREDENTIALS.app_key, DEMO_CREDENTIALS.track_key)


@pytest.fixture
def doctor(cli, sandbox):
    def run(*args: str, **env: str):
        return cli("doctor", *args, env=sandbox_env(sandbox, **env))

    return run


@pytest.fixture
def profile(cli, sandbox):
    def run(*args: str, **env: str):
        return cli("profile", *args, env=sandbox_env(sandbox, **env))

    return run


def verdicts(result) -> dict[str, str]:
    data = result.json()
    assert isinstance(data, dict) and not any(s in result.out + result.err for s in SECRETS)
    return {c["key"]: c["verdict"] for c in data["checks"]}


def no_secrets(result) -> None:
    for secret in SECRETS:
        assert secret not in result.out and secret not in result.err


# --- the demo stories --------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "code", "failing"),
    [
        (["user_1003"], 1, ["unsubscribed"]),  # Alan
        (["user_1003", "--template", "1"], 1, ["unsubscribed"]),
        (["user_1008"], 1, ["esp_suppression"]),  # Hedy
        (["user_1009", "--template", "welcome"], 1, ["topic"]),  # Barbara
        (["user_1009"], 0, []),  # a topic off is a warning without the template
        (["user_1007"], 1, ["channel_address"]),  # Linus
        (["team@example.com"], 1, ["identity"]),
        (["user_1010", "--channel", "push"], 1, ["channel_address"]),  # Margaret
        (["user_1011"], 0, []),  # Mary
        (["user_1011", "--template", "order_shipped", "--channel", "push"], 0, []),
    ],
)
def test_each_demo_story_gets_its_verdict(doctor, args, code, failing):
    result = doctor(*args)
    assert result.code == code, (result.out, result.err)
    last = result.out.strip().splitlines()[-1]
    assert last.startswith("Verdict: ")
    if failing:
        assert "BLOCKED" in last and all(key in last for key in failing)
        for key in failing:
            assert any(line.startswith("FAIL") and f"[{key}]" in line for line in result.out.splitlines())
    else:
        assert "NOTHING BLOCKS" in last and "\nFAIL" not in result.out
    as_json = doctor(*args, "--json")
    assert as_json.code == code
    found = verdicts(as_json)
    assert sorted(k for k, v in found.items() if v == "fail") == sorted(failing)


def test_a_run_shows_evidence_and_fixes(doctor):
    result = doctor("user_1008")
    assert "bounces since 2024-12-30 00:01 UTC" in result.out
    assert "sbx-delivery-demo-0001" in result.out and "550 5.1.1" in result.out
    assert "Fix: " in result.out and "Traceback" not in result.err
    mary = doctor("user_1011")
    assert mary.out.strip().splitlines()[-1] == "Verdict: NOTHING BLOCKS delivery: every check passed"
    assert mary.out.count("\nPASS") == 6


def test_the_shared_email_lists_both_people_with_their_ids(doctor):
    result = doctor("team@example.com")
    for text in ("sb000004", "sb000005", "user_1004", "user_1005"):
        assert text in result.out
    data = doctor("team@example.com", "--json").json()
    assert data["checks"][0]["key"] == "identity" and data["blocked"] is True


# --- the same stories, made with `send` alone -----------------------------------------


def identify(send, person: str, traits: dict) -> None:
    result = send("identify-customer", {"customer_identifier": person, "traits": traits})
    assert result.code == 0, result.err


@pytest.fixture
def instant_deliveries(sandbox, monkeypatch):
    """Deliveries settle when sent (the sandbox's --delivery-delay 0), so a bounce is there at once."""
    monkeypatch.setattr(sandbox.sandbox.config, "delivery_delay", 0)


def test_made_unsubscribed_person_fails_as_alan(send, doctor):
    identify(send, "made_alan", {"email": "made.alan@example.com", "first_name": "A", "unsubscribed": True})
    for extra in ([], ["--template", "1"], ["--template", "password_reset"]):
        assert verdicts(doctor("made_alan", "--json", *extra)) == verdicts(doctor("user_1003", "--json", *extra))
    assert doctor("made_alan").code == 1 and doctor("made_alan", "--template", "2").code == 0


def test_made_topic_off_person_fails_as_barbara(send, doctor):
    identify(
        send,
        "made_barbara",
        {"email": "made.barbara@example.com", "cio_subscription_preferences.topics.topic_1": False},
    )
    with_template = verdicts(doctor("made_barbara", "--json", "--template", "welcome"))
    assert with_template == verdicts(doctor("user_1009", "--json", "--template", "welcome"))
    assert with_template["topic"] == "fail"
    without = verdicts(doctor("made_barbara", "--json"))
    assert without == verdicts(doctor("user_1009", "--json")) and without["topic"] == "warn"


def test_made_bounced_person_fails_as_hedy(send, doctor, instant_deliveries):
    identify(send, "made_hedy", {"email": "made.hedy@bounce.example.com"})
    before = verdicts(doctor("made_hedy", "--json"))
    assert before["esp_suppression"] == "pass"  # nothing has bounced yet
    sent = send(
        "send-transactional-email",
        {
            "transactional_message_id": 2,
            "to": "made.hedy@bounce.example.com",
            "identifiers": {"id": "made_hedy"},
            "message_data": {"reset_url": "https://example.com/r"},
        },
    )
    assert sent.code == 0, sent.err
    after = doctor("made_hedy", "--json")
    assert verdicts(after) == verdicts(doctor("user_1008", "--json"))
    assert after.code == 1
    recent = next(c for c in after.json()["checks"] if c["key"] == "recent_deliveries")
    assert any("bounced" in e and "550 5.1.1" in e for e in recent["evidence"])


def test_made_person_without_email_fails_as_linus(send, doctor):
    identify(send, "made_linus", {"first_name": "L"})
    assert verdicts(doctor("made_linus", "--json")) == verdicts(doctor("user_1007", "--json"))


def test_a_taken_email_makes_no_second_person_so_the_doctor_finds_one(send, doctor):
    # Track identify cannot make the demo pair: an unknown id with a taken email updates the
    # person who has it (Customer.io's "reusing an email" rule, which the sandbox follows), so
    # two people sharing an email come only from the demo data (or an import).
    identify(send, "made_pair_1", {"email": "pair@example.com"})
    identify(send, "made_pair_2", {"email": "pair@example.com"})
    shared = doctor("pair@example.com", "--json")
    assert verdicts(shared)["identity"] == "pass" and "made_pair_1" in shared.json()["checks"][0]["evidence"][0]
    second = doctor("made_pair_2", "--json")
    assert verdicts(second)["identity"] == "fail" and second.code == 1
    assert "no person with id 'made_pair_2'" in second.json()["checks"][0]["evidence"][0]


def test_made_push_user_without_a_device_fails_as_margaret(send, doctor):
    identify(send, "made_margaret", {"email": "made.margaret@example.com"})
    made = doctor("made_margaret", "--json", "--channel", "push")
    assert verdicts(made) == verdicts(doctor("user_1010", "--json", "--channel", "push"))
    assert made.code == 1
    added = send("add-device", {"customer_identifier": "made_margaret", "device_id": "tok-made-1", "platform": "ios"})
    assert added.code == 0, added.err
    assert doctor("made_margaret", "--channel", "push").code == 0


def test_made_person_whose_messages_arrive_passes_as_mary(send, doctor, instant_deliveries):
    identify(send, "made_mary", {"email": "made.mary@example.com", "first_name": "M"})
    sent = send(
        "send-transactional-email",
        {"transactional_message_id": 1, "to": "made.mary@example.com", "identifiers": {"id": "made_mary"}},
    )
    assert sent.code == 0
    result = doctor("made_mary", "--json")
    assert verdicts(result) == verdicts(doctor("user_1011", "--json"))
    assert result.code == 0 and set(verdicts(result).values()) == {"pass"}


# --- profile activity / messages ------------------------------------------------------


def test_activity_says_the_retention_and_all_follows_every_page(profile):
    one = profile("activity", "user_1011", "--limit", "2")
    assert one.code == 0 and "Customer.io keeps 30 days" in one.out and "More remain" in one.out
    assert len([ln for ln in one.out.splitlines() if ln.startswith("  2")]) == 2
    whole = profile("activity", "user_1011", "--limit", "100", "--json").json()
    paged = profile("activity", "user_1011", "--limit", "2", "--all", "--json").json()
    assert paged["retention_days"] == 30 and paged["complete"] and paged["next"] is None
    assert [a["id"] for a in paged["activities"]] == [a["id"] for a in whole["activities"]]
    assert paged["pages"] == (len(whole["activities"]) + 1) // 2 >= 2


def test_activity_all_stops_at_the_bound_and_says_more_remain(profile, monkeypatch):
    import console.cli.story_cmd as story_cmd

    monkeypatch.setattr(story_cmd, "MAX_PAGES", 2)
    text = profile("activity", "user_1011", "--limit", "1", "--all")
    assert text.code == 0 and "Stopped after 2 pages (the bound): more remain." in text.out
    data = profile("activity", "user_1011", "--limit", "1", "--all", "--json").json()
    assert len(data["activities"]) == 2 and data["next"] and not data["complete"]


def test_activity_filters_by_type(profile):
    data = profile("activity", "user_1011", "--type", "opened_email", "--json").json()
    assert data["activities"] and {a["type"] for a in data["activities"]} == {"opened_email"}


def test_messages_show_state_channel_failure_and_the_delivery_id(profile):
    result = profile("messages", "user_1008")
    assert result.code == 0
    line = next(ln for ln in result.out.splitlines() if "sbx-delivery-demo-0001" in ln)
    for text in ("bounced", "email", "2024-12-30 00:01 UTC", "to hedy.lamarr@bounce.example.com", "550 5.1.1"):
        assert text in line
    assert "delivery show" in result.out


def test_messages_paginate(profile):
    whole = profile("messages", "user_1011", "--json").json()
    assert len(whole["messages"]) == 2
    first = profile("messages", "user_1011", "--limit", "1", "--json").json()
    assert len(first["messages"]) == 1 and first["next"] and not first["complete"]
    paged = profile("messages", "user_1011", "--limit", "1", "--all", "--json").json()
    assert [m["id"] for m in paged["messages"]] == [m["id"] for m in whole["messages"]] and paged["pages"] == 2


@pytest.mark.parametrize("sub", ["activity", "messages"])
def test_a_shared_email_lists_the_people_and_exits_2_as_profile_show(profile, sub):
    result = profile(sub, "team@example.com")
    shown = profile("show", "team@example.com")
    assert result.code == shown.code == 2
    assert "sb000004" in result.err and "sb000005" in result.err
    as_json = profile(sub, "team@example.com", "--json")
    assert as_json.code == 2 and len(as_json.json()["matches"]) == 2


# --- exit codes -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["doctor", "user_1011", "--channel", "fax"], "--channel"),
        (["doctor", "   "], "identifier must not be blank"),
        (["doctor", "user_1011", "--template", " "], "template must not be blank"),
        (["doctor", "user_1011", "--id-type", "phone"], "--id-type"),
        (["profile", "activity", "user_1011", "--limit", "0"], "--limit: must be from 1 to 100 (got 0)"),
        (["profile", "activity", "user_1011", "--limit", "101"], "--limit: must be from 1 to 100 (got 101)"),
        (["profile", "activity", "user_1011", "--limit", "ten"], "--limit: 'ten' is not a whole number"),
        (["profile", "messages", "user_1011", "--limit", "1001"], "--limit: must be from 1 to 1000 (got 1001)"),
        (["profile", "activity", "  "], "identifier must not be blank"),
        (["profile", "messages", ""], "identifier must not be blank"),
    ],
)
def test_invalid_input_exits_2_naming_it_and_sends_nothing(cli, sandbox, args, named):
    result = cli(*args, env=sandbox_env(sandbox))
    assert result.code == 2, (result.out, result.err)
    assert named in result.err and "Traceback" not in result.err
    assert not api_requests(sandbox, "app")


@pytest.mark.parametrize(
    "args", [["doctor", "user_1011"], ["profile", "activity", "user_1011"], ["profile", "messages", "user_1011"]]
)
def test_an_unreachable_app_api_exits_3(cli, sandbox, fake_clock, args):
    result = cli(*args, env=sandbox_env(sandbox, CIO_APP_URL="http://127.0.0.1:1/app-us"))
    assert result.code == 3, (result.out, result.err)
    assert "Network failure" in result.err and "Traceback" not in result.err
    no_secrets(result)


def test_a_read_cut_off_names_the_check_it_stopped_and_exits_3(doctor, sandbox, fake_clock):
    sandbox.sandbox.add_fault("/v1/esp/search_suppression/*", api="app", drop=True, times=None)
    result = doctor("user_1011", "--json")
    assert result.code == 3
    data = result.json()
    skipped = [c["key"] for c in data["checks"] if c["verdict"] == "skip"]
    assert skipped == ["esp_suppression", "recent_deliveries"]
    assert data["complete"] is False and data["explanation"]["title"].startswith("Network failure")
    text = doctor("user_1011")
    assert text.code == 3 and "SKIP  The email provider" in text.out and "INCOMPLETE" in text.out


def test_a_refused_key_is_explained_with_exit_1_and_no_secret(doctor):
    result = doctor("user_1011", "--json", CIO_APP_API_KEY="not-the-app-key")
    assert result.code == 1
    data = json.loads(result.out)
    assert data["explanation"]["title"].startswith("401") and "401" in result.err
    assert "not-the-app-key" not in result.out + result.err
    no_secrets(result)


def test_activity_with_a_refused_key_exits_1(profile):
    result = profile("activity", "user_1011", CIO_APP_API_KEY="not-the-app-key")
    assert result.code == 1 and "401" in result.err and "not-the-app-key" not in result.err


def test_without_an_app_key_the_doctor_exits_2(cli, sandbox):
    env = sandbox_env(sandbox)
    env.pop("CIO_APP_API_KEY")
    result = cli("doctor", "user_1011", env=env)
    assert result.code == 2 and "App API key" in result.err
    assert not api_requests(sandbox, "app")


@pytest.mark.parametrize(
    "args",
    [["doctor", "u\udcff"], ["doctor", "user_1011", "--template", "w\udcff"], ["profile", "activity", "u\udcff"]],
)
def test_an_id_that_is_not_utf8_is_refused(cli, sandbox, args):
    result = cli(*args, env=sandbox_env(sandbox))
    assert result.code == 2 and "UTF-8" in result.err and not api_requests(sandbox, "app")


@pytest.mark.parametrize("ident", ["a/b?c=d", "ünï cödé", "x" * 2000, "%2F..%2F"])
def test_odd_identifiers_are_looked_up_as_typed_and_not_found(cli, sandbox, ident):
    for args in (["doctor", ident], ["profile", "messages", ident]):
        result = cli(*args, env=sandbox_env(sandbox))
        assert result.code == 1, (args, result.out, result.err)
        assert "Traceback" not in result.err
    assert all(
        r["path"].startswith("/v1/customers/") and r["path"].count("/") == 4 for r in api_requests(sandbox, "app")
    )


def test_the_readme_doctor_run_is_what_the_demo_sandbox_prints(doctor):
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    start = readme.index("$ cio-console doctor user_1008\n") + len("$ cio-console doctor user_1008\n")
    shown = readme[start : readme.index("$ echo $?\n1\n", start)]
    result = doctor("user_1008")
    assert result.code == 1 and result.out == shown, "paste the real output into README.md"
