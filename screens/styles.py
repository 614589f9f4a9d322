"""Where the console's stylesheets live, and how a sheet joins the App's after start-up.

A leaf module (Textual's App type only, under TYPE_CHECKING): every screen reads its
`CSS_PATH` from here, so no screen needs `screens.app` for a path.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from textual.app import App

ASSETS = Path(__file__).resolve().parent.parent / "assets"


def use_stylesheet(app: App, name: str) -> None:
    """Add `assets/{name}` to the app's styles if it is not there yet: for widgets that are
    not on the first frame (Textual's CSS parser costs ~1 ms per 20 lines, re-parsing all)."""
    path = ASSETS / name
    if not app.stylesheet.has_source(str(path), ""):
        app.stylesheet.read(path)
        app.stylesheet.reparse()
        app.stylesheet.update(app)
