"""`cio-console send` against the sandbox on a real loopback port: every action's happy
path, each error status explained, and what the sandbox actually received."""

import json

import pytest

from console.sandbox import DEMO_CREDENTIALS as DEMO
from console.sandbox import SandboxConfig, serve_in_thread
from tests.conftest import sandbox_env


def wait_for(probe, timeout=10.0):
    """Poll until probe() is truthy (state changes on the server's thread)."""
    import time

    deadline = time.monotonic() + timeout
    while not (value := probe()) and time.monotonic() < deadline:
        time.sleep(0.05)
    return value


HAPPY = [
    (
        "identify-customer",
        {"customer_identifier": "new user/1", "traits": {"plan": "premium", "first_name": "Zoë"}},
        "PUT",
        "/api/v1/customers/new%20user%2F1",
    ),
    (
        "track-event",
        {
            "customer_identifier": "user_1001",
            "event_name": "purchased",
            "event_properties": {"price": 29.99},
            "timestamp": 1700000000,
        },
        "POST",
        "/api/v1/customers/user_1001/events",
    ),
    ("track-anonymous", {"anonymous_id": "anon_abc123", "event_name": "viewed_pricing"}, "POST", "/api/v1/events"),
    (
        "add-device",
        {
            "customer_identifier": "user_1001",
            "device_id": "tok-new",
            "platform": "android",
            "attributes": {"app_version": "1.0.0"},
        },
        "PUT",
        "/api/v1/customers/user_1001/devices",
    ),
    (
        "delete-device",
        {"customer_identifier": "user_1001", "device_token": "ios-token-ada-0001"},
        "DELETE",
        "/api/v1/customers/user_1001/devices/ios-token-ada-0001",
    ),
    ("suppress-customer", {"customer_identifier": "user_1007"}, "POST", "/api/v1/customers/user_1007/suppress"),
    ("unsuppress-customer", {"customer_identifier": "user_1007"}, "POST", "/api/v1/customers/user_1007/unsuppress"),
    (
        "merge-customers",
        {
            "primary_identifier_type": "id",
            "primary_identifier": "user_1001",
            "secondary_identifier_type": "email",
            "secondary_identifier": "katherine.johnson@example.com",
        },
        "POST",
        "/api/v1/merge_customers",
    ),
    (
        "destroy-customer",
        {"customer_identifier": "alan.turing@example.com"},
        "DELETE",
        "/api/v1/customers/alan.turing%40example.com",
    ),
    (
        "send-transactional-email",
        {
            "transactional_message_id": "welcome",
            "to": "ada.lovelace@example.com",
            "message_data": {"items": [{"name": "Socks"}]},
        },
        "POST",
        "/v1/send/email",
    ),
    (
        "send-push",
        {"transactional_message_id": "3", "identifiers": {"id": "user_1002"}, "message_data": {"order": {"id": "A-1"}}},
        "POST",
        "/v1/send/push",
    ),
]


@pytest.mark.parametrize("action,data,method,path", HAPPY, ids=[h[0] for h in HAPPY])
def test_every_action_happy_path(cli, sandbox, action, data, method, path):
    dry = cli("send", action, "--input", json.dumps(data), "--dry-run", env=sandbox_env(sandbox))
    assert dry.code == 0, dry.err
    previewed = dry.json()

    result = cli("send", action, "--input", json.dumps(data), env=sandbox_env(sandbox))
    assert result.code == 0, result.err
    assert result.out.startswith("200 OK")

    (received,) = sandbox.sandbox.requests
    assert (received["method"], received["path"]) == (method, path)
    assert received["status"] == 200 and received["auth"]["valid"]
    assert received["body"] == (previewed["body"] if previewed["body"] is not None else received["body"])
    assert previewed["url"].endswith(path)


def test_identify_then_state_reflects_it(cli, sandbox):
    data = {"customer_identifier": "user_1001", "traits": {"plan": "enterprise", "city": None}}
    assert cli("send", "identify-customer", "--input", json.dumps(data), env=sandbox_env(sandbox)).code == 0
    ada = sandbox.sandbox.state.by_id("user_1001")
    assert ada.attributes["plan"] == "enterprise" and "city" not in ada.attributes


def test_send_email_fills_identifiers_from_to(cli, sandbox):
    data = {"transactional_message_id": "1", "to": "grace.hopper@example.com"}
    result = cli("send", "send-transactional-email", "--input", json.dumps(data), "--json", env=sandbox_env(sandbox))
    assert result.code == 0, result.err
    assert result.json()["body"]["delivery_id"]
    assert "identifiers filled from To" in result.err
    assert sandbox.sandbox.requests[0]["body"]["identifiers"] == {"email": "grace.hopper@example.com"}


# ---- errors -----------------------------------------------------------------------


def test_401_track_action_with_the_app_key(cli, sandbox):
    env = sandbox_env(sandbox, CIO_TRACK_API_KEY=DEMO.app_key)
    result = cli("send", "identify-customer", "-f", "customer_identifier=user_1001", env=env)
    assert result.code == 1
    assert "401 Unauthorized: the Track API rejected the Site ID + Track API key" in result.err
    # Both keys are set and identical: the console names exactly that.
    assert "The Track API key is the same as the App API key" in result.err
    assert DEMO.app_key not in result.out + result.err
    # Without the App key to compare against, it lists the likely causes.
    env["CIO_APP_API_KEY"] = ""
    result = cli("send", "identify-customer", "-f", "customer_identifier=user_1001", env=env)
    assert result.code == 1 and "App API key pasted as the Track key" in result.err


def test_401_app_action_with_the_track_key(cli, sandbox):
    env = sandbox_env(sandbox, CIO_APP_API_KEY=DEMO.track_key)
    data = {"transactional_message_id": "1", "to": "ada.lovelace@example.com"}
    result = cli("send", "send-transactional-email", "--input", json.dumps(data), env=env)
    assert result.code == 1
    assert "the App API rejected the App API key" in result.err
    assert "same as the Track API key" in result.err
    env["CIO_TRACK_API_KEY"] = ""
    result = cli("send", "send-transactional-email", "--input", json.dumps(data), env=env)
    assert "Track API key used where Send Transactional Email needs the App API key" in result.err
    assert len(sandbox.sandbox.state.deliveries) == 0


@pytest.fixture(scope="module")
def eu_sandbox():
    with serve_in_thread(SandboxConfig(region="eu")) as running:
        yield running


def test_us_environment_against_an_eu_workspace_is_a_region_redirect(cli, eu_sandbox):
    eu_sandbox.sandbox.reset()
    result = cli(
        "send", "identify-customer", "-f", "customer_identifier=user_1001", env=sandbox_env(eu_sandbox, region="us")
    )
    assert result.code == 1
    assert result.out.startswith("301")
    assert "these credentials belong to an EU workspace" in result.err
    assert "--region eu" in result.err
    # Not followed: only the one request reached the sandbox.
    assert len(eu_sandbox.sandbox.requests) == 1


def test_eu_environment_against_a_us_workspace_is_401_mentioning_the_region(cli, sandbox):
    result = cli(
        "send", "identify-customer", "-f", "customer_identifier=user_1001", env=sandbox_env(sandbox, region="eu")
    )
    assert result.code == 1
    assert "401" in result.out and "The region is set to EU" in result.err


def test_400_names_the_offending_field(cli, sandbox):
    # A rule only the server checks: _timestamp must be an integer.
    data = {"customer_identifier": "user_1001", "traits": {"_timestamp": "yesterday"}}
    result = cli("send", "identify-customer", "--input", json.dumps(data), env=sandbox_env(sandbox))
    assert result.code == 1
    assert result.out.startswith("400")
    assert "Field: traits" in result.err and "_timestamp" in result.err


def test_attribute_over_the_value_limit_is_refused_before_sending(cli, sandbox):
    data = {"customer_identifier": "user_1001", "traits": {"bio": "x" * 1001}}
    result = cli("send", "identify-customer", "--input", json.dumps(data), env=sandbox_env(sandbox))
    assert result.code == 2 and "attribute 'bio' is 1001 bytes" in result.err
    assert sandbox.sandbox.requests == []


def test_422_names_the_offending_field(cli, sandbox):
    data = {"transactional_message_id": "1", "to": "ada.lovelace@example.com", "send_at": 4102444800}
    result = cli("send", "send-transactional-email", "--input", json.dumps(data), env=sandbox_env(sandbox))
    assert result.code == 1
    assert result.out.startswith("422")
    assert "Field: send_at" in result.err


def test_404_unknown_template(cli, sandbox):
    data = {"transactional_message_id": "99", "to": "ada.lovelace@example.com"}
    result = cli("send", "send-transactional-email", "--input", json.dumps(data), env=sandbox_env(sandbox))
    assert result.code == 1 and result.out.startswith("404")
    assert "no such transactional message" in result.err and "Field: transactional_message_id" in result.err


def test_429_is_retried_then_succeeds(cli, sandbox, fake_clock):
    sandbox.sandbox.add_fault("/v1/send/email", status=429, retry_after=1, times=1)
    data = {"transactional_message_id": "1", "to": "ada.lovelace@example.com"}
    result = cli("send", "send-transactional-email", "--input", json.dumps(data), env=sandbox_env(sandbox))
    assert result.code == 0, result.err
    assert "retry: attempt 1 got 429" in result.err and "Retry-After: 1" in result.err
    statuses = [r["status"] for r in sandbox.sandbox.requests]
    assert statuses == [429, 200]
    assert fake_clock.slept == [1]  # the wait the server asked for
    assert len(sandbox.sandbox.state.deliveries) == 1


def test_a_send_that_times_out_is_not_retried(cli, sandbox):
    # The sandbox applies the send, then answers too late: delivered, answer lost.
    sandbox.sandbox.add_fault("/v1/send/email", delay=1.5, apply=True, times=1)
    data = {"transactional_message_id": "1", "to": "ada.lovelace@example.com"}
    result = cli(
        "send", "send-transactional-email", "--input", json.dumps(data), "--timeout", "0.5", env=sandbox_env(sandbox)
    )
    assert result.code == 3
    assert "Unknown outcome" in result.err and "NOT re-sent" in result.err
    # The sandbox logs the request once its late answer is written; wait for that, then
    # check it was the only one: the console did not re-send.
    sends = wait_for(lambda: [r for r in sandbox.sandbox.requests if r["path"] == "/v1/send/email"])
    assert len(sends) == 1
    assert len(sandbox.sandbox.state.deliveries) == 1


def test_refused_connection_is_exit_3(cli, sandbox):
    env = sandbox_env(sandbox, CIO_APP_URL="http://127.0.0.1:9/app-us")
    data = {"transactional_message_id": "1", "to": "ada.lovelace@example.com"}
    result = cli("send", "send-transactional-email", "--input", json.dumps(data), env=env)
    assert result.code == 3 and "connection refused" in result.err and "Nothing was sent" in result.err


# ---- bad input: exit 2, field named, nothing sent -------------------------------------

BAD = [
    ("missing required", "track-event", {"customer_identifier": "u"}, "Event Name (event_name) is required"),
    (
        "object that is an array",
        "identify-customer",
        {"customer_identifier": "u", "traits": [1]},
        "Traits (traits) must be a JSON object",
    ),
    (
        "object that is a string",
        "track-event",
        {"customer_identifier": "u", "event_name": "e", "event_properties": "plain"},
        "is not valid JSON",
    ),
    (
        "unknown enum value",
        "add-device",
        {"customer_identifier": "u", "device_id": "d", "platform": "web"},
        "Platform (platform) must be one of ios, android (got 'web')",
    ),
    (
        "enum in merge",
        "merge-customers",
        {
            "primary_identifier_type": "phone",
            "primary_identifier": "1",
            "secondary_identifier_type": "id",
            "secondary_identifier": "2",
        },
        "Primary Identifier Type (primary_identifier_type) must be one of id, email, cio_id",
    ),
    (
        "over-long id",
        "identify-customer",
        {"customer_identifier": "x" * 151},
        "Customer Identifier (customer_identifier) is 151 bytes; Customer.io allows at most 150 bytes",
    ),
    (
        "integer",
        "track-event",
        {"customer_identifier": "u", "event_name": "e", "timestamp": "soon"},
        "Timestamp (timestamp) must be Unix seconds",
    ),
    (
        "boolean",
        "send-transactional-email",
        {"transactional_message_id": "1", "to": "a@x.com", "queue_draft": "perhaps"},
        "Queue Draft (queue_draft) must be true or false",
    ),
    (
        "identifiers object",
        "send-push",
        {"transactional_message_id": "1", "identifiers": {"id": "a", "email": "b@x.com"}},
        "Identifiers (identifiers) must have exactly one of id, email, cio_id",
    ),
    ("unknown field", "destroy-customer", {"customer_id": "u"}, "customer_id is not a field of destroy-customer"),
]


@pytest.mark.parametrize("what,action,data,message", BAD, ids=[b[0] for b in BAD])
def test_bad_input_exits_2_with_the_field_named_and_sends_nothing(cli, sandbox, what, action, data, message):
    result = cli("send", action, "--input", json.dumps(data), env=sandbox_env(sandbox))
    assert result.code == 2
    assert message in result.err
    assert "nothing sent" in result.err
    assert sandbox.sandbox.requests == []


def test_input_that_is_not_json_or_not_an_object(cli, sandbox):
    result = cli("send", "identify-customer", "--input", '{"customer_identifier": ', env=sandbox_env(sandbox))
    assert result.code == 2 and "not valid JSON" in result.err and "line 1" in result.err
    result = cli("send", "identify-customer", "--input", '["u"]', env=sandbox_env(sandbox))
    assert result.code == 2 and "must be a JSON object" in result.err


def test_input_from_a_file_and_stdin(cli, sandbox, tmp_path):
    path = tmp_path / "in.json"
    path.write_text('{"customer_identifier": "from_file"}')
    assert cli("send", "identify-customer", "--input", f"@{path}", env=sandbox_env(sandbox)).code == 0
    assert (
        cli(
            "send",
            "identify-customer",
            "--input",
            "@-",
            stdin='{"customer_identifier": "from_stdin"}',
            env=sandbox_env(sandbox),
        ).code
        == 0
    )
    assert [r["path"] for r in sandbox.sandbox.requests] == [
        "/api/v1/customers/from_file",
        "/api/v1/customers/from_stdin",
    ]


def test_unknown_action_and_missing_key(cli, sandbox):
    result = cli("send", "identify-custmer", env=sandbox_env(sandbox))
    assert result.code == 2 and "Did you mean identify-customer" in result.err
    env = sandbox_env(sandbox, CIO_APP_API_KEY="")
    result = cli(
        "send", "send-push", "--input", '{"identifiers": {"id": "u"}, "transactional_message_id": "3"}', env=env
    )
    assert result.code == 2 and "CIO_APP_API_KEY" in result.err
    assert sandbox.sandbox.requests == []


def test_dry_run_prints_one_json_object_with_keys_masked(cli, sandbox):
    result = cli(
        "send", "identify-customer", "-f", "customer_identifier=a+b@x.com", "--dry-run", env=sandbox_env(sandbox)
    )
    assert result.code == 0
    out = result.json()
    assert set(out) == {"method", "url", "headers", "body"}
    assert out["url"].endswith("/api/v1/customers/a%2Bb%40x.com")
    assert out["headers"]["Authorization"] == "Basic ****"
    assert DEMO.track_key not in result.out + result.err
    assert sandbox.sandbox.requests == []


def test_actions_lists_and_describes(cli):
    listing = cli("actions")
    assert listing.code == 0 and "identify-customer" in listing.out and "send-push" in listing.out
    one = cli("actions", "add-device")
    assert "* platform  (enum, ios|android)" in one.out
    assert cli("actions", "--json").json()[0]["id"] == "identify-customer"
