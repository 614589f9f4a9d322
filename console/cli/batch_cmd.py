"""`cio-console batch ACTION FILE`: one action for every row of a CSV or JSONL file.

Every row is validated first; invalid rows are listed by line and field and nothing is
sent until the user accepts skipping them (or passes --skip-invalid / --yes). Rows go
out at a steady, adaptive rate over one connection pool; a checkpoint beside FILE
records each row's outcome, so `--resume` sends only what did not complete. stdout
carries only --dry-run's request previews (one JSON object per line); everything else,
the progress bar included, goes to stderr.
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
from typing import TYPE_CHECKING

from console.actions.catalog import get_action
from console.batch.report import dry_run, invalid_report, request_json, resume_report, summary
from console.cli.batch_report import EXIT_INTERRUPTED, exit_code, say
from console.cli.batch_view import CheckView
from console.cli.common import add_env_argument
from console.cli.main import EXIT_INVALID, EXIT_OK
from console.cli.output import credentials_for_command
from console.errors import ConsoleError

if TYPE_CHECKING:
    from collections.abc import Callable

    from console.batch.job import Job
    from console.batch.runner import BatchRun
    from console.wire.request import PreparedRequest


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", help="action id, e.g. identify-customer (see `cio-console actions`)")
    parser.add_argument("file", help="CSV (header row of field names) or JSONL (one JSON object a line)")
    add_env_argument(parser)
    parser.add_argument(
        "--rate",
        metavar="N",
        help="requests per second (default: the API's documented limit; "
        "'unlimited' only against the sandbox on loopback)",
    )
    parser.add_argument(
        "--concurrency", type=int, metavar="N", help="requests in flight at once (default: enough to hold the rate)"
    )
    parser.add_argument(
        "--resume", action="store_true", help="continue an earlier run: send only the rows it did not complete"
    )
    parser.add_argument(
        "--restart", action="store_true", help="discard an earlier run's checkpoint and send every row again"
    )
    parser.add_argument(
        "--dry-run",
        action="store_true",
        help="validate and print the requests (keys masked), one JSON object a line; send nothing",
    )
    parser.add_argument("--skip-invalid", action="store_true", help="send the valid rows without asking")
    parser.add_argument(
        "--yes",
        "-y",
        action="store_true",
        help="answer yes to the questions a script cannot (send the valid rows, skip "
        "the invalid ones); a protected environment still needs --confirm",
    )
    parser.add_argument(
        "--confirm",
        metavar="COUNT",
        help="in a protected environment, the number of rows that delete data or send "
        "messages, as you would type it when asked (--yes does not answer this)",
    )
    parser.add_argument(
        "--v2-batch",
        choices=("auto", "on", "off"),
        default="auto",
        help="group identify and event rows into Track v2 batch requests (auto: from 10 rows; default %(default)s)",
    )


def _fail(message: str) -> int:
    print(f"cio-console batch: {say(message)}", file=sys.stderr)
    return EXIT_INVALID


def _ask(question: str) -> str:
    print(question, end=" ", file=sys.stderr, flush=True)
    line = sys.stdin.readline()
    if not line:  # no answer (end of input): the question stays on its own line
        print(file=sys.stderr)
    return line.strip()


def run(args: argparse.Namespace) -> int:
    from console.batch.job import JobError, prepare

    try:
        action = get_action(args.action)
        creds = credentials_for_command(args.env)
        with CheckView(args.file) as view:
            job = prepare(
                action,
                args.file,
                creds,
                rate=args.rate,
                concurrency=args.concurrency,
                resume=args.resume,
                restart=args.restart,
                v2_mode=args.v2_batch,
                timeout=args.timeout,
                preview=args.dry_run,
                on_progress=view.update,
            )
    except KeyError as exc:
        return _fail(str(exc).strip("'\""))
    except (ConsoleError, ValueError) as exc:  # console.errors: every product error, nothing sent yet
        return _fail(f"{exc} (nothing sent)")
    except OSError as exc:
        return _fail(f"cannot write {exc.filename or 'beside FILE'}: {exc.strerror or exc} (nothing sent)")
    data_file, checked, todo = job.data_file, job.checked, job.plan

    if checked.invalid:
        print(invalid_report(checked, data_file), file=sys.stderr)
    if not checked.valid:
        return _fail(f"no valid rows in {data_file}; nothing sent")
    if checked.invalid and not (args.skip_invalid or args.yes or args.dry_run):
        answer = _ask(f"Send the {checked.valid:,} valid rows and skip the {checked.invalid:,} invalid ones? [y/N]")
        if answer.lower() not in ("y", "yes"):
            return _fail("nothing sent. Fix the rows, or pass --skip-invalid to send the valid ones")
    for note in job.notes:
        print(f"note: {say(note)}", file=sys.stderr)
    if job.loaded is not None:
        print(say(resume_report(todo, action, data_file)), file=sys.stderr)
    if args.dry_run:
        return _dry_run(job)
    if not todo.sending:
        try:
            job.note_in_flight()
        except OSError as exc:
            return _fail(f"cannot write {exc.filename}: {exc.strerror}")
        print("Nothing left to send.", file=sys.stderr)
        return exit_code(None, todo, [])
    needed = job.confirmation()
    if needed:
        # One typed identifier per row cannot scale to a file, so the count is typed instead.
        # --yes does not answer this: a script says how many it means with --confirm.
        expected, what = needed
        typed = (
            args.confirm
            if args.confirm is not None
            else _ask(
                f"{creds.name or 'This environment'} is protected, and {int(expected):,} of these rows "
                f"{what}. Type {expected} to go ahead:"
            )
        )
        if not job.confirmed(expected, typed):
            return _fail(
                f"not confirmed: {creds.name or 'this environment'} is protected; type (or pass "
                f"--confirm) {expected}, the number of rows that {what}. Nothing sent"
            )
    try:
        batch = job.open(restart=args.restart)
    except JobError as exc:
        return _fail(str(exc))
    except OSError as exc:
        return _fail(
            f"cannot write {exc.filename}: {exc.strerror}. The checkpoint and the failed file "
            f"live beside FILE; copy FILE to a folder you can write to (nothing sent)"
        )
    return asyncio.run(_run(job, batch))


def _dry_run(job: Job) -> int:
    def write(req: PreparedRequest) -> None:
        sys.stdout.write(request_json(req) + "\n")

    try:
        done = dry_run(job, write)
    except (OSError, ValueError) as exc:
        return _fail(f"{getattr(exc, 'strerror', None) or exc} (nothing sent)")
    print(f"dry run: {done.text()}", file=sys.stderr)
    return EXIT_OK


async def _run(job: Job, batch: BatchRun) -> int:
    from console.cli.batch_view import ProgressView

    restore = _on_signals(batch)
    failure = None
    try:
        async with ProgressView(batch.progress, job.action.INFO.id):
            state = await batch.run()
    except Exception as exc:  # noqa: BLE001 - one message, never a traceback; the checkpoint is whole
        failure, state = exc, batch.progress.state
    finally:
        restore()
        result = job.finish(batch)
    if failure is not None:
        print(
            f"cio-console batch: the run stopped on an unexpected error ({type(failure).__name__}: {failure}). "
            f"Every outcome recorded so far is in {job.checkpoint_path}; run the same command with --resume "
            f"to continue.",
            file=sys.stderr,
        )
    print(say(summary(batch, state, job.plan, job.data_file, result.failed_file, result.tally)), file=sys.stderr)
    return EXIT_INTERRUPTED if state.value == "interrupted" else exit_code(batch, job.plan, result.failures)


def _on_signals(batch: BatchRun) -> Callable[[], None]:
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
