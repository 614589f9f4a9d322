"""The console's first frame lists actions from a static index; it must match the catalog."""

from __future__ import annotations

import subprocess
import sys

from console.actions.catalog_index import INDEX, from_catalog

# The index now lives inside the `console.actions` package, whose __init__ is empty: the
# package and the index are the only `console.actions` modules the first frame may load.
_INDEX_ITSELF = ("console.actions", "console.actions.catalog_index")


def test_the_static_index_lists_every_action_of_the_catalog_in_order() -> None:
    assert from_catalog() == INDEX, (
        "console/actions/catalog_index.py is stale: run `python -m console.actions.catalog_index`"
    )


def test_importing_the_index_does_not_import_pydantic_or_the_specs() -> None:
    code = (
        "import sys, console.actions.catalog_index; "
        "print(sorted(m for m in sys.modules if m.startswith(('pydantic', 'console.actions.spec', 'console.actions')) "
        f"and m not in {_INDEX_ITSELF!r}))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_the_consoles_first_frame_needs_no_pydantic_and_no_action_specs() -> None:
    """What `cio-console` imports before its first frame: the specs come later, in a thread."""
    code = (
        "import sys, screens.launcher, screens.app, screens.workspace.screen; "
        "print(sorted(m for m in sys.modules if m.startswith(('pydantic', 'console.actions.spec', 'console.actions', "
        "'httpx', 'screens.workspace.form', 'screens.inspector', "
        # nor what only a form or a file needs: the JSON module, the TOML reader, the editors
        "'json', 'tomllib', 'textual.widgets._text_area')) "
        f"and m not in {_INDEX_ITSELF!r}))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
