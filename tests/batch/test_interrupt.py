"""Kill a real batch process half-way, resume, and check the sandbox saw every row once.

The sandbox runs in the test process on loopback; the batch runs in a subprocess
pointed at it with CIO_* variables, and is stopped with a real signal. Every request
is held 0.3 s by the sandbox, so rows are in flight when the signal lands.
"""

import json
import os
import re
import signal
import subprocess
import sys

import pytest

from console.batch.checkpoint import RowOutcome, load
from tests.batch.conftest import applied_paths, event_counts, events, people, wait_for, write_jsonl
from tests.conftest import sandbox_env

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")

DELAY = 0.3
LAUNCH = "import sys; from screens.launcher import main; sys.exit(main(sys.argv[1:]))"


def start(sandbox, *args: str) -> subprocess.Popen:
    env = {**os.environ, **sandbox_env(sandbox)}
    return subprocess.Popen(
        [sys.executable, "-c", LAUNCH, "batch", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
    )


def slow_answers(sandbox) -> None:
    sandbox.sandbox.add_fault("/api/v1/customers/*", delay=DELAY, times=None)


def settle(sandbox) -> None:
    """Wait until requests the killed process left in the server have been answered: the
    server still applies them after their delay (and must not do so in the next test)."""
    import time

    seen, quiet_since = -1, time.monotonic()
    while time.monotonic() - quiet_since < 3 * DELAY:
        count = len(sandbox.sandbox.requests)
        if count != seen:
            seen, quiet_since = count, time.monotonic()
        time.sleep(0.05)


def test_ctrl_c_half_way_then_resume_sends_every_row_exactly_once(batch, sandbox, tmp_path):
    slow_answers(sandbox)
    path = write_jsonl(tmp_path / "people.jsonl", people(150, "i"))
    proc = start(sandbox, "identify-customer", str(path), "--rate", "60", "--v2-batch", "off")
    assert wait_for(lambda: len(applied_paths(sandbox)) >= 40), "the batch never got going"
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "interrupted" in err and "--resume" in err
    done_before = len(applied_paths(sandbox))
    assert 40 <= done_before < 150  # stopped half-way

    loaded = load(path.with_name("people.jsonl.checkpoint.jsonl"))
    # Ctrl-C lets requests in flight finish and be recorded: none is left unknown.
    assert RowOutcome.UNKNOWN not in {loaded.outcome(k) for k in loaded.entries}

    sandbox.sandbox.clear_faults()
    resumed = batch("identify-customer", path, "--resume", "--rate", "unlimited", "--v2-batch", "off")
    assert resumed.code == 0, resumed.err
    counts = applied_paths(sandbox)
    assert len(counts) == 150 and set(counts.values()) == {1}, [p for p, n in counts.items() if n != 1]
    assert f"{done_before:,} rows done earlier" in resumed.err


def test_sigkill_half_way_then_resume_doubles_no_event(batch, sandbox, tmp_path):
    slow_answers(sandbox)
    path = write_jsonl(tmp_path / "events.jsonl", events(150, "k"))
    proc = start(sandbox, "track-event", str(path), "--rate", "60", "--v2-batch", "off")
    assert wait_for(lambda: sum(event_counts(sandbox).values()) >= 40), "the batch never got going"
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    settle(sandbox)

    # Requests in flight at the kill are still applied by the server after their delay.
    loaded = load(path.with_name("events.jsonl.checkpoint.jsonl"))
    in_flight = {e.line for e in loaded.entries.values() if e.outcome == RowOutcome.SENDING}
    assert in_flight, "no request was in flight at the kill; the test proves nothing"
    sandbox.sandbox.clear_faults()

    resumed = batch("track-event", path, "--resume", "--rate", "unlimited", "--v2-batch", "off")
    skipped = re.search(r"Unknown outcome, skipped: lines ([\d, ]+)\.", resumed.err)
    assert skipped, resumed.err
    assert {int(n) for n in skipped.group(1).split(", ")} == in_flight
    assert resumed.code == 3  # unknown outcomes to check
    assert "NOT sent again" in resumed.err
    listed = [json.loads(line) for line in path.with_name("events.jsonl.failed.jsonl").read_text().splitlines()]
    assert {r["line"] for r in listed if r["outcome"] == "unknown"} == in_flight
    assert all(r["input"]["event_name"] == "batch_test" for r in listed)

    counts = event_counts(sandbox)
    assert max(counts.values()) == 1  # nothing doubled
    sent_once = {f"k{i}" for i in range(150) if i + 1 not in in_flight}
    assert sent_once <= set(counts)  # nothing lost: every row not in flight arrived exactly once
