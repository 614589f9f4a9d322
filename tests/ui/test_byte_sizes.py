"""The preview and the inspector name the same size for the same body (issue 15: one
used 1024 and the other 1000, so a 1010-byte body was "1010 B" in one, "1.0 kB" in the other)."""

from __future__ import annotations

import json

from textual.app import App

from console.session.session import SendOutcome
from console.wire.exchange import Exchange, Response
from screens.inspector.texts import subtitle
from screens.widgets.request_preview import RequestPreview

SIZES = [0, 1, 999, 1000, 1010, 1023, 1024, 1536, 999_999, 1_000_000, 1_048_576, 5_300_000]


def body_of(size: int) -> str:
    """A JSON object `size` bytes long."""
    return json.dumps({"pad": "x" * (size - len('{"pad": ""}'))}) if size >= 11 else "{}"[:size]


class _Host(App):
    def compose(self):
        yield RequestPreview(id="preview")


async def test_the_preview_and_the_inspector_show_one_size_for_one_body():
    async with _Host().run_test(size=(120, 40)) as pilot:
        preview = pilot.app.query_one(RequestPreview)
        for size in SIZES:
            text = body_of(size)
            assert len(text.encode()) == size
            preview.show_request(
                {"method": "POST", "url": "http://x/api/v1/customers/1", "headers": {}, "body": None}, size=size
            )
            shown_by_preview = preview.border_subtitle.removeprefix("body ").partition(" · ")[0]
            exchange = Exchange(
                request=None,
                started_at=0.0,  # type: ignore[arg-type]
                response=Response(200, "OK", {}, text),
            )
            outcome = SendOutcome("identify", {}, exchange, None, "sandbox")
            shown_by_inspector = subtitle(outcome).partition(" · ")[0]
            if size:
                assert shown_by_preview == shown_by_inspector, size
            else:
                assert not preview.border_subtitle.startswith("body "), "an empty body has no size line"
