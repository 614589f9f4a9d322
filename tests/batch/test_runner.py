"""BatchRun through its Python API: the figures a console screen would subscribe to."""

import httpx

from console.actions.catalog import get_action
from console.actions.validation import validate
from console.batch.checkpoint import Checkpoint, RowOutcome, load
from console.batch.outcomes import FailedFile
from console.batch.pool import is_linear, linear_transport
from console.batch.progress import State
from console.batch.rows import BatchRow, ValidRow
from console.batch.runner import BatchRun, Options
from console.sandbox import DEMO_CREDENTIALS as DEMO
from console.sandbox import SandboxConfig, create_app
from console.wire.credentials import Credentials
from console.wire.transport import RetryPolicy

IDENTIFY = get_action("identify-customer")


def rows(n, bad=()):
    out = []
    for i in range(n):
        data = {"customer_identifier": f"p{i}", "traits": {"_timestamp": "yesterday"} if i in bad else {"n": i}}
        out.append(ValidRow(BatchRow(i + 2, data, key=f"key{i}"), validate(IDENTIFY, data)))
    return out


def make_run(tmp_path, batch_rows, **options):
    app = create_app(SandboxConfig())
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app))
    creds = Credentials(
        site_id=DEMO["site_id"], track_key=DEMO["track_key"], urls={IDENTIFY.INFO.api: "http://sandbox/track-us"}
    )
    checkpoint = Checkpoint.create(tmp_path / "cp.jsonl", {"action": IDENTIFY.INFO.id})
    run = BatchRun(
        IDENTIFY,
        creds,
        batch_rows,
        checkpoint=checkpoint,
        failed=FailedFile(tmp_path / "failed.jsonl"),
        client=client,
        options=Options(rate=None, concurrency=4, **options),
    )
    return run, app, client


async def test_listeners_see_done_failed_and_live_failures(tmp_path):
    run, _app, client = make_run(tmp_path, rows(20, bad={3, 11}))
    seen = []
    unsubscribe = run.progress.subscribe(seen.append)
    async with client:
        state = await run.run()
    unsubscribe()
    assert state == State.FINISHED
    final = seen[-1]
    assert (final.total, final.done, final.failed, final.unknown, final.retrying, final.in_flight) == (
        20,
        18,
        2,
        0,
        0,
        0,
    )
    assert [f.line for f in final.failures] == [5, 13] and {f.field for f in final.failures} == {"traits"}
    assert final.eta_s == 0.0 and final.requests == 20
    assert [s.done for s in seen] == sorted(s.done for s in seen)  # figures only grow
    assert run.checkpoint.path.exists()
    loaded = load(tmp_path / "cp.jsonl")
    assert sum(1 for k in loaded.entries if loaded.outcome(k) == RowOutcome.OK) == 18


async def test_v2_through_the_api_counts_rows_not_requests(tmp_path):
    run, app, client = make_run(tmp_path, rows(250), use_v2=True)
    async with client:
        await run.run()
    snap = run.progress.snapshot()
    assert snap.done == 250 and snap.requests == 3 and run.v2_requests == 3
    assert len(app.state.sandbox.snapshot()["people"]) >= 250


async def test_the_network_going_down_stops_the_run(tmp_path):
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    creds = Credentials(site_id="s", track_key="trackkey1", urls={IDENTIFY.INFO.api: f"http://127.0.0.1:{port}"})
    checkpoint = Checkpoint.create(tmp_path / "cp.jsonl", {"action": IDENTIFY.INFO.id})
    run = BatchRun(
        IDENTIFY,
        creds,
        rows(100),
        checkpoint=checkpoint,
        failed=FailedFile(tmp_path / "f.jsonl"),
        options=Options(rate=None, concurrency=2, policy=RetryPolicy(max_attempts=1)),
    )
    state = await run.run()
    assert state == State.HALTED and run.halt_network
    assert "network failed for 10 rows in a row (refused)" in run.halt
    snap = run.progress.snapshot()
    assert snap.failed < 20 and run.unsent > 80  # it did not run every row into the wall
    loaded = load(tmp_path / "cp.jsonl")
    assert {loaded.outcome(k) for k in loaded.entries} == {RowOutcome.ERROR}  # all re-sent by --resume


def test_the_linear_pool_is_in_use_on_the_installed_httpcore():
    # If an httpx/httpcore upgrade changes the pool, this says the fast path is off.
    assert is_linear(linear_transport(httpx.Limits(max_connections=8)))


async def test_the_job_flow_a_console_screen_would_follow(tmp_path):
    from console.batch.job import prepare

    path = tmp_path / "people.csv"
    path.write_text(
        "customer_identifier,traits\n" + "".join(f'j{i},"{{""n"": {i}}}"\n' for i in range(5)) + ',"{}"\n',
        encoding="utf-8",
    )
    app = create_app(SandboxConfig())
    creds = Credentials(
        site_id=DEMO["site_id"], track_key=DEMO["track_key"], urls={IDENTIFY.INFO.api: "http://sandbox/track-us"}
    )
    job = prepare(IDENTIFY, path, creds, rate="500", v2_mode="off")
    assert [p.line for p in job.checked.problems] == [7] and job.checked.invalid == 1 and job.plan.sending == 5
    assert job.guarded_rows == 0 and job.rate == 500
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app)) as client:
        run = job.open(client=client)
        snapshots = []
        run.progress.subscribe(snapshots.append)
        await run.run()
    result = job.finish(run)
    assert snapshots[-1].done == 5 and result.not_sent == 0 and result.failed_file is None
    assert (result.tally.ok, result.tally.rows) == (5, 5)
    again = prepare(IDENTIFY, path, creds, resume=True)
    assert again.plan.sending == 0 and again.plan.done_before == 5
