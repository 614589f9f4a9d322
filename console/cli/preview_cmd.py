"""`cio-console preview-email --input JSON [--strict]`: render a transactional email
locally before sending it.

The input is the `send-transactional-email` form (see `cio-console actions
send-transactional-email`); the same input given to `cio-console send
send-transactional-email` sends exactly the request shown by --json. Prints the
subject, preheader and body as text (--html: the raw HTML), then every Liquid variable
the template uses that the data does not provide. Exit 1 with --strict when any is
missing (or a part of the template fails to render); 2 for invalid input.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import TYPE_CHECKING, Any

from console.actions.validation import InvalidInput
from console.cli.common import add_env_argument, print_json
from console.cli.main import EXIT_API_ERROR, EXIT_INVALID, EXIT_OK
from console.cli.output import credentials_for_command, failure_code, print_explanation, read_object, secrets_of
from console.errors import ConsoleError
from console.wire.credentials import Credentials, MissingCredential
from console.wire.redact import redact_data, redact_text

if TYPE_CHECKING:
    from console.transactional.preview import EmailPreview


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--input",
        "-i",
        metavar="JSON|@FILE",
        required=True,
        help="the send-transactional-email fields as JSON (@file.json, @- for stdin), "
        'e.g. \'{"transactional_message_id": "welcome", "to": "a@x.com", '
        '"message_data": {"order_id": "1234"}}\'',
    )
    parser.add_argument(
        "--strict", action="store_true", help="exit 1 when the template uses a variable the data does not provide"
    )
    parser.add_argument(
        "--compare",
        metavar="DELIVERY_ID",
        help="compare the render with what that delivery carried (its archived message): the "
        "parts that differ, a diff of the body text, the variables that came out empty",
    )
    fmt = parser.add_mutually_exclusive_group()
    fmt.add_argument("--html", action="store_true", help="print the rendered HTML instead of text")
    fmt.add_argument(
        "--json", action="store_true", help="one JSON object: rendered parts, missing variables, notes, the request"
    )
    add_env_argument(parser)


def run(args: argparse.Namespace) -> int:
    if args.compare is not None:
        from console.people.deliveries import check_delivery_id

        problem = check_delivery_id(args.compare)
        if problem:
            return _fail(problem.replace("DELIVERY_ID", "--compare", 1))
    try:
        data = read_object(args.input)
        creds = credentials_for_command(args.env)
    except (ValueError, ConsoleError) as exc:  # console.errors; nothing was sent yet
        return _fail(str(exc))
    try:
        return asyncio.run(_run(args, creds, data))
    except InvalidInput as exc:
        return _fail(
            "invalid input for send-transactional-email:\n" + "\n".join("  " + line for line in exc.text().splitlines())
        )
    except MissingCredential as exc:
        return _fail(str(exc))


async def _run(args: argparse.Namespace, creds: Credentials, data: dict[str, Any]) -> int:
    from console.transactional.preview import preview_email
    from console.wire.transport import make_client

    async with make_client(timeout=args.timeout) as client:
        preview = await preview_email(creds, client, data)
        comparison = None
        if args.compare is not None and preview.rendered is not None:
            from console.transactional.compare import compare_with_delivery

            comparison = await compare_with_delivery(creds, client, preview, args.compare)
    for note in preview.notes:
        print(f"note: {note}", file=sys.stderr)
    if preview.rendered is None:
        print_explanation(preview.explanation, creds)
        return failure_code(preview.failed)
    rendered = preview.rendered
    if args.json:
        extra = {"compare": comparison.to_dict()} if comparison is not None else {}
        print_json(redact_data(_as_dict(preview) | extra, secrets_of(creds)))
    else:
        print(_text(preview, html=args.html))
        if comparison is not None and comparison.ok:
            print()
            print(redact_text("\n".join(comparison.lines()), secrets_of(creds)))
    for error in rendered.errors:
        print(f"template error in {error}", file=sys.stderr)
    if comparison is not None and not comparison.ok:
        print(f"Not compared with delivery {args.compare}:", file=sys.stderr)
        print_explanation(comparison.explanation, creds)
        return failure_code(comparison.failed)
    if args.strict and comparison is not None and not comparison.same:
        names = ", ".join(p.name for p in comparison.differing)
        print(f"--strict: the preview differs from delivery {args.compare} ({names}).", file=sys.stderr)
        return EXIT_API_ERROR
    if args.strict and (rendered.missing or rendered.errors or rendered.unapplied):
        print(
            f"--strict: {len(rendered.missing)} missing variable(s), {len(rendered.errors)} "
            f"template error(s), {len(rendered.unapplied)} filter(s) not applied; fix the data "
            "or the template before sending.",
            file=sys.stderr,
        )
        return EXIT_API_ERROR
    return EXIT_OK


def _text(preview: EmailPreview, *, html: bool) -> str:
    from console.transactional.preview import unapplied_line

    r = preview.rendered
    assert r is not None  # _run explained a preview that could not be rendered
    t, v = preview.template, preview.variant
    if t is None:
        heading = "Template: none (sent without a template: the send's own subject, body and from)"
    else:
        heading = (
            f"Template: {t.id} {t.name}"
            + (f" ({t.trigger_name})" if t.trigger_name else "")
            + (f", variant {v.language_label}" if v else "")
        )
    lines = [
        heading,
        f"From: {r.sender or '-'}",
        f"To: {preview.spec.value('to')}",
        f"Subject: {r.subject.output}",
        f"Preheader: {r.preheader.output}",
        "",
        r.html if html else r.text,
        "",
    ]
    if r.missing:
        lines.append(f"Missing variables ({len(r.missing)}):")
        lines += [f"  {m.line()}" for m in r.missing]
    else:
        lines.append("Missing variables: none")
    if r.unapplied:
        lines.append(unapplied_line(r.unapplied))
    return "\n".join(lines)


def _as_dict(preview: EmailPreview) -> dict[str, Any]:
    r = preview.rendered
    assert r is not None  # _run explained a preview that could not be rendered
    return {
        "template": None
        if preview.template is None
        else {"id": preview.template.id, "name": preview.template.name, "trigger_name": preview.template.trigger_name},
        "variant": preview.variant.language_label if preview.variant else None,
        "languages": [v.language_label for v in preview.variants],
        "from": r.sender,
        "reply_to": r.reply_to,
        "subject": r.subject.output,
        "preheader": r.preheader.output,
        "text": r.text,
        "html": r.html,
        "missing": [{"path": m.path, "has_default": m.has_default} for m in r.missing],
        "errors": r.errors,
        "unapplied_filters": r.unapplied,
        "notes": preview.notes,
        "request": preview.request.preview(),
    }


def _fail(message: str) -> int:
    print(f"cio-console preview-email: {message}", file=sys.stderr)
    return EXIT_INVALID
