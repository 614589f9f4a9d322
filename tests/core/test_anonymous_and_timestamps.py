"""The per-environment anonymous id store, form prefill metadata, and ISO timestamps."""

import json
from datetime import UTC, datetime

import pytest

from console.actions.catalog import all_actions, get_action
from console.actions.docs import action_as_dict
from console.actions.prefill import prefill_values, prefilled_fields
from console.actions.timestamps import iso, parse_when, to_iso
from console.environments import anonymous
from console.wire.credentials import Credentials


def test_keys_for_named_environments_variables_and_the_sandbox():
    assert anonymous.key_for(Credentials(name="Staging")) == "Staging"
    assert anonymous.key_for(Credentials(sandbox_root="http://127.0.0.1:1")) == anonymous.SANDBOX_KEY
    assert anonymous.key_for(Credentials()) == anonymous.ENV_VARS_KEY
    assert anonymous.key_for(env_name="Production") == "Production"
    assert anonymous.key_for(sandbox=True) == anonymous.SANDBOX_KEY


def test_current_is_created_once_and_reset_replaces_it():
    assert anonymous.peek("E") is None
    first = anonymous.current("E")
    assert anonymous.current("E") == first == anonymous.peek("E")
    previous, new = anonymous.reset("E")
    assert previous == first and new != first and anonymous.current("E") == new
    assert anonymous.forget("E") and anonymous.peek("E") is None and not anonymous.forget("E")


def test_a_damaged_store_is_replaced_not_fatal():
    path = anonymous.store_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("{not json")
    value = anonymous.current("E")
    assert json.loads(path.read_text())["ids"] == {"E": value}
    assert not list(path.parent.glob(".anonymous_ids.*"))  # no temp files left behind


def test_prefill_metadata_marks_the_anonymous_fields():
    marked = {a: prefilled_fields(cls) for a, cls in all_actions().items() if prefilled_fields(cls)}
    assert marked == {
        "track-anonymous": {"anonymous_id": "anonymous_id"},
        "pipelines-identify": {"anonymous_id": "anonymous_id"},
        "pipelines-track": {"anonymous_id": "anonymous_id"},
        "pipelines-page": {"anonymous_id": "anonymous_id"},
        "pipelines-screen": {"anonymous_id": "anonymous_id"},
        "pipelines-group": {"anonymous_id": "anonymous_id"},
        "pipelines-alias": {"previous_id": "anonymous_id"},
    }
    described = action_as_dict(get_action("pipelines-track"))
    field = next(f for f in described["fields"] if f["name"] == "anonymous_id")
    assert field["prefill"] == "anonymous_id"
    assert prefill_values(get_action("identify-customer"), None) == {}


def test_prefill_values_are_per_environment():
    staging = prefill_values(get_action("pipelines-alias"), Credentials(name="Staging"))
    production = prefill_values(get_action("pipelines-alias"), Credentials(name="Production"))
    assert staging["previous_id"] == anonymous.current("Staging") != production["previous_id"]


@pytest.mark.parametrize(
    "value,expected",
    [
        (1714564800, "2024-05-01T12:00:00Z"),
        ("1714564800", "2024-05-01T12:00:00Z"),
        ("2024-05-01T12:00:00Z", "2024-05-01T12:00:00Z"),
        ("2024-05-01T14:00:00+02:00", "2024-05-01T12:00:00Z"),
        ("2024-05-01T12:00:00.5Z", "2024-05-01T12:00:00.500Z"),
        ("2024-05-01", "2024-05-01T00:00:00Z"),
    ],
)
def test_timestamps_are_sent_as_iso_utc(value, expected):
    assert to_iso(value)[0] == expected


@pytest.mark.parametrize(
    "value,message",
    [
        ("soon", "is not an ISO-8601 date-time or Unix seconds"),
        (1714564800000, "looks like milliseconds"),
        ("-5", "must not be negative"),
        (True, "must be ISO-8601 text or Unix seconds"),
    ],
)
def test_bad_timestamps_say_what_would_be_right(value, message):
    with pytest.raises(ValueError, match=message):
        parse_when(value)


def test_iso_of_an_aware_datetime():
    assert iso(datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)) == "2024-01-02T03:04:05Z"
