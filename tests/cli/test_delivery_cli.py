"""`send … --watch` and `delivery show`, against a sandbox on a real loopback socket.

The sandbox's clock is the console's fake clock (tests/fake_clock.py): each poll's wait
moves both on at once, so a delivery plays out over "seconds" that take no real time,
and the waits the watch asked for are checked instead of timed."""

from __future__ import annotations

import json
import re

import pytest

from console.sandbox import SandboxConfig, serve_in_thread
from tests.conftest import sandbox_env

MARY = {"id": "user_1011"}  # everything arrives (README's demo people)


@pytest.fixture
def timed(fake_clock):
    """timed(delay) -> a sandbox on loopback whose clock is the console's fake clock."""
    started = []

    def start(delay: float = 0.5):
        running = serve_in_thread(SandboxConfig(clock=fake_clock.wall, delivery_delay=delay))
        started.append(running)
        return running

    yield start
    for running in started:
        running.stop()


def watch(cli, running, action: str, data: dict, *extra: str):
    return cli("send", action, "--input", json.dumps(data), "--watch", *extra, env=sandbox_env(running))


def sends(running) -> list[dict]:
    return [r for r in running.sandbox.requests if r["method"] == "POST" and "/v1/send/" in r["path"]]


def reads(running) -> list[dict]:
    return [r for r in running.sandbox.requests if r["method"] == "GET" and "/v1/messages/" in r["path"]]


def email(to: str, **extra) -> dict:
    return {"transactional_message_id": 2, "to": to, **extra}


def test_watch_follows_an_email_to_delivered_and_exits_0(cli, timed, fake_clock):
    running = timed(0.5)
    r = watch(cli, running, "send-transactional-email", email("mary.jackson@example.com", identifiers=MARY))
    assert r.code == 0, r.err
    lines = r.out.splitlines()
    states = [line.split("  ")[-1] for line in lines if line.endswith(("queued", "sent", "delivered"))]
    assert states == ["queued", "sent", "delivered"]
    assert all(" UTC  " in line for line in lines if line.endswith(("queued", "sent", "delivered")))
    assert "delivered: delivered to mary.jackson@example.com" in r.out
    assert len(sends(running)) == 1  # followed by reads only
    # Within the App API's 10 requests/s: the watch waited at least a second between reads.
    assert fake_clock.slept and all(wait >= 1.0 for wait in fake_clock.slept)
    assert len(reads(running)) == len(fake_clock.slept) + 1


def test_watch_of_a_bounce_exits_1_with_the_failure_message(cli, timed):
    running = timed(0.5)
    r = watch(cli, running, "send-transactional-email", email("hedy@bounce.example.com"))
    assert r.code == 1, r.err
    assert r.out.splitlines()[-1].endswith("bounced")
    assert "failed: bounced: not received by hedy@bounce.example.com: 550 5.1.1" in r.err
    assert len(sends(running)) == 1


def test_watch_still_pending_at_the_time_limit_exits_3_and_says_it_may_still_arrive(cli, timed, fake_clock):
    running = timed(3600)
    r = watch(cli, running, "send-transactional-email", email("mary.jackson@example.com"), "--watch-timeout", "5")
    assert r.code == 3, r.err
    assert "unknown after 5 s" in r.err and "may still arrive" in r.err and "re-sent" in r.err
    assert re.search(r"`cio-console delivery show \S+` shows where it stands later", r.err), r.err
    assert [line.split("  ")[-1] for line in r.out.splitlines() if " UTC  " in line] == ["queued"]
    assert sum(fake_clock.slept) == pytest.approx(5)  # up to the limit, not past it
    assert len(sends(running)) == 1


def test_watch_json_is_one_object_with_the_send_and_every_change(cli, timed):
    running = timed(0.5)
    r = watch(
        cli,
        running,
        "send-push",
        {"transactional_message_id": 3, "identifiers": MARY, "message_data": {"order": {"id": "A1"}}},
        "--json",
    )
    assert r.code == 0, r.err
    data = r.json()
    assert data["status"] == 200 and data["watch"]["verdict"] == "success"
    assert [c["state"] for c in data["watch"]["changes"]] == ["queued", "sent", "delivered"]
    assert all(isinstance(c["at"], int) for c in data["watch"]["changes"])
    assert data["watch"]["delivery_id"] == data["body"]["delivery_id"]


def test_watch_of_a_push_to_a_person_without_a_device_exits_1(cli, timed):
    running = timed(0.5)
    r = watch(cli, running, "send-push", {"transactional_message_id": 3, "identifiers": {"id": "user_1010"}})
    assert r.code == 1
    assert "failed" in r.out.splitlines()[-1] and "no device" in r.err


def test_watch_an_sms_settles_delivered(cli, timed):
    running = timed(0.5)
    r = watch(cli, running, "send-sms", {"transactional_message_id": 2, "identifiers": MARY, "to": "+15551234567"})
    assert r.code == 0, r.err
    assert r.out.splitlines()[-2].endswith("delivered")


def test_a_404_right_after_the_send_is_read_again_not_a_failure(cli, timed):
    running = timed(0.5)
    running.sandbox.add_fault("/v1/messages/*", method="GET", status=404, times=2)
    r = watch(cli, running, "send-transactional-email", email("mary.jackson@example.com"))
    assert r.code == 0, r.err
    assert "not visible yet (404)" in r.err
    assert len(sends(running)) == 1


def test_a_lost_answer_while_watching_is_read_again_and_the_send_is_not_repeated(cli, timed):
    running = timed(0.5)
    running.sandbox.add_fault("/v1/messages/*", method="GET", drop=True, times=1)
    r = watch(cli, running, "send-transactional-email", email("mary.jackson@example.com"))
    assert r.code == 0, r.err
    assert len(sends(running)) == 1


def test_a_refused_read_ends_the_watch_with_1_and_says_the_send_went(cli, timed):
    running = timed(0.5)
    running.sandbox.add_fault("/v1/messages/*", method="GET", status=401, times=None)
    r = watch(cli, running, "send-transactional-email", email("mary.jackson@example.com"))
    assert r.code == 1
    assert "the send was accepted (not re-sent)" in r.err
    assert len(sends(running)) == 1


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (("send", "identify-customer", "-f", "customer_identifier=u1", "--watch"), "--watch follows a message"),
        (("send", "send-in-app", "-f", "transactional_message_id=1", "--watch"), "not send-in-app"),
        (
            ("send", "send-transactional-email", "-f", "to=a@example.com", "--watch-timeout", "5"),
            "--watch-timeout needs --watch",
        ),
        (
            ("send", "send-transactional-email", "-f", "to=a@example.com", "--watch", "--dry-run"),
            "--watch cannot go with --dry-run",
        ),
        (("send", "send-transactional-email", "-f", "to=a@example.com", "--watch", "--watch-timeout", "0"), "above 0"),
        (("send", "send-transactional-email", "-f", "to=a@example.com", "--watch", "--watch-timeout", "x"), "not a"),
    ],
)
def test_watch_input_errors_exit_2_and_send_nothing(cli, sandbox, args, says):
    r = cli(*args, env=sandbox_env(sandbox))
    assert r.code == 2
    assert says in r.err
    assert "Traceback" not in r.err
    assert sends(sandbox) == []


# -- delivery show ---------------------------------------------------------------------------
def _sent(cli, running, to: str) -> str:
    r = cli("send", "send-transactional-email", "--input", json.dumps(email(to)), "--json", env=sandbox_env(running))
    assert r.code == 0, r.err
    return r.json()["body"]["delivery_id"]


def test_delivery_show_prints_the_state_every_metric_with_its_time_and_the_failure(cli, timed, fake_clock):
    running = timed(0.5)
    delivery_id = _sent(cli, running, "hedy@bounce.example.com")
    fake_clock.advance(5)
    r = cli("delivery", "show", delivery_id, env=sandbox_env(running))
    assert r.code == 0, r.err
    assert f"Delivery {delivery_id}  (email)" in r.out
    assert "state:     bounced\n" in r.out
    assert "outcome:   bounced: not received by hedy@bounce.example.com: 550 5.1.1" in r.out
    metric_lines = [line.split() for line in r.out.splitlines() if line.startswith("  ") and line.endswith("UTC")]
    assert [m[0] for m in metric_lines if m[0] in ("sent", "bounced")] == ["sent", "bounced"]
    assert "Failure message: 550 5.1.1" in r.out
    assert "Archived content" not in r.out
    assert reads(running) and all(r["method"] == "GET" for r in reads(running))


def test_delivery_show_content_prints_the_archived_subject_and_the_body_as_text(cli, timed, fake_clock):
    running = timed(0.5)
    delivery_id = _sent(cli, running, "mary.jackson@example.com")
    fake_clock.advance(5)
    r = cli("delivery", "show", delivery_id, "--content", env=sandbox_env(running))
    assert r.code == 0, r.err
    assert "Subject:   Reset your Acme password" in r.out
    assert "Someone asked to reset the password for mary.jackson@example.com." in r.out
    assert "<p>" not in r.out  # as text, not HTML
    j = cli("delivery", "show", delivery_id, "--content", "--json", env=sandbox_env(running))
    data = j.json()
    assert data["delivery"]["state"] == "opened" and data["delivery"]["verdict"] == "success"
    assert data["content"]["subject"] == "Reset your Acme password" and "<p>" in data["content"]["body"]
    assert [m["name"] for m in data["delivery"]["metrics"]] == ["sent", "delivered", "opened"]


def test_delivery_show_content_of_a_message_never_sent_says_there_is_none(cli, timed, fake_clock):
    running = timed(0.5)
    # Alan is unsubscribed and the welcome email has send_to_unsubscribed false: never sent.
    r = cli(
        "send",
        "send-transactional-email",
        "--input",
        json.dumps({"transactional_message_id": 1, "identifiers": {"id": "user_1003"}, "to": "alan@example.com"}),
        "--json",
        env=sandbox_env(running),
    )
    delivery_id = r.json()["body"]["delivery_id"]
    fake_clock.advance(5)
    r = cli("delivery", "show", delivery_id, "--content", env=sandbox_env(running))
    assert r.code == 0
    assert "state:     undeliverable\n" in r.out and "unsubscribed" in r.out
    assert "Archived content: none." in r.out


def test_delivery_show_of_an_unknown_id_exits_1_with_a_clear_message(cli, sandbox):
    r = cli("delivery", "show", "no-such-delivery", env=sandbox_env(sandbox))
    assert r.code == 1
    assert "404 Not Found: no message for delivery 'no-such-delivery' in this workspace" in r.err
    assert "Traceback" not in r.err


@pytest.mark.parametrize(
    ("delivery_id", "says"),
    [("", "DELIVERY_ID is empty"), ("a b", "is not a delivery id"), ("x\x07", "is not a delivery id")],
)
def test_delivery_show_input_errors_exit_2_before_any_read(cli, sandbox, delivery_id, says):
    r = cli("delivery", "show", delivery_id, env=sandbox_env(sandbox))
    assert r.code == 2
    assert says in r.err
    assert not [q for q in sandbox.sandbox.requests if q["api"] == "app"]


def test_delivery_show_without_an_app_key_exits_2_and_never_prints_a_key(cli, sandbox):
    env = sandbox_env(sandbox, CIO_APP_API_KEY=None)
    env.pop("CIO_APP_API_KEY", None)
    r = cli("delivery", "show", "sbx-delivery-demo-0001", env=env)
    assert r.code == 2
    assert "App API key" in r.err
    assert "sandbox-track-key" not in r.out + r.err


def test_delivery_show_of_a_demo_delivery_over_the_network_failing_exits_3(cli, sandbox, fake_clock):
    # A read is repeated on a dropped connection: its backoff waits run on the fake clock.
    sandbox.sandbox.add_fault("/v1/messages/*", method="GET", drop=True, times=None)
    r = cli("delivery", "show", "sbx-delivery-demo-0001", env=sandbox_env(sandbox))
    assert r.code == 3
    assert "Traceback" not in r.err


def test_no_key_in_any_output_of_watch_or_show(cli, timed):
    from console.sandbox import DEMO_CREDENTIALS as demo

    running = timed(0.5)
    r = watch(cli, running, "send-transactional-email", email("mary.jackson@example.com"), "--json")
    s = cli("delivery", "show", r.json()["watch"]["delivery_id"], "--content", "--json", env=sandbox_env(running))
    for text in (r.out, r.err, s.out, s.err):
        assert demo.app_key not in text and demo.track_key not in text


# -- preview-email --compare -----------------------------------------------------------------
RESET = {"transactional_message_id": 2, "to": "mary.jackson@example.com", "identifiers": MARY}


def _sent_reset(cli, running, fake_clock, **message_data) -> str:
    data = RESET | {"message_data": message_data}
    r = cli("send", "send-transactional-email", "--input", json.dumps(data), "--json", env=sandbox_env(running))
    assert r.code == 0, r.err
    fake_clock.advance(5)  # sent, so archived
    return r.json()["body"]["delivery_id"]


def compare(cli, running, data: dict, delivery_id: str, *extra: str):
    args = ("preview-email", "--input", json.dumps(data), "--compare", delivery_id, *extra)
    return cli(*args, env=sandbox_env(running))


def test_compare_with_the_delivery_of_the_same_input_finds_no_difference(cli, timed, fake_clock):
    running = timed(0.5)
    delivery_id = _sent_reset(cli, running, fake_clock, reset_url="https://acme.example/r/1")
    r = compare(cli, running, RESET | {"message_data": {"reset_url": "https://acme.example/r/1"}}, delivery_id)
    assert r.code == 0, r.err
    assert f"Compared with delivery {delivery_id}" in r.out
    assert "Subject: same (Reset your Acme password)" in r.out and "Body: same text" in r.out
    assert "Empty in the preview: none" in r.out
    assert "--strict" not in r.err


def test_compare_names_the_body_difference_and_the_variable_that_came_out_empty(cli, timed, fake_clock):
    running = timed(0.5)
    delivery_id = _sent_reset(cli, running, fake_clock, reset_url="https://acme.example/r/1")
    # Mary's first name changed since the send; the preview is given no reset_url.
    cli(
        "send",
        "identify-customer",
        "--input",
        json.dumps({"customer_identifier": "user_1011", "traits": {"first_name": "Molly"}}),
        env=sandbox_env(running),
    )
    r = compare(cli, running, RESET, delivery_id)
    assert r.code == 0, r.err
    assert "Subject: same" in r.out
    assert "Body: differs (- the preview, + the delivery):" in r.out
    diff = [line.strip() for line in r.out.splitlines()]
    assert "-Hi Molly," in diff and "+Hi Mary," in diff
    assert "Empty in the preview (1): trigger.reset_url" in r.out
    j = compare(cli, running, RESET, delivery_id, "--json").json()["compare"]
    assert j["same"] is False and j["empty_variables"] == ["trigger.reset_url"]
    assert [p["name"] for p in j["parts"] if not p["same"]] == ["body"]
    strict = compare(cli, running, RESET, delivery_id, "--strict")
    assert strict.code == 1 and "differs from delivery" in strict.err


def test_compare_with_a_delivery_of_another_template_says_so(cli, timed, fake_clock):
    running = timed(0.5)
    delivery_id = _sent_reset(cli, running, fake_clock)
    welcome = {"transactional_message_id": 1, "to": "mary.jackson@example.com", "identifiers": MARY}
    r = compare(cli, running, welcome, delivery_id)
    assert "Subject: differs" in r.out
    assert "the delivery was sent with transactional message 2, the preview renders 1" in r.out


def test_compare_with_an_unknown_delivery_exits_1_and_a_bad_id_exits_2(cli, sandbox):
    r = compare(cli, sandbox, RESET, "no-such-delivery")
    assert r.code == 1
    assert "Not compared with delivery no-such-delivery" in r.err and "404 Not Found: no message" in r.err
    before = len(sandbox.sandbox.requests)
    bad = compare(cli, sandbox, RESET, "two words")
    assert bad.code == 2 and "--compare 'two words' is not a delivery id" in bad.err
    assert len(sandbox.sandbox.requests) == before  # nothing read: refused before
