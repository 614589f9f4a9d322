"""Helpers for CLI tests against the loopback sandbox."""

from __future__ import annotations

import json

import pytest

from tests.conftest import sandbox_env


@pytest.fixture
def send(cli, sandbox):
    """send(action_id, data, *extra_args, **env_overrides) -> CliResult, against the sandbox."""

    def run(action_id: str, data: dict, *extra: str, **overrides: str):
        return cli("send", action_id, "--input", json.dumps(data), *extra, env=sandbox_env(sandbox, **overrides))

    return run


def api_requests(sandbox, api: str) -> list[dict]:
    """The API requests the sandbox received for one API ("track", "app", "cdp")."""
    return [r for r in sandbox.sandbox.requests if r["api"] == api]
