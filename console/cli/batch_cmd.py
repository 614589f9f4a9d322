"""`cio-console batch ACTION FILE`: one action for every row of a CSV or JSONL file.

Every row is validated first; invalid rows are listed by line and field and nothing is
sent until the user accepts skipping them (or passes --skip-invalid / --yes). Rows go
out at a steady, adaptive rate over one connection pool; a checkpoint beside FILE
records each row's outcome, so `--resume` sends only what did not complete. stdout
carries only --dry-run's request previews (one JSON object per line); everything else,
the progress bar included, goes to stderr.
"""
from __future__ import annotations

import asyncio
import json
import signal
import sys
from pathlib import Path

from console.batch import checkpoint as cp
from console.batch.limits import RateError, choose_rate, limit_for
from console.batch.plan import Plan, make_units, plan, use_v2
from console.batch.rows import FileFormatError, read_rows, validate_rows
from console.catalog import get_action
from console.cli.batch_report import (
    EXIT_INTERRUPTED, exit_code, invalid_report, resume_report, summary,
)
from console.cli.common import ConfigError, add_env_argument
from console.cli.output import credentials_for_command
from console.cli.main import EXIT_INVALID, EXIT_OK
from console.credentials import MissingCredential
from console.guard import needed_confirmation
from console.request import build_request

MAX_CONCURRENCY = 1000


def add_arguments(parser) -> None:
    parser.add_argument("action", help="action id, e.g. identify-customer (see `cio-console actions`)")
    parser.add_argument("file", help="CSV (header row of field names) or JSONL (one JSON object a line)")
    add_env_argument(parser)
    parser.add_argument("--rate", metavar="N",
                        help="requests per second (default: the API's documented limit; "
                             "'unlimited' only against the sandbox on loopback)")
    parser.add_argument("--concurrency", type=int, metavar="N",
                        help="requests in flight at once (default: enough to hold the rate)")
    parser.add_argument("--resume", action="store_true",
                        help="continue an earlier run: send only the rows it did not complete")
    parser.add_argument("--restart", action="store_true",
                        help="discard an earlier run's checkpoint and send every row again")
    parser.add_argument("--dry-run", action="store_true",
                        help="validate and print the requests (keys masked), one JSON object a line; send nothing")
    parser.add_argument("--skip-invalid", action="store_true", help="send the valid rows without asking")
    parser.add_argument("--yes", "-y", action="store_true",
                        help="answer yes to the questions a script cannot (send the valid rows, skip "
                             "the invalid ones); a protected environment still needs --confirm")
    parser.add_argument("--confirm", metavar="COUNT",
                        help="in a protected environment, the number of rows that delete data or send "
                             "messages, as you would type it when asked (--yes does not answer this)")
    parser.add_argument("--v2-batch", choices=("auto", "on", "off"), default="auto",
                        help="group identify and event rows into Track v2 batch requests "
                             "(auto: from 10 rows; default %(default)s)")


def _fail(message: str) -> int:
    print(f"cio-console batch: {message}", file=sys.stderr)
    return EXIT_INVALID


def _ask(question: str) -> str:
    print(question, end=" ", file=sys.stderr, flush=True)
    line = sys.stdin.readline()
    return line.strip()


def run(args) -> int:
    try:
        action = get_action(args.action)
    except KeyError as exc:
        return _fail(str(exc).strip("'\""))
    if args.resume and args.restart:
        return _fail("--resume and --restart contradict each other; pick one")
    if args.concurrency is not None and not 1 <= args.concurrency <= MAX_CONCURRENCY:
        return _fail(f"--concurrency must be between 1 and {MAX_CONCURRENCY} (got {args.concurrency})")
    data_file = Path(args.file)
    try:
        rows = read_rows(data_file)
    except FileFormatError as exc:
        return _fail(f"{exc} (nothing sent)")
    checked = validate_rows(action, rows)
    try:
        creds = credentials_for_command(args.env)
        if checked.valid:  # a missing key is reported before any question is asked
            build_request(checked.valid[0].spec, creds, preview=args.dry_run)
        rate = choose_rate(action, args.rate, creds.base_url(action.INFO.api))
    except (ConfigError, MissingCredential, RateError, ValueError) as exc:
        return _fail(f"{exc} (nothing sent)")

    if checked.invalid:
        print(invalid_report(checked, data_file), file=sys.stderr)
    if not checked.valid:
        return _fail(f"no valid rows in {data_file}; nothing sent")
    if checked.invalid and not (args.skip_invalid or args.yes or args.dry_run):
        answer = _ask(f"Send the {len(checked.valid):,} valid rows and skip the "
                      f"{len(checked.invalid):,} invalid ones? [y/N]")
        if answer.lower() not in ("y", "yes"):
            return _fail("nothing sent. Fix the rows, or pass --skip-invalid to send the valid ones")

    ckpt_path = cp.default_path(data_file)
    header = {"action": action.INFO.id, "target": creds.base_url(action.INFO.api),
              "environment": creds.name or "CIO_* variables", "file": data_file.name}
    loaded = None
    if ckpt_path.exists() and not args.restart:
        try:
            loaded = cp.load(ckpt_path)
        except cp.CheckpointError as exc:
            return _fail(f"{exc}; move it away or pass --restart")
        if not loaded.header:
            loaded = None  # killed while writing the header: nothing was sent
        elif not args.resume and args.dry_run:
            print(f"note: {ckpt_path} records an earlier run; this preview sends every row, as "
                  f"--restart would (--resume previews what is left)", file=sys.stderr)
            loaded = None
        elif not args.resume:
            return _fail(
                f"{ckpt_path} records an earlier run of this file ({_count(loaded)}). Pass --resume "
                f"to send only the rows it did not complete, or --restart to discard it and send "
                f"every row again (nothing sent)")
        else:
            mismatch = [f"{k} {loaded.header.get(k)!r} (now {header[k]!r})"
                        for k in ("action", "target") if loaded.header.get(k) != header[k]]
            if mismatch:
                return _fail(f"{ckpt_path} is for a different run: {', '.join(mismatch)}. Pass "
                             f"--restart to discard it (nothing sent)")
    elif args.resume and not ckpt_path.exists():
        print(f"note: no checkpoint at {ckpt_path}; sending every row", file=sys.stderr)

    todo = plan(checked.valid, loaded, action)
    if loaded is not None:
        print(resume_report(todo, action, data_file), file=sys.stderr)
    with_v2 = use_v2(action, args.v2_batch, len(todo.to_send))
    concurrency = args.concurrency or _default_concurrency(rate)
    if args.dry_run:
        return _dry_run(action, creds, todo, with_v2, rate)
    _list_in_flight(action, todo, data_file)
    if not todo.to_send:
        print("Nothing left to send.", file=sys.stderr)
        return exit_code(None, todo, [])
    guarded = sum(1 for row in todo.to_send if needed_confirmation(row.spec, creds) is not None)
    if guarded:
        # One typed identifier per row cannot scale to a file, so the count is typed instead.
        # --yes does not answer this: a script says how many it means with --confirm.
        what = "send messages" if action.INFO.sends_message else "delete or block data"
        typed = args.confirm if args.confirm is not None else _ask(
            f"{creds.name or 'This environment'} is protected, and {guarded:,} of these rows "
            f"{what}. Type {guarded} to go ahead:")
        if typed.replace(",", "").strip() != str(guarded):
            return _fail(f"not confirmed: {creds.name or 'this environment'} is protected; type (or pass "
                         f"--confirm) {guarded}, the number of rows that {what}. Nothing sent")
    if args.restart:
        cp.default_path(data_file).unlink(missing_ok=True)
        from console.batch.outcomes import default_path as failed_path

        failed_path(data_file).unlink(missing_ok=True)
    present = {row.key for row in checked.valid}
    return asyncio.run(_run(action, creds, todo, data_file, header, loaded, rate, concurrency,
                            with_v2, args.timeout, present))


def _list_in_flight(action, todo: Plan, data_file: Path) -> None:
    """Rows a killed run left in flight join the failed file as unknown outcomes, so
    the user finds them (with their input) where the other unknown rows are."""
    if not todo.unknown_skipped:
        return
    from console.batch.outcomes import FailedFile, default_path as failed_path, in_flight_record

    failed = FailedFile(failed_path(data_file))
    listed = {r.get("key") for r in failed.read()}
    failed.append(in_flight_record(key=r.key, line=r.line, data=r.row.data, action_title=action.INFO.title)
                  for r in todo.unknown_skipped if r.key not in listed)
    failed.close()


def _count(loaded: cp.Loaded) -> str:
    outcomes = [loaded.outcome(k) for k in loaded.entries]
    done = sum(1 for o in outcomes if o == cp.Outcome.OK)
    return f"{done:,} of its rows done"


def _default_concurrency(rate: float | None) -> int:
    from console.batch.runner import default_concurrency

    return default_concurrency(rate)


def _dry_run(action, creds, todo: Plan, with_v2: bool, rate: float | None) -> int:
    from console.batch import v2

    units = make_units(todo.to_send, with_v2)
    for unit in units:
        if unit.is_v2:
            req = v2.build_batch_request(unit.ops or [], creds, action.INFO.id)
        else:
            req = build_request(unit.rows[0].spec, creds, preview=True)
        sys.stdout.write(json.dumps(req.preview(), ensure_ascii=False, separators=(",", ":")) + "\n")
    batches = sum(1 for u in units if u.is_v2)
    how = (f"{batches:,} Track v2 batch requests and {len(units) - batches:,} single requests"
           if batches else f"{len(units):,} requests, one per row")
    pace = "no rate limit" if rate is None else f"{rate:g} requests/s"
    estimate = "" if rate is None else f", about {len(units) / rate:,.1f} s at that rate"
    print(f"dry run: {len(todo.to_send):,} rows as {how}; {pace}{estimate}. Nothing sent.",
          file=sys.stderr)
    return EXIT_OK


async def _run(action, creds, todo: Plan, data_file: Path, header: dict, loaded, rate, concurrency,
               with_v2: bool, timeout: float | None, present: set[str]) -> int:
    from console.batch.outcomes import FailedFile, default_path as failed_path
    from console.batch.runner import BatchRun, Options
    from console.cli.batch_view import ProgressView

    ckpt_path = cp.default_path(data_file)
    if loaded is None:
        checkpoint = cp.Checkpoint.create(ckpt_path, header)
    else:
        checkpoint = cp.Checkpoint.append_to(ckpt_path, loaded.valid_length)
    failed = FailedFile(failed_path(data_file))
    batch = BatchRun(action, creds, todo.to_send, checkpoint=checkpoint, failed=failed,
                     options=Options(rate=rate, concurrency=concurrency, use_v2=with_v2, timeout=timeout))
    batch.progress.skipped = todo.skipped
    restore = _on_signals(batch)
    try:
        async with ProgressView(batch.progress, action.INFO.id):
            state = await batch.run()
    finally:
        restore()
        checkpoint.close()
    final = cp.Loaded(header, {**(loaded.entries if loaded else {}), **checkpoint.written})
    current = {row.key: final.outcome(row.key) for row in todo.to_send}
    failures = failed.compact({k: final.outcome(k) for k in final.entries}, present)
    print(summary(batch, state, todo, data_file, failed.path if failures else None, current),
          file=sys.stderr)
    return EXIT_INTERRUPTED if state.value == "interrupted" else exit_code(batch, todo, failures)


def _on_signals(batch) -> callable:
    """Ctrl-C (or SIGTERM): finish what is in flight and stop; a second one aborts."""
    loop = asyncio.get_running_loop()

    def handler() -> None:
        if batch.progress.state.value in ("stopping", "interrupted"):
            batch.abort()
        else:
            batch.stop("interrupted: finishing the requests in flight (Ctrl-C again to abort them)")

    installed = []
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(sig, handler)
            installed.append(sig)
        except (NotImplementedError, RuntimeError, ValueError):
            pass  # not the main thread, or Windows: KeyboardInterrupt still stops the run

    def restore() -> None:
        for sig in installed:
            loop.remove_signal_handler(sig)
    return restore

