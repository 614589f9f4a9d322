"""Arguments of the console itself: `cio-console [--sandbox] [--env NAME]`."""
from __future__ import annotations

import argparse


def run_tui(args: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="cio-console",
        description="Open the console. Run `cio-console --help` for the commands.",
    )
    parser.add_argument("--sandbox", action="store_true",
                        help="open against an embedded offline sandbox with demo data and keys")
    parser.add_argument("--env", metavar="NAME", help="open on this stored environment")
    ns = parser.parse_args(args)
    from screens.app import CioConsoleApp

    app = CioConsoleApp(sandbox=ns.sandbox, env_name=ns.env)
    app.run()
    return app.return_code or 0
