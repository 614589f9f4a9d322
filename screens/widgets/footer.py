"""A Footer that is rebuilt only when what it shows changes, and shows only whole keys.

Textual's Footer recomposes on every bindings update (each focus move, each screen shown
again), re-creating and re-styling one widget per key: about 10 ms per key on a 2-core
machine, tens of milliseconds per screen switch. A kept screen shown again, or focus moving
between widgets with the same keys, shows the same footer: it is kept as it is. Where the
keys do change, only the keys that differ are removed or added.

On a narrow terminal the keys that do not fit are left out whole (F1 and the palette list
every key), instead of the last one being cut to a stray letter before the palette key.
"""

from __future__ import annotations

from textual.widgets import Footer
from textual.widgets._footer import FooterKey


def _shown(screen) -> tuple:
    """What the footer would show: each visible binding's key, label, state and tooltip."""
    return tuple(
        (binding.key, binding.description, enabled, tooltip)
        for (_, binding, enabled, tooltip) in screen.active_bindings.values()
        if binding.show
    )


def _identity(key: FooterKey) -> tuple:
    """All a key shows or does: two keys alike in these are interchangeable."""
    return (key.key, key.key_display, key.description, key.action, key._disabled, key.tooltip, frozenset(key.classes))


class StableFooter(Footer):
    _composed: tuple | None = None

    def compose(self):
        if self._bindings_ready:
            self._composed = _shown(self.screen)
        for widget in super().compose():
            if isinstance(widget, FooterKey):
                # Made compact or not as it is built: Textual's key starts compact, re-styles
                # itself on mount, then again when the footer's setting reaches it (two
                # style passes per key per rebuild, a third of a rebuild's time). A key not
                # bound to the footer's setting (the palette key) stays compact, as in Textual.
                bound = "compact" in (widget._reactive_connect or {})
                compact = self.compact if bound else FooterKey.compact._default
                widget.set_reactive(FooterKey.compact, compact)
                widget.set_class(compact, "-compact", update=False)
            yield widget

    def _unchanged(self) -> bool:
        """The footer already shows these keys, labels and states: nothing to rebuild."""
        return self._composed is not None and self.is_attached and _shown(self.screen) == self._composed

    def bindings_changed(self, screen) -> None:
        if screen is self.screen and self._unchanged():
            return
        super().bindings_changed(screen)

    async def recompose(self) -> None:
        # A rebuild is queued for after the next refresh; by then the keys may be back to
        # what is shown (focus passed through a widget with other keys).
        if self._unchanged():
            return
        if not (self._composed and self.is_attached and await self._update_keys()):
            await super().recompose()
        self._fit()

    async def _update_keys(self) -> bool:
        """Change only the keys that differ: a focus move mostly adds or drops one or two
        keys (Select all, Revert...), and building a key is most of a rebuild's time.
        False (nothing changed) where the keys are not a plain row or would change order."""
        if any(b.group is not None for (_, b, _, _) in self.screen.active_bindings.values() if b.show):
            return False  # binding groups (a KeyGroup and its label): Textual's own rebuild
        new = [w for w in self.compose() if isinstance(w, FooterKey)]
        old = [w for w in self.children if isinstance(w, FooterKey)]
        if len(old) != len(self.children):
            return False
        new_ids, old_ids = [_identity(k) for k in new], [_identity(k) for k in old]
        if len(set(new_ids)) != len(new_ids) or len(set(old_ids)) != len(old_ids):
            return False
        kept = {i: k for i, k in zip(old_ids, old, strict=True) if i in new_ids}
        if [i for i in old_ids if i in kept] != [i for i in new_ids if i in kept]:
            return False  # the kept keys would move
        with self.app.batch_update():
            await self.remove_children([k for i, k in zip(old_ids, old, strict=True) if i not in kept])
            for at, (identity, key) in enumerate(zip(new_ids, new, strict=True)):
                if identity in kept:
                    continue
                after = next((kept[i] for i in new_ids[at + 1 :] if i in kept), None)
                await self.mount(key, before=after)  # None: at the end
        return True

    def on_resize(self) -> None:
        self.call_after_refresh(self._fit)  # the keys laid out at the new width first

    def _fit(self, tries: int = 10) -> None:
        """Hide every key from the first that does not fit whole before the palette key.
        Measured from the keys' widths and margins, not their places: a key hidden earlier
        keeps its width but has no place, so nothing is shown only to be measured (each
        show and hide was a layout of the screen)."""
        if not self.is_attached:
            return
        keys = [w for w in self.children if not w.has_class("-command-palette")]
        palette = [w for w in self.children if w.has_class("-command-palette")]
        if any(not w.outer_size.width for w in self.children) and tries:
            self.call_after_refresh(self._fit, tries - 1)  # not laid out yet
            return
        limit = palette[0].region.x if palette else self.region.right
        x = self.region.x
        fits = True
        for key in keys:
            margin = key.styles.margin
            right = x + margin.left + key.outer_size.width
            fits = fits and right <= limit
            x = right + margin.right
            if key.display != fits:
                key.display = fits
