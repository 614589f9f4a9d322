"""The `cio-console` executable.

Subcommands (`send`, `actions`, `sandbox`, ...) are routed to `console.cli` and never
import Textual; only a bare `cio-console [--sandbox]` opens the App.
"""
from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    from console.cli.main import is_subcommand, run_subcommand

    args = list(sys.argv[1:] if argv is None else argv)
    if is_subcommand(args):
        return run_subcommand(args)
    from screens.tui_args import run_tui

    return run_tui(args)


if __name__ == "__main__":
    sys.exit(main())
