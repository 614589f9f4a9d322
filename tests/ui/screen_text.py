"""The text a person sees on the terminal, line by line (what tmux's capture-pane gives)."""

from __future__ import annotations


def screen_lines(app) -> list[str]:
    update = app.screen._compositor.render_full_update()
    lines = []
    for strip in update.strips:
        lines.append("".join(segment.text for segment in strip))
    return lines


def screen_text(app) -> str:
    return "\n".join(screen_lines(app))
