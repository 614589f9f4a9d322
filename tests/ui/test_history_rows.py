"""F3's rows can be told apart: six sends of one action to six people show whom each was
about and where it went; the status line names the file instead of "hover here"."""

from __future__ import annotations

from textual.widgets import DataTable

from screens.history.screen import HistoryScreen
from tests.ui.workspace_helpers import fill, opened, sandbox_app, send_and_wait, settle, until


async def test_rows_of_one_action_are_told_apart_by_recipient_and_target(sandbox):
    app = sandbox_app(sandbox.root_url)
    async with app.run_test(size=(120, 40)) as pilot:
        ws = await opened(pilot, "send-transactional-email")
        recipients = [f"person{i}@example.com" for i in range(3)]
        for i, to in enumerate(recipients):
            fill(ws, transactional_message_id=str(990 + i), to=to)  # no such template: 404s
            await settle(pilot)
            await send_and_wait(pilot)
        await pilot.press("f3")
        await until(pilot, lambda: isinstance(app.screen, HistoryScreen) and app.screen.entries, "the history")
        table = app.screen.query_one(DataTable)
        rows = [" ".join(str(c) for c in table.get_row_at(i)) for i in range(table.row_count)]
        assert len(rows) == 3 and len(set(rows)) == 3, rows
        for to, template in zip(reversed(recipients), ("992", "991", "990"), strict=True):
            row = next(r for r in rows if to in r)
            assert f"#{template} {to}" in row and "/v1/send/email" in row and row.count("POST") == 1 and "404" in row, (
                row
            )
        # The table fits 120 columns: every column's header is on screen.
        assert sum(c.get_render_width(table) for c in table.columns.values()) <= 118
        status = str(app.screen.query_one("#history-status").render())
        assert "hover" not in status and "history.jsonl" in status, status
        assert (
            str(app.screen.history_path).endswith("cio-console/history.jsonl")
            and app.screen.history_path in app.screen.help_text()
        )


async def test_a_person_action_names_the_person(sandbox):
    app = sandbox_app(sandbox.root_url)
    async with app.run_test(size=(120, 40)) as pilot:
        ws = await opened(pilot, "identify-customer")
        fill(ws, customer_identifier="user_1002", traits='{"plan": "x"}')
        await settle(pilot)
        await send_and_wait(pilot)
        await pilot.press("f3")
        await until(pilot, lambda: isinstance(app.screen, HistoryScreen) and app.screen.entries, "the history")
        row = " ".join(str(c) for c in app.screen.query_one(DataTable).get_row_at(0))
        assert "user_1002" in row and "/customers/user_1002" in row and "PUT " in row, row
