"""`cio-console profile activity|messages ID`: the person's story, one page or every page.

The person is looked up first (an email shared by several people lists them and exits 2,
as `profile show` does), then read by cio_id, which is unique. `--all` follows `next` up
to a bound (DEFAULT_MAX_PAGES) and says when it stopped with more to read; without it one
page is printed and the cursor of the next is named. A page that fails after others were
read prints what was read, then the explanation, with the failure's exit code.
stdout: the list (or one JSON object with --json); stderr: notes and explanations.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Awaitable, Callable
from dataclasses import asdict
from typing import TYPE_CHECKING, Any, TypeVar

from console.cli.common import print_json
from console.cli.main import EXIT_OK
from console.cli.output import failure_code, print_explanation
from console.people.story import ACTIVITY_MAX_LIMIT, ACTIVITY_RETENTION_DAYS, DEFAULT_MAX_PAGES, MESSAGES_MAX_LIMIT
from console.wire.clock import utc_text

if TYPE_CHECKING:
    import httpx

    from console.people.deliveries import Delivery
    from console.people.model import Profile
    from console.people.story import Activity, AllPages, Page
    from console.wire.credentials import Credentials

T = TypeVar("T")
DATA_WIDTH = 80  # characters of an activity's data shown on its line
MAX_PAGES = DEFAULT_MAX_PAGES  # --all stops here (looked up at call time)


def whole_number_in(low: int, high: int) -> Callable[[str], int]:
    """An argparse type: a whole number from low to high (argparse exits 2 naming the option)."""

    def parse(text: str) -> int:
        try:
            value = int(text.strip())
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text[:40]!r} is not a whole number (from {low} to {high})") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"must be from {low} to {high} (got {value})")
        return value

    return parse


def add_parsers(sub: Any, common: Callable[[argparse.ArgumentParser], None]) -> None:
    activity = sub.add_parser(
        "activity",
        help=f"the person's activity, newest first (Customer.io keeps {ACTIVITY_RETENTION_DAYS} days)",
        description="The person's activity, newest first: events, attribute changes, devices, "
        f"deliveries. Customer.io keeps {ACTIVITY_RETENTION_DAYS} days of it.",
    )
    common(activity)
    activity.add_argument("--type", metavar="T", help="only this type, e.g. event, attribute_change, sent_email")
    activity.add_argument("--name", metavar="NAME", help="only events with this name (with --type event)")
    activity.add_argument(
        "--limit",
        type=whole_number_in(1, ACTIVITY_MAX_LIMIT),
        metavar="N",
        help=f"activities per page, 1 to {ACTIVITY_MAX_LIMIT} (default: the API's, 10)",
    )
    _all_and_json(activity)
    messages = sub.add_parser(
        "messages",
        help="the deliveries sent (or not sent) to the person, newest first",
        description="The deliveries sent (or not sent) to the person, newest first: state, "
        "channel, time, subject or recipient, failure message, and the delivery id.",
    )
    common(messages)
    messages.add_argument(
        "--limit",
        type=whole_number_in(1, MESSAGES_MAX_LIMIT),
        metavar="N",
        help=f"deliveries per page, 1 to {MESSAGES_MAX_LIMIT} (default: the API's)",
    )
    _all_and_json(messages)


def _all_and_json(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--all", action="store_true", help=f"follow every page (at most {MAX_PAGES}; says if more remain)"
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")


async def run_story(args: argparse.Namespace, creds: Credentials, client: httpx.AsyncClient, person: Profile) -> int:
    from console.people.story import AllPages, read_activities, read_all, read_messages

    def page_of(start: str | None) -> Awaitable[Page[Any]]:
        if args.subcommand == "activity":
            return read_activities(
                creds, client, person.cio_id, "cio_id", type=args.type, name=args.name, limit=args.limit, start=start
            )
        return read_messages(creds, client, person.cio_id, "cio_id", limit=args.limit, start=start)

    if args.all:
        pages: AllPages[Any] = await read_all(page_of, max_pages=MAX_PAGES)
    else:
        first = await page_of(None)
        pages = AllPages([first], list(first.items), None if first.ok else first, "")
    last = pages.pages[-1]
    more = pages.more or (last.next if last.ok and not args.all else "")
    if args.json:
        print_json(_json(args, person, pages, more))
    else:
        _print(args, person, pages.items, more, len(pages.pages) - (1 if pages.failed else 0))
    if pages.failed is not None:
        if pages.items or len(pages.pages) > 1:
            print(f"Stopped after {len(pages.pages) - 1} page(s): the next page could not be read.", file=sys.stderr)
        print_explanation(pages.failed.read.explanation, creds)
        return failure_code(pages.failed.read.exchange)
    return EXIT_OK


def _json(args: argparse.Namespace, person: Profile, pages: AllPages[Any], more: str) -> dict[str, Any]:
    key = "activities" if args.subcommand == "activity" else "messages"
    data: dict[str, Any] = {
        "person": person.identifiers,
        key: [asdict(item) for item in pages.items],
        "pages": len([p for p in pages.pages if p.ok]),
        "next": more or None,  # the cursor of the first page not read
        "complete": not more and pages.failed is None,
    }
    if args.subcommand == "activity":
        data["retention_days"] = ACTIVITY_RETENTION_DAYS
    if pages.failed is not None:
        explanation = pages.failed.read.explanation
        data["explanation"] = explanation.to_dict() if explanation else None
    return data


def _print(args: argparse.Namespace, person: Profile, items: list[Any], more: str, pages: int) -> None:
    if args.subcommand == "activity":
        what = f" of type {args.type}" if args.type else ""
        print(
            f"Activity{what} of {person.label}, newest first ({len(items)}; Customer.io keeps "
            f"{ACTIVITY_RETENTION_DAYS} days of activity)"
        )
        lines = [_activity_line(a) for a in items]
    else:
        print(f"Messages to {person.label}, newest first ({len(items)})")
        lines = [_message_line(m) for m in items]
    for line in lines:
        print(f"  {line}")
    if not items:
        print("  (none)")
    if more:
        if args.all:
            print(f"Stopped after {pages} pages (the bound): more remain.")
        else:
            print(f"More remain: --all reads every page (at most {MAX_PAGES}).")
    if args.subcommand == "messages" and items:
        print("Follow one delivery: cio-console delivery show DELIVERY_ID")


def _short(data: dict[str, Any]) -> str:
    import json

    if not data:
        return ""
    text = json.dumps(data, ensure_ascii=False, separators=(", ", ": "), sort_keys=True)
    return text if len(text) <= DATA_WIDTH else text[: DATA_WIDTH - 1] + "…"


def _activity_line(a: Activity) -> str:
    parts = [utc_text(a.timestamp), a.type]
    if a.name:
        parts.append(a.name)
    if a.delivery_id:
        parts.append(f"delivery {a.delivery_id}")
    data = _short(a.data)
    if data:
        parts.append(data)
    return "  ".join(parts)


def _message_line(m: Delivery) -> str:
    parts = [m.id, m.state, m.channel or "?", utc_text(m.state_at)]
    if m.template_label:
        parts.append(m.template_label)
    if m.subject:
        parts.append(repr(m.subject))
    if m.recipient:
        parts.append(f"to {m.recipient}")
    line = "  ".join(parts)
    return line + (f"  failure: {m.failure_message}" if m.failure_message else "")
