"""The headless form state: typed values per action, prefill, examples, checks."""

from __future__ import annotations

import json

from console.actions.catalog import get_action
from console.session.form_state import FormBook, FormState


def test_check_names_fields_through_the_core():
    state = FormState(get_action("track-event"))
    state.set("customer_identifier", "user_1")
    state.set("event_properties", '{\n  "a": ,\n}')
    state.set("timestamp", "1700000000000")
    check = state.check()
    assert not check.ok
    assert "line 2, column 8" in check.problems["event_properties"]
    assert "milliseconds" in check.problems["timestamp"] or "milliseconds" in check.summary
    assert "Event Name (event_name) is required" in check.summary


def test_required_problems_are_marked_only_after_an_attempt():
    state = FormState(get_action("identify-customer"))
    assert state.marked(state.check()) == {}
    state.attempted = True
    assert "is required" in state.marked(state.check())["customer_identifier"]


def test_prefill_fills_empty_fields_and_follows_the_environment_until_edited():
    state = FormState(get_action("track-anonymous"))
    assert state.apply_prefill({"anonymous_id": "anon-1"}) == ["anonymous_id"]
    assert state.apply_prefill({"anonymous_id": "anon-2"}) == ["anonymous_id"]
    state.set("anonymous_id", "typed")
    assert state.apply_prefill({"anonymous_id": "anon-3"}) == []
    assert state.values["anonymous_id"] == "typed"


def test_examples_fill_only_empty_fields_and_load_replaces_everything():
    state = FormState(get_action("identify-customer"))
    state.set("customer_identifier", "mine")
    assert state.fill_examples() == ["traits"]
    assert state.values["customer_identifier"] == "mine"
    assert json.loads(state.values["traits"]) == {"first_name": "John", "plan": "premium"}
    unknown = state.load({"customer_identifier": 42, "traits": {"vip": True}, "nope": 1})
    assert unknown == ["nope"]
    assert state.values["customer_identifier"] == "42"
    assert json.loads(state.values["traits"]) == {"vip": True}
    assert state.check().ok


def test_server_problem_stays_until_the_field_is_edited():
    state = FormState(get_action("identify-customer"))
    state.set("customer_identifier", "user_1")
    state.refused("customer_identifier", "customer_identifier: unknown person")
    check = state.check()
    assert check.ok  # the API's word marks the field but does not block a retry
    assert state.marked(check) == {"customer_identifier": "Customer.io: unknown person"}
    state.set("customer_identifier", "user_2")
    assert state.marked(state.check()) == {}


def test_book_keeps_one_state_per_action():
    book = FormBook()
    a = book.form(get_action("identify-customer"))
    a.set("customer_identifier", "x")
    assert book.form(get_action("identify-customer")) is a
    assert book.form(get_action("track-event")) is not a
