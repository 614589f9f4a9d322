"""The slice-at-a-time JSON pretty-printer writes what json.dumps(indent=2) writes, and
tells text that is not JSON (shown as it is) from a body that was cut short."""

from __future__ import annotations

import json

import pytest

from screens.widgets.json_format import PrettyJson
from screens.widgets.json_view import CUT_NOTE, MAX_LINE, format_body


def _run(text: str, tokens: int = 3) -> PrettyJson:
    pretty = PrettyJson(text)
    while not pretty.done:
        pretty.step(tokens)  # tiny steps: state carries over between slices
    return pretty


@pytest.mark.parametrize(
    "value",
    [
        {},
        [],
        [[[]]],
        5,
        "text",
        None,
        {"a": {}, "b": [], "c": [1, {"d": None, "e": [True, False]}], "s": 'x"y,:{[ \\ é'},
        {"k": [{"x": 1.5e3}, -2, 0.25]},
        [1, 2, [3, [4, {}]]],
    ],
)
def test_same_lines_as_json_dumps(value):
    compact = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    pretty = _run(compact)
    assert pretty.ok and not pretty.cut
    assert pretty.lines == json.dumps(value, indent=2, ensure_ascii=False).splitlines()
    spaced = json.dumps(value, indent=4, ensure_ascii=False)  # already pretty, other indent
    assert _run(spaced).lines == pretty.lines


@pytest.mark.parametrize(
    "text",
    ['{"a" 1}', "[1,,2]", '{"a":1]', "hello", '{"a":1} x', "[1 2]", "<html><body>502</body></html>", "{,}", "[1]]"],
)
def test_not_json_is_detected(text):
    assert not _run(text).ok
    lines, is_json = format_body(text)
    assert not is_json and lines == text.splitlines()


def test_a_cut_body_keeps_its_pretty_lines():
    lines, is_json = format_body('{"a":[1,2,{"b":')
    assert is_json and lines == ["{", '  "a": [', "    1,", "    2,", "    {", '      "b": ', CUT_NOTE]


def test_raw_text_is_made_safe_to_draw():
    lines, is_json = format_body("a\tb\x1b[31mred\n" + "x" * (MAX_LINE + 5))
    assert not is_json
    assert lines[0] == "a   b\ufffd[31mred" and lines[1] == "x" * MAX_LINE and lines[2] == "x" * 5
