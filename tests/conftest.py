"""Shared fixtures: isolation from the user's machine, a sandbox on a real loopback
socket, and an in-process runner for the `cio-console` CLI."""

from __future__ import annotations

import io
import sys
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass

import pytest

CIO_VARS = (
    "CIO_SITE_ID",
    "CIO_TRACK_API_KEY",
    "CIO_APP_API_KEY",
    "CIO_WRITE_API_KEY",
    "CIO_REGION",
    "CIO_TRACK_URL",
    "CIO_APP_URL",
    "CIO_PIPELINES_URL",
)


def pytest_xdist_auto_num_workers(config):
    """`-n auto` (make test) runs two workers per core, up to four more than the cores.
    Many tests spend part of their time waiting (a debounce timer, a loopback answer, a
    subprocess, a deliberately stalled server): with one worker per core a core idles
    while its worker waits. Measured on 2 cores: 2 workers 157 s, 3 workers 136 s, 4
    workers 120 s (benchmarks/suite_time.py)."""
    import os

    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return min(2 * cores, cores + 4)


@pytest.fixture(autouse=True, scope="session")
def textual_test_speed():
    """Each stylesheet parsed once per test process, not once per App (tests/shared_css.py);
    Pilot's waits end when the App is done with what it was sent (tests/quiet_wait.py); a
    headless frame is painted only when a test looks at it (tests/unpainted.py); a
    callback's parameters are counted once per function (tests/counted_callbacks.py); a
    message's handlers are looked up once per class (tests/dispatch_plans.py)."""
    from tests import counted_callbacks, dispatch_plans, quiet_wait, unpainted
    from tests.shared_css import share_parsed_css

    share_parsed_css()
    quiet_wait.install()
    unpainted.install()
    counted_callbacks.install()
    dispatch_plans.install()


@pytest.fixture(autouse=True)
def fresh_dispatch_plans():
    """Each test looks its message handlers up afresh (tests/dispatch_plans.py)."""
    from tests import dispatch_plans

    dispatch_plans.forget()


@pytest.fixture(autouse=True)
def paint_for_snapshots(request):
    """Snapshot tests paint every frame, as the real App does (tests/unpainted.py)."""
    from tests import unpainted

    unpainted.paint = "snap_compare" in request.fixturenames
    yield
    unpainted.paint = False


@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch):
    """No test reads or writes the real config, data or keyring, or inherits CIO_*."""
    for var in CIO_VARS:
        monkeypatch.delenv(var, raising=False)
    for var in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        monkeypatch.setenv(var, str(tmp_path / var.lower()))
    return tmp_path


@pytest.fixture(scope="session")
def sandbox_server():
    """One sandbox served on a real loopback port for the whole session (US workspace)."""
    from console.sandbox import SandboxConfig, serve_in_thread

    with serve_in_thread(SandboxConfig()) as running:
        yield running


@pytest.fixture
def sandbox(sandbox_server):
    """The session sandbox, reset to its demo state before each test."""
    sandbox_server.sandbox.reset()
    yield sandbox_server
    sandbox_server.sandbox.clear_faults()


@dataclass
class CliResult:
    code: int
    out: str
    err: str

    def json(self):
        import json

        return json.loads(self.out)


def sandbox_env(running, region: str = "us", **overrides: str) -> dict[str, str]:
    """CIO_* variables pointing at a running sandbox in one region, with its demo keys."""
    from console.sandbox import DEMO_CREDENTIALS as demo

    root = running.root_url
    env = {
        "CIO_SITE_ID": demo.site_id,
        "CIO_TRACK_API_KEY": demo.track_key,
        "CIO_APP_API_KEY": demo.app_key,
        "CIO_WRITE_API_KEY": demo.write_key,
        "CIO_REGION": region,
        "CIO_TRACK_URL": f"{root}/track-{region}",
        "CIO_APP_URL": f"{root}/app-{region}",
        "CIO_PIPELINES_URL": f"{root}/cdp-{region}",
    }
    env.update(overrides)
    return {k: v for k, v in env.items() if v is not None}


@pytest.fixture
def cli(monkeypatch):
    """Run `cio-console ARGS...` in-process: cli(*args, env={...}, stdin="...") -> CliResult."""
    from screens.launcher import main

    def run(*args: str, env: dict[str, str] | None = None, stdin: str | None = None) -> CliResult:
        with monkeypatch.context() as m:
            for key, value in (env or {}).items():
                m.setenv(key, value)
            if stdin is not None:
                m.setattr(sys, "stdin", io.StringIO(stdin))
            out, err = io.StringIO(), io.StringIO()
            with redirect_stdout(out), redirect_stderr(err):
                code = main(list(args))
        return CliResult(code, out.getvalue(), err.getvalue())

    return run


@pytest.fixture(autouse=True)
def memory_keyring(request, monkeypatch):
    """An empty in-memory OS keyring for every test: no test reads or writes the real one,
    except those marked `secret_service`, which use the real Secret Service on purpose."""
    if request.node.get_closest_marker("secret_service"):
        yield None
        return
    import keyring.core

    from tests.memory_keyring import MemoryKeyring

    backend = MemoryKeyring()
    monkeypatch.setattr(keyring.core, "_keyring_backend", backend)
    yield backend


@pytest.fixture(autouse=True)
def forget_registered_secrets():
    """Each test starts with no key known to redaction: keys one test registered must not
    mask another test's output (a process forgets them when it ends anyway)."""
    from console.wire.redact import forget_secrets

    forget_secrets()
    yield
    forget_secrets()


@pytest.fixture
def fake_clock(monkeypatch):
    """The console's waits (Retry-After between attempts, countdowns) on a fake clock that
    moves on at once: `fake_clock.slept` lists them. Set `fake_clock.hold = True` to keep
    each wait going until the test calls `fake_clock.advance(seconds)`."""
    from console.wire import clock
    from tests.fake_clock import FakeClock

    fake = FakeClock()
    monkeypatch.setattr(clock, "monotonic", fake.monotonic)
    monkeypatch.setattr(clock, "wall", fake.wall)
    monkeypatch.setattr(clock, "sleep", fake.sleep)
    return fake


@pytest.fixture
def short_tmp_path():
    """A private directory with a short name, for a test that expects a path whole in a
    message that cuts long values: under pytest-xdist `tmp_path` gains a worker level
    (…/popen-gw1/…) and can pass the cut."""
    import shutil
    import tempfile
    from pathlib import Path

    path = Path(tempfile.mkdtemp(prefix="cio-"))
    yield path
    shutil.rmtree(path, ignore_errors=True)
