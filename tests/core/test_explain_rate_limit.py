"""A final 429: not delivered, never re-sent for the user, and when they may send again."""

import email.utils
import time

from console.diagnose.explain import NOT_RESENT, explain, send_again_text
from tests.core.test_explain import CREDS, SEND, exchange


def test_a_final_429_says_it_was_not_delivered_and_not_re_sent():
    ex, action = exchange(*SEND, status=429, headers={"retry-after": "3"})
    e = explain(ex, action, CREDS)
    assert e.delivered == "no" and e.retry_after == 3.0
    assert "did not process the request" in e.cause and "asked to wait 3 s" in e.cause
    assert e.steps[0].startswith(NOT_RESENT) and "nothing is re-sent automatically" in e.text()
    assert e.send_again().startswith("You can send again in 3 s:")
    assert e.send_again(2.5).startswith("You can send again in 1 s:")
    assert e.send_again(10).startswith("You can send again now:")


def test_retry_after_as_an_http_date_and_missing():
    when = email.utils.formatdate(time.time() + 30, usegmt=True)
    ex, action = exchange(*SEND, status=429, headers={"retry-after": when})
    e = explain(ex, action, CREDS)
    assert e.retry_after is not None and 25 <= e.retry_after <= 30
    ex, action = exchange(*SEND, status=429)
    e = explain(ex, action, CREDS)
    assert e.retry_after is None and e.send_again() is None and e.steps[0].startswith(NOT_RESENT)


def test_send_again_text():
    tail = ": it was not delivered, and nothing is re-sent automatically."
    assert send_again_text(1) == "You can send again in 1 s" + tail
    assert send_again_text(0) == "You can send again now" + tail
