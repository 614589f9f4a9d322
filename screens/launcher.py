"""The `cio-console` executable.

Subcommands (`send`, `actions`, `sandbox`, ...) are routed to `console.cli` and never
import Textual; only a bare `cio-console [--sandbox]` opens the App.
"""

from __future__ import annotations

import argparse
import gc
import sys


def main(argv: list[str] | None = None) -> int:
    from console.cli.main import is_subcommand, run_subcommand

    args = list(sys.argv[1:] if argv is None else argv)
    if is_subcommand(args):
        return run_subcommand(args)
    return run_tui(args)


def run_tui(args: list[str]) -> int:
    """Arguments of the console itself: `cio-console [--sandbox] [--env NAME]`."""
    parser = argparse.ArgumentParser(
        prog="cio-console",
        description="Open the console. Run `cio-console --help` for the commands.",
    )
    parser.add_argument(
        "--sandbox", action="store_true", help="open against an embedded offline sandbox with demo data and keys"
    )
    parser.add_argument("--env", metavar="NAME", help="open on this stored environment")
    ns = parser.parse_args(args)
    # Start-up makes a few hundred thousand objects that live as long as the process
    # (modules, classes, stylesheets, the first screen's widgets). The cyclic collector's
    # passes over them fell inside the first frame: a full one of ~35 ms and a dozen
    # young ones, ~60 ms of ~400 (benchmarks/startup.py). Paused until the first frame is
    # painted; the app then moves what exists out of its reach and resumes it (gc_paused).
    gc.disable()
    try:
        from screens.app import CioConsoleApp

        app = CioConsoleApp(sandbox=ns.sandbox, env_name=ns.env, gc_paused=True)
        app.run()
    finally:
        gc.enable()  # the app may have closed before its first frame
    return app.return_code or 0


if __name__ == "__main__":
    sys.exit(main())
