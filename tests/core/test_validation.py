"""Bad input is refused with the field named and what would be right."""

import pytest

from console.actions.catalog import get_action
from console.actions.validation import InvalidInput, validate


def problems(action_id, data):
    with pytest.raises(InvalidInput) as err:
        validate(get_action(action_id), data)
    return {p.field: p.message for p in err.value.problems}, err.value.text()


def test_missing_required_fields_are_named_with_an_example():
    by_field, text = problems("track-event", {})
    assert set(by_field) == {"customer_identifier", "event_name"}
    assert "Customer Identifier (customer_identifier) is required, e.g. user_1001" in text


def test_empty_text_counts_as_missing():
    by_field, _ = problems("identify-customer", {"customer_identifier": ""})
    assert by_field == {"customer_identifier": "is required, e.g. user_1001"}


def test_blank_identifier_is_refused():
    by_field, _ = problems("identify-customer", {"customer_identifier": "   "})
    assert by_field["customer_identifier"] == "must not be blank"


@pytest.mark.parametrize("value,got", [([1, 2], "an array"), (5, "a number"), (True, "a boolean")])
def test_json_object_field_refuses_non_objects(value, got):
    by_field, _ = problems("identify-customer", {"customer_identifier": "u", "traits": value})
    assert by_field["traits"].startswith("must be a JSON object")
    assert f"(got {got})" in by_field["traits"]


def test_json_object_given_as_text_is_parsed_or_located():
    spec = validate(get_action("identify-customer"), {"customer_identifier": "u", "traits": '{"a": 1}'})
    assert spec.traits == {"a": 1}
    by_field, _ = problems("identify-customer", {"customer_identifier": "u", "traits": '{"a": 1,\n "b": }'})
    assert "is not valid JSON" in by_field["traits"] and "line 2, column 7" in by_field["traits"]
    by_field, _ = problems("identify-customer", {"customer_identifier": "u", "traits": '"text"'})
    assert by_field["traits"].startswith("must be a JSON object")


def test_unknown_enum_value():
    data = {"customer_identifier": "u", "device_id": "d", "platform": "windows"}
    by_field, _ = problems("add-device", data)
    assert by_field["platform"] == "must be one of ios, android (got 'windows')"


def test_over_long_identifier_in_bytes():
    by_field, _ = problems("identify-customer", {"customer_identifier": "\u00e9" * 76})  # 152 bytes
    assert by_field["customer_identifier"] == "is 152 bytes; Customer.io allows at most 150 bytes"
    validate(get_action("identify-customer"), {"customer_identifier": "\u00e9" * 75})  # 150: fine


def test_integer_and_timestamp_fields():
    base = {"customer_identifier": "u", "event_name": "e"}
    by_field, _ = problems("track-event", {**base, "timestamp": "yesterday"})
    assert by_field["timestamp"].startswith("must be Unix seconds, a whole number")
    by_field, _ = problems("track-event", {**base, "timestamp": 1700000000123})
    assert "looks like milliseconds" in by_field["timestamp"] and "1700000000" in by_field["timestamp"]
    assert validate(get_action("track-event"), {**base, "timestamp": "1700000000"}).timestamp == 1700000000


def test_boolean_field():
    base = {"transactional_message_id": "1", "to": "a@x.com"}
    by_field, _ = problems("send-transactional-email", {**base, "queue_draft": "maybe"})
    assert by_field["queue_draft"].startswith("must be true or false")
    assert validate(get_action("send-transactional-email"), {**base, "queue_draft": "true"}).queue_draft is True


def test_unknown_field_suggests_the_close_one():
    by_field, _ = problems("identify-customer", {"customer_identifer": "u"})
    assert by_field["customer_identifer"].endswith("did you mean customer_identifier?")


def test_numbers_are_accepted_as_identifiers():
    assert validate(get_action("identify-customer"), {"customer_identifier": 42}).customer_identifier == "42"


def test_input_must_be_an_object():
    with pytest.raises(InvalidInput) as err:
        validate(get_action("identify-customer"), ["u"])
    assert "must be a JSON object" in err.value.text()


def test_identifiers_need_exactly_one_known_key():
    base = {"transactional_message_id": "1", "to": "a@x.com"}
    by_field, _ = problems("send-transactional-email", {**base, "identifiers": {"id": "u", "email": "a@x.com"}})
    assert by_field["identifiers"].startswith("must have exactly one of id, email, cio_id (got id, email)")
    by_field, _ = problems("send-transactional-email", {**base, "identifiers": {}})
    assert "(got nothing)" in by_field["identifiers"]


def test_send_email_recipient_rules():
    by_field, _ = problems("send-transactional-email", {"transactional_message_id": "1", "to": "not-an-address"})
    assert "is not an email address" in by_field["to"]
    by_field, _ = problems("send-transactional-email", {"transactional_message_id": "1", "to": "a@x.com, b@x.com"})
    assert "identifiers" in by_field and "several addresses" in by_field["identifiers"]
    many = ", ".join(f"p{i}@x.com" for i in range(16))
    by_field, _ = problems(
        "send-transactional-email", {"transactional_message_id": "1", "to": many, "identifiers": {"id": "u"}}
    )
    assert "the limit is 15" in by_field["to"]


def test_push_needs_a_template_and_identifiers():
    by_field, _ = problems("send-push", {"title": "a title", "message": "and a message"})
    assert set(by_field) == {"transactional_message_id"}
    by_field, _ = problems("send-push", {"transactional_message_id": "3"})
    assert set(by_field) == {"identifiers"}
    validate(get_action("send-push"), {"identifiers": {"id": "u"}, "transactional_message_id": "2"})
    by_field, _ = problems(
        "send-push", {"identifiers": {"id": "u"}, "transactional_message_id": "2", "custom_data": {"n": 1}}
    )
    assert "must be a string" in by_field["custom_data"]


def test_merging_a_profile_into_itself_is_refused():
    data = {
        "primary_identifier_type": "id",
        "primary_identifier": "u",
        "secondary_identifier_type": "id",
        "secondary_identifier": "u",
    }
    by_field, _ = problems("merge-customers", data)
    assert "same person" in by_field["secondary_identifier"]


def test_attribute_value_over_1000_bytes_is_refused_before_sending():
    ok = {"customer_identifier": "u", "traits": {"bio": "\u00e9" * 500}}  # exactly 1000 bytes
    validate(get_action("identify-customer"), ok)
    by_field, _ = problems("identify-customer", {"customer_identifier": "u", "traits": {"bio": "\u00e9" * 501}})
    assert "attribute 'bio' is 1002 bytes" in by_field["traits"] and "1000 bytes" in by_field["traits"]


def test_event_data_over_100000_bytes_is_refused():
    data = {"customer_identifier": "u", "event_name": "e", "event_properties": {"blob": "x" * 100_000}}
    by_field, _ = problems("track-event", data)
    assert "Customer.io accepts at most 100000 bytes" in by_field["event_properties"]
