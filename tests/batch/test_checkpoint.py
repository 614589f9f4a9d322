"""The checkpoint survives a killed process: whole lines, a torn last line ignored."""

import json

import pytest

from console.batch.checkpoint import Checkpoint, CheckpointEntry, CheckpointError, RowOutcome, load
from console.batch.outcomes import FailedFile

HEADER = {"action": "track-event", "target": "http://127.0.0.1:1/track-us"}


def test_last_record_of_a_row_wins_and_sending_means_unknown(tmp_path):
    path = tmp_path / "rows.jsonl.checkpoint.jsonl"
    cp = Checkpoint.create(path, HEADER)
    cp.record_sending([("a", 1), ("b", 2), ("c", 3)])
    cp.record([CheckpointEntry("a", 1, RowOutcome.ERROR, 429)])
    cp.record_sending([("a", 1)])
    cp.record([CheckpointEntry("a", 1, RowOutcome.OK, 200), CheckpointEntry("b", 2, RowOutcome.REJECTED, 400)])
    cp.close()
    loaded = load(path)
    assert loaded.header["action"] == "track-event"
    assert loaded.outcome("a") == RowOutcome.OK
    assert loaded.outcome("b") == RowOutcome.REJECTED
    # c was in flight when the run ended: it may or may not have arrived.
    assert loaded.outcome("c") == RowOutcome.UNKNOWN
    assert loaded.outcome("d") is None
    assert not loaded.torn_tail


def test_a_torn_last_line_is_ignored_and_cut_off_before_appending(tmp_path):
    path = tmp_path / "cp.jsonl"
    cp = Checkpoint.create(path, HEADER)
    cp.record([CheckpointEntry("a", 1, RowOutcome.OK, 200)])
    cp.close()
    with open(path, "ab") as fh:  # what a kill in the middle of a write() leaves behind
        fh.write(b'{"key":"b","line":2,"outco')
    loaded = load(path)
    assert loaded.torn_tail and loaded.outcome("a") == RowOutcome.OK and loaded.outcome("b") is None
    again = Checkpoint.append_to(path, loaded.valid_length)
    again.record([CheckpointEntry("b", 2, RowOutcome.OK, 200)])
    again.close()
    lines = path.read_text().splitlines()
    assert all(json.loads(line) for line in lines)  # no half line left in the middle
    reloaded = load(path)
    assert not reloaded.torn_tail and reloaded.bad_lines == 0
    assert reloaded.outcome("b") == RowOutcome.OK


def test_a_header_torn_in_half_means_nothing_was_sent(tmp_path):
    path = tmp_path / "cp.jsonl"
    path.write_bytes(b'{"checkpoint": 1, "act')
    loaded = load(path)
    assert loaded.header == {} and loaded.entries == {}


def test_a_file_that_is_not_a_checkpoint_is_refused(tmp_path):
    path = tmp_path / "cp.jsonl"
    path.write_text('{"customer_identifier": "u1"}\n')
    with pytest.raises(CheckpointError, match="not a cio-console batch checkpoint"):
        load(path)


def test_records_are_written_through_at_once(tmp_path):
    # Nothing waits in a Python buffer: a SIGKILL right after record() keeps the line.
    path = tmp_path / "cp.jsonl"
    cp = Checkpoint.create(path, HEADER)
    cp.record([CheckpointEntry("a", 1, RowOutcome.OK, 200)])
    assert load(path).outcome("a") == RowOutcome.OK
    cp.close()


def test_failed_file_keeps_the_latest_failure_of_rows_still_failing(tmp_path):
    failed = FailedFile(tmp_path / "rows.jsonl.failed.jsonl")
    failed.append(
        [
            {"key": "a", "line": 1, "outcome": "error", "status": 503},
            {"key": "b", "line": 2, "outcome": "rejected", "status": 400},
        ]
    )
    failed.append([{"key": "a", "line": 1, "outcome": "error", "status": 429}])
    with open(failed.path, "a") as fh:
        fh.write('{"key": "c", "li')  # torn by a kill
    kept = failed.compact({"a": RowOutcome.ERROR, "b": RowOutcome.OK}.get)
    assert [(r["key"], r["status"]) for r in kept.first] == [("a", 429)] and kept.count == 1
    assert failed.path.read_text().count("\n") == 1
    assert failed.compact({"a": RowOutcome.OK}.get).count == 0 and not failed.path.exists()
