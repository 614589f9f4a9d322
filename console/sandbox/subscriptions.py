"""Subscription topics and a person's preferences (App document ops listSubscriptionTopics,
getPersonSubscriptionPreferences).

A topic is changed by an identify with the literal dotted key
``cio_subscription_preferences.topics.topic_<n>`` (true/false); people.py stores it as the
nested attribute ``cio_subscription_preferences: {topics: {topic_<n>: bool}}``, which is
what this module reads back. A topic never set follows its `subscribed_by_default`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .app_reads import person_of
from .messages import ApiRequest, ApiResponse
from .routing import route
from .state import Person, Topic, truthy_unsubscribed

if TYPE_CHECKING:
    from .sandbox import Sandbox

PREFERENCES_KEY = "cio_subscription_preferences"


def topic_setting(person: Person, topic: Topic) -> bool | None:
    """True/False when the person set this topic, None when they never did."""
    prefs = person.attributes.get(PREFERENCES_KEY)
    topics = prefs.get("topics") if isinstance(prefs, dict) else None
    if not isinstance(topics, dict) or topic.identifier not in topics:
        return None
    value = topics[topic.identifier]
    if isinstance(value, str) and value.strip().lower() == "false":
        return False
    # "true", 1 and "1" count as on, as for `unsubscribed`; anything else is off.
    return truthy_unsubscribed(value)


def is_subscribed(person: Person, topic: Topic) -> bool:
    setting = topic_setting(person, topic)
    return topic.subscribed_by_default if setting is None else setting


def topic_json(t: Topic) -> dict[str, Any]:
    return {
        "id": t.id,
        "identifier": t.identifier,
        "name": t.name,
        "description": t.description,
        "subscribed_by_default": t.subscribed_by_default,
    }


def list_topics(sb: Sandbox, req: ApiRequest) -> ApiResponse:
    return ApiResponse(200, {"topics": [topic_json(t) for t in sb.state.topics.values()]})


def get_preferences(sb: Sandbox, req: ApiRequest) -> ApiResponse:
    person, error = person_of(sb, req)
    if error:
        return error
    assert person is not None  # one or the other
    return ApiResponse(
        200,
        {
            "customer": {
                "id": person.id,
                "identifiers": person.identifiers(),
                # The document types a topic's id here as a string (an integer in listSubscriptionTopics).
                "topics": [
                    {
                        "id": str(t.id),
                        "name": t.name,
                        "description": t.description,
                        "subscribed": is_subscribed(person, t),
                    }
                    for t in sb.state.topics.values()
                ],
                "unsubscribed": person.unsubscribed,
                "header": {
                    "title": "Manage your subscription preferences",
                    "subtitle": "Choose the topics you want to hear about.",
                },
            }
        },
    )


ROUTES = [
    route("GET", "/v1/subscription_topics", list_topics),
    route("GET", "/v1/customers/{customer_id}/subscription_preferences", get_preferences),
]
