"""The console's names for the controls the core's messages point to (console/words.py):
its screens, keys and checkboxes. `ui_text` renders a core text in them; the status line,
notifications, the error panel and every view of a core text call it."""

from __future__ import annotations

from console.errors import error_text
from console.words import Words

UI_WORDS = Words(
    resume="Resume",
    restart="Start over",
    concurrency="Concurrency",
    pass_resume="tick Resume",
    run_again="tick Resume and run again",
    rate="Rate",
    id_type="pick",
    batch_tool="the batch screen (F7)",
    how_connection_test=" (ctrl+t on the environment screen, F2)",
    keys_in_memory="; F2 can keep keys in memory for this run",
    timeout_note="",
    add_environment=" Add one on the environment screen (F2).",
    store_key=", or store it on the environment screen (F2)",
    set_key="its field on the environment screen (F2)",
    set_site_id="the Site ID field on the environment screen (F2)",
    set_region="choose {2} on the environment screen (F2)",
    action_docs="F1",
    delivery_later="ctrl+g again (or F4's Messages)",
)


def ui_text(text: str) -> str:
    """A core text with the controls it names in the console's words."""
    return UI_WORDS.render(text)


def ui_error(exc: BaseException) -> str:
    """An error's text (`console.errors.error_text`) in the console's words."""
    return ui_text(error_text(exc))
