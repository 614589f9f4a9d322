"""The person's story: what Customer.io did with and for one person (App API reads).

Activity, messages, the email provider's suppression list, subscription preferences and
the workspace's topics, relationships. Every read goes through `read_json`, so it has the
same auth, retry and Exchange record as an action, and a failure comes back explained in
`.read.explanation`, never raised (except MissingCredential without an App API key).

The person is addressed by the identifier and id_type the caller passes; faces look the
person up first (`lookup_profile`) and then pass the cio_id, which is unique where an
email is not. Lists come one page at a time (`start` is the previous page's `next`);
`read_all` follows pages up to a bound so that a person with a long history cannot make a
face wait forever or hold everything in memory.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

import httpx

from console.actions.spec import FieldProblem
from console.actions.validation import InvalidInput
from console.people.app_reads import ReadResult, path_segment, read_json
from console.people.deliveries import Delivery
from console.people.lookup import normalise
from console.people.model import int_or_none
from console.wire.credentials import Credentials
from console.wire.transport import RetryPolicy

T = TypeVar("T")

# Customer.io keeps a person's activity for 30 days (App API docs, "Get a person's
# activities": "returns activities from the last 30 days"); faces say so beside the list.
ACTIVITY_RETENTION_DAYS = 30
ACTIVITY_MAX_LIMIT = 100  # the document's maximum for `limit`
MESSAGES_MAX_LIMIT = 1000  # the document's maximum for getPersonMessages' `limit`
DEFAULT_MAX_PAGES = 20  # read_all stops here and says there is more


@dataclass
class Page(Generic[T]):
    """One page of a list read; `items` is empty and `read.explanation` set on failure."""

    read: ReadResult
    items: list[T] = field(default_factory=list)
    next: str = ""  # the cursor of the following page, "" on the last

    @property
    def ok(self) -> bool:
        return self.read.ok


@dataclass
class Activity:
    id: str
    type: str  # event, attribute_change, sent_email, …
    timestamp: int | None
    name: str | None = None  # the event's name, for events
    delivery_id: str | None = None
    delivery_type: str | None = None
    data: dict[str, Any] = field(default_factory=dict)


@dataclass
class EspSuppression:
    email: str
    category: str | None  # bounces, spam (the document's spelling), …
    created: int | None
    reason: str | None
    status: str | None = None


@dataclass
class EspResult:
    read: ReadResult
    entries: list[EspSuppression] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.read.ok

    @property
    def suppressed(self) -> bool:
        return bool(self.entries)


@dataclass
class Topic:
    id: str  # "1" for topic_1 (an integer in listSubscriptionTopics, a string in preferences)
    identifier: str  # topic_1: the key an identify sets
    name: str
    description: str = ""
    subscribed_by_default: bool | None = None
    subscribed: bool | None = None  # the person's setting, in a preferences read


@dataclass
class Preferences:
    read: ReadResult
    unsubscribed: bool | None = None
    topics: list[Topic] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.read.ok


@dataclass
class Relationship:
    object_type_id: int | str | None
    object_id: str
    attributes: dict[str, Any] = field(default_factory=dict)
    relationship_attributes: dict[str, Any] = field(default_factory=dict)


def topic_attribute(topic_id: str) -> str:
    """The literal dotted identify key that turns one topic on or off."""
    return f"cio_subscription_preferences.topics.topic_{topic_id.removeprefix('topic_')}"


def _person_path(identifier: str, id_type: str, what: str) -> tuple[str, dict[str, str]]:
    value, id_type = normalise(identifier, id_type)
    return f"/v1/customers/{path_segment(value)}/{what}", {"id_type": id_type}


def _limit(limit: int | None, maximum: int, name: str = "limit") -> None:
    if limit is not None and not 1 <= limit <= maximum:
        raise InvalidInput([FieldProblem(name, f"must be a whole number from 1 to {maximum} (got {limit})")])


def _str(value: Any) -> str | None:
    return None if value is None else str(value)


def _dict(value: Any) -> dict[str, Any]:
    return dict(value) if isinstance(value, dict) else {}


def _list(data: Any, key: str) -> list[Any]:
    value = data.get(key) if isinstance(data, dict) else None
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _next(data: Any) -> str:
    value = data.get("next") if isinstance(data, dict) else None
    return str(value) if value not in (None, "") else ""


def activity_from(item: dict[str, Any]) -> Activity:
    return Activity(
        id=str(item.get("id", "")),
        type=str(item.get("type", "")),
        timestamp=int_or_none(item.get("timestamp")),
        name=_str(item.get("name")),
        delivery_id=_str(item.get("delivery_id")),
        delivery_type=_str(item.get("delivery_type")),
        data=_dict(item.get("data")),
    )


def relationship_from(item: dict[str, Any]) -> Relationship:
    ident = _dict(item.get("identifiers"))
    type_id = item.get("object_type_id", ident.get("object_type_id"))
    return Relationship(
        object_type_id=type_id if isinstance(type_id, (int, str)) else None,
        object_id=str(ident.get("object_id", item.get("object_id", ""))),
        attributes=_dict(item.get("attributes")),
        relationship_attributes=_dict(item.get("relationship_attributes")),
    )


def topic_from(item: dict[str, Any]) -> Topic:
    raw_id = str(item.get("id", ""))
    identifier = str(item.get("identifier") or f"topic_{raw_id}")
    default = item.get("subscribed_by_default")
    subscribed = item.get("subscribed")
    return Topic(
        id=raw_id,
        identifier=identifier,
        name=str(item.get("name") or identifier),
        description=str(item.get("description") or ""),
        subscribed_by_default=default if isinstance(default, bool) else None,
        subscribed=subscribed if isinstance(subscribed, bool) else None,
    )


async def _read_page(
    creds: Credentials,
    client: httpx.AsyncClient,
    identifier: str,
    id_type: str,
    what: str,
    items_key: str,
    parse: Callable[[dict[str, Any]], T],
    params: dict[str, str | int | None],
    policy: RetryPolicy,
) -> Page[T]:
    """One page of a person's list read: `params` left out where None or empty."""
    path, query = _person_path(identifier, id_type, what)
    query.update({key: str(value) for key, value in params.items() if value not in (None, "")})
    read = await read_json(creds, client, path, query, policy=policy)
    if not read.ok:
        return Page(read)
    return Page(read, [parse(i) for i in _list(read.data, items_key)], _next(read.data))


async def read_activities(
    creds: Credentials,
    client: httpx.AsyncClient,
    identifier: str,
    id_type: str = "cio_id",
    *,
    type: str | None = None,
    name: str | None = None,
    limit: int | None = None,
    start: str | None = None,
    policy: RetryPolicy = RetryPolicy(),
) -> Page[Activity]:
    """One page of the person's activity, newest first (getPersonActivities)."""
    _limit(limit, ACTIVITY_MAX_LIMIT)
    params = {"type": type, "name": name, "start": start, "limit": limit}
    return await _read_page(
        creds, client, identifier, id_type, "activities", "activities", activity_from, params, policy
    )


async def read_messages(
    creds: Credentials,
    client: httpx.AsyncClient,
    identifier: str,
    id_type: str = "cio_id",
    *,
    limit: int | None = None,
    start: str | None = None,
    start_ts: int | None = None,
    end_ts: int | None = None,
    policy: RetryPolicy = RetryPolicy(),
) -> Page[Delivery]:
    """One page of the deliveries sent (or not sent) to the person, newest first."""
    _limit(limit, MESSAGES_MAX_LIMIT)
    params = {"start": start, "limit": limit, "start_ts": start_ts, "end_ts": end_ts}
    return await _read_page(
        creds, client, identifier, id_type, "messages", "messages", Delivery.from_json, params, policy
    )


async def read_relationships(
    creds: Credentials,
    client: httpx.AsyncClient,
    identifier: str,
    id_type: str = "cio_id",
    *,
    limit: int | None = None,
    start: str | None = None,
    policy: RetryPolicy = RetryPolicy(),
) -> Page[Relationship]:
    """One page of the objects the person belongs to (getPersonRelationships)."""
    params: dict[str, str | int | None] = {"start": start, "limit": limit}
    return await _read_page(
        creds, client, identifier, id_type, "relationships", "cio_relationships", relationship_from, params, policy
    )


async def read_preferences(
    creds: Credentials,
    client: httpx.AsyncClient,
    identifier: str,
    id_type: str = "cio_id",
    *,
    policy: RetryPolicy = RetryPolicy(),
) -> Preferences:
    """The person's topic settings and `unsubscribed` (getPersonSubscriptionPreferences)."""
    path, query = _person_path(identifier, id_type, "subscription_preferences")
    read = await read_json(creds, client, path, query, policy=policy)
    if not read.ok:
        return Preferences(read)
    customer = _dict(read.data.get("customer")) if isinstance(read.data, dict) else {}
    unsubscribed = customer.get("unsubscribed")
    return Preferences(
        read,
        unsubscribed=unsubscribed if isinstance(unsubscribed, bool) else None,
        topics=[topic_from(t) for t in _list(customer, "topics")],
    )


async def read_topics(
    creds: Credentials, client: httpx.AsyncClient, *, policy: RetryPolicy = RetryPolicy()
) -> Page[Topic]:
    """The workspace's subscription topics (listSubscriptionTopics)."""
    read = await read_json(creds, client, "/v1/subscription_topics", policy=policy)
    if not read.ok:
        return Page(read)
    return Page(read, [topic_from(t) for t in _list(read.data, "topics")])  # one page: no `next`


async def read_esp_suppression(
    creds: Credentials, client: httpx.AsyncClient, email: str, *, policy: RetryPolicy = RetryPolicy()
) -> EspResult:
    """Whether the email provider drops mail to this address (bounces, spam reports).

    Separate from Customer.io's own suppression: the person can exist and be subscribed
    while the provider refuses the address. What the API answers for a clean address is
    UNCONFIRMED; an answer without entries counts as not suppressed, and a read that
    fails says so rather than passing for clean.
    """
    value = (email or "").strip()
    if "@" not in value:
        raise InvalidInput([FieldProblem("email", f"{value!r} is not an email address")])
    read = await read_json(creds, client, f"/v1/esp/search_suppression/{path_segment(value)}", policy=policy)
    if not read.ok:
        return EspResult(read)
    category = read.data.get("category") if isinstance(read.data, dict) else None
    entries = [
        EspSuppression(
            email=str(s.get("email") or value),
            category=_str(s.get("category")) or _str(category),
            created=int_or_none(s.get("created")),
            reason=_str(s.get("reason")),
            status=_str(s.get("status")),
        )
        for s in _list(read.data, "suppressions")
    ]
    return EspResult(read, entries)


@dataclass
class AllPages(Generic[T]):
    """Every page `read_all` read: the items, the failure that stopped it, if more remain."""

    pages: list[Page[T]]
    items: list[T]
    failed: Page[T] | None = None
    more: str = ""  # a cursor when max_pages stopped it before the end


async def read_all(
    read_page: Callable[[str | None], Awaitable[Page[T]]], *, max_pages: int = DEFAULT_MAX_PAGES
) -> AllPages[T]:
    """Follow `next` until the last page, a failure, or `max_pages` pages."""
    result: AllPages[T] = AllPages([], [])
    cursor: str | None = None
    for _ in range(max_pages):
        page = await read_page(cursor)
        result.pages.append(page)
        if not page.ok:
            result.failed = page
            return result
        result.items.extend(page.items)
        if not page.next or page.next == cursor:
            return result
        cursor = page.next
    result.more = cursor or ""
    return result
