"""The product's errors: one base, so a face catches one class and reads the field from
an attribute instead of searching the message for a label.

Every error a person is meant to read derives from `ConsoleError`. It carries:

- `field`: what the error is about, in the words of the code that raised it (a form
  field's name, a setting such as "site_id", a key kind such as "track"), or None when
  no one field is at fault. Faces mark that field; they never match on the text.
- `hint`: what would be right, when it can be said apart from the message (the message
  itself already includes it, so printing `str(exc)` loses nothing).

Each class also keeps the built-in base it had before the hierarchy existed
(`ValueError`, `KeyError`, `TimeoutError`), because callers catch them by those.
Nothing here is about the network: a failed request is an `Exchange` with an
explanation, not an exception.
"""

from __future__ import annotations


class ConsoleError(Exception):
    """An error with a message for a person; nothing was sent because of it."""

    field: str | None = None
    hint: str | None = None

    def __init__(self, *args: object, field: str | None = None, hint: str | None = None):
        super().__init__(*args)
        if field is not None:
            self.field = field
        if hint is not None:
            self.hint = hint

    def text(self) -> str:
        """The message as a person reads it (an invalid input lists each problem)."""
        return str(self)


class InputError(ConsoleError):
    """What was typed, passed or read (a form, --input, a batch file, a typed key or
    confirmation) cannot be sent as it is."""


class ConfigurationError(ConsoleError):
    """The environment, its stored settings, keys or the OS keyring prevent a send."""


class LocalStateError(ConsoleError):
    """A file the console keeps (the history, a batch's checkpoint) is in the way."""


def error_text(exc: BaseException) -> str:
    """An error's text for a one-line status: every problem of an invalid input, one per
    line, or the message of any other error."""
    return exc.text() if isinstance(exc, ConsoleError) else str(exc)
