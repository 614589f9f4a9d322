"""`cio-console sandbox`: serve the offline Customer.io workspace on loopback."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from typing import Any, TextIO

HELP = "Serve an offline Customer.io workspace on loopback"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from console.sandbox.config import DEMO_CREDENTIALS

    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: %(default)s)")
    parser.add_argument(
        "--port", type=int, default=8765, help="port to listen on; 0 picks a free one (default: %(default)s)"
    )
    parser.add_argument(
        "--region",
        choices=("us", "eu"),
        default="us",
        help="region the sandbox workspace lives in (default: %(default)s)",
    )
    parser.add_argument("--site-id", default=DEMO_CREDENTIALS["site_id"], help="Track site id to accept")
    parser.add_argument("--track-key", default=DEMO_CREDENTIALS["track_key"], help="Track API key to accept")
    parser.add_argument("--app-key", default=DEMO_CREDENTIALS["app_key"], help="App API key to accept")
    parser.add_argument("--write-key", default=DEMO_CREDENTIALS["write_key"], help="Pipelines write key to accept")
    parser.add_argument(
        "--rate-limit",
        type=float,
        default=None,
        metavar="N",
        help="answer 429 above N authenticated requests per second (default: unlimited)",
    )
    parser.add_argument(
        "--delivery-delay",
        type=float,
        default=0.5,
        metavar="SECONDS",
        help="seconds between a delivery's states, queued -> sent -> delivered -> opened; "
        "0 settles each at once (default: %(default)s)",
    )
    parser.add_argument("--no-demo-data", action="store_true", help="start with an empty workspace")
    parser.add_argument("--tls-cert", metavar="FILE", help="serve HTTPS with this certificate (PEM)")
    parser.add_argument("--tls-key", metavar="FILE", help="private key for --tls-cert (PEM)")


def banner(root_url: str, config: Any) -> str:
    """What to tell the user at start: URLs, credentials, and the environment to use them."""
    lines = [
        f"cio-console sandbox: offline Customer.io workspace {config.workspace_id} "
        f"({config.workspace_name}), region {config.region.upper()}",
        "",
    ]
    for api, label in (("track", "Track API"), ("app", "App API"), ("cdp", "Pipelines API")):
        urls = "   ".join(f"{region.upper()} {root_url}/{api}-{region}" for region in ("us", "eu"))
        lines.append(f"  {label:<14} {urls}")
    lines += [
        f"  {'Controls':<14} {root_url}/_sandbox/state  /_sandbox/requests  /_sandbox/faults  /_sandbox/reset",
        "",
        "Credentials (sandbox only):",
        f"  site id    {config.site_id}",
        f"  Track key  {config.track_key}",
        f"  App key    {config.app_key}",
        f"  write key  {config.write_key}",
        "",
        "Environment:",
        f"  export CIO_SITE_ID={config.site_id}",
        f"  export CIO_TRACK_API_KEY={config.track_key}",
        f"  export CIO_APP_API_KEY={config.app_key}",
        f"  export CIO_WRITE_API_KEY={config.write_key}",
        f"  export CIO_REGION={config.region}",
        f"  export CIO_TRACK_URL={root_url}/track-{config.region}",
        f"  export CIO_APP_URL={root_url}/app-{config.region}",
        f"  export CIO_PIPELINES_URL={root_url}/cdp-{config.region}",
    ]
    if config.rate_limit is not None:
        lines += ["", f"Rate limit: {config.rate_limit:g} requests per second"]
    lines += ["", f"Deliveries move one state every {config.delivery_delay:g} s (--delivery-delay)"]
    lines += ["", "Press Ctrl-C to stop."]
    return "\n".join(lines)


def run(args: argparse.Namespace, out: TextIO | None = None, stop: threading.Event | None = None) -> int:
    """Serve until Ctrl-C (or until ``stop`` is set, for tests); exit code 0 on a clean stop."""
    from console.sandbox import SandboxConfig, serve_in_thread

    out = out or sys.stdout
    if bool(args.tls_cert) != bool(args.tls_key):
        print("cio-console sandbox: --tls-cert and --tls-key go together", file=sys.stderr)
        return 2
    if not 0 <= args.delivery_delay <= 3600:  # also refuses nan
        print(
            f"cio-console sandbox: --delivery-delay: must be a number of seconds from 0 to 3600, "
            f"not {args.delivery_delay:g}",
            file=sys.stderr,
        )
        return 2
    try:
        config = SandboxConfig(
            region=args.region,
            site_id=args.site_id,
            track_key=args.track_key,
            app_key=args.app_key,
            write_key=args.write_key,
            rate_limit=args.rate_limit,
            demo_data=not args.no_demo_data,
            delivery_delay=args.delivery_delay,
        )
    except ValueError as exc:
        print(f"cio-console sandbox: {exc}", file=sys.stderr)
        return 2
    try:
        running = serve_in_thread(
            config, host=args.host, port=args.port, ssl_certfile=args.tls_cert, ssl_keyfile=args.tls_key
        )
    except (RuntimeError, OSError) as exc:
        print(f"cio-console sandbox: could not serve on {args.host}:{args.port}: {exc}", file=sys.stderr)
        return 1
    stop = stop or threading.Event()
    previous = _on_sigterm(stop)
    try:
        print(banner(running.root_url, config), file=out, flush=True)
        while not stop.wait(0.2):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        running.stop()
        _restore_sigterm(previous)
    print("sandbox stopped", file=out, flush=True)
    return 0


def _on_sigterm(stop: threading.Event) -> Any:
    if threading.current_thread() is not threading.main_thread():
        return None
    return signal.signal(signal.SIGTERM, lambda *_: stop.set())


def _restore_sigterm(previous: Any) -> None:
    if previous is not None:
        signal.signal(signal.SIGTERM, previous)
