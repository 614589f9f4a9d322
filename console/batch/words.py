"""How a face names the batch's controls, for the core's advice.

The core's batch messages (a refused checkpoint, a halted run, the summary) tell the
user which control to use next: resume, start over, the rate. The CLI names them as
flags (`--resume`), the batch screen as checkboxes ("Tick Resume"), so the core writes a
marker where a message names a control and each face renders the text with its own
`Words`. The core names no flag or key.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

# Markers the core writes. A capitalised marker starts a sentence.
RESUME = "⟨resume⟩"
RESTART = "⟨restart⟩"
CONCURRENCY = "⟨concurrency⟩"
PASS_RESUME = "⟨Pass resume⟩"  # "Pass --resume" / "Tick Resume"
pass_resume = "⟨pass resume⟩"
RUN_AGAIN = "⟨Run again⟩"  # "Run the same command with --resume" / "Tick Resume and run again"
run_again = "⟨run again⟩"


@dataclass(frozen=True)
class Words:
    """A face's names for the controls (each in lower case where it starts a phrase)."""

    resume: str
    restart: str
    concurrency: str
    pass_resume: str  # how to ask for a resume: "pass --resume"
    run_again: str  # how to run again, resuming: "run the same command with --resume"

    def render(self, text: str) -> str:
        """`text` with every marker in this face's words."""
        if "⟨" not in text:
            return text
        for f in fields(self):
            word = getattr(self, f.name)
            marker = "⟨" + f.name.replace("_", " ") + "⟩"
            text = text.replace(_capital(marker), _capital(word)).replace(marker, word)
        return text


def _capital(text: str) -> str:
    return text[0] + text[1].upper() + text[2:] if text.startswith("⟨") else text[:1].upper() + text[1:]
