"""The delivery core: the state a delivery's metrics add up to, and `follow`'s polling
(waits, the time limit, what is read again) on an injected clock — no real waiting."""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest

from console.people.deliveries import Delivery, FollowEnd, Verdict, follow
from console.wire.apis import API
from console.wire.credentials import Credentials

CREDS = Credentials(site_id="s", track_key="t", app_key="app-key-0001", urls={API.APP: "http://app.test"})


def message(metrics: dict, channel: str = "email", **extra) -> dict:
    return {"id": "d1", "type": channel, "metrics": metrics, "created": 100, **extra}


@pytest.mark.parametrize(
    ("metrics", "channel", "state", "verdict"),
    [
        ({}, "email", "queued", Verdict.PENDING),
        ({"sent": 101}, "email", "sent", Verdict.PENDING),  # an email may still bounce
        ({"sent": 101}, "in_app", "sent", Verdict.SUCCESS),  # no delivery receipts there
        ({"sent": 101}, "webhook", "sent", Verdict.SUCCESS),
        ({"sent": 101}, "twilio", "sent", Verdict.PENDING),
        ({"sent": 101, "delivered": 101, "opened": 101}, "email", "opened", Verdict.SUCCESS),  # same second
        ({"sent": 101, "bounced": 101}, "email", "bounced", Verdict.FAILURE),
        ({"sent": 101, "delivered": 102, "spammed": 103}, "email", "spammed", Verdict.SUCCESS),
        ({"undeliverable": 101}, "email", "undeliverable", Verdict.FAILURE),
        ({"dropped": 101}, "email", "dropped", Verdict.FAILURE),
        ({"failed": 101}, "push", "failed", Verdict.FAILURE),
        ({"drafted": 101}, "email", "drafted", Verdict.DRAFTED),
        # A failure outranks a later success-looking metric.
        ({"sent": 101, "bounced": 102, "opened": 103}, "email", "bounced", Verdict.FAILURE),
    ],
)
def test_the_state_and_verdict_come_from_the_metrics(metrics, channel, state, verdict):
    d = Delivery.from_json(message(metrics, channel))
    assert (d.state, d.verdict) == (state, verdict)


def test_metrics_are_in_the_order_they_happened_and_counts_are_kept_apart():
    d = Delivery.from_json(message({"opened": 103, "sent": 101, "delivered": 101, "human_opened": 2}))
    assert [m.name for m in d.metrics] == ["sent", "delivered", "opened"]
    assert [(m.name, m.count) for m in d.counts] == [("human_opened", 2)]


def test_a_state_field_is_used_only_before_any_metric():
    assert Delivery.from_json(message({}, state="scheduled")).state == "scheduled"
    assert Delivery.from_json(message({"sent": 1}, state="queued")).state == "sent"


class Script:
    """An App API that answers each GET /v1/messages/d1 with the next scripted answer."""

    def __init__(self, *answers) -> None:
        self.answers = list(answers)
        self.calls = 0

    def __call__(self, request: httpx.Request) -> httpx.Response:
        assert request.method == "GET" and request.url.path == "/v1/messages/d1"
        self.calls += 1
        answer = self.answers[min(self.calls, len(self.answers)) - 1]
        if isinstance(answer, int):
            return httpx.Response(answer, json={"meta": {"error": "nope"}})
        return httpx.Response(200, content=json.dumps({"message": answer}))


class Clock:
    def __init__(self) -> None:
        self.t = 0.0
        self.waits: list[float] = []

    def monotonic(self) -> float:
        return self.t

    async def sleep(self, seconds: float) -> None:
        self.waits.append(seconds)
        self.t += seconds


def run_follow(script: Script, clock: Clock, **kwargs):
    async def go():
        async with httpx.AsyncClient(transport=httpx.MockTransport(script)) as client:
            return [
                e async for e in follow(CREDS, client, "d1", sleep=clock.sleep, monotonic=clock.monotonic, **kwargs)
            ]

    return asyncio.run(go())


def test_follow_yields_each_new_metric_with_its_time_then_the_end():
    script = Script(
        message({}),
        message({"sent": 101}),
        message({"sent": 101}),
        message({"sent": 101, "delivered": 102}),
    )
    clock = Clock()
    events = run_follow(script, clock, timeout=60)
    assert [(e.kind, e.state, e.at) for e in events[:-1]] == [
        ("state", "queued", 100),
        ("state", "sent", 101),
        ("state", "delivered", 102),
    ]
    end = events[-1]
    assert end.kind == "end" and end.end == FollowEnd.SETTLED and end.verdict == Verdict.SUCCESS
    assert script.calls == 4
    assert clock.waits == [1.0, 1.5, 2.25]  # a second, growing: far under 10 reads/s


def test_follow_waits_grow_up_to_the_cap_and_stop_at_the_time_limit():
    clock = Clock()
    script = Script(message({"sent": 101}))
    events = run_follow(script, clock, timeout=30, max_wait=4)
    assert events[-1].end == FollowEnd.TIME_LIMIT and events[-1].verdict == Verdict.PENDING
    assert "may still arrive" in events[-1].detail
    assert max(clock.waits) == 4 and sum(clock.waits) == pytest.approx(30)
    assert all(w >= 1.0 for w in clock.waits[:-1])
    assert script.calls == len(clock.waits) + 1  # one last read at the limit


def test_a_404_right_after_a_send_is_read_again_and_said_once():
    clock = Clock()
    script = Script(404, 404, 404, message({"sent": 1, "delivered": 2}))
    events = run_follow(script, clock, timeout=60)
    retries = [e for e in events if e.kind == "retry"]
    assert [e.detail for e in retries] == ["not visible yet (404); reading again"]
    assert events[-1].verdict == Verdict.SUCCESS


def test_a_404_that_lasts_after_a_send_is_unknown_not_a_failure():
    clock = Clock()
    events = run_follow(Script(404), clock, timeout=5)
    assert events[-1].end == FollowEnd.TIME_LIMIT and "not visible" in events[-1].detail


def test_a_404_for_a_delivery_not_just_sent_ends_the_follow_at_once():
    clock = Clock()
    events = run_follow(Script(404), clock, timeout=60, just_sent=False)
    assert events[-1].end == FollowEnd.READ_FAILED and clock.waits == []
    assert "404 Not Found: no message for delivery 'd1'" in events[-1].explanation.title


def test_a_503_is_read_again_and_a_401_ends_it(fake_clock):  # the transport's own retry waits too
    clock = Clock()
    events = run_follow(Script(503, message({"sent": 1, "bounced": 2})), clock, timeout=60)
    assert events[-1].verdict == Verdict.FAILURE
    events = run_follow(Script(401), Clock(), timeout=60)
    assert events[-1].end == FollowEnd.READ_FAILED
