"""The words `cio-console batch` prints, from `console.batch.report`, with the batch's
controls named as this CLI's flags; and the exit code of a run."""

from __future__ import annotations

from typing import Any

from console.batch.plan import Plan
from console.cli.main import EXIT_API_ERROR, EXIT_NETWORK, EXIT_OK
from console.cli.words import CLI_WORDS

EXIT_INTERRUPTED = 130


def say(text: str) -> str:
    """A core text in the CLI's words (its flags)."""
    return CLI_WORDS.render(text)


def exit_code(batch: Any, todo: Plan, failures: Any) -> int:
    """0 every row done; 1 some rows failed (or the run stopped itself: a refused key, a
    full disk); 3 network trouble or unknown outcomes. `failures`: outcomes.Failures."""
    if batch is None:
        return EXIT_NETWORK if todo.unknown_count else EXIT_OK
    if batch.halt:
        return EXIT_NETWORK if batch.halt_network else EXIT_API_ERROR
    if todo.unknown_count or (failures and (failures.unknown or failures.network)) or batch.unsent:
        return EXIT_NETWORK
    return EXIT_API_ERROR if failures else EXIT_OK
