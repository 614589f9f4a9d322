"""No screen shows a words marker (console/words.py: `⟨resume⟩`, `⟨set key:…⟩`): the core
writes them where a message names a control, and every place the console shows a core
text must render them in its own words (screens/words.py). Checked over every snapshot
the suite keeps — the error panels, the not-found views and the story views among them."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

SNAPSHOTS = sorted((Path(__file__).parent / "__snapshots__").rglob("*.svg"))
TEXT = re.compile(r"<text[^>]*>(.*?)</text>", re.S)


def test_there_are_snapshots_to_check():
    assert len(SNAPSHOTS) >= 20


@pytest.mark.parametrize("svg", SNAPSHOTS, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_no_marker_is_on_screen(svg):
    shown = "".join(html.unescape(t) for t in TEXT.findall(svg.read_text(encoding="utf-8")))
    assert "⟨" not in shown and "⟩" not in shown, shown[max(0, shown.find("⟨") - 80) :][:200]
