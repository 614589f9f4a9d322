"""App API reads (App API reference: https://docs.customer.io/api/app/): workspaces, people, segments, templates, messages."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .checks import canonical_id
from .errors import meta_error
from .messages import ApiRequest, ApiResponse
from .routing import route
from .segments import as_text, evaluate, is_member, members, segments_of
from .state import Delivery, Person, Template, Variant

if TYPE_CHECKING:
    from .sandbox import Sandbox

ID_TYPES = ("id", "email", "cio_id")
IDS_LIMIT = 100


def customer_json(p: Person) -> dict[str, Any]:
    attributes = {k: as_text(v) for k, v in p.attributes.items()}
    attributes["cio_id"] = p.cio_id
    if p.id is not None:
        attributes["id"] = p.id
    if p.email is not None:
        attributes["email"] = p.email
    return {
        "id": p.id,
        "identifiers": {"email": p.email, "id": p.id, "cio_id": p.cio_id},
        "attributes": attributes,
        "timestamps": dict(p.timestamps),
        "unsubscribed": p.unsubscribed,
        "devices": [
            {"id": d.id, "platform": d.platform, "last_used": d.last_used, "attributes": dict(d.attributes)}
            for d in p.devices.values()
        ],
    }


def person_of(sb: Sandbox, req: ApiRequest) -> tuple[Person | None, ApiResponse | None]:
    customer_id = req.params["customer_id"]
    id_type = req.query_value("id_type") or "id"
    if id_type not in ID_TYPES:
        return None, meta_error(f"id_type: must be one of {', '.join(ID_TYPES)}")
    # With id_type=cio_id both the bare value and cio_<value> are accepted (UNCONFIRMED which one is wanted).
    found = sb.state.find(id_type, customer_id)
    if found is None:
        return None, meta_error(f"customer_id: no person with {id_type} {customer_id!r}", 404)
    return found, None


def get_attributes(sb: Sandbox, req: ApiRequest) -> ApiResponse:
    found, error = person_of(sb, req)
    if error:
        return error
    assert found is not None  # one or the other
    return ApiResponse(200, {"customer": customer_json(found)})


def get_person_segments(sb: Sandbox, req: ApiRequest) -> ApiResponse:
    found, error = person_of(sb, req)
    if error:
        return error
    assert found is not None  # one or the other
    return ApiResponse(
        200,
        {
            "segments": [
                {"id": s.id, "name": s.name, "description": s.description} for s in segments_of(sb.state, found)
            ]
        },
    )


def by_email(sb: Sandbox, req: ApiRequest) -> ApiResponse:
    email = req.query_value("email")
    if not email:
        return meta_error("email: is required")
    people = sorted(sb.state.all_by_email(email), key=lambda p: (p.created, p.cio_id))
    return ApiResponse(200, {"results": [{"id": p.id, "email": p.email, "cio_id": p.cio_id} for p in people]})


def by_ids(sb: Sandbox, req: ApiRequest) -> ApiResponse:
    parsed, body = req.json()
    if not parsed:
        return meta_error("body: is not valid JSON")
    ids = body.get("ids") if isinstance(body, dict) else None
    if not isinstance(ids, list) or not ids:
        return meta_error("ids: is required and must be a non-empty array")
    if len(ids) > IDS_LIMIT:
        return meta_error(f"ids: has {len(ids)} entries; the limit is {IDS_LIMIT}")
    found = [sb.state.by_id(str(i)) for i in ids]
    return ApiResponse(200, {"customers": [{"customer": customer_json(p)} for p in found if p is not None]})


def by_filter(sb: Sandbox, req: ApiRequest) -> ApiResponse:
    parsed, body = req.json()
    rule = body.get("filter") if parsed and isinstance(body, dict) else None
    if not isinstance(rule, dict):
        return meta_error("filter: is required and must be an object")
    limit = canonical_id(req.query_value("limit") or "50")
    if limit is None or not 1 <= limit <= 1000:
        return meta_error("limit: must be an integer from 1 to 1000")
    start = canonical_id(req.query_value("start") or "0") or 0
    matched = [p for p in sb.state.people.values() if _filter(sb, rule, p)]
    page = matched[start : start + limit]
    following = start + len(page)
    return ApiResponse(
        200,
        {
            "identifiers": [{"id": p.id, "email": p.email, "cio_id": p.cio_id} for p in page],
            "ids": [p.id for p in page if p.id is not None],  # strings only, as for membership
            "next": str(following) if following < len(matched) else "",
        },
    )


def _filter(sb: Sandbox, rule: dict[str, Any], p: Person) -> bool:
    for key in ("and", "or"):
        if key in rule:
            parts = [_filter(sb, r, p) for r in rule[key] if isinstance(r, dict)]
            return all(parts) if key == "and" else any(parts)
    if "not" in rule and isinstance(rule["not"], dict):
        return not _filter(sb, rule["not"], p)
    if isinstance(rule.get("segment"), dict):
        segment = sb.state.segments.get(rule["segment"].get("id"))
        return segment is not None and is_member(segment, p)
    return evaluate(rule, p)


def workspaces(sb: Sandbox, req: ApiRequest) -> ApiResponse:
    ws, cfg = sb.state, sb.config
    object_types = {o["object_type_id"] for o in ws.objects.values()}
    return ApiResponse(
        200,
        {
            "workspaces": [
                {
                    "id": cfg.workspace_id,
                    "name": cfg.workspace_name,
                    "messages_sent": sum(1 for d in ws.all_deliveries() if _was_sent(d)),
                    "billable_messages_sent": sum(
                        1 for d in ws.all_deliveries() if _was_sent(d) and d.channel == "email"
                    ),
                    "people": len(ws.people),
                    "object_types": len(object_types),
                    "objects": len(ws.objects),
                }
            ]
        },
    )


def _was_sent(d: Delivery) -> bool:
    return any(m["name"] == "sent" for m in d.metrics)


def segment_json(s: Any) -> dict[str, Any]:
    return {
        "id": s.id,
        "deduplicate_id": f"{s.id}:{s.updated_at}",
        "name": s.name,
        "description": s.description,
        "state": "finished",
        "progress": None,
        "type": s.type,
        "tags": list(s.tags),
    }


def list_segments(sb: Sandbox, req: ApiRequest) -> ApiResponse:
    return ApiResponse(200, {"segments": [segment_json(s) for s in sb.state.segments.values()]})


def _segment(sb: Sandbox, req: ApiRequest) -> tuple[Any, ApiResponse | None]:
    raw = req.params["segment_id"]
    key = canonical_id(raw)
    segment = sb.state.segments.get(key) if key is not None else None
    if segment is None:
        return None, meta_error(f"segment_id: no segment {raw!r}", 404)
    return segment, None


def get_segment(sb: Sandbox, req: ApiRequest) -> ApiResponse:
    segment, error = _segment(sb, req)
    return error or ApiResponse(200, {"segment": segment_json(segment)})


def segment_count(sb: Sandbox, req: ApiRequest) -> ApiResponse:
    segment, error = _segment(sb, req)
    return error or ApiResponse(200, {"count": len(members(sb.state, segment))})


def segment_membership(sb: Sandbox, req: ApiRequest) -> ApiResponse:
    segment, error = _segment(sb, req)
    if error:
        return error
    people = members(sb.state, segment)
    # `ids` holds strings (APP-SPEC): a person without an id is only in `identifiers`.
    return ApiResponse(
        200,
        {
            "identifiers": [{"id": p.id, "email": p.email, "cio_id": p.cio_id} for p in people],
            "ids": [p.id for p in people if p.id is not None],
            "next": "",
        },
    )


def template_json(t: Template) -> dict[str, Any]:
    return {
        "id": t.id,
        "name": t.name,
        "description": t.description,
        "send_to_unsubscribed": t.send_to_unsubscribed,
        "link_tracking": t.link_tracking,
        "open_tracking": t.open_tracking,
        "hide_message_body": t.hide_message_body,
        "queue_drafts": t.queue_drafts,
        "created_at": t.created_at,
        "updated_at": t.updated_at,
        # Not in APP-SPEC's listing; the trigger name is what sends may use instead of the id.
        "trigger_name": t.trigger_name,
        # Not in the document either: the subscription topic the message belongs to, if any
        # (Customer.io's UI gives a transactional message one; how the API shows it is UNCONFIRMED).
        "subscription_topic_id": t.subscription_topic_id,
    }


def variant_json(t: Template, v: Variant) -> dict[str, Any]:
    data = {
        "id": v.id,
        "name": t.name,
        "type": t.type,
        "language": v.language,
        "subject": v.subject,
        "body": v.body,
        "body_amp": "",
        "body_plain": v.body_plain,
        "from": v.from_,
        "reply_to": v.reply_to,
        "reply_to_id": 2 if v.reply_to else None,
        "recipient": "{{customer.email}}" if t.type == "email" else "",
        "bcc": "",
        "fake_bcc": False,
        "preheader_text": v.preheader_text,
        "headers": {},
        "preprocessor": "premailer",
        "created": v.created,
        "updated": v.updated,
    }
    if v.from_:
        # APP-SPEC's from_id is an integer, never null: a variant without a sender (push) has none.
        data["from_id"] = 1
    if t.type == "push":
        # APP-SPEC has no push title field: the sandbox carries the title in subject and adds link.
        data["link"] = v.link
    return data


def _template(sb: Sandbox, req: ApiRequest) -> tuple[Template | None, ApiResponse | None]:
    raw = req.params["transactional_id"]
    key = canonical_id(raw)  # the integer id, not a trigger name
    template = sb.state.templates.get(key) if key is not None else None
    if template is None:
        return None, meta_error(f"transactional_id: no transactional message {raw!r}", 404)
    return template, None


def list_transactional(sb: Sandbox, req: ApiRequest) -> ApiResponse:
    return ApiResponse(200, {"messages": [template_json(t) for t in sb.state.templates.values()]})


def get_transactional(sb: Sandbox, req: ApiRequest) -> ApiResponse:
    template, error = _template(sb, req)
    if error:
        return error
    assert template is not None  # one or the other
    return ApiResponse(200, {"message": template_json(template)})


def transactional_contents(sb: Sandbox, req: ApiRequest) -> ApiResponse:
    template, error = _template(sb, req)
    if error:
        return error
    assert template is not None  # one or the other
    return ApiResponse(200, {"contents": [variant_json(template, v) for v in template.variants]})


def transactional_language(sb: Sandbox, req: ApiRequest) -> ApiResponse:
    template, error = _template(sb, req)
    if error:
        return error
    assert template is not None  # one or the other
    language = req.params["language"]
    variant = template.variant(language)
    if variant is None:
        return meta_error(f"language: transactional message {template.id} has no {language!r} variant")
    return ApiResponse(200, {"content": [variant_json(template, variant)]})


ROUTES = [
    route("GET", "/v1/workspaces", workspaces),
    route("GET", "/v1/customers", by_email),
    route("POST", "/v1/customers", by_filter),
    route("POST", "/v1/customers/attributes", by_ids),
    route("GET", "/v1/customers/{customer_id}/attributes", get_attributes),
    route("GET", "/v1/customers/{customer_id}/segments", get_person_segments),
    route("GET", "/v1/segments", list_segments),
    route("GET", "/v1/segments/{segment_id}", get_segment),
    route("GET", "/v1/segments/{segment_id}/customer_count", segment_count),
    route("GET", "/v1/segments/{segment_id}/membership", segment_membership),
    route("GET", "/v1/transactional", list_transactional),
    route("GET", "/v1/transactional/{transactional_id}", get_transactional),
    route("GET", "/v1/transactional/{transactional_id}/contents", transactional_contents),
    route("GET", "/v1/transactional/{transactional_id}/language/{language}", transactional_language),
]
