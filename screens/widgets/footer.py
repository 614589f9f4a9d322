"""The footer of every screen: rebuilt only when what it shows changes, and showing only
whole keys.

Textual's Footer recomposes on every bindings update (each focus move, each screen shown
again), re-creating and re-styling one widget per key: about 10 ms per key on a 2-core
machine, tens of milliseconds per screen switch. A kept screen shown again, or focus moving
between widgets with the same keys, shows the same footer: it is kept as it is.

Textual's Footer also lays its keys out in one row and lets the ones past the right edge
run under the command-palette key: `f4 Profil▏` at 120 columns, a stray `f` at 80. This
one, after each layout, hides every key from the first one that does not fit: a key is
shown whole or not at all (F1 and the palette list every key).
"""
from __future__ import annotations

from textual.widgets import Footer


def _shown(screen) -> tuple:
    """What the footer would show: each visible binding's key, label, state and tooltip."""
    return tuple((binding.key, binding.description, enabled, tooltip)
                 for (_, binding, enabled, tooltip) in screen.active_bindings.values() if binding.show)


class StableFooter(Footer):
    _composed: tuple | None = None

    def compose(self):
        if self._bindings_ready:
            self._composed = _shown(self.screen)
        yield from super().compose()

    def bindings_changed(self, screen) -> None:
        if self._composed is not None and screen is self.screen and _shown(screen) == self._composed:
            return  # the same keys, labels and states: nothing to rebuild
        super().bindings_changed(screen)

    async def recompose(self) -> None:
        await super().recompose()
        self.call_after_refresh(self._fit)

    def on_resize(self) -> None:
        self.call_after_refresh(self._fit)

    def _fit(self, tries: int = 10) -> None:
        if not self.is_attached:
            return
        items = [w for w in self.children if not w.has_class("-command-palette")]
        palette = [w for w in self.children if w.has_class("-command-palette")]
        if any(not w.outer_size.width for w in self.children) and tries:
            self.call_after_refresh(self._fit, tries - 1)  # not laid out yet
            return
        limit = palette[0].region.x if palette else self.region.right
        # From the widths, not the regions: a key hidden earlier has no place of its own.
        x = self.region.x
        changed = False
        fits = True
        for item in items:
            margin = item.styles.margin
            right = x + margin.left + item.outer_size.width
            fits = fits and right <= limit
            x = right + margin.right
            if item.display != fits:
                item.display = fits
                changed = True
        if changed:
            self.refresh(layout=True)
