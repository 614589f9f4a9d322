"""Snapshots see a steady cursor.

An Input's or TextArea's cursor blinks on a real 0.5 s timer, so a snapshot taken more
than half a second after the focus came (a loaded machine, pytest-xdist) could catch it
off while the baselines show it on. In snapshot tests the blink keeps the cursor shown:
what is on screen is then only what the test did, not when the picture was taken."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def steady_cursor(request, monkeypatch):
    if "snap_compare" not in request.fixturenames:
        return
    from textual.widgets import Input, TextArea

    def keep_shown(self) -> None:
        self._cursor_visible = True

    monkeypatch.setattr(Input, "_toggle_cursor", keep_shown)
    monkeypatch.setattr(TextArea, "_toggle_cursor_blink_visible", keep_shown)
