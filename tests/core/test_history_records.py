"""The history record of a send made outside the workspace form (a profile's action or
edit, a transactional message) is built in the core, the same for every screen: the input
as the form holds it (so it loads back) and the core's explanation of a failure."""

from __future__ import annotations

import json

import httpx

from console.actions.catalog import get_action
from console.actions.validation import validate
from console.session.history import History, record_of
from console.wire.credentials import Credentials
from console.wire.exchange import Exchange, Response
from console.wire.request import build_request

CREDS = Credentials(site_id="site", track_key="track-key-secret-1", name="Staging")
DATA = {"customer_identifier": "u1", "traits": {"plan": "pro"}}


def exchange(status: int, text: str) -> Exchange:
    req = build_request(validate(get_action("identify-customer"), DATA), CREDS)
    return Exchange(req, 0.0, response=Response(status, httpx.codes.get_reason_phrase(status), {}, text))


def test_a_failure_is_explained_and_the_input_kept_as_the_form_holds_it(tmp_path):
    outcome = record_of(get_action("identify-customer"), DATA, exchange(401, "{}"), CREDS, "Staging")
    assert outcome.action_id == "identify-customer" and outcome.env_label == "Staging"
    assert outcome.values == {"customer_identifier": "u1", "traits": json.dumps({"plan": "pro"})}
    assert outcome.explanation is not None and "401" in outcome.explanation.title + outcome.explanation.text()
    history = History(tmp_path / "history.jsonl")
    history.append(outcome, CREDS.redaction_secrets())
    (entry,) = history.load()
    assert entry.values["traits"] == json.dumps({"plan": "pro"})


def test_a_success_has_no_explanation_and_a_given_one_is_kept():
    ok = exchange(200, "{}")
    assert record_of(get_action("identify-customer"), DATA, ok, CREDS, "Staging").explanation is None
    failed = exchange(400, "{}")
    assert (
        record_of(get_action("identify-customer"), DATA, failed, CREDS, "Staging", explanation=None).explanation is None
    )
