"""A footer that shows only keys it can show whole.

Textual's Footer lays its keys out in one row and lets the ones past the right edge run
under the command-palette key: `f4 Profil▏` at 120 columns, a stray `f` at 80. This one,
after each layout, hides every key from the first one that does not fit: a key is shown
whole or not at all (F1 and the palette list every key). Like the other screens'
footer it is rebuilt only when its keys change (StableFooter): the workspace's focus moves
on nearly every key, and a rebuild re-creates and re-styles a widget per key.
"""

from __future__ import annotations

from screens.widgets.footer import StableFooter


class FitFooter(StableFooter):
    """StableFooter calls `_fit` after each rebuild and resize; this one measures from the
    keys' widths, so that a compact footer's margins count."""

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
        changed = fits = False
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
