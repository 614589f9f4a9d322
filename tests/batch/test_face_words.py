"""The core's batch advice names no face's control: each face renders the same core text
in its own words (the CLI's flags, the batch screen's checkboxes)."""

from __future__ import annotations

import pytest

from console.actions.catalog import get_action
from console.batch.job import JobError, prepare
from console.cli.words import CLI_WORDS
from console.wire.credentials import from_env
from screens.batch.view import ui_words
from tests.batch.conftest import people, write_jsonl
from tests.conftest import sandbox_env

FACE_WORDS = ("--resume", "--restart", "--concurrency", "Tick", "tick", "Start over")


def earlier_run_refusal(batch, sandbox, tmp_path) -> str:
    path = write_jsonl(tmp_path / "people.jsonl", people(3))
    first = batch(
        "identify-customer", path, "--v2-batch", "off", "--rate", "unlimited", CIO_TRACK_API_KEY="wrong-key"
    )  # refused: the checkpoint is left for a resume
    assert first.code != 0
    with pytest.raises(JobError) as caught:
        prepare(get_action("identify-customer"), path, from_env(sandbox_env(sandbox)))
    return str(caught.value)


def test_the_resume_hint_is_one_core_text_each_face_words(batch, sandbox, tmp_path):
    core = earlier_run_refusal(batch, sandbox, tmp_path)
    assert not any(word in core for word in FACE_WORDS), core
    cli = CLI_WORDS.render(core)
    ui = ui_words(core)
    assert "Pass --resume to send only the rows it did not complete, or --restart to discard it" in cli
    assert "Tick Resume to send only the rows it did not complete, or Start over to discard it" in ui
    assert "⟨" not in cli and "⟨" not in ui


def test_the_cli_says_the_flag(batch, sandbox, tmp_path):
    path = write_jsonl(tmp_path / "people.jsonl", people(3))
    batch("identify-customer", path, "--v2-batch", "off", "--rate", "unlimited", CIO_TRACK_API_KEY="wrong-key")
    again = batch("identify-customer", path, "--v2-batch", "off", "--rate", "unlimited")
    assert again.code == 2 and "Pass --resume" in again.err and "⟨" not in again.err


@pytest.mark.parametrize("kwargs", [{"resume": True, "restart": True}, {"concurrency": 0}])
def test_settings_refusals_name_each_faces_control(kwargs, sandbox, tmp_path):
    path = write_jsonl(tmp_path / "people.jsonl", people(1))
    with pytest.raises(JobError) as caught:
        prepare(get_action("identify-customer"), path, from_env(sandbox_env(sandbox)), **kwargs)
    core = str(caught.value)
    assert not any(word in core for word in FACE_WORDS), core
    assert "--" in CLI_WORDS.render(core) and "--" not in ui_words(core)


def test_the_dry_run_is_one_text_for_both_faces(batch, sandbox, tmp_path):
    import json

    from screens.batch.view import dry_run_text

    path = write_jsonl(tmp_path / "people.jsonl", people(5))
    cli = batch("identify-customer", path, "--v2-batch", "off", "--rate", "10", "--dry-run")
    assert cli.code == 0, cli.err
    job = prepare(
        get_action("identify-customer"), path, from_env(sandbox_env(sandbox)), rate="10", v2_mode="off", preview=True
    )
    ui = dry_run_text(job)
    said = [line for line in cli.err.splitlines() if line.startswith("dry run: ")]
    assert said and ui.splitlines()[0] == "Dry run: " + said[0].removeprefix("dry run: ")
    assert "5 rows as 5 requests, one per row; 10 requests/s" in ui
    assert json.loads(ui.split("The first request:\n", 1)[1]) == json.loads(cli.out.splitlines()[0])
