"""A batch stays truthful after any crash: a row only ever refused unapplied (429) is
"not delivered" (a resume sends it), not "unknown"; a run whose answers are all lost stops
itself; a full disk ends the run with one message and loses nothing already recorded.

The batch runs in a real subprocess (killed with SIGKILL where the test says so) against
the sandbox on loopback; what was applied is counted from the sandbox's own state.
"""

import os
import re
import signal
import subprocess
import sys
import time

import pytest

from console.batch.checkpoint import RowOutcome, load
from tests.batch.conftest import event_counts, events, wait_for, write_jsonl
from tests.conftest import sandbox_env

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")

LAUNCH = "import sys; from screens.launcher import main; sys.exit(main(sys.argv[1:]))"
# The checkpoint writer (and the failed file's, which shares it) refuses with ENOSPC from
# its DISK_FULL_AFTER-th write on, after putting half of that write on disk.
DISK_FULL = """
import errno, os, sys
import console.batch.checkpoint as checkpoint
calls, real = [0], checkpoint._write_all
def write_all(fd, data):
    calls[0] += 1
    if calls[0] >= int(os.environ["DISK_FULL_AFTER"]):
        os.write(fd, data[: len(data) // 2])
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    real(fd, data)
checkpoint._write_all = write_all
from screens.launcher import main
sys.exit(main(sys.argv[1:]))
"""


def start(sandbox, *args: str, code: str = LAUNCH, **env: str) -> subprocess.Popen:
    env = {**os.environ, **sandbox_env(sandbox), **env}
    return subprocess.Popen(
        [sys.executable, "-c", code, "batch", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
    )


def quiet(sandbox, seconds: float = 0.7, timeout: float = 15.0) -> None:
    """Wait until the sandbox has logged no new request for `seconds`."""
    seen, since, deadline = -1, time.monotonic(), time.monotonic() + timeout
    while time.monotonic() - since < seconds and time.monotonic() < deadline:
        count = len(sandbox.sandbox.requests)
        if count != seen:
            seen, since = count, time.monotonic()
        time.sleep(0.05)


def refused(sandbox) -> int:
    return sum(1 for e in sandbox.sandbox.requests if e["status"] == 429)


def last_records(path) -> dict[int, RowOutcome]:
    loaded = load(f"{path}.checkpoint.jsonl")
    return {e.line: e.outcome for e in loaded.entries.values()}


@pytest.mark.parametrize("v2", ["off", "on"])
def test_kill_while_rows_wait_out_429s_then_resume_sends_each_once(batch, sandbox, tmp_path, v2):
    rows = 150 if v2 == "off" else 400  # with v2: four 100-row batches
    path = write_jsonl(tmp_path / "events.jsonl", events(rows, "w"))
    # A rate-limited server: 40 requests/s (v1) or 1 batch/s (v2), Retry-After on each 429.
    sandbox.sandbox.config.rate_limit = 40 if v2 == "off" else 1
    try:
        proc = start(sandbox, "track-event", str(path), "--rate", "300", "--v2-batch", v2, "--yes")
        assert wait_for(lambda: sum(event_counts(sandbox).values()) >= 40 and refused(sandbox) >= 1), (
            "the batch never met the rate limit"
        )
        # From now on every attempt is refused with a long Retry-After: once the server is
        # quiet, every row not done is waiting to retry or queued, none is in flight.
        track = "/api/v1/customers/*" if v2 == "off" else "/api/v2/batch"
        sandbox.sandbox.add_fault(track, status=429, retry_after=20, times=None)
        quiet(sandbox)
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=30)
    finally:
        sandbox.sandbox.config.rate_limit = None
        sandbox.sandbox.clear_faults()
    done_before = sum(event_counts(sandbox).values())
    assert 40 <= done_before < rows

    # No answer was in flight at the kill: no row may be left "sending" (unknown).
    outcomes = last_records(path)
    assert RowOutcome.SENDING not in outcomes.values(), sorted(
        n for n, o in outcomes.items() if o == RowOutcome.SENDING
    )
    assert RowOutcome.ERROR in outcomes.values()  # the refused rows, recorded as not delivered

    resumed = batch("track-event", path, "--resume", "--rate", "unlimited", "--v2-batch", v2)
    assert resumed.code == 0, resumed.err
    assert "Unknown outcome" not in resumed.err
    assert f"{done_before:,} rows done earlier" in resumed.err
    counts = event_counts(sandbox)
    assert set(counts) == {f"w{i}" for i in range(rows)} and set(counts.values()) == {1}


def test_a_server_that_loses_every_answer_halts_the_run_after_a_short_streak(batch, sandbox, tmp_path):
    sandbox.sandbox.add_fault("/api/v1/customers/*", drop=True, times=None)
    path = write_jsonl(tmp_path / "events.jsonl", events(2000, "d"))
    result = batch("track-event", path, "--v2-batch", "off", "--yes")
    assert result.code == 3, result.err
    assert re.search(r"Stopped: the answers to \d+ requests in a row were lost", result.err), result.err
    assert "--resume" in result.err
    sent = len(sandbox.sandbox.requests)
    # Few in flight until answers come back (a window that halves on each lost answer):
    # the halt costs a handful of unknown rows, not a connection pool's worth.
    assert sent <= 12, f"{sent} requests went to a server that lost every answer"
    outcomes = last_records(path)
    unknown = sum(1 for o in outcomes.values() if o in (RowOutcome.UNKNOWN, RowOutcome.SENDING))
    assert unknown == sent  # each lost answer is an unknown row; the rest were never sent
    assert len(outcomes) == sent


@pytest.mark.parametrize("full_after", [120, 121, 150])  # a write-ahead record, an outcome...
def test_a_full_disk_stops_with_one_message_and_resume_continues(batch, sandbox, tmp_path, full_after):
    path = write_jsonl(tmp_path / "events.jsonl", events(300, "f"))
    proc = start(
        sandbox,
        "track-event",
        str(path),
        "--rate",
        "400",
        "--v2-batch",
        "off",
        "--yes",
        code=DISK_FULL,
        DISK_FULL_AFTER=str(full_after),
    )
    _, err = proc.communicate(timeout=60)
    assert proc.returncode in (1, 3), err
    assert "Traceback" not in err and "never retrieved" not in err, err
    assert err.count("No space left on device") == 1, err
    assert "--resume" in err
    assert len(err.splitlines()) < 25, err

    loaded = load(f"{path}.checkpoint.jsonl")
    assert not loaded.torn_tail and not loaded.bad_lines  # the half-written record was cut back
    recorded = {e.line: e.outcome for e in loaded.entries.values()}
    done_before = sum(1 for o in recorded.values() if o == RowOutcome.OK)
    assert done_before >= 20
    # Every answer came; the rows the checkpoint still shows in flight are exactly those
    # whose outcome the summary says could not be recorded (a resume lists them as unknown).
    in_flight = {n for n, o in recorded.items() if o == RowOutcome.SENDING}
    match = re.search(r"The outcomes of ([\d,]+) rows could not be recorded \(lines ([\d, ]+)", err)
    assert int(match.group(1).replace(",", "")) == len(in_flight) if match else not in_flight, err
    if match:
        assert {int(n) for n in match.group(2).split(", ")} <= in_flight
    assert re.search(r"stopped\. [\d,]+ done, 0 failed, 0 unknown outcome", err), err  # none sent unanswered

    resumed = batch("track-event", path, "--resume", "--rate", "unlimited", "--v2-batch", "off")
    assert f"{done_before:,} rows done earlier" in resumed.err
    assert resumed.code == (3 if in_flight else 0), resumed.err
    unknown = in_flight
    counts = event_counts(sandbox)
    assert {f"f{n - 1}" for n in in_flight} <= set(counts)  # their answers came: applied once
    assert max(counts.values()) == 1  # nothing doubled
    assert {f"f{i}" for i in range(300) if i + 1 not in unknown} <= set(counts)  # nothing lost
