"""Reading CSV and JSONL batch files, and validating every row before anything is sent."""

import json

import pytest

from console.actions.catalog import get_action
from console.batch.rows import FileFormatError, read_rows, validate_rows

IDENTIFY = get_action("identify-customer")
EVENT = get_action("track-event")


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_csv_rows_keep_their_line_numbers_and_json_columns_are_parsed(tmp_path):
    path = write(
        tmp_path,
        "people.csv",
        "customer_identifier,traits\n"
        'u1,"{""plan"": ""pro""}"\n'
        "\n"
        'u2,"{""a"": 1,\n""b"": 2}"\n'  # a quoted cell spanning two lines
        "u3,\n",
    )
    rows = read_rows(path)
    assert [r.line for r in rows] == [2, 4, 6]
    checked = validate_rows(IDENTIFY, rows)
    assert not checked.invalid
    specs = [v.spec for v in checked.valid]
    assert specs[0].traits == {"plan": "pro"}
    assert specs[1].traits == {"a": 1, "b": 2}
    assert specs[2].traits is None  # an empty cell means "not given"


def test_a_csv_with_a_byte_order_mark_reads_its_first_column(tmp_path):
    path = tmp_path / "excel.csv"
    path.write_bytes("\ufeffcustomer_identifier\nu1\n".encode("utf-8"))
    rows = read_rows(path)
    assert rows[0].data == {"customer_identifier": "u1"}


def test_jsonl_rows_and_blank_lines(tmp_path):
    path = write(
        tmp_path,
        "events.jsonl",
        json.dumps({"customer_identifier": "u1", "event_name": "paid", "event_properties": {"n": 1}})
        + "\n\n"
        + json.dumps({"customer_identifier": 42, "event_name": "paid"})
        + "\n",
    )
    rows = read_rows(path)
    assert [r.line for r in rows] == [1, 3]
    checked = validate_rows(EVENT, rows)
    assert [v.spec.customer_identifier for v in checked.valid] == ["u1", "42"]
    assert checked.valid[0].spec.event_properties == {"n": 1}


def test_bad_rows_are_reported_by_line_and_field(tmp_path):
    path = write(
        tmp_path,
        "people.csv",
        "customer_identifier,traits,plan\n"
        'u1,"{}",\n'
        ',"{}",\n'  # line 3: identifier missing
        'u3,"{not json",\n'  # line 4: bad JSON in an object column
        "u4,,pro\n"  # line 5: a column that is not a field
        'u5,"[1, 2]",,extra\n',
    )  # line 6: more cells than the header
    checked = validate_rows(IDENTIFY, read_rows(path))
    assert [v.line for v in checked.valid] == [2]
    problems = {p.line: p for p in checked.problems}
    assert sorted(problems) == [3, 4, 5, 6]
    assert problems[3].field == "customer_identifier" and "is required" in problems[3].message
    assert problems[4].field == "traits" and "not valid JSON" in problems[4].message
    assert problems[5].field == "plan" and "not a field of identify-customer" in problems[5].message
    assert problems[6].field is None and "4 cells" in problems[6].message and "3 columns" in problems[6].message
    assert problems[3].text().startswith("line 3: Customer Identifier (customer_identifier)")


def test_a_short_csv_row_leaves_its_last_columns_out(tmp_path):
    # Fewer cells than the header: the missing ones are "not given", like empty cells.
    path = write(tmp_path, "people.csv", "customer_identifier,traits\nu1\nu2,\n")
    checked = validate_rows(IDENTIFY, read_rows(path))
    assert [v.line for v in checked.valid] == [2, 3] and not checked.problems


def test_bad_jsonl_lines_are_reported_with_their_line(tmp_path):
    path = write(
        tmp_path,
        "rows.jsonl",
        '{"customer_identifier": "u1", "event_name": "e"}\n'
        '{"customer_identifier": "u2", "event_name": \n'
        '["not", "an", "object"]\n'
        '{"customer_identifier": "u4", "event_name": "e", "timestamp": 1700000000000}\n',
    )
    checked = validate_rows(EVENT, read_rows(path))
    problems = {p.line: p for p in checked.problems}
    assert sorted(problems) == [2, 3, 4]
    assert "not valid JSON" in problems[2].message
    assert "must be a JSON object" in problems[3].message
    assert problems[4].field == "timestamp" and "milliseconds" in problems[4].message


@pytest.mark.parametrize(
    "text, message",
    [
        ("", "empty"),
        ("customer_identifier,,traits\nu1,,\n", "column 2 has no name"),
        ("customer_identifier,customer_identifier\nu1,u2\n", "appears twice"),
    ],
)
def test_whole_file_problems(tmp_path, text, message):
    with pytest.raises(FileFormatError, match=message):
        read_rows(write(tmp_path, "bad.csv", text))


def test_row_keys_follow_content_not_position(tmp_path):
    first = read_rows(write(tmp_path, "a.jsonl", '{"customer_identifier": "u1"}\n{"customer_identifier": "u2"}\n'))
    moved = read_rows(
        write(
            tmp_path,
            "b.jsonl",
            '{"customer_identifier": "u0"}\n{"customer_identifier": "u2"}\n{"customer_identifier": "u1"}\n',
        )
    )
    assert first[0].key == moved[2].key and first[1].key == moved[1].key
    twice = read_rows(write(tmp_path, "c.jsonl", '{"customer_identifier": "u1"}\n{"customer_identifier": "u1"}\n'))
    assert twice[0].key != twice[1].key  # a deliberate repeat is its own row
