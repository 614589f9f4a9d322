"""`cio-console batch` against the loopback sandbox: validation first, then every row
applied exactly once, whatever the server answers."""

import json

from console.batch.checkpoint import RowOutcome, load
from console.sandbox import DEMO_CREDENTIALS as DEMO
from tests.batch.conftest import applied_paths, event_counts, events, people, wait_for, write_jsonl
from tests.conftest import sandbox_env


def test_invalid_rows_are_listed_and_nothing_runs_until_accepted(batch, sandbox, tmp_path):
    path = tmp_path / "people.csv"
    path.write_text('customer_identifier,traits\nv1,"{""a"": 1}"\n,"{}"\nv3,\nv4,"{oops"\n', encoding="utf-8")
    refused = batch("identify-customer", path, stdin="")
    assert refused.code == 2
    assert "2 of 4 rows" in refused.err
    assert "line 3: Customer Identifier (customer_identifier) is required" in refused.err
    assert "line 5: Traits (traits) is not valid JSON" in refused.err
    assert "nothing sent" in refused.err
    assert sandbox.sandbox.requests == []
    accepted = batch("identify-customer", path, stdin="y\n")
    assert accepted.code == 0, accepted.err
    assert sorted(applied_paths(sandbox)) == ["/api/v1/customers/v1", "/api/v1/customers/v3"]


def test_skip_invalid_sends_the_valid_rows_without_asking(batch, sandbox, tmp_path):
    rows = events(3) + [{"customer_identifier": "e9"}]  # no event_name
    path = write_jsonl(tmp_path / "events.jsonl", rows)
    result = batch("track-event", path, "--skip-invalid")
    assert result.code == 0, result.err
    assert "line 4: Event Name (event_name) is required" in result.err
    assert event_counts(sandbox) == {"e0": 1, "e1": 1, "e2": 1}


def test_dry_run_prints_each_request_masked_and_sends_nothing(batch, sandbox, tmp_path):
    path = write_jsonl(tmp_path / "people.jsonl", people(3))
    result = batch("identify-customer", path, "--dry-run", "--v2-batch", "off")
    assert result.code == 0, result.err
    lines = [json.loads(line) for line in result.out.splitlines()]
    assert [r["url"].rsplit("/", 1)[1] for r in lines] == ["b0", "b1", "b2"]
    assert all(r["headers"]["Authorization"] == "Basic ****" for r in lines)
    assert DEMO["track_key"] not in result.out
    many = batch("identify-customer", write_jsonl(tmp_path / "many.jsonl", people(250)), "--dry-run")
    (first, *rest) = [json.loads(line) for line in many.out.splitlines()]
    assert first["url"].endswith("/api/v2/batch") and len(first["body"]["batch"]) == 100 and len(rest) == 2
    assert "3 Track v2 batch requests" in many.err
    assert sandbox.sandbox.requests == []


def test_a_rate_above_the_documented_limit_is_refused(cli, tmp_path):
    path = write_jsonl(tmp_path / "sends.jsonl", [{"transactional_message_id": "1", "to": "a@example.com"}])
    env = {"CIO_APP_API_KEY": "app-key-123456"}
    result = cli("batch", "send-transactional-email", str(path), "--rate", "500", env=env)
    assert result.code == 2
    assert "above the App API's limit of 100 transactional sends/s" in result.err
    assert "--rate 100" in result.err
    unlimited = cli("batch", "send-transactional-email", str(path), "--rate", "unlimited", env=env)
    assert unlimited.code == 2 and "only for the offline sandbox" in unlimited.err


def test_429_storm_every_row_applied_once(batch, sandbox, tmp_path):
    sandbox.sandbox.config.rate_limit = 80  # the server allows 80/s; the batch asks for 400/s
    try:
        path = write_jsonl(tmp_path / "people.jsonl", people(120, "storm"))
        result = batch("identify-customer", path, "--rate", "400", "--v2-batch", "off")
    finally:
        sandbox.sandbox.config.rate_limit = None
    assert result.code == 0, result.err
    counts = applied_paths(sandbox)
    assert len(counts) == 120 and set(counts.values()) == {1}
    refused = [e for e in sandbox.sandbox.requests if e["status"] == 429]
    assert refused  # the storm happened
    assert "120 done, 0 failed, 0 unknown outcome, 0 not delivered" in result.err
    loaded = load(f"{path}.checkpoint.jsonl")
    assert {loaded.outcome(k) for k in loaded.entries} == {RowOutcome.OK}


def test_random_429s_on_events_lose_and_double_nothing(batch, sandbox, tmp_path):
    sandbox.sandbox.add_fault("/api/v1/customers/*", status=429, retry_after=0, probability=0.3, times=None)
    path = write_jsonl(tmp_path / "events.jsonl", events(150, "r"))
    result = batch("track-event", path, "--rate", "unlimited", "--v2-batch", "off")
    assert result.code == 0, result.err
    assert event_counts(sandbox) == {f"r{i}": 1 for i in range(150)}
    assert sum(1 for e in sandbox.sandbox.requests if e["status"] == 429) > 0


def test_an_event_whose_answer_timed_out_is_reported_and_never_resent(batch, sandbox, tmp_path):
    # The sandbox applies the event, then holds the answer past the client's timeout.
    sandbox.sandbox.add_fault("/api/v1/customers/t7/events", delay=1.5, apply=True)
    path = write_jsonl(tmp_path / "events.jsonl", events(12, "t"))
    first = batch("track-event", path, "--timeout", "0.3", "--v2-batch", "off", "--rate", "unlimited")
    assert first.code == 3, first.err
    assert "11 done, 0 failed, 1 unknown outcome" in first.err
    assert "Unknown outcome: lines 8." in first.err and "NOT sent again" in first.err
    failed = [json.loads(line) for line in (tmp_path / "events.jsonl.failed.jsonl").read_text().splitlines()]
    assert [(f["line"], f["outcome"], f["delivered"]) for f in failed] == [(8, "unknown", "unknown")]
    assert failed[0]["explanation"]["title"].startswith("Unknown outcome")
    assert failed[0]["input"]["customer_identifier"] == "t7"
    assert wait_for(lambda: event_counts(sandbox).get("t7") == 1)

    resumed = batch("track-event", path, "--resume", "--timeout", "0.3", "--v2-batch", "off")
    assert "Unknown outcome, skipped: lines 8." in resumed.err
    assert "Nothing left to send." in resumed.err
    assert resumed.code == 3
    assert event_counts(sandbox) == {f"t{i}": 1 for i in range(12)}  # t7 once: applied, never re-sent
    # The server logs the held request once its delay is over: let that happen in this test.
    assert wait_for(lambda: any(e["path"] == "/api/v1/customers/t7/events" for e in sandbox.sandbox.requests))


def test_keys_never_reach_the_checkpoint_or_the_failed_file(batch, sandbox, tmp_path):
    rows = people(3, "k") + [{"customer_identifier": "k9", "traits": {"_timestamp": "yesterday"}}]  # the API refuses
    path = write_jsonl(tmp_path / "people.jsonl", rows)
    result = batch("identify-customer", path, "--v2-batch", "off")
    assert result.code == 1
    texts = [(tmp_path / f"people.jsonl.{name}.jsonl").read_text() for name in ("checkpoint", "failed")]
    import base64

    basic = base64.b64encode(f"{DEMO['site_id']}:{DEMO['track_key']}".encode()).decode()
    for text in texts:
        assert DEMO["track_key"] not in text and basic not in text
    failed = json.loads(texts[1])
    assert failed["line"] == 4 and failed["outcome"] == "rejected" and failed["status"] == 400
    assert failed["explanation"]["field"] == "traits"


def test_v2_batch_partial_failures_are_mapped_to_their_rows(batch, sandbox, tmp_path):
    rows = people(30, "v")
    rows[4]["traits"] = {"_update": "maybe"}  # line 5: only the server checks this
    rows[21]["traits"] = {"_update": "sometimes"}  # line 22
    path = write_jsonl(tmp_path / "people.jsonl", rows)
    result = batch("identify-customer", path)
    assert result.code == 1, result.err
    assert "28 done, 2 failed" in result.err and "(1 Track v2 batches)" in result.err
    failed = [json.loads(line) for line in (tmp_path / "people.jsonl.failed.jsonl").read_text().splitlines()]
    assert [(f["line"], f["status"], f["explanation"]["field"]) for f in failed] == [
        (5, 207, "traits"),
        (22, 207, "traits"),
    ]
    snap = sandbox.sandbox.snapshot()
    ids = {p["id"] for p in snap["people"]}
    assert {f"v{i}" for i in range(30) if i not in (4, 21)} <= ids and not {"v4", "v21"} & ids


def test_v2_refused_whole_falls_back_to_one_request_per_row(batch, sandbox, tmp_path):
    sandbox.sandbox.add_fault("/api/v2/batch", status=404, times=None)
    path = write_jsonl(tmp_path / "people.jsonl", people(25, "f"))
    result = batch("identify-customer", path)
    assert result.code == 0, result.err
    counts = applied_paths(sandbox)
    assert len([p for p in counts if p.startswith("/api/v1/customers/f")]) == 25 and set(counts.values()) == {1}


def test_wrong_key_stops_the_run_and_resume_sends_the_rest_once(batch, sandbox, tmp_path):
    path = write_jsonl(tmp_path / "people.jsonl", people(40, "w"))
    bad = batch(
        "identify-customer", path, "--v2-batch", "off", "--concurrency", "2", CIO_TRACK_API_KEY="wrong-track-key"
    )
    assert bad.code == 1
    assert "Stopped: 401 Unauthorized" in bad.err and "--resume" in bad.err
    assert len(sandbox.sandbox.requests) < 40  # it did not run every row into the wall
    good = batch("identify-customer", path, "--v2-batch", "off", "--resume")
    assert good.code == 0, good.err
    counts = applied_paths(sandbox)
    assert len(counts) == 40 and set(counts.values()) == {1}


def test_an_earlier_checkpoint_needs_resume_or_restart(batch, sandbox, tmp_path):
    path = write_jsonl(tmp_path / "people.jsonl", people(3, "c"))
    assert batch("identify-customer", path).code == 0
    again = batch("identify-customer", path)
    assert again.code == 2 and "--resume" in again.err and "--restart" in again.err
    assert len(applied_paths(sandbox)) == 3 and set(applied_paths(sandbox).values()) == {1}
    resumed = batch("identify-customer", path, "--resume")
    assert resumed.code == 0 and "Nothing left to send." in resumed.err
    other = batch("track-event", path, "--resume")
    assert other.code == 2
    restarted = batch("identify-customer", path, "--restart")
    assert restarted.code == 0 and set(applied_paths(sandbox).values()) == {2}


def test_fixed_rows_are_sent_by_resume_and_done_rows_are_not(batch, sandbox, tmp_path):
    rows = people(5, "x")
    rows[2]["traits"] = {"_timestamp": "yesterday"}
    path = write_jsonl(tmp_path / "people.jsonl", rows)
    assert batch("identify-customer", path, "--v2-batch", "off").code == 1
    rows[2]["traits"] = {"big": "fixed"}
    write_jsonl(path, rows)
    resumed = batch("identify-customer", path, "--v2-batch", "off", "--resume")
    assert resumed.code == 0, resumed.err
    assert "4 rows done earlier" in resumed.err and "1 to send" in resumed.err
    assert applied_paths(sandbox)["/api/v1/customers/x2"] == 1
    assert not (tmp_path / "people.jsonl.failed.jsonl").exists()  # nothing left failing


def test_env_overrides_region_and_sandbox(batch, sandbox, tmp_path):
    # Sanity: the helper points every API at the sandbox the test owns.
    env = sandbox_env(sandbox)
    assert env["CIO_TRACK_URL"].startswith("http://127.0.0.1:")


def protected_environment(cli, sandbox, name="Prod"):
    """A stored environment on the sandbox, marked protected (keys in the test keyring)."""
    assert (
        cli("env", "add", name, "--region", "us", "--site-id", DEMO["site_id"], "--sandbox-root", sandbox.root_url).code
        == 0
    )
    for kind in ("track", "app", "write"):
        assert cli("env", "set-key", name, kind, stdin=DEMO[f"{kind}_key"] + "\n").code == 0
    assert cli("env", "set", name, "--protected").code == 0


def test_a_protected_environment_needs_the_row_count_typed(cli, sandbox, tmp_path):
    protected_environment(cli, sandbox)
    path = write_jsonl(tmp_path / "gone.jsonl", [{"customer_identifier": f"user_100{i}"} for i in range(1, 4)])
    args = ("batch", "suppress-customer", str(path), "--env", "Prod")
    refused = cli(*args, "--yes", stdin="yes\n")
    assert refused.code == 2
    assert "Prod is protected, and 3 of these rows delete or block data. Type 3" in refused.err
    assert sandbox.sandbox.requests == []
    assert cli(*args, "--confirm", "2").code == 2
    assert sandbox.sandbox.requests == []
    typed = cli(*args, stdin="3\n")
    assert typed.code == 0, typed.err
    assert len(applied_paths(sandbox)) == 3


def test_identify_in_a_protected_environment_asks_nothing(cli, sandbox, tmp_path):
    protected_environment(cli, sandbox)
    path = write_jsonl(tmp_path / "people.jsonl", people(3, "p"))
    result = cli("batch", "identify-customer", str(path), "--env", "Prod", stdin="")
    assert result.code == 0, result.err
    assert len(applied_paths(sandbox)) == 3


def test_resume_after_a_torn_checkpoint_line(batch, sandbox, tmp_path):
    path = write_jsonl(tmp_path / "events.jsonl", events(6, "tl"))
    assert batch("track-event", path, "--v2-batch", "off").code == 0
    checkpoint = tmp_path / "events.jsonl.checkpoint.jsonl"
    lines = checkpoint.read_text().splitlines(keepends=True)
    # As if the process had been killed while writing the last row's outcome.
    checkpoint.write_text("".join(lines[:-1]) + lines[-1][: len(lines[-1]) // 2])
    resumed = batch("track-event", path, "--resume", "--v2-batch", "off")
    assert "Unknown outcome, skipped: lines" in resumed.err  # its "sending" record is the last whole one
    assert max(event_counts(sandbox).values()) == 1
    again = batch("track-event", path, "--resume", "--v2-batch", "off")
    assert "Nothing left to send." in again.err
    assert load(checkpoint).torn_tail  # still there (nothing was appended), and harmless


def test_dry_run_works_before_the_keys_are_set(cli, tmp_path):
    path = write_jsonl(tmp_path / "people.jsonl", people(12, "d"))
    result = cli("batch", "identify-customer", str(path), "--dry-run")
    assert result.code == 0, result.err
    preview = json.loads(result.out.splitlines()[0])
    assert preview["headers"]["Authorization"].startswith("<not set:")
    assert cli("batch", "identify-customer", str(path)).code == 2  # but nothing is sent without them


def test_a_retry_after_longer_than_a_run_should_wait_stops_it(batch, sandbox, tmp_path):
    sandbox.sandbox.add_fault("/api/v1/customers/*", status=429, retry_after=3600, times=None)
    path = write_jsonl(tmp_path / "people.jsonl", people(30, "h"))
    result = batch("identify-customer", path, "--v2-batch", "off", "--concurrency", "2")
    assert result.code == 1
    assert "Customer.io asked to wait 3600 s" in result.err and "--resume" in result.err
    assert "0 done, 0 failed, 0 unknown outcome, 30 not delivered" in result.err
    assert len(sandbox.sandbox.requests) < 30  # it did not hammer a server that asked it to wait
