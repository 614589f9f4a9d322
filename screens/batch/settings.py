"""The batch screen's settings: the form (action, file, rate, concurrency, Track v2,
resume / start over, dry run), what it reads into (`Settings`, or a `SettingsError`
naming the setting at fault), and the defaults an empty Rate or Concurrency means."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Button, Checkbox, Input, Label, Select

from console.actions.catalog import all_actions, by_api
from console.batch.limits import limit_for
from console.errors import InputError

FIRST_ACTION = "identify-customer"
V2_MODES = [("auto", "auto"), ("on", "on"), ("off: one request per row", "off")]


class SettingsError(InputError, ValueError):
    """A setting the screen refuses before reading the file; names the setting (and `field`
    is its key in the form's values)."""


@dataclass(frozen=True)
class Settings:
    action_id: str
    path: str
    rate: str | None  # None: the API's default
    concurrency: int | None
    v2_mode: str
    resume: bool
    restart: bool
    dry_run: bool

    @property
    def action(self) -> Any:
        return all_actions()[self.action_id]

    @property
    def file(self) -> Path:
        return Path(self.path).expanduser()


def action_options() -> list[tuple[str, str]]:
    return [(f"{spec.INFO.title} · {spec.INFO.id}", spec.INFO.id) for specs in by_api().values() for spec in specs]


def compose_settings() -> ComposeResult:
    with Horizontal(classes="batch-row"):
        yield Label("Action", classes="batch-label")
        yield Select(action_options(), value=FIRST_ACTION, allow_blank=False, id="batch-action", compact=True)
        yield Label("File", classes="batch-label")
        yield Input(placeholder="people.csv or people.jsonl", id="batch-file", compact=True)
    with Horizontal(classes="batch-row"):
        yield Label("Rate", classes="batch-label")
        yield Input(id="batch-rate", classes="batch-number", compact=True)
        yield Label("Concurrency", classes="batch-label")
        yield Input(id="batch-concurrency", classes="batch-number", type="integer", compact=True)
        yield Label("Track v2", classes="batch-label")
        v2_mode = Select(V2_MODES, value="auto", allow_blank=False, id="batch-v2", compact=True)
        v2_mode.tooltip = "auto: Track v2 batch requests from 10 rows up; on; off: one request per row"
        yield v2_mode
    with Horizontal(classes="batch-row"):
        yield Checkbox(
            "Resume",
            id="batch-resume",
            compact=True,
            tooltip="Send only the rows an earlier run of this file did not complete",
        )
        yield Checkbox(
            "Start over",
            id="batch-restart",
            compact=True,
            tooltip="Discard the earlier run's checkpoint and send every row again",
        )
        yield Checkbox(
            "Dry run", id="batch-dry-run", compact=True, tooltip="Validate and show the requests; send nothing"
        )
        yield Button("Check file", id="batch-check-button", compact=True)
        yield Button("Run", id="batch-run-button", variant="primary", compact=True)
        yield Button("Run anyway, skipping invalid rows", id="batch-run-anyway-button", variant="warning", compact=True)


def read_settings(values: dict[str, Any]) -> Settings:
    """Settings from the form's values; SettingsError names the setting at fault."""
    path = (values["path"] or "").strip()
    if not path:
        raise SettingsError("File: type the path of a CSV or JSONL file (nothing sent)", field="path")
    rate = (values["rate"] or "").strip() or None
    text = (values["concurrency"] or "").strip()
    concurrency = None
    if text:
        try:
            concurrency = int(text)
        except ValueError:
            raise SettingsError(
                f"Concurrency: {text!r} is not a whole number (nothing sent)", field="concurrency"
            ) from None
    if values["resume"] and values["restart"]:
        raise SettingsError("Resume and Start over contradict each other; tick one (nothing sent)", field="restart")
    return Settings(
        values["action_id"],
        path,
        rate,
        concurrency,
        values["v2_mode"],
        bool(values["resume"]),
        bool(values["restart"]),
        bool(values["dry_run"]),
    )


def limit_hint(action_id: str) -> str:
    from console.batch.runner import default_concurrency

    limit = limit_for(all_actions()[action_id])
    return (
        f"Empty rate: {limit.default:g} requests/s, at most {limit.maximum:g}: {limit.what}. "
        f"'unlimited' only against the sandbox. Empty concurrency: "
        f"{default_concurrency(limit.default)}."
    )


def default_placeholders(action_id: str) -> tuple[str, str]:
    """What an empty Rate and Concurrency mean for this action."""
    from console.batch.runner import default_concurrency

    limit = limit_for(all_actions()[action_id])
    return f"{limit.default:g} req/s", str(default_concurrency(limit.default))


def concurrency_for(rate_text: str) -> str | None:
    """The default concurrency for a typed rate, or None while it is not a rate yet."""
    from console.batch.runner import default_concurrency

    text = rate_text.strip().lower().removesuffix("/s")
    if text in ("unlimited", "none", "max"):
        return str(default_concurrency(None))
    try:
        rate = float(text)
    except ValueError:
        return None
    return str(default_concurrency(rate)) if rate > 0 else None
