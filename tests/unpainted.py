"""A headless test App composes, lays out and styles every frame, but does not paint it
unless the test looks at the screen.

Textual paints a frame for a headless App like any other (`Compositor.render_update`: every
changed widget renders its lines) and then throws the picture away (`App._display` writes
nothing when headless). That painting was about a quarter of the UI tests' CPU. Here the
top screen of a headless App skips it: it forgets the changed regions as a paint would,
and still updates what is under the mouse. Everything else (layout, styles, focus, the
widgets' state) runs as in the real App.

What a test reads off the screen is painted whole when it is read: `screen_text` and
snapshots render the full frame (`render_full_update`, `export_screenshot`), which does not
depend on earlier frames having been painted. Snapshot tests (those using `snap_compare`)
paint every frame anyway, as the real App does, so a widget that only settles while
painting is pictured as the user sees it. And every App paints its last frame whole before
it shuts down, so a widget that cannot render still fails the test that showed it.
"""

from __future__ import annotations

_installed = False
paint = False  # set for a test that needs every frame painted (tests/conftest.py)


def install() -> None:
    global _installed
    if _installed:
        return
    from textual.screen import Screen

    refresh = Screen._compositor_refresh

    def unpainted_refresh(self) -> None:
        app = self.app
        if paint or not app.is_headless or app.is_inline or self is not app.screen:
            refresh(self)
            return
        self._compositor._dirty_regions.clear()
        self._dirty_widgets.clear()
        app._update_mouse_over(self)

    Screen._compositor_refresh = unpainted_refresh

    from textual.app import App, ScreenStackError

    shutdown = App._shutdown

    async def shutdown_painted(self) -> None:
        if self.is_headless and self.is_running:
            try:
                screen = self.screen
            except ScreenStackError:  # no screen left: nothing to paint
                pass
            else:
                screen._compositor.render_full_update()
        await shutdown(self)

    App._shutdown = shutdown_painted
    _installed = True
