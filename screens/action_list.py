"""Every action, grouped by API, with a filter: type to narrow by title, id or API.

Enter (or a click) on an action posts `ActionList.Chosen`; Enter in the filter chooses
the first match, so "dest⏎" opens Destroy Customer without leaving the keyboard's home row.
"""
from __future__ import annotations

from rich.markup import escape
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Input, OptionList
from textual.widgets.option_list import Option

from console.actions.catalog_index import INDEX  # plain data: no pydantic before the first frame


def matches(words: list[str], haystack: str) -> bool:
    return all(w in haystack for w in words)


class ActionOptions(OptionList):
    BINDINGS = [Binding("slash", "filter", "Filter", id="actions-filter",
                        tooltip="Type to narrow the actions")]

    def action_filter(self) -> None:
        self.screen.query_one("#action-filter", Input).focus()


class ActionList(Vertical):
    class Chosen(Message):
        def __init__(self, action_id: str) -> None:
            super().__init__()
            self.action_id = action_id

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.border_title = "Actions"
        self._groups = INDEX
        # Prompts made once: rebuilding the list on every key of the filter then parses no markup.
        self._headings = {api: Content.from_markup("[b $accent]$api[/]", api=api) for api, _ in INDEX}
        self._prompts = {action_id: (Content("▸ " + title), Content("  " + title))
                         for _, actions in INDEX for action_id, title in actions}
        self._haystacks = {action_id: f"{action_id} {title} {api}".lower()
                           for api, actions in INDEX for action_id, title in actions}
        self.current: str | None = None
        self._rebuild_pending = False

    def compose(self) -> ComposeResult:
        yield Input(placeholder="/ filter: title, id, API", id="action-filter", compact=True)
        yield ActionOptions(*self._options(""), id="action-options")

    def _options(self, query: str) -> list[Option]:
        words = query.lower().split()
        options: list[Option] = []
        for api_title, actions in self._groups:
            shown = [a for a in actions if matches(words, self._haystacks[a[0]])]
            if not shown:
                continue
            options.append(Option(self._headings[api_title], disabled=True))
            for action_id, _title in shown:
                current, other = self._prompts[action_id]
                options.append(Option(current if action_id == self.current else other, id=action_id))
        if not options:
            options.append(Option(f"[dim]no action matches {escape(query)!r}[/dim]", disabled=True))
        return options

    def _rebuild(self) -> None:
        listing = self.query_one(ActionOptions)
        query = self.query_one("#action-filter", Input).value
        highlighted = listing.highlighted_option.id if listing.highlighted_option else self.current
        listing.set_options(self._options(query))
        self._highlight(highlighted)

    def _highlight(self, action_id: str | None) -> None:
        listing = self.query_one(ActionOptions)
        try:
            listing.highlighted = listing.get_option_index(action_id) if action_id else None
        except Exception:  # noqa: BLE001 - filtered out: highlight the first action shown
            first = next((i for i, o in enumerate(listing.options) if not o.disabled), None)
            listing.highlighted = first

    def show_current(self, action_id: str) -> None:
        """Mark the action whose form is open (the palette and history open forms too)."""
        self.current = action_id
        self._rebuild()
        self._highlight(action_id)

    @on(Input.Changed, "#action-filter")
    def _filter(self, event: Input.Changed) -> None:
        event.stop()
        # Keys that arrive together (a fast typist, a paste) cost one rebuild, not one each.
        if not self._rebuild_pending:
            self._rebuild_pending = True
            self.call_later(self._filtered)

    def _filtered(self) -> None:
        self._rebuild_pending = False
        self._rebuild()

    @on(Input.Submitted, "#action-filter")
    def _first(self, event: Input.Submitted) -> None:
        event.stop()
        if self._rebuild_pending:  # Enter typed right behind the filter's text: match all of it
            self._filtered()
        listing = self.query_one(ActionOptions)
        option = listing.highlighted_option
        if option is not None and option.id:
            self.post_message(self.Chosen(option.id))

    def on_key(self, event) -> None:
        # Down from the filter moves into the list (the filter is one line).
        if event.key == "down" and self.query_one("#action-filter", Input).has_focus:
            event.stop()
            self.query_one(ActionOptions).focus()

    @on(OptionList.OptionSelected, "#action-options")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            self.post_message(self.Chosen(event.option.id))
