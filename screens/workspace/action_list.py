"""Every action, grouped by API, with a filter: type to narrow by title, id or API.

Enter (or a click) on an action posts `ActionList.Chosen`; Enter in the filter chooses
the first match, so "dest⏎" opens Destroy Customer without leaving the keyboard's home row.
Every change of the filter moves the highlight to the first match, drawn as brightly as
when the list has the focus: what Enter opens is always the row that stands out.
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
from screens.widgets.focus import focus_now


def matches(words: list[str], haystack: str) -> bool:
    return all(w in haystack for w in words)


class ActionFilter(Input):
    """The filter. Enter and Down are priority keys: the form opens (or the list takes the
    focus) before the next key is delivered, so nothing typed right behind lands here."""

    BINDINGS = [
        Binding("enter", "open_highlighted", "Open", id="actions-open", show=False, priority=True),
        Binding("down", "into_list", "List", show=False, priority=True),
    ]

    def action_open_highlighted(self) -> None:
        action_list = self.query_ancestor(ActionList)
        action_list.refilter_now()
        action_list.open_highlighted()

    def action_into_list(self) -> None:
        focus_now(self.query_ancestor(ActionList).query_one(ActionOptions))


class ActionOptions(OptionList):
    BINDINGS = [
        Binding("slash", "filter", "Filter", id="actions-filter", tooltip="Type to narrow the actions"),
        Binding("enter", "open_highlighted", "Open", id="actions-open-row", show=False, priority=True),
    ]

    def action_filter(self) -> None:
        focus_now(self.screen.query_one("#action-filter", Input))

    def action_open_highlighted(self) -> None:
        self.query_ancestor(ActionList).open_highlighted()


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
        self._prompts = {
            action_id: (Content("▸ " + title), Content("  " + title))
            for _, actions in INDEX
            for action_id, title in actions
        }
        self._haystacks = {
            action_id: f"{action_id} {title} {api}".lower() for api, actions in INDEX for action_id, title in actions
        }
        self.current: str | None = None
        self._rebuild_pending = False

    def compose(self) -> ComposeResult:
        yield ActionFilter(placeholder="/ filter: title, id, API", id="action-filter", compact=True)
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

    def _rebuild(self, highlight: str | None = None) -> None:
        """Rebuild the list for the filter; highlight `highlight` if shown, else the first match
        (a highlight kept from an earlier filter would make Enter open a row that is not first)."""
        listing = self.query_one(ActionOptions)
        query = self.query_one("#action-filter", Input).value
        listing.set_options(self._options(query))
        self._highlight(highlight)

    def _highlight(self, action_id: str | None) -> None:
        listing = self.query_one(ActionOptions)
        try:
            listing.highlighted = listing.get_option_index(action_id) if action_id else self.first_index()
        except Exception:  # noqa: BLE001 - filtered out: highlight the first action shown
            listing.highlighted = self.first_index()

    def first_index(self) -> int | None:
        listing = self.query_one(ActionOptions)
        return next((i for i, o in enumerate(listing.options) if not o.disabled), None)

    def show_current(self, action_id: str) -> None:
        """Mark the action whose form is open (the palette and history open forms too)."""
        self.current = action_id
        self._rebuild(action_id)

    @on(Input.Changed, "#action-filter")
    def _filter(self, event: Input.Changed) -> None:
        event.stop()
        # Keys that arrive together (a fast typist, a paste) cost one rebuild, not one each.
        if not self._rebuild_pending:
            self._rebuild_pending = True
            self.call_later(self._filtered)

    def _filtered(self) -> None:
        self._rebuild_pending = False
        self._rebuild()  # the first match, whatever was highlighted before

    def refilter_now(self) -> None:
        """Enter typed right behind the filter's text: match all of it."""
        if self._rebuild_pending:
            self._filtered()

    def open_highlighted(self) -> None:
        """Open the highlighted action at once (the screen's `select_action`, when it has
        one, so the focus is in the form before the next key is delivered)."""
        option = self.query_one(ActionOptions).highlighted_option
        if option is None or not option.id:
            return
        select = getattr(self.screen, "select_action", None)
        if select is not None:
            select(option.id)
        else:
            self.post_message(self.Chosen(option.id))

    @on(OptionList.OptionSelected, "#action-options")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            self.post_message(self.Chosen(event.option.id))
