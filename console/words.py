"""How a face names its controls, for the core's advice.

The core's messages tell the user what to do next: resume a batch, lower the rate, run
the connection test, store a key. The CLI names those as commands and flags (`--resume`,
`cio-console env test NAME`), the console as its screens, keys and checkboxes ("Tick
Resume", ctrl+t on F2). So the core writes a marker where a message names a control,
and each face renders the text with its own `Words` where it shows it: the CLI on its
output streams (console/cli/main.py), the console wherever it shows a core text
(screens/words.py). The core names no flag or key. A file the core writes for whoever
reads it later (a batch's failed file) is rendered with `NEUTRAL`.

A marker is `⟨name⟩`, or `⟨name:arg ...⟩` with arguments (an environment's name, a key
kind) percent-encoded, so a marker holds no space, quote or backslash of its own and
survives JSON. A capitalised marker starts a sentence, and renders capitalised.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from typing import Any
from urllib.parse import quote, unquote

# Markers the core writes. A capitalised marker starts a sentence.
RESUME = "⟨resume⟩"
RESTART = "⟨restart⟩"
CONCURRENCY = "⟨concurrency⟩"
PASS_RESUME = "⟨Pass resume⟩"  # "Pass --resume" / "Tick Resume"
pass_resume = "⟨pass resume⟩"
RUN_AGAIN = "⟨Run again⟩"  # "Run the same command with --resume" / "Tick Resume and run again"
run_again = "⟨run again⟩"
RATE = "⟨rate⟩"  # the batch's requests per second: "--rate" / "Rate"
ID_TYPE = "⟨id type⟩"  # before "id, email or cio_id": "--id-type" / "pick"
BATCH_TOOL = "⟨batch tool⟩"  # what sends many rows at a paced rate
# Clauses that only one face has something to say in (empty for the others):
HOW_CONNECTION_TEST = "⟨how connection test⟩"  # after "Run the connection test"
KEYS_IN_MEMORY = "⟨keys in memory⟩"  # after "the OS keyring cannot be read here"
TIMEOUT_NOTE = "⟨timeout note⟩"  # after a deadline that passed
ADD_ENVIRONMENT = "⟨add environment⟩"  # after "Known environments: …."


def _marker(name: str, *args: str) -> str:
    return "⟨" + name + (":" + " ".join(quote(a, safe="") for a in args) if args else "") + "⟩"


def store_key(kind: str) -> str:
    """After "Set CIO_…_KEY": how else a `kind` key ("track", "app", "write") can be kept."""
    return _marker("store key", kind)


def set_key(env: str, kind: str) -> str:
    """How to store a `kind` key in the stored environment `env`."""
    return _marker("set key", env, kind)


def set_site_id(env: str) -> str:
    """How to set the Site ID of the stored environment `env`."""
    return _marker("set site id", env)


def set_region(env: str, region: str) -> str:
    """How to switch the stored environment `env` ("NAME": any) to `region` ("us", "eu")."""
    return _marker("set region", env, region, region.upper())


def delivery_later(delivery_id: str) -> str:
    """How to look at the delivery `delivery_id` again later."""
    return _marker("delivery later", delivery_id)


def action_docs(action_id: str) -> str:
    """Where an action's fields and examples are described ("ACTION": any action)."""
    return _marker("action docs", action_id)


@dataclass(frozen=True)
class Words:
    """A face's names for the controls, each in lower case where it starts a phrase. The
    ones taking arguments are templates: {0}, {1}, … are the marker's arguments."""

    resume: str
    restart: str
    concurrency: str
    pass_resume: str  # how to ask for a resume: "pass --resume"
    run_again: str  # how to run again, resuming: "run the same command with --resume"
    rate: str
    id_type: str
    batch_tool: str
    how_connection_test: str
    keys_in_memory: str
    timeout_note: str
    add_environment: str
    store_key: str  # {0}: the key kind
    set_key: str  # {0}: the environment, {1}: the key kind
    set_site_id: str  # {0}: the environment
    set_region: str  # {0}: the environment, {1}: the region, {2}: the region in capitals
    action_docs: str  # {0}: the action id
    delivery_later: str  # {0}: the delivery id

    def render(self, text: str) -> str:
        """`text` with every marker in this face's words."""
        if "⟨" not in text:
            return text
        return _MARKER.sub(self._word, text)

    def _word(self, match: re.Match[str]) -> str:
        name, args = match.group(1), match.group(2)
        attribute = name.lower().replace(" ", "_")
        if attribute not in _NAMES:
            return match.group(0)
        word: str = getattr(self, attribute)
        if args is not None:
            word = word.format(*(unquote(a) for a in args.split(" ")))
        return word[:1].upper() + word[1:] if name[:1].isupper() else word


_NAMES = {f.name for f in fields(Words)}
_MARKER = re.compile(r"⟨([A-Za-z ]+)(?::([^⟩]*))?⟩")

# For a file the core writes (a batch's failed rows): it may be read from either face, or
# by a script, so it names no control at all.
NEUTRAL = Words(
    resume="resume",
    restart="start over",
    concurrency="the concurrency",
    pass_resume="resume the batch",
    run_again="run the batch again, resuming",
    rate="the rate",
    id_type="one of",
    batch_tool="a batch run",
    how_connection_test="",
    keys_in_memory="",
    timeout_note="",
    add_environment="",
    store_key=", or store it in a stored environment",
    set_key="storing the {1} key in the environment {0}",
    set_site_id="setting the Site ID of the environment {0}",
    set_region="setting the region of the environment {0} to {2}",
    action_docs="the action's fields and examples",
    delivery_later="reading delivery {0} again later",
)


def render_data(words: Words, data: Any) -> Any:
    """`data` (JSON-shaped) with every string in it rendered in `words`."""
    if isinstance(data, str):
        return words.render(data)
    if isinstance(data, dict):
        return {key: render_data(words, value) for key, value in data.items()}
    if isinstance(data, list):
        return [render_data(words, value) for value in data]
    return data
