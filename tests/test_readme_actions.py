"""The README's action table names every action with its API and key (issue 6)."""

from pathlib import Path

from console.actions.catalog import all_actions

README = Path(__file__).resolve().parent.parent / "README.md"


def test_every_action_is_in_the_readme_with_its_api_and_key():
    rows = {
        line.split("|")[1].strip(" `"): line
        for line in README.read_text(encoding="utf-8").splitlines()
        if line.startswith("| `")
    }
    for action_id, action in all_actions().items():
        api = action.INFO.api
        assert f"| {api.title} | {api.key_name} |" in rows[action_id], action_id


def test_the_cli_prints_the_table_that_is_in_the_readme(cli):
    table = cli("actions", "--markdown").out
    assert table and table in README.read_text(encoding="utf-8")
