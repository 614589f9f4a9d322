"""Where typed text becomes a number, and where it must stay text.

Text is read as a number only when it is the canonical spelling of one: ASCII digits,
no leading zero, no sign, no spaces, no underscores. Anything else ("0012", "12 ",
"1_000", "١٢", "²") may be a name — a Trigger Name, a segment's id as the user typed
it — and turning it into a number would address something else: "0012" would become
template 12. (`str.isdigit` is not a test for this: it accepts superscripts and other
scripts' digits, some of which `int()` then refuses.)
"""

from __future__ import annotations

import re

_CANONICAL = re.compile(r"0|[1-9][0-9]*")
# A field whose type is a whole number has no text reading to lose: there a sign and
# leading zeros are harmless, but the digits must still be ASCII.
_WHOLE = re.compile(r"-?[0-9]+")


def canonical_int(text: str) -> int | None:
    """The non-negative integer `text` spells canonically ("12"), else None ("0012", " 12")."""
    return int(text) if _CANONICAL.fullmatch(text) else None


def ascii_digits(text: str) -> bool:
    """Whether `text` is one or more of the digits 0-9 (a number written as text, kept as text)."""
    return re.fullmatch(r"[0-9]+", text) is not None


def whole_number(text: str) -> int | None:
    """The integer in a field that only holds integers ("-5", "007"); None if it is not one."""
    return int(text) if _WHOLE.fullmatch(text) else None
