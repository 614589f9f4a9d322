"""Where the console's stylesheets live, and how a sheet joins the App's after start-up.

A leaf module (Textual's App type only, under TYPE_CHECKING): every screen reads its
`CSS_PATH` from here, so no screen needs `screens.app` for a path.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    from textual.app import App
    from textual.events import ScreenResume
    from textual.screen import Screen

ASSETS = Path(__file__).resolve().parent.parent / "assets"


def use_stylesheet(app: App, name: str) -> None:
    """Add `assets/{name}` to the app's styles if it is not there yet: for widgets that are
    not on the first frame (Textual's CSS parser costs ~1 ms per 20 lines, re-parsing all)."""
    path = ASSETS / name
    if not app.stylesheet.has_source(str(path), ""):
        app.stylesheet.read(path)
        app.stylesheet.reparse()
        app.stylesheet.update(app)


def preset_breakpoints(screen: Screen) -> None:
    """Give a new screen the breakpoint classes (`-narrow`, `-wide`...) Textual gives it on
    its first Resize, computed the same way from the App's size. Given then, they come
    after every widget of the screen was styled, and restyle the whole screen once more
    (a third of the time it takes to open the profile screen). Given here, from the
    screen's `__init__`, the widgets are styled with them and the Resize finds nothing to
    change; a terminal resized in between is still handled by Textual's Resize."""
    from textual._context import active_app

    app = active_app.get(None)
    if app is None:
        return
    horizontal = (
        app.HORIZONTAL_BREAKPOINTS if screen.HORIZONTAL_BREAKPOINTS is None else screen.HORIZONTAL_BREAKPOINTS
    ) or []
    vertical = (app.VERTICAL_BREAKPOINTS if screen.VERTICAL_BREAKPOINTS is None else screen.VERTICAL_BREAKPOINTS) or []
    if not (horizontal or vertical):
        return
    width, height = app.size
    classes = {name: False for _, name in (*horizontal, *vertical)}
    for name in screen._get_breakpoint_classes(width, horizontal) | screen._get_breakpoint_classes(height, vertical):
        classes[name] = True
    screen.update_classes(classes, update=False)


class StyledOnce:
    """For a Screen (listed before `Screen` among its bases): it is styled for the size it
    opens at from the start (its breakpoint classes are given in `__init__`:
    `preset_breakpoints`), and the first time it is shown it is not restyled whole a
    second time.

    Textual styles each widget as it is mounted, then, on the screen's first ScreenResume
    (which comes once the screen is built), restyles every widget of it again: 71 widgets
    for the profile screen, the slowest part of opening it. Nothing a style depends on has
    changed in between (the console's stylesheets use no order pseudo-classes such as
    :last-child, whose answer a later sibling would change; focus moves restyle what they
    touch themselves). Each later resume (the screen shown again, kept) restyles as in
    Textual: the screen may have changed while hidden."""

    _shown_once = False

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        preset_breakpoints(cast("Screen", self))

    def _on_screen_resume(self, event: ScreenResume) -> None:
        # Runs before Screen's own handler (Textual calls each class's, subclass first).
        if not self._shown_once:
            self._shown_once = True
            event.refresh_styles = False
