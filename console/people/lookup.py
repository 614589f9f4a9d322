"""Find a person by id, email or cio_id and read their whole profile (App API reference, People: https://docs.customer.io/api/app/).

An email can belong to several people, so an email lookup first asks
`GET /v1/customers?email=` and, when it finds more than one person, returns them all for
the user to pick; everything after that addresses the person by cio_id, which is unique.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import StrEnum

import httpx

from console import words
from console.actions.spec import FieldProblem
from console.actions.validation import InvalidInput
from console.diagnose.explain import Explanation
from console.people.app_reads import ReadResult, path_segment, read_json
from console.people.model import (
    ID_TYPES,
    PersonMatch,
    Profile,
    matches_from_response,
    profile_from_response,
    segments_from_response,
)
from console.wire.credentials import Credentials
from console.wire.exchange import Exchange
from console.wire.transport import RetryPolicy


class LookupOutcome(StrEnum):
    FOUND = "found"
    AMBIGUOUS = "ambiguous"  # several people share the email: pick one by cio_id
    NOT_FOUND = "not_found"
    FAILED = "failed"  # the API or the network failed; see the explanation


@dataclass
class LookupResult:
    outcome: LookupOutcome
    identifier: str
    id_type: str
    profile: Profile | None = None
    matches: list[PersonMatch] = field(default_factory=list)
    explanation: Explanation | None = None
    exchanges: list[Exchange] = field(default_factory=list)

    @property
    def found(self) -> bool:
        return self.outcome == LookupOutcome.FOUND


def normalise(identifier: str, id_type: str) -> tuple[str, str]:
    """(value, id_type) checked; InvalidInput names the bad argument."""
    if id_type not in ID_TYPES:
        raise InvalidInput([FieldProblem("id_type", f"must be one of {', '.join(ID_TYPES)} (got {id_type!r})")])
    value = (identifier or "").strip()
    if not value:
        raise InvalidInput([FieldProblem("identifier", "must not be blank, e.g. user_123")])
    if id_type == "cio_id":
        # Track paths spell it cio_<cio_id>; the App API takes the bare value
        # (UNCONFIRMED: no document says; customerio-node passes it bare). No cio_id starts with "cio_".
        value = value.removeprefix("cio_")
    if id_type == "email" and "@" not in value:
        raise InvalidInput([FieldProblem("identifier", f"{value!r} is not an email address")])
    return value, id_type


def _not_found(result: ReadResult | None, value: str, id_type: str) -> Explanation:
    steps = [
        f"Check the identifier type: {words.ID_TYPE} id, email or cio_id (ids are case-sensitive).",
        "Check that this is the right environment and region.",
        "A suppressed person's profile is deleted: unsuppress-customer frees the identifier, "
        "but does not bring the profile back.",
    ]
    if result is not None and result.explanation is not None:
        title = f"{result.exchange.status} Not Found: no person with {id_type} {value!r}"
        return replace(result.explanation, title=title, steps=steps)
    return Explanation(
        f"No person with email {value!r}",
        "Customer.io found nobody with that email address in this workspace.",
        steps,
    )


async def lookup_profile(
    creds: Credentials,
    client: httpx.AsyncClient,
    identifier: str,
    id_type: str = "id",
    *,
    with_segments: bool = True,
    policy: RetryPolicy = RetryPolicy(),
) -> LookupResult:
    """Find one person and read their profile. Raises InvalidInput for bad arguments and
    MissingCredential without an App API key; API and network failures are explained."""
    value, id_type = normalise(identifier, id_type)
    result = LookupResult(LookupOutcome.FAILED, value, id_type)
    if id_type == "email":
        search = await read_json(creds, client, "/v1/customers", {"email": value}, policy=policy)
        result.exchanges.append(search.exchange)
        if not search.ok:
            result.explanation = search.explanation
            return result
        matches = matches_from_response(search.data)
        if not matches:
            result.outcome, result.explanation = LookupOutcome.NOT_FOUND, _not_found(None, value, id_type)
            return result
        if len(matches) > 1:
            result.outcome, result.matches = LookupOutcome.AMBIGUOUS, matches
            return result
        value, id_type = matches[0].cio_id, "cio_id"
        result.matches = matches
    attrs = await read_json(
        creds, client, f"/v1/customers/{path_segment(value)}/attributes", {"id_type": id_type}, policy=policy
    )
    result.exchanges.append(attrs.exchange)
    if attrs.status == 404:
        result.outcome, result.explanation = LookupOutcome.NOT_FOUND, _not_found(attrs, value, id_type)
        return result
    if not attrs.ok:
        result.explanation = attrs.explanation
        return result
    try:
        profile = profile_from_response(attrs.data)
    except ValueError as exc:
        result.explanation = Explanation(
            f"{attrs.exchange.status}: an answer this console cannot read",
            f"The attributes answer is not a profile ({exc}).",
            ["Look at the response body in the inspector; check the base URL override."],
        )
        return result
    if with_segments:
        await _add_segments(creds, client, profile, result, policy)
    result.outcome, result.profile = LookupOutcome.FOUND, profile
    return result


async def _add_segments(
    creds: Credentials, client: httpx.AsyncClient, profile: Profile, result: LookupResult, policy: RetryPolicy
) -> None:
    seg = await read_json(
        creds, client, f"/v1/customers/{path_segment(profile.cio_id)}/segments", {"id_type": "cio_id"}, policy=policy
    )
    result.exchanges.append(seg.exchange)
    if seg.ok:
        profile.segments = segments_from_response(seg.data)
    else:
        # The profile is still worth showing; say why the segments are missing.
        profile.segments_problem = seg.explanation.title if seg.explanation else "the segments read failed"
