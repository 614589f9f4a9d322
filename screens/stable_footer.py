"""A Footer that is rebuilt only when what it shows changes.

Textual's Footer recomposes on every bindings update (each focus move, each screen shown
again), re-creating and re-styling one widget per key: about 10 ms per key on a 2-core
machine, tens of milliseconds per screen switch. A kept screen shown again, or focus moving
between widgets with the same keys, shows the same footer: it is kept as it is.
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
