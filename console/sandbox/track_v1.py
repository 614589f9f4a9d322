"""Track API v1 (Track OpenAPI: https://docs.customer.io/files/journeys-track.json): people, events, devices, suppression, merge, region."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import people
from .checks import (
    ID_LIMIT,
    Problem,
    canonical_id,
    check_attributes,
    check_device,
    check_event,
    check_limit,
    identifier_object,
    problem,
)
from .errors import meta_error, track_errors
from .messages import ApiRequest, ApiResponse, ok
from .routing import route

if TYPE_CHECKING:
    from .sandbox import Sandbox

EVENT_TYPES = ("event", "page", "screen")
SEGMENT_BATCH_LIMIT = 1000


def body_object(req: ApiRequest) -> tuple[dict[str, Any], list[Problem]]:
    """The JSON object body; no body counts as an empty object."""
    parsed, value = req.json()
    if not parsed:
        return {}, [problem("body", "is not valid JSON")]
    if value is None:
        return {}, []
    if not isinstance(value, dict):
        return {}, [problem("body", "must be a JSON object")]
    return value, []


def path_problems(raw: str, field: str = "identifier") -> list[Problem]:
    if raw == "":
        return [problem(field, "is required", "required")]
    too_long = check_limit(field, raw, ID_LIMIT)
    return [too_long] if too_long else []


def identify(sb: Sandbox, req: ApiRequest) -> ApiResponse:
    raw = req.params["identifier"]
    body, problems = body_object(req)
    problems = path_problems(raw) + problems
    if not problems:
        problems = check_attributes(body, "", "body")
    if problems:
        return track_errors(problems)
    kind, value = people.path_identifier(raw)
    return ok(people.identify(sb.state, kind, value, body, sb.now()))


def _event_problems(body: dict[str, Any]) -> list[Problem]:
    problems = check_event(body, "name", "data", "data")
    if body.get("type") is not None and body.get("type") not in EVENT_TYPES:
        problems.append(problem("type", f"must be one of {', '.join(EVENT_TYPES)}"))
    return problems


def track(sb: Sandbox, req: ApiRequest) -> ApiResponse:
    raw = req.params["identifier"]
    body, problems = body_object(req)
    problems = path_problems(raw) + (problems or _event_problems(body))
    if problems:
        return track_errors(problems)
    kind, value = people.path_identifier(raw)
    # An event for an unknown id or email creates the person, as calls that reference
    # people by id can (TRACK-SPEC op delete's note); an unknown cio_ is dropped.
    person, note = people.ensure_person(sb.state, kind, value, sb.now())
    if person is None:
        return ok(note)
    return ok(people.record_event(sb.state, person, body, sb.now(), "track_v1"))


def track_anonymous(sb: Sandbox, req: ApiRequest) -> ApiResponse:
    body, problems = body_object(req)
    problems = problems or _event_problems(body)
    anonymous_id = body.get("anonymous_id")
    if anonymous_id is not None and not isinstance(anonymous_id, str):
        problems.append(problem("anonymous_id", "must be a string"))
    if problems:
        return track_errors(problems)
    return ok(people.record_event(sb.state, None, body, sb.now(), "track_v1", anonymous_id or None))


def delete(sb: Sandbox, req: ApiRequest) -> ApiResponse:
    raw = req.params["identifier"]
    problems = path_problems(raw)
    if problems:
        return track_errors(problems)
    person = sb.state.find(*people.path_identifier(raw))
    if person is None:
        return ok("ignored: no such person")  # deleting someone absent is not an error
    sb.state.remove_person(person)
    return ok()


def add_device(sb: Sandbox, req: ApiRequest) -> ApiResponse:
    raw = req.params["identifier"]
    body, problems = body_object(req)
    problems = path_problems(raw) + (problems or check_device(body.get("device"), "device", "id"))
    if problems:
        return track_errors(problems)
    person, note = people.ensure_person(sb.state, *people.path_identifier(raw), sb.now())
    if person is None:
        return ok(note)
    device = body["device"]
    people.upsert_device(
        sb.state, person, device["id"], device["platform"], device.get("last_used"), device.get("attributes"), sb.now()
    )
    return ok()


def delete_device(sb: Sandbox, req: ApiRequest) -> ApiResponse:
    raw, token = req.params["identifier"], req.params["device_id"]
    problems = path_problems(raw) + ([problem("device_id", "is required", "required")] if not token else [])
    if problems:
        return track_errors(problems)
    person = sb.state.find(*people.path_identifier(raw))
    if person is None or not people.remove_device(sb.state, person, token, sb.now()):
        return ok("ignored: no such person or device")
    return ok()


def suppress(sb: Sandbox, req: ApiRequest) -> ApiResponse:
    raw = req.params["identifier"]
    problems = path_problems(raw)
    if problems:
        return track_errors(problems)
    return ok(people.suppress(sb.state, *people.path_identifier(raw), sb.now()))


def unsuppress(sb: Sandbox, req: ApiRequest) -> ApiResponse:
    raw = req.params["identifier"]
    problems = path_problems(raw)
    if problems:
        return track_errors(problems)
    return ok(people.unsuppress(sb.state, *people.path_identifier(raw)))


def merge(sb: Sandbox, req: ApiRequest) -> ApiResponse:
    # Merge reports a single string under meta.error, unlike the other v1 calls.
    body, problems = body_object(req)
    if problems:
        return meta_error(problems[0].message)
    refs = []
    for side in ("primary", "secondary"):
        ref, bad = identifier_object(body.get(side), side)
        if bad:
            return meta_error(bad.message)
        assert ref is not None  # one or the other
        refs.append(ref)
    return ok(people.merge(sb.state, refs[0], refs[1], sb.now()))


def region(sb: Sandbox, req: ApiRequest) -> ApiResponse:
    cfg = sb.config
    return ApiResponse(
        200,
        {
            "url": f"{req.base_url}/track-{cfg.region}",
            "region": cfg.region,
            "environment_id": cfg.workspace_id,
        },
    )


def _segment_change(sb: Sandbox, req: ApiRequest, add: bool) -> ApiResponse:
    body, problems = body_object(req)
    id_type = req.query_value("id_type") or "id"
    if id_type not in ("id", "email", "cio_id"):
        problems.append(problem("id_type", "must be one of id, email, cio_id"))
    ids = body.get("ids")
    if not isinstance(ids, list):
        problems.append(problem("ids", "is required and must be an array", "required"))
    elif len(ids) > SEGMENT_BATCH_LIMIT:
        problems.append(problem("ids", f"has {len(ids)} entries; the limit is {SEGMENT_BATCH_LIMIT}", "too_many"))
    if problems:
        return track_errors(problems)
    assert isinstance(ids, list)  # else a problem was answered above
    segment_id = req.params["segment_id"]
    key = canonical_id(segment_id)
    segment = sb.state.segments.get(key) if key is not None else None
    if segment is None:
        return track_errors([f"segment_id: no segment {segment_id}"], 404)
    if segment.type != "manual":
        return track_errors([f"segment_id: segment {segment.id} is dynamic; only manual segments take people"])
    for value in ids:
        person = sb.state.find(id_type, str(value))
        if person is not None:
            (person.manual_segments.add if add else person.manual_segments.discard)(segment.id)
    return ok()


def add_to_segment(sb: Sandbox, req: ApiRequest) -> ApiResponse:
    return _segment_change(sb, req, add=True)


def remove_from_segment(sb: Sandbox, req: ApiRequest) -> ApiResponse:
    return _segment_change(sb, req, add=False)


ROUTES = [
    route("GET", "/api/v1/accounts/region", region, any_region=True),
    route("PUT", "/api/v1/customers/{identifier}", identify),
    route("DELETE", "/api/v1/customers/{identifier}", delete),
    route("POST", "/api/v1/customers/{identifier}/events", track),
    route("POST", "/api/v1/events", track_anonymous),
    route("PUT", "/api/v1/customers/{identifier}/devices", add_device),
    route("DELETE", "/api/v1/customers/{identifier}/devices/{device_id}", delete_device),
    route("POST", "/api/v1/customers/{identifier}/suppress", suppress),
    route("POST", "/api/v1/customers/{identifier}/unsuppress", unsuppress),
    route("POST", "/api/v1/merge_customers", merge),
    route("POST", "/api/v1/segments/{segment_id}/add_customers", add_to_segment),
    route("POST", "/api/v1/segments/{segment_id}/remove_customers", remove_from_segment),
]
