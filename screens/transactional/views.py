"""What the transactional preview screen shows: the rendered email, the variables the data
does not provide, the notes; rendering only (the render itself is the core's,
`console.transactional.preview`)."""

from __future__ import annotations

from rich.text import Text

from console.transactional.compare import Comparison
from console.transactional.preview import EmailPreview, unapplied_line
from console.transactional.templates import Template, Variant

# A huge body would make every refresh slow; the preview shows its start and says so.
SHOWN_BODY_CHARS = 20_000


def template_label(template: Template) -> str:
    trigger = f" ({template.trigger_name})" if template.trigger_name else ""
    return f"{template.id}  {template.name}{trigger}"


def variant_label(variant: Variant) -> str:
    subject = variant.subject if len(variant.subject) <= 36 else variant.subject[:35] + "…"
    return f"{variant.language_label} · {variant.type}: {subject}"


def email_text(preview: EmailPreview, *, html: bool) -> Text:
    """Header lines (template, from, to, subject, preheader), then the body as text or HTML."""
    r = preview.rendered
    out = Text()
    if r is None:
        if preview.explanation is not None:
            out.append(preview.explanation.text(), style="red")
        return out
    t, v = preview.template, preview.variant
    out.append("Template ", style="dim")
    out.append(f"{t.id} {t.name}" + (f", variant {v.language_label}" if v else "") + "\n")
    for label, value in (
        ("From", r.sender or "-"),
        ("To", str(preview.spec.value("to"))),
        ("Subject", r.subject.output),
        ("Preheader", r.preheader.output or "-"),
    ):
        out.append(f"{label}: ", style="dim")
        out.append(value + "\n", style="bold" if label == "Subject" else "")
    out.append("── raw HTML ──\n" if html else "── body as text ──\n", style="dim")
    body = r.html if html else r.text
    if len(body) > SHOWN_BODY_CHARS:
        out.append(body[:SHOWN_BODY_CHARS])
        out.append(f"\n… {len(body):,} characters; the first {SHOWN_BODY_CHARS:,} are shown", style="italic")
    else:
        out.append(body)
    return out


def findings_text(preview: EmailPreview) -> Text:
    """Every variable the template uses that the data does not provide; errors; notes."""
    out = Text()
    missing = preview.missing
    if preview.rendered is not None:
        if missing:
            out.append(f"Missing variables ({len(missing)}):\n", style="bold yellow")
            for m in missing:
                out.append(f"  {m.line()}\n", style="dim" if m.has_default else "yellow")
        else:
            out.append("Missing variables: none\n", style="green")
        if preview.rendered.unapplied:
            out.append(unapplied_line(preview.rendered.unapplied) + "\n", style="yellow")
        for error in preview.rendered.errors:
            out.append(f"Template error in {error}\n", style="red")
    for note in preview.notes:
        out.append(f"note: {note}\n", style="italic")
    return out


def comparison_text(comparison: Comparison) -> Text:
    """The core's comparison lines, the diff's - and + coloured."""
    out = Text()
    for line in comparison.lines():
        bare = line.strip()
        if bare.startswith(("---", "+++")):
            style = "dim"
        elif bare.startswith("-"):
            style = "red"
        elif bare.startswith("+"):
            style = "green"
        elif "differs" in line or line.startswith("Empty in the preview ("):
            style = "bold yellow"
        elif line.startswith("Compared with"):
            style = "bold"
        else:
            style = ""
        out.append(line + "\n", style=style)
    return out
