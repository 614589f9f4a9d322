"""The core's messages name no CLI flag, command or console key (issue 15): where a
message names a control, the core writes a marker (console/words.py) and each face
renders it in its own words: the CLI its commands and flags, the console its screens
and keys, a file the core writes neither."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest

from console import words
from console.cli.words import CLI_WORDS
from console.words import NEUTRAL, Words
from screens.words import UI_WORDS

CONSOLE = Path(__file__).resolve().parents[2] / "console"
# The faces (the CLI, the sandbox's own command line) and the curl command a user copies
# (curl's flags are the text itself) may name flags.
NOT_CORE = ("cli", "sandbox")
CURL = CONSOLE / "wire" / "curl.py"
# A flag, a function key, a ctrl chord. (The CLI's commands, `cio-console actions` and the
# like, are still named in a few help texts: a command is not a control of either face's
# screen, but see the report of issue 15.)
CONTROL = re.compile(r"(?<![\w-])--[a-z]|\bF\d{1,2}\b|\bctrl\+")

FACES = {"cli": CLI_WORDS, "ui": UI_WORDS, "neutral": NEUTRAL}
MARKERS = [
    words.RESUME,
    words.RESTART,
    words.CONCURRENCY,
    words.PASS_RESUME,
    words.pass_resume,
    words.RUN_AGAIN,
    words.run_again,
    words.RATE,
    words.ID_TYPE,
    words.BATCH_TOOL,
    words.HOW_CONNECTION_TEST,
    words.KEYS_IN_MEMORY,
    words.TIMEOUT_NOTE,
    words.ADD_ENVIRONMENT,
    words.store_key("track"),
    words.set_key("Staging", "app"),
    words.set_site_id("Staging"),
    words.set_region("Staging", "eu"),
    words.action_docs("identify-customer"),
    words.delivery_later("dlv_1"),
]


def _docstrings(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add(id(first.value))
    return found


def core_strings() -> list[tuple[str, int, str]]:
    out = []
    for path in sorted(CONSOLE.rglob("*.py")):
        rel = path.relative_to(CONSOLE)
        if rel.parts[0] in NOT_CORE or path == CURL:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        skip = _docstrings(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip:
                out.append((str(rel), node.lineno, node.value))
    return out


def test_no_core_string_names_a_flag_a_command_or_a_key():
    named = [f"{where}:{line}: {text!r}" for where, line, text in core_strings() if CONTROL.search(text)]
    assert named == [], "\n".join(named)


def test_the_scan_finds_a_flag_where_there_is_one():
    # The test above can fail: the pattern catches each kind of control the core used to name.
    for text in ("run again with --resume", "in the console, F2 can", "ctrl+t on the environment screen"):
        assert CONTROL.search(text), text


@pytest.mark.parametrize("face", FACES)
def test_every_face_renders_every_marker(face):
    said = [FACES[face].render(f"{m}.") for m in MARKERS]
    assert not any("⟨" in s for s in said), said
    if face != "cli":
        assert not any(re.search(r"(?<![\w-])--[a-z]|cio-console", s) for s in said), said
    if face != "ui":
        assert not any(re.search(r"\bctrl\+t\b(?! on the environment)", s) for s in said), said


def test_each_face_says_the_control_its_own_way():
    assert CLI_WORDS.render(f"{words.PASS_RESUME} to go on") == "Pass --resume to go on"
    assert UI_WORDS.render(f"{words.PASS_RESUME} to go on") == "Tick Resume to go on"
    assert CLI_WORDS.render(words.set_region("Staging", "eu")).startswith("`cio-console env set Staging --region eu`")
    assert UI_WORDS.render(words.set_region("Staging", "eu")) == "choose EU on the environment screen (F2)"
    assert CLI_WORDS.render(words.set_key("Staging", "app")) == "`cio-console env set-key Staging app`"
    assert UI_WORDS.render(f"Run the connection test{words.HOW_CONNECTION_TEST}.") == (
        "Run the connection test (ctrl+t on the environment screen, F2)."
    )
    assert NEUTRAL.render(f"Run the connection test{words.HOW_CONNECTION_TEST}.") == "Run the connection test."


def test_a_marker_argument_survives_any_environment_name_and_json():
    name = "'prod ⟩ eu: \"main\"'"  # as shlex quotes an awkward name
    marker = words.set_key(name, "track")
    assert CLI_WORDS.render(marker) == f"`cio-console env set-key {name} track`"
    # In a JSON document (`send --json`), the CLI's stream renders it in place and the
    # document stays valid.
    document = json.dumps({"steps": [f"Set it with {words.set_key('Staging', 'track')}."]}, ensure_ascii=False)
    assert json.loads(CLI_WORDS.render(document))["steps"] == ["Set it with `cio-console env set-key Staging track`."]


def test_words_leave_other_text_alone():
    assert Words.render(UI_WORDS, "a ⟨typed⟩ value and ⟨one:more⟩") == "a ⟨typed⟩ value and ⟨one:more⟩"


def test_the_cli_prints_the_core_advice_in_its_words(cli, tmp_path):
    # No Track key anywhere: the core's MissingCredential names how to store one, by marker.
    result = cli(
        "send",
        "identify-customer",
        "--input",
        '{"customer_identifier": "u1"}',
        env={"CIO_SITE_ID": "site", "CIO_TRACK_API_KEY": "", "XDG_CONFIG_HOME": str(tmp_path)},
    )
    assert result.code != 0
    assert "cio-console env set-key NAME track" in result.err and "⟨" not in result.err, result.err
