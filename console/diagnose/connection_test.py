"""The connection test: is each key accepted, is it the right kind of key, and is the
environment set to the region its workspace lives in?

One check per key that is set (a key that is not set is skipped, `ok=None`), plus a
region check. Every call is a read or changes nothing, so the test can run against
Production at any time. Extra calls are made only after a refusal, to name the cause:
a key of another kind (a Track key stored as the App key), or a key that Customer.io
accepts in the other region.
"""

from __future__ import annotations

import shlex
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import httpx

from console import words
from console.diagnose.explain import explain
from console.wire.apis import API, Region
from console.wire.credentials import ENV_KEYS, ENV_REGION, ENV_SITE_ID, Credentials
from console.wire.error_body import api_errors
from console.wire.exchange import Exchange
from console.wire.redact import redact_text
from console.wire.request import build_read
from console.wire.transport import RetryPolicy, perform

REGION_PATH = "/api/v1/accounts/region"  # Track OpenAPI, op `getRegion`: Track Basic auth, either host
WORKSPACES_PATH = "/v1/workspaces"  # App API reference, `listWorkspaces`: the cheap App API read
# Pipelines has no read endpoint. An empty batch in strict mode is authenticated and
# validated like any call but holds no operation, so it cannot change data whatever the
# server makes of it; a single identify/track would, and without strict mode Pipelines
# answers 200 even to a refused key (Pipelines OpenAPI).
WRITE_PATH = "/v1/batch"
WRITE_BODY: dict[str, Any] = {"batch": []}

# A test is a handful of reads: give up quickly instead of waiting out long Retry-Afters.
POLICY = RetryPolicy(max_attempts=2, max_wait=5.0)

NAMES = {
    "track": "Track API: Site ID + Track key",
    "region": "Region",
    "app": "App API key",
    "write": "Write API key (Pipelines)",
}


@dataclass
class ConnectionCheck:
    name: str
    ok: bool | None  # None: skipped (nothing to test)
    detail: str
    fix: str = ""
    key: str = ""  # which check: "track", "region", "app" or "write"
    network: bool = False  # failed because Customer.io could not be reached

    @property
    def status(self) -> str:
        return "skip" if self.ok is None else ("pass" if self.ok else "fail")


@dataclass
class _Context:
    creds: Credentials
    client: httpx.AsyncClient
    policy: RetryPolicy = POLICY
    workspace_id: int | None = None
    workspace_region: str | None = None
    secrets: list[str] = field(default_factory=list)

    def clean(self, text: str) -> str:
        return redact_text(text, self.secrets)


async def run_connection_test(
    creds: Credentials,
    client: httpx.AsyncClient,
    *,
    on_check: Callable[[ConnectionCheck], None] | None = None,
    policy: RetryPolicy = POLICY,
) -> list[ConnectionCheck]:
    """Run every check in order (Track, Region, App, Write); `on_check` sees each as it
    completes, so a screen can fill its rows in place."""
    ctx = _Context(creds, client, policy, secrets=creds.redaction_secrets())
    checks: list[ConnectionCheck] = []

    def done(check: ConnectionCheck) -> None:
        check.detail, check.fix = ctx.clean(check.detail), ctx.clean(check.fix)
        checks.append(check)
        if on_check:
            on_check(check)

    for check in await _track_checks(ctx):
        done(check)
    done(await _app_check(ctx))
    done(await _write_check(ctx))
    return checks


# -- how to fix things: commands for a stored environment, variables otherwise -----------
def _env_arg(creds: Credentials) -> str:
    return shlex.quote(creds.name or "NAME")


def _how_set_key(creds: Credentials, kind: str) -> str:
    if creds.name and creds.keyring_problem:
        # `env set-key` needs the keyring that just failed: say what works instead.
        return f"{ENV_KEYS[kind]} (the OS keyring cannot be read here{words.KEYS_IN_MEMORY})"
    if creds.name:
        return words.set_key(_env_arg(creds), kind)
    return f"set {ENV_KEYS[kind]}"


def _unread(creds: Credentials) -> str:
    """Why a key counts as not set when the keyring could not be read."""
    return " (the OS keyring could not be read)" if creds.keyring_problem else ""


def _how_set_site_id(creds: Credentials) -> str:
    if creds.name:
        return words.set_site_id(_env_arg(creds))
    return f"set {ENV_SITE_ID}"


def _how_switch_region(creds: Credentials, region: str) -> str:
    if creds.name:
        return words.set_region(_env_arg(creds), region)
    return f"set {ENV_REGION}={region}"


def _other(region: Region) -> Region:
    return Region.EU if region == Region.US else Region.US


# -- calls -------------------------------------------------------------------------------
async def _read(ctx: _Context, api: API, path: str, creds: Credentials | None = None) -> Exchange:
    req = build_read(api, creds or ctx.creds, path)
    return await perform(req, ctx.client, repeat_safe=True, policy=ctx.policy)


async def _write_call(ctx: _Context, creds: Credentials | None = None) -> Exchange:
    req = build_read(API.PIPELINES, creds or ctx.creds, WRITE_PATH, method="POST")
    req.body = WRITE_BODY
    req.headers["Content-Type"] = "application/json"
    req.headers["X-Strict-Mode"] = "1"
    # Repeat-safe: the batch is empty, so a second delivery changes nothing either.
    return await perform(req, ctx.client, repeat_safe=True, policy=ctx.policy)


def _in_other_region(creds: Credentials, api: API) -> Credentials | None:
    """The same credentials aimed at the other region, unless a fixed URL pins the host."""
    if creds.urls.get(api):
        return None
    return replace(creds, region=_other(creds.region))


def _failure(ctx: _Context, ex: Exchange, name: str, key: str) -> ConnectionCheck:
    """A failed call that no special case explains: the general explanation."""
    explanation = explain(ex, None, ctx.creds)
    title = explanation.title if explanation else f"HTTP {ex.status}"
    message = f" Customer.io said: {explanation.api_message}" if explanation and explanation.api_message else ""
    steps = " ".join(explanation.steps) if explanation else ""
    return ConnectionCheck(name, False, title + "." + message, steps, key=key, network=ex.response is None)


async def _accepted_as_track(ctx: _Context, value: str) -> bool:
    """Does Customer.io accept `value` as the Track key of this Site ID?"""
    c = ctx.creds
    if value == c.track_key and ctx.workspace_id is not None:
        return True  # the Track check just saw it accepted
    if not c.site_id:
        return False
    return (await _read(ctx, API.TRACK, REGION_PATH, replace(c, track_key=value))).ok


async def _accepted_as_app(ctx: _Context, value: str) -> bool:
    return (await _read(ctx, API.APP, WORKSPACES_PATH, replace(ctx.creds, app_key=value))).ok


async def _other_kind(ctx: _Context, value: str, own: str) -> str | None:
    """What a refused key is instead, if it is another kind of key: first by comparing it
    with the other stored keys, then by asking Customer.io (reads only)."""
    c = ctx.creds
    if own != "track" and (value == c.track_key or await _accepted_as_track(ctx, value)):
        same = " (the same value as the stored Track key)" if value == c.track_key else ""
        verified = value != c.track_key or ctx.workspace_id is not None
        return f"a Track API key{same}" if verified else "the same value as the stored Track key"
    if own != "app" and (value == c.app_key or await _accepted_as_app(ctx, value)):
        return "an App API key" + (" (the same value as the stored App key)" if value == c.app_key else "")
    if own != "write" and value == c.write_key:
        return "the same value as the stored Write key"
    return None


# -- Track and region ------------------------------------------------------------------
async def _track_checks(ctx: _Context) -> list[ConnectionCheck]:
    c = ctx.creds
    name, region_name = NAMES["track"], NAMES["region"]
    if not c.track_key:
        fix = f"Set it with {_how_set_key(c, 'track')}." if c.site_id else ""
        return [
            ConnectionCheck(name, None, f"Track API key not set{_unread(c)}; skipped.", fix, key="track"),
            ConnectionCheck(region_name, None, "Needs the Site ID and Track key; skipped.", key="region"),
        ]
    if not c.site_id:
        return [
            ConnectionCheck(
                name,
                False,
                "The Track key is set but the Site ID is not; the Track API needs both.",
                f"Set the Site ID with {_how_set_site_id(c)}.",
                key="track",
            ),
            ConnectionCheck(region_name, None, "Needs the Site ID and Track key; skipped.", key="region"),
        ]
    ex = await _read(ctx, API.TRACK, REGION_PATH)
    skipped_region = ConnectionCheck(region_name, None, "Needs accepted Track credentials; skipped.", key="region")
    if ex.status == 401:
        return [await _track_refused(ctx), skipped_region]
    if not ex.ok:
        return [_failure(ctx, ex, name, "track"), skipped_region]
    data = ex.response.json() if ex.response else None
    data = data if isinstance(data, dict) else {}
    ctx.workspace_id = data.get("environment_id")
    ctx.workspace_region = str(data.get("region") or "").lower() or None
    workspace = f"workspace {ctx.workspace_id}" if ctx.workspace_id is not None else "the workspace"
    track = ConnectionCheck(name, True, f"Accepted: they belong to {workspace}.", key="track")
    found = ctx.workspace_region
    if found not in ("us", "eu"):
        return [
            track,
            ConnectionCheck(
                region_name, None, "Customer.io did not say which region the workspace is in.", key="region"
            ),
        ]
    if found == c.region.value:
        return [
            track,
            ConnectionCheck(region_name, True, f"{found.upper()}, as configured ({workspace}).", key="region"),
        ]
    return [
        track,
        ConnectionCheck(
            region_name,
            False,
            f"These credentials belong to {workspace} in the {found.upper()} region, but "
            f"{'this environment' if c.name else 'CIO_REGION'} is set to {c.region.value.upper()}. "
            f"Requests would go to the {c.region.value.upper()} hosts, where this workspace does not exist.",
            f"Switch the region to {found.upper()}: {_how_switch_region(c, found)}. If you meant a "
            f"{c.region.value.upper()} workspace, use that workspace's Site ID and keys.",
            key="region",
        ),
    ]


async def _track_refused(ctx: _Context) -> ConnectionCheck:
    c = ctx.creds
    name = NAMES["track"]
    other = await _other_kind(ctx, c.track_key or "", "track")
    if other:
        return ConnectionCheck(
            name,
            False,
            f"Refused (401): the key stored as the Track key is {other}, not a Track API key.",
            f"Store each key as its own kind: set this workspace's Track key (Settings > Workspace "
            f"Settings > API Credentials, Tracking API Keys) with {_how_set_key(c, 'track')}.",
            key="track",
        )
    return ConnectionCheck(
        name,
        False,
        f"Refused (401): Customer.io does not know this Site ID ({c.site_id}) with this Track key. "
        "One of them is wrong, or they come from different workspaces.",
        "Copy both from the same row of Settings > Workspace Settings > API Credentials "
        f"(Tracking API Keys): the Site ID with {_how_set_site_id(c)}, the key with {_how_set_key(c, 'track')}.",
        key="track",
    )


# -- App ---------------------------------------------------------------------------------
async def _app_check(ctx: _Context) -> ConnectionCheck:
    c = ctx.creds
    name = NAMES["app"]
    if not c.app_key:
        return ConnectionCheck(name, None, f"App API key not set{_unread(c)}; skipped.", key="app")
    ex = await _read(ctx, API.APP, WORKSPACES_PATH)
    if ex.ok:
        return _app_accepted(ctx, ex)
    if ex.status == 403:
        return ConnectionCheck(
            name,
            True,
            "Accepted, but this key may not list workspaces (403): it is probably limited to sending.",
            key="app",
        )
    if ex.status != 401:
        return _failure(ctx, ex, name, "app")
    other_kind = await _other_kind(ctx, c.app_key, "app")
    if other_kind:
        return ConnectionCheck(
            name,
            False,
            f"Refused (401): this is {other_kind}, not an App API key. The App API takes a Bearer "
            "App key; Track keys only work with the Site ID on the Track API.",
            "Create or copy an App API key (Settings > Account Settings > API Credentials, App API Keys) "
            f"and store it with {_how_set_key(c, 'app')}.",
            key="app",
        )
    other = _in_other_region(c, API.APP)
    if other is not None:
        probe = await _read(ctx, API.APP, WORKSPACES_PATH, other)
        if probe.ok:
            there = other.region.value
            return ConnectionCheck(
                name,
                False,
                f"Refused in the {c.region.value.upper()} region (401), but accepted in the "
                f"{there.upper()} region: the workspace lives in {there.upper()}.",
                f"Switch the region to {there.upper()}: {_how_switch_region(c, there)}.",
                key="app",
            )
    return ConnectionCheck(
        name,
        False,
        "Refused (401): Customer.io does not know this App API key"
        + (f" in the {c.region.value.upper()} region" if other is not None else "")
        + ".",
        "Copy the key again from Settings > Account Settings > API Credentials (App API Keys) and store "
        f"it with {_how_set_key(c, 'app')}; a deleted or regenerated key stops working at once.",
        key="app",
    )


def _app_accepted(ctx: _Context, ex: Exchange) -> ConnectionCheck:
    name = NAMES["app"]
    data = ex.response.json() if ex.response else None
    items = data.get("workspaces") if isinstance(data, dict) else None
    items = [w for w in items if isinstance(w, dict)] if isinstance(items, list) else []
    listed = ", ".join(f"{w.get('name', '?')} ({w.get('id', '?')})" for w in items[:5])
    detail = f"Accepted; the key sees workspace{'s' if len(items) != 1 else ''} {listed}." if items else "Accepted."
    ids = {w.get("id") for w in items}
    if ctx.workspace_id is not None and items and ctx.workspace_id not in ids:
        return ConnectionCheck(
            name,
            False,
            f"Accepted, but it belongs to another account: it sees {listed}, not workspace "
            f"{ctx.workspace_id} of the Site ID and Track key.",
            f"Store the App key of workspace {ctx.workspace_id}'s account with {_how_set_key(ctx.creds, 'app')}.",
            key="app",
        )
    return ConnectionCheck(name, True, detail, key="app")


# -- Write (Pipelines) -------------------------------------------------------------------
async def _write_check(ctx: _Context) -> ConnectionCheck:
    c = ctx.creds
    name = NAMES["write"]
    if not c.write_key:
        return ConnectionCheck(name, None, f"Write API key not set{_unread(c)}; skipped.", key="write")
    ex = await _write_call(ctx)
    if ex.ok:
        return ConnectionCheck(name, True, "Accepted (strict mode; an empty batch, so no data changed).", key="write")
    if ex.status == 400:
        # UNCONFIRMED (no Customer.io document says): whether Pipelines checks the key before the body in
        # strict mode. Every Customer.io API answers 401 before looking at a body, so a 400
        # is read as "key accepted", and the server's own message is shown with it.
        message = "; ".join(e.message for e in api_errors(ex.response.text if ex.response else ""))
        return ConnectionCheck(
            name,
            True,
            "Accepted (the empty test batch was refused as invalid, which needs an "
            f"accepted key{': ' + message if message else ''}).",
            key="write",
        )
    if ex.status != 401:
        return _failure(ctx, ex, name, "write")
    other_kind = await _other_kind(ctx, c.write_key, "write")
    if other_kind:
        return ConnectionCheck(
            name,
            False,
            f"Refused (401): this is {other_kind}, not a Pipelines Write key.",
            "Copy the Write key of your HTTP API source (Data & Integrations > Sources > the source > "
            f"API keys) and store it with {_how_set_key(c, 'write')}.",
            key="write",
        )
    other = _in_other_region(c, API.PIPELINES)
    if other is not None:
        probe = await _write_call(ctx, other)
        if probe.ok or probe.status == 400:
            there = other.region.value
            return ConnectionCheck(
                name,
                False,
                f"Refused in the {c.region.value.upper()} region (401), but accepted in the "
                f"{there.upper()} region: the workspace lives in {there.upper()}.",
                f"Switch the region to {there.upper()}: {_how_switch_region(c, there)}.",
                key="write",
            )
    return ConnectionCheck(
        name,
        False,
        "Refused (401): Customer.io does not know this Write key.",
        "Copy the Write key of your HTTP API source (Data & Integrations > Sources > the source > "
        f"API keys) and store it with {_how_set_key(c, 'write')}.",
        key="write",
    )
