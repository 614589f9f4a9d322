"""The README's action table is generated from the specs and must not drift."""

from pathlib import Path

from console.actions.docs import markdown_table

README = Path(__file__).resolve().parent.parent / "README.md"


def test_readme_action_table_matches_the_specs():
    text = README.read_text(encoding="utf-8")
    start = text.index("<!-- actions-table:start -->\n") + len("<!-- actions-table:start -->\n")
    end = text.index("<!-- actions-table:end -->")
    assert text[start:end] == markdown_table(), "run `cio-console actions --markdown` and paste it into README.md"


def test_readme_gives_the_two_commands():
    text = README.read_text(encoding="utf-8")
    assert "make demo" in text and "make test" in text
