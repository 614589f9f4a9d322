"""The connection test against the sandbox, in both regions, over loopback."""

from __future__ import annotations

import pytest

from console.cli.words import CLI_WORDS
from console.diagnose.connection_test import ConnectionCheck, run_connection_test
from console.sandbox import DEMO_CREDENTIALS as DEMO
from console.sandbox import SandboxConfig, serve_in_thread
from console.wire.apis import Region
from console.wire.credentials import Credentials
from console.wire.transport import RetryPolicy, make_client

NO_RETRY = RetryPolicy(max_attempts=1)


@pytest.fixture(scope="module")
def eu_sandbox():
    """A second sandbox whose workspace lives in the EU region."""
    with serve_in_thread(SandboxConfig(region="eu", workspace_id=777, workspace_name="Europe")) as running:
        yield running


def creds_for(running, region: str = "us", **changes) -> Credentials:
    values = dict(
        region=Region(region),
        site_id=DEMO["site_id"],
        track_key=DEMO["track_key"],
        app_key=DEMO["app_key"],
        write_key=DEMO["write_key"],
        sandbox_root=running.root_url,
        name="Staging",
        source="environment Staging",
    )
    values.update(changes)
    return Credentials(**values)


async def run(creds: Credentials, **options) -> dict[str, ConnectionCheck]:
    seen: list[str] = []
    async with make_client(timeout=10) as client:
        checks = await run_connection_test(creds, client, on_check=lambda c: seen.append(c.key), **options)
    assert seen == [c.key for c in checks] == ["track", "region", "app", "write"]
    return {c.key: c for c in checks}


def requests_to(running) -> list[dict]:
    import httpx

    return httpx.get(f"{running.root_url}/_sandbox/requests").json()["requests"]


async def test_all_good(sandbox):
    checks = await run(creds_for(sandbox))
    assert {k: c.status for k, c in checks.items()} == {
        "track": "pass",
        "region": "pass",
        "app": "pass",
        "write": "pass",
    }
    assert "workspace 4242" in checks["track"].detail
    assert checks["region"].detail.startswith("US, as configured")
    assert "Sandbox (4242)" in checks["app"].detail


async def test_the_test_changes_no_data(sandbox):
    import httpx

    before = httpx.get(f"{sandbox.root_url}/_sandbox/state").json()
    await run(creds_for(sandbox))
    after = httpx.get(f"{sandbox.root_url}/_sandbox/state").json()
    assert before == after
    write_calls = [r for r in requests_to(sandbox) if r["api"] == "cdp"]
    assert [(r["method"], r["prefix"] + r["path"], r["body"], r["status"]) for r in write_calls] == [
        ("POST", "/cdp-us/v1/batch", {"batch": []}, 200)
    ]


async def test_a_track_key_used_as_the_app_key(sandbox):
    checks = await run(creds_for(sandbox, app_key=DEMO["track_key"]))
    app = checks["app"]
    assert app.ok is False and not app.network
    assert "this is a Track API key" in app.detail and "not an App API key" in app.detail
    assert "cio-console env set-key Staging app" in CLI_WORDS.render(app.fix)
    assert checks["track"].ok and checks["write"].ok


async def test_a_track_key_used_as_the_app_key_is_recognised_by_asking(sandbox):
    # No stored Track key to compare with: the test asks the Track API whether it takes it.
    checks = await run(creds_for(sandbox, track_key=None, app_key=DEMO["track_key"]))
    assert checks["track"].ok is None
    assert checks["app"].ok is False and "this is a Track API key, not an App API key" in checks["app"].detail


async def test_an_app_key_used_as_the_track_key(sandbox):
    checks = await run(creds_for(sandbox, track_key=DEMO["app_key"], app_key=None))
    assert checks["track"].ok is False
    assert "is an App API key, not a Track API key" in checks["track"].detail


async def test_a_wrong_site_id(sandbox):
    checks = await run(creds_for(sandbox, site_id="wrong-site-9999"))
    track = checks["track"]
    assert track.ok is False and not track.network
    assert "Site ID (wrong-site-9999)" in track.detail and "401" in track.detail
    assert "--site-id" in CLI_WORDS.render(track.fix)
    assert checks["region"].ok is None  # cannot tell without accepted Track credentials
    assert checks["app"].ok and checks["write"].ok  # the other keys are fine


async def test_a_us_environment_whose_credentials_belong_to_an_eu_workspace(eu_sandbox):
    checks = await run(creds_for(eu_sandbox, region="us"))
    assert checks["track"].ok is True
    region = checks["region"]
    assert region.ok is False
    assert "workspace 777 in the EU region" in region.detail and "set to US" in region.detail
    assert "cio-console env set Staging --region eu" in CLI_WORDS.render(region.fix)
    # The App and Write keys are refused on the US hosts and found in the EU region.
    for key in ("app", "write"):
        assert checks[key].ok is False
        assert "accepted in the EU region" in checks[key].detail
        assert "--region eu" in CLI_WORDS.render(checks[key].fix)


async def test_switching_to_eu_fixes_it(eu_sandbox):
    checks = await run(creds_for(eu_sandbox, region="eu"))
    assert all(c.ok for c in checks.values())
    assert checks["region"].detail.startswith("EU, as configured (workspace 777)")


async def test_from_variables_the_fix_names_the_variable(eu_sandbox):
    checks = await run(creds_for(eu_sandbox, name=None, source="the environment variables"))
    assert "CIO_REGION=eu" in checks["region"].fix


async def test_keys_not_set_are_skipped(sandbox):
    checks = await run(creds_for(sandbox, track_key=None, write_key=None))
    assert {k: c.status for k, c in checks.items()} == {
        "track": "skip",
        "region": "skip",
        "app": "pass",
        "write": "skip",
    }


async def test_a_track_key_without_a_site_id_fails_without_a_call(sandbox):
    checks = await run(creds_for(sandbox, site_id=None, app_key=None, write_key=None))
    assert checks["track"].ok is False and "Site ID is not" in checks["track"].detail
    assert requests_to(sandbox) == []


async def test_wrong_keys_everywhere(sandbox):
    checks = await run(
        creds_for(sandbox, track_key="nope-track-000", app_key="nope-app-000", write_key="nope-write-000")
    )
    assert [checks[k].ok for k in ("track", "app", "write")] == [False, False, False]
    assert "does not know this App API key" in checks["app"].detail
    assert "does not know this Write key" in checks["write"].detail


async def test_unreachable_host_is_a_network_failure():
    creds = creds_for(type("R", (), {"root_url": "http://127.0.0.1:9"})())
    checks = await run(creds, policy=NO_RETRY)
    assert checks["track"].ok is False and checks["track"].network
    assert "connection refused" in checks["track"].detail


async def test_server_trouble_is_reported_with_the_status(sandbox):
    import httpx

    httpx.post(
        f"{sandbox.root_url}/_sandbox/faults", json={"path": "/v1/workspaces", "status": 500, "times": None}
    ).raise_for_status()
    checks = await run(creds_for(sandbox), policy=NO_RETRY)
    assert checks["track"].ok
    assert checks["app"].ok is False and "500" in checks["app"].detail
