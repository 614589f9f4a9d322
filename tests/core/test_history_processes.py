"""The history file shared by several real processes (two consoles on one machine): appends
racing compactions lose no entry and tear no line; a lock held elsewhere makes an append
fail cleanly (an OSError, which the App reports as "Not saved to the history")."""

from __future__ import annotations

import dataclasses
import json
import multiprocessing
from pathlib import Path

import pytest

from console.actions.catalog import get_action
from console.environments.resolve import sandbox_credentials
from console.session.history import History, HistoryEntry, HistoryLocked, to_record
from console.session.session import Session

# spawn, not fork: the parent runs the sandbox's server thread and an event loop.
CTX = multiprocessing.get_context("spawn")
PROCESSES = 4
PER_PROCESS = 80
MAX_ENTRIES = 150
SLACK = 10  # a compaction every ~10 appends: many rewrites racing the other appends


async def _real_record(sandbox) -> dict:
    """One real exchange with the sandbox, as the history records it (a fat body, so reading
    and rewriting the file takes long enough for the other processes to append meanwhile)."""
    sandbox.sandbox.add_fault("/api/v1/customers/*", status=200, body={"blob": "x" * 20_000})
    session = Session(sandbox_credentials(sandbox.root_url))
    try:
        outcome = await session.send(get_action("identify-customer"), {"customer_identifier": "user_p"})
    finally:
        await session.aclose()
    return to_record(outcome, session.secrets())


def _writer(path: str, record: dict, proc: int, start) -> None:
    history = History(Path(path), max_entries=MAX_ENTRIES, slack=SLACK)
    outcome = HistoryEntry(record).outcome()
    start.wait(60)  # all together, once every process has started
    for i in range(PER_PROCESS):
        history.append(dataclasses.replace(outcome, values={"customer_identifier": f"p{proc}-{i:04d}"}), [])


def _holder(lock_path: str, held, release) -> None:
    from filelock import FileLock

    with FileLock(lock_path):
        held.set()
        release.wait(30)


async def test_concurrent_appends_across_compactions_lose_nothing(sandbox, tmp_path):
    record = await _real_record(sandbox)
    path = tmp_path / "history.jsonl"
    start = CTX.Barrier(PROCESSES)
    procs = [CTX.Process(target=_writer, args=(str(path), record, p, start)) for p in range(PROCESSES)]
    for proc in procs:
        proc.start()
    for proc in procs:
        proc.join(120)
    assert [proc.exitcode for proc in procs] == [0] * PROCESSES

    lines = path.read_text().splitlines()
    records = [json.loads(line) for line in lines]  # no torn or interleaved line
    assert MAX_ENTRIES <= len(records) <= MAX_ENTRIES + SLACK
    history = History(path)
    assert len(history.load()) == len(records) and history.skipped == 0
    # The file keeps the newest entries: for each process, its last appends, none missing in
    # between (a compaction that raced an append would leave a gap, or lose the very last).
    kept: dict[int, list[int]] = {}
    for rec in records:
        proc, seq = rec["values"]["customer_identifier"][1:].split("-")
        kept.setdefault(int(proc), []).append(int(seq))
    for proc, seqs in kept.items():
        assert seqs == list(range(PER_PROCESS - len(seqs), PER_PROCESS)), f"process {proc} lost entries"


async def test_a_held_lock_fails_the_append_cleanly_then_it_works_again(sandbox, tmp_path):
    record = await _real_record(sandbox)
    outcome = HistoryEntry(record).outcome()
    history = History(tmp_path / "history.jsonl", lock_timeout=0.3)
    history.append(outcome, [])
    before = history.path.read_bytes()
    held, release = CTX.Event(), CTX.Event()
    holder = CTX.Process(target=_holder, args=(str(history.lock_path), held, release))
    holder.start()
    try:
        assert held.wait(30)
        with pytest.raises(OSError) as caught:  # what the App catches: "Not saved to the history"
            history.append(outcome, [])
        assert isinstance(caught.value, HistoryLocked) and "history.jsonl.lock" in str(caught.value)
        assert history.path.read_bytes() == before  # nothing written, nothing torn
        assert len(history.load()) == 1  # reading still works while the lock is held
    finally:
        release.set()
        holder.join(30)
    history.append(outcome, [])
    assert len(history.load()) == 2


async def test_the_console_reports_an_entry_not_saved_while_another_holds_the_lock(sandbox, isolated):
    from console.session.history import default_path
    from tests.ui.test_history_and_copy import _identify
    from tests.ui.workspace_helpers import sandbox_app

    app = sandbox_app(sandbox.root_url)
    app._history = History(default_path(), lock_timeout=0.3)
    app._history.path.parent.mkdir(parents=True, exist_ok=True)
    held, release = CTX.Event(), CTX.Event()
    holder = CTX.Process(target=_holder, args=(str(app._history.lock_path), held, release))
    holder.start()
    try:
        assert held.wait(30)
        async with app.run_test(size=(120, 40)) as pilot:
            await _identify(pilot, "user_locked")
            await pilot.app.workers.wait_for_complete()
            await pilot.pause()
            assert app.outcomes[-1].ok  # sent and shown; only the history entry is missing
            notes = [str(n.message) for n in app._notifications]
            assert any("Not saved to the history" in n and "history.jsonl.lock" in n for n in notes), notes
    finally:
        release.set()
        holder.join(30)
    assert not default_path().exists() or "user_locked" not in default_path().read_text()
