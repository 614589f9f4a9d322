"""How a batch file is split and decoded: a row is one `\\n`-ended line of JSONL, whatever
characters its strings hold; a line that cannot be decoded is that line's problem; the
files beside FILE that hold row data are the owner's only."""

import json
import os
import stat

from console.batch.rows import read_rows
from tests.batch.conftest import applied_paths, people, write_jsonl


def traits_of(sandbox, person_id: str) -> dict:
    snap = sandbox.sandbox.snapshot()
    return next(p["attributes"] for p in snap["people"] if p["id"] == person_id)


def test_line_separators_inside_strings_stay_in_their_row(batch, sandbox, tmp_path):
    # json.dumps(..., ensure_ascii=False) writes U+2028, U+2029 and U+0085 raw: valid JSON,
    # but str.splitlines() would cut the row there. Windows line ends are accepted too.
    values = {"u1": "first\u2028second", "u2": "next\x85line", "u3": "para\u2029graph\x1c\x1d\x1e"}
    text = (
        "\r\n".join(
            json.dumps({"customer_identifier": k, "traits": {"note": v}}, ensure_ascii=False) for k, v in values.items()
        )
        + "\r\n"
    )
    path = tmp_path / "people.jsonl"
    path.write_bytes(text.encode("utf-8"))
    assert [r.line for r in read_rows(path)] == [1, 2, 3]
    result = batch("identify-customer", path, "--v2-batch", "off")
    assert result.code == 0, result.err
    assert "invalid" not in result.err
    for person, value in values.items():
        assert traits_of(sandbox, person)["note"] == value


def test_an_undecodable_line_is_that_lines_problem_and_the_others_are_sent(batch, sandbox, tmp_path):
    lines = [
        json.dumps({"customer_identifier": "ok1"}).encode(),
        b'{"customer_identifier": "bad\xff\xfe"}',  # not UTF-8
        b'{"customer_identifier": "half\\ud800"}',  # a lone surrogate escape: not a character
        b'{"customer_identifier": "pair\\ud83d\\ude00"}',  # a whole pair is fine
        json.dumps({"customer_identifier": "ok2"}).encode(),
    ]
    path = tmp_path / "people.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    result = batch("identify-customer", path, "--skip-invalid", "--v2-batch", "off")
    assert result.code == 0, result.err
    assert "2 of 5 rows" in result.err
    assert "line 2: is not UTF-8 text (byte 29 of the line" in result.err
    assert "line 3: holds \\ud800 at column" in result.err
    assert "surrogates not allowed" not in result.err
    assert sorted(applied_paths(sandbox)) == [
        "/api/v1/customers/ok1",
        "/api/v1/customers/ok2",
        "/api/v1/customers/pair%F0%9F%98%80",
    ]


def test_an_undecodable_csv_cell_names_its_line_and_column(batch, sandbox, tmp_path):
    path = tmp_path / "people.csv"
    path.write_bytes(b'customer_identifier,traits\nc1,\nc\xe92,\nc3,\nc4,"{""a"": ""\\udc00""}"\n')
    result = batch("identify-customer", path, "--skip-invalid", "--v2-batch", "off")
    assert result.code == 0, result.err
    assert "line 3: column 'customer_identifier' is not UTF-8 text" in result.err
    assert "line 5: column 'traits' holds \\udc00 at column" in result.err  # half a pair, in a JSON cell
    assert sorted(applied_paths(sandbox)) == ["/api/v1/customers/c1", "/api/v1/customers/c3"]


def test_the_failed_and_invalid_files_are_the_owners_only(batch, sandbox, tmp_path):
    old = os.umask(0o022)  # the usual umask, which would leave a new file 0644
    try:
        rows = people(3, "m") + [{"traits": {"n": i}} for i in range(25)]  # no identifier: 25 invalid
        path = write_jsonl(tmp_path / "people.jsonl", rows)
        # The sandbox rejects this row's request (400): a row for the failed file.
        sandbox.sandbox.add_fault("/api/v1/customers/m1", status=400, times=None)
        result = batch("identify-customer", path, "--skip-invalid", "--v2-batch", "off")
    finally:
        os.umask(old)
    assert result.code == 1, result.err
    failed = tmp_path / "people.jsonl.failed.jsonl"
    invalid = tmp_path / "people.jsonl.invalid.jsonl"
    for held in (failed, invalid):
        assert stat.S_IMODE(held.stat().st_mode) == 0o600, held
    assert [json.loads(line)["input"]["customer_identifier"] for line in failed.read_text().splitlines()] == ["m1"]
    # The terminal lists the first 20 problems; the file beside the input holds every invalid row.
    listed = [json.loads(line) for line in invalid.read_text().splitlines()]
    assert len(listed) == 25 and [r["line"] for r in listed] == list(range(4, 29))
    assert all(r["problems"][0]["message"] for r in listed)
    assert f"Every invalid row, with its problems: {invalid}" in result.err
    assert result.err.count("  line ") == 20 and "and 5 more problems" in result.err


def test_a_file_changed_after_its_check_sends_nothing_unchecked(tmp_path):
    import pytest

    from console.actions.catalog import get_action
    from console.batch.job import JobError, prepare
    from console.wire.credentials import Credentials

    action = get_action("identify-customer")
    creds = Credentials(site_id="site", track_key="key", urls={action.INFO.api: "http://127.0.0.1:9/track"})
    path = write_jsonl(tmp_path / "people.jsonl", people(3, "c"))
    job = prepare(action, path, creds, v2_mode="off")
    write_jsonl(path, people(3, "c") + people(2, "new"))  # rows added after the check
    with pytest.raises(JobError, match="changed since it was checked"):
        job.open()
    job.file_id = ()  # even read past that guard, only the rows checked can go out
    assert [r.row.data["customer_identifier"] for r in job.rows_to_send()] == ["c0", "c1", "c2"]
