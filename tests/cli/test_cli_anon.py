"""`cio-console anon show|reset`: the per-environment anonymous id, and what uses it."""

from __future__ import annotations

import json
import uuid

from console.actions.catalog import get_action
from console.actions.prefill import prefill_values
from console.environments import anonymous
from console.wire.credentials import Credentials

from .conftest import api_requests


def test_show_is_stable_and_reset_starts_a_new_one(cli, isolated):
    first = cli("anon", "show")
    assert first.code == 0 and uuid.UUID(first.out.strip()).version == 4
    assert cli("anon", "show").out == first.out
    reset = cli("anon", "reset")
    assert reset.code == 0 and reset.out != first.out
    assert f"forgot {first.out.strip()}" in reset.err
    assert cli("anon", "show").out == reset.out
    # Kept under the XDG state dir (not config: it is not a setting, and not a secret).
    stored = json.loads((isolated / "xdg_state_home" / "cio-console" / "anonymous_ids.json").read_text())
    assert stored["ids"][anonymous.ENV_VARS_KEY] == reset.out.strip()


def test_environments_have_their_own_ids(cli):
    staging = cli("anon", "show", "--env", "Staging").out
    production = cli("anon", "show", "--env", "Production").out
    sandbox = cli("anon", "show", "--sandbox").out
    assert len({staging, production, sandbox}) == 3
    out = cli("anon", "reset", "--env", "Staging", "--json").json()
    assert out["environment"] == "Staging" and out["previous"] == staging.strip()
    assert cli("anon", "show", "--env", "Production").out == production  # untouched


def test_bad_usage_is_refused(cli):
    assert cli("anon", "forget").code == 2
    assert cli("anon", "show", "--env", "A", "--sandbox").code == 2


def test_prefill_follows_reset_and_the_prefilled_id_is_what_gets_tracked(cli, send, sandbox):
    creds = Credentials(site_id="s", track_key="t")  # CIO_* variables: no environment name
    before = prefill_values(get_action("track-anonymous"), creds)["anonymous_id"]
    assert before == cli("anon", "show").out.strip()
    r = send("track-anonymous", {"anonymous_id": before, "event_name": "viewed_pricing"})
    assert r.code == 0, r.err
    assert api_requests(sandbox, "track")[-1]["body"]["anonymous_id"] == before
    assert sandbox.sandbox.state.events[-1].anonymous_id == before
    cli("anon", "reset")
    after = prefill_values(get_action("pipelines-track"), creds)
    assert after == {"anonymous_id": cli("anon", "show").out.strip()} and after["anonymous_id"] != before
