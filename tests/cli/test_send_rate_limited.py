"""`send` still rate limited after its retries: the same words the console shows."""

import json

from tests.conftest import sandbox_env

EMAIL = {"transactional_message_id": "1", "to": "ada.lovelace@example.com"}


def test_a_send_429_to_the_end_is_not_resent_and_says_when_to_send_again(cli, sandbox):
    sandbox.sandbox.add_fault("/v1/send/email", status=429, retry_after=0, times=3)
    sandbox.sandbox.add_fault("/v1/send/email", status=429, retry_after=5, times=None)
    result = cli("send", "send-transactional-email", "--input", json.dumps(EMAIL), env=sandbox_env(sandbox))
    assert result.code == 1, result.err
    assert "rate limited by the App API after 4 attempts" in result.err
    assert "It was not delivered, and nothing is re-sent automatically" in result.err
    assert result.err.rstrip().endswith(
        "You can send again in 5 s: it was not delivered, and nothing is re-sent automatically."
    )
    assert [r["status"] for r in sandbox.sandbox.requests] == [429] * 4
    assert len(sandbox.sandbox.state.deliveries) == 0  # nothing was delivered
