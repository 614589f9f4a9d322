"""Retry rules: 429/503 honour Retry-After; sends and events are never re-sent blindly."""

import httpx

from console.actions.catalog import get_action
from console.actions.validation import validate
from console.wire.credentials import Credentials
from console.wire.exchange import Exchange, Failure
from console.wire.request import build_request
from console.wire.transport import RetryPolicy, make_client, parse_retry_after, perform

CREDS = Credentials(site_id="s", track_key="trackkey1", app_key="appkey1")
IDENTIFY = ("identify-customer", {"customer_identifier": "u1"})
SEND = ("send-transactional-email", {"transactional_message_id": "1", "to": "a@x.com"})


class Script:
    """A fake server answering from a list of responses or exceptions, counting calls."""

    def __init__(self, *steps):
        self.steps = list(steps)
        self.calls = 0

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.calls += 1
        step = self.steps.pop(0) if len(self.steps) > 1 else self.steps[0]
        if isinstance(step, Exception):
            raise step
        status, headers = step if isinstance(step, tuple) else (step, {})
        return httpx.Response(status, headers=headers, json={})


async def run(action, script, policy=RetryPolicy()) -> tuple[Exchange, list[float]]:
    action_id, data = action
    spec = validate(get_action(action_id), data)
    waits: list[float] = []

    async def sleep(seconds):
        waits.append(seconds)

    async with make_client(transport=httpx.MockTransport(script)) as client:
        ex = await perform(
            build_request(spec, CREDS), client, repeat_safe=spec.INFO.is_repeat_safe, policy=policy, sleep=sleep
        )
    return ex, waits


async def test_429_is_retried_after_retry_after_even_for_a_send():
    script = Script((429, {"Retry-After": "2"}), 200)
    ex, waits = await run(SEND, script)
    assert ex.ok and script.calls == 2 and waits == [2.0]
    assert ex.attempts[0].status == 429 and "Retry-After: 2" in ex.attempts[0].retry_reason
    assert ex.attempts[1].waited_s == 2.0


async def test_retries_are_bounded():
    script = Script((429, {"Retry-After": "1"}))
    ex, waits = await run(IDENTIFY, script, RetryPolicy(max_attempts=3))
    assert not ex.ok and ex.status == 429 and script.calls == 3 and waits == [1.0, 1.0]


async def test_retry_after_longer_than_the_bound_is_not_waited():
    script = Script((429, {"Retry-After": "3600"}), 200)
    ex, waits = await run(IDENTIFY, script)
    assert ex.status == 429 and script.calls == 1 and waits == []


async def test_503_with_retry_after_is_retried_and_500_on_a_send_is_not():
    ex, _ = await run(SEND, Script((503, {"Retry-After": "1"}), 200))
    assert ex.ok and len(ex.attempts) == 2
    script = Script(500, 200)
    ex, _ = await run(SEND, script)
    assert ex.status == 500 and script.calls == 1


async def test_server_errors_are_retried_for_idempotent_requests():
    script = Script(502, 200)
    ex, waits = await run(IDENTIFY, script)
    assert ex.ok and script.calls == 2 and waits == [0.5]


async def test_a_send_that_timed_out_is_not_resent_and_may_be_delivered():
    script = Script(httpx.ReadTimeout("timed out"), 200)
    ex, _ = await run(SEND, script)
    assert script.calls == 1
    assert ex.failure == Failure.READ_TIMEOUT and ex.delivered == "unknown"


async def test_an_event_whose_connection_dropped_is_not_resent():
    script = Script(httpx.RemoteProtocolError("Server disconnected"), 200)
    ex, _ = await run(("track-event", {"customer_identifier": "u", "event_name": "e"}), script)
    assert script.calls == 1 and ex.delivered == "unknown"


async def test_idempotent_request_is_retried_after_a_timeout():
    script = Script(httpx.ReadTimeout("timed out"), 200)
    ex, _waits = await run(IDENTIFY, script)
    assert ex.ok and script.calls == 2 and ex.attempts[0].failure == Failure.READ_TIMEOUT


async def test_dns_failures_are_never_retried():
    import socket

    err = httpx.ConnectError("[Errno -2] Name or service not known")
    err.__cause__ = socket.gaierror(-2, "Name or service not known")
    script = Script(err)
    ex, _ = await run(IDENTIFY, script)
    assert script.calls == 1 and ex.failure == Failure.DNS and ex.delivered == "no"


async def test_refused_connection_on_a_send_is_not_retried_and_not_delivered():
    err = httpx.ConnectError("All connection attempts failed")
    err.__cause__ = ConnectionRefusedError(111, "refused")
    script = Script(err, 200)
    ex, _ = await run(SEND, script)
    assert script.calls == 1 and ex.failure == Failure.REFUSED and ex.delivered == "no"


async def test_redirects_are_not_followed():
    location = {"Location": "https://track-eu.customer.io/api/v1/customers/u1"}
    script = Script((301, location), 200)
    ex, _ = await run(IDENTIFY, script)
    assert ex.status == 301 and script.calls == 1


def test_parse_retry_after():
    assert parse_retry_after("3") == 3.0
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412470) == 10.0
    assert parse_retry_after("soon") is None and parse_retry_after(None) is None


async def test_exchange_record_roundtrip_keeps_keys_masked():
    ex, _ = await run(IDENTIFY, Script(200))
    rec = ex.to_record()
    assert "trackkey1" not in str(rec)
    again = Exchange.from_record(rec)
    assert again.request.url == ex.request.url and again.status == 200
