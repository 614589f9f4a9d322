"""Rate limits per API (as each API's OpenAPI states them) and what a user may ask for."""

import pytest

from console.actions.catalog import all_actions, get_action
from console.batch.limits import RateError, choose_rate, limit_for
from console.cli.words import CLI_WORDS
from screens.words import UI_WORDS

REAL = "https://track.customer.io"
LOOP = "http://127.0.0.1:8765/track-us"


def test_defaults_follow_the_documented_limits():
    assert limit_for(get_action("identify-customer")).default == 1000
    assert limit_for(get_action("send-transactional-email")).default == 100
    assert limit_for(get_action("send-push")).default == 100
    pipelines = [a for a in all_actions().values() if a.INFO.api.value == "pipelines"]
    assert pipelines and all(limit_for(a).maximum == 1000 for a in pipelines)


def test_lower_rates_are_taken_and_higher_ones_refused_with_the_limit_named():
    action = get_action("send-transactional-email")
    assert choose_rate(action, "20", "https://api.customer.io") == 20.0
    with pytest.raises(RateError, match=r"100 transactional sends/s") as refused:
        choose_rate(action, "150", "https://api.customer.io")
    assert "at most --rate 100" in CLI_WORDS.render(str(refused.value))  # each face names its control
    assert "at most Rate 100" in UI_WORDS.render(str(refused.value))
    with pytest.raises(RateError, match="more than 0"):
        choose_rate(action, "-1", "https://api.customer.io")
    with pytest.raises(RateError, match="number of requests per second"):
        choose_rate(action, "fast", "https://api.customer.io")


def test_no_limit_is_only_for_loopback():
    action = get_action("identify-customer")
    assert choose_rate(action, "unlimited", LOOP) is None
    assert choose_rate(action, "5000", LOOP) == 5000.0
    with pytest.raises(RateError, match="only for the offline sandbox"):
        choose_rate(action, "unlimited", REAL)
