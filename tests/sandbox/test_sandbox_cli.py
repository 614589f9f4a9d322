"""`cio-console sandbox`: arguments, the start-up banner, and a clean stop."""

from __future__ import annotations

import argparse
import io
import re
import threading
import time

import httpx

from console.cli import sandbox_cmd

from .conftest import APP, APP_KEY


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    sandbox_cmd.add_arguments(parser)
    return parser.parse_args(list(argv))


def test_defaults():
    args = parse()
    assert (args.host, args.port, args.region, args.rate_limit, args.no_demo_data) == (
        "127.0.0.1",
        8765,
        "us",
        None,
        False,
    )
    assert args.app_key == APP_KEY
    assert sandbox_cmd.HELP == "Serve an offline Customer.io workspace on loopback"


def test_run_prints_urls_and_env_then_stops_cleanly():
    args = parse("--port", "0", "--region", "eu", "--app-key", "my-app-key", "--rate-limit", "50")
    out, stop = io.StringIO(), threading.Event()
    result: list[int] = []
    thread = threading.Thread(target=lambda: result.append(sandbox_cmd.run(args, out=out, stop=stop)))
    thread.start()
    try:
        deadline = time.monotonic() + 10
        while "Press Ctrl-C" not in out.getvalue():
            assert time.monotonic() < deadline and thread.is_alive()
            time.sleep(0.01)
        text = out.getvalue()
        root = re.search(r"export CIO_APP_URL=(http://127\.0\.0\.1:\d+)/app-eu", text).group(1)
        for api in ("track", "app", "cdp"):
            for region in ("us", "eu"):
                assert f"{root}/{api}-{region}" in text
        for line in (
            "export CIO_SITE_ID=sandbox-site-0001",
            "export CIO_TRACK_API_KEY=sandbox-track-key-0001",
            "export CIO_APP_API_KEY=my-app-key",
            "export CIO_WRITE_API_KEY=sandbox-write-key-0001",
            "export CIO_REGION=eu",
            f"export CIO_TRACK_URL={root}/track-eu",
            f"export CIO_PIPELINES_URL={root}/cdp-eu",
        ):
            assert line in text
        r = httpx.get(f"{root}/app-eu/v1/workspaces", headers={"Authorization": "Bearer my-app-key"})
        assert r.status_code == 200 and r.json()["workspaces"][0]["people"] == 11
        assert httpx.get(f"{root}/app-eu/v1/workspaces", headers=APP).status_code == 401
    finally:
        stop.set()
        thread.join(10)
    assert result == [0]
    assert out.getvalue().rstrip().endswith("sandbox stopped")


def test_tls_flags_go_together(capsys):
    assert sandbox_cmd.run(parse("--tls-cert", "x.pem")) == 2
    assert "--tls-key" in capsys.readouterr().err


def test_port_in_use_is_reported(capsys):
    from console.sandbox import serve_in_thread

    with serve_in_thread() as running:
        code = sandbox_cmd.run(parse("--port", str(running.port)))
    assert code == 1 and "could not serve" in capsys.readouterr().err


def test_delivery_delay_option(capsys):
    assert parse().delivery_delay == 0.5
    assert parse("--delivery-delay", "2").delivery_delay == 2.0
    for bad in ("-1", "nan", "4000"):
        assert sandbox_cmd.run(parse("--delivery-delay", bad)) == 2
        err = capsys.readouterr().err
        assert "--delivery-delay: must be a number of seconds from 0 to 3600" in err and "Traceback" not in err
