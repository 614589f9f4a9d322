"""The objects a person belongs to: `GET /v1/customers/{id}/relationships` (App document
op getPersonRelationships, `start`/`limit` paginated with `next`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .app_reads import person_of
from .checks import canonical_id
from .errors import meta_error
from .messages import ApiRequest, ApiResponse
from .paging import limit_of
from .routing import route

if TYPE_CHECKING:
    from .sandbox import Sandbox

DEFAULT_LIMIT = 10
MAX_LIMIT = 1000  # the document gives none; UNCONFIRMED


def _relationship_json(sb: Sandbox, rel: dict[str, Any]) -> dict[str, Any] | None:
    ident = rel.get("identifiers") or {}
    type_id, object_id = ident.get("object_type_id"), ident.get("object_id")
    type_number = (
        type_id
        if isinstance(type_id, int) and not isinstance(type_id, bool)
        else (canonical_id(type_id) if isinstance(type_id, str) else None)
    )
    if type_number is None or object_id is None:
        return None  # named by cio_object_id alone, or a type the document's integer cannot carry
    obj = sb.state.objects.get(f"{type_number}:{object_id}") or sb.state.objects.get(f"{type_id}:{object_id}") or {}
    return {
        "object_type_id": type_number,
        "identifiers": {"object_id": str(object_id)},
        "attributes": dict(obj.get("attributes") or {}),
        "relationship_attributes": dict(rel.get("relationship_attributes") or {}),  # not in the document
    }


def get_relationships(sb: Sandbox, req: ApiRequest) -> ApiResponse:
    person, error = person_of(sb, req)
    if error:
        return error
    assert person is not None  # one or the other
    limit, error = limit_of(req, DEFAULT_LIMIT, MAX_LIMIT)
    if error:
        return error
    raw = req.query_value("start") or "0"
    offset = canonical_id(raw)
    if offset is None:
        return meta_error(f"start: {raw!r} is not a cursor; pass the `next` of the previous page")
    found = [j for j in (_relationship_json(sb, r) for r in person.relationships) if j is not None]
    chosen = found[offset : offset + limit]
    following = offset + len(chosen)
    return ApiResponse(200, {"cio_relationships": chosen, "next": str(following) if following < len(found) else ""})


ROUTES = [route("GET", "/v1/customers/{customer_id}/relationships", get_relationships)]
