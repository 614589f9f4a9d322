"""The other things a person's profile screen offers, as catalog actions prefilled.

Add or delete a device, suppress or unsuppress, merge another profile into this one,
destroy: each is an existing catalog spec. These helpers only fill its input from a
profile, so a face loads the input into the action's own form (validation, request
preview and the protected-environment guard all come from the spec).

Which identifier: `cio_<cio_id>` for the person themselves, the one name that cannot
mean someone else (emails can be shared) and that never creates a person. Unsuppress is
the exception: a suppressed person's profile is deleted, so it takes the id or email
that was suppressed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import httpx

from console.actions.catalog import get_action
from console.actions.guard import check_confirmation
from console.actions.spec import ActionSpec
from console.actions.validation import validate
from console.people.model import Device, PersonMatch, Profile
from console.wire.credentials import Credentials
from console.wire.exchange import Exchange
from console.wire.request import PreparedRequest, build_request
from console.wire.transport import RetryPolicy, perform


@dataclass(frozen=True)
class ProfileAction:
    action_id: str
    input: dict[str, Any]
    # Required fields the user still has to fill in (a device token, the other person).
    to_fill: tuple[str, ...] = ()
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def action(self) -> type[ActionSpec]:
        return get_action(self.action_id)

    @property
    def title(self) -> str:
        return self.action.INFO.title

    @property
    def guarded(self) -> bool:
        return self.action.INFO.guarded

    def prepare(
        self, creds: Credentials, extra: dict[str, Any] | None = None, *, preview: bool = False
    ) -> tuple[ActionSpec, PreparedRequest]:
        """Validate the input (plus what the user filled in) and build the request.
        Raises InvalidInput / MissingCredential like any action."""
        spec = validate(self.action, {**self.input, **(extra or {})})
        return spec, build_request(spec, creds, preview=preview)

    async def run(
        self,
        creds: Credentials,
        client: httpx.AsyncClient,
        extra: dict[str, Any] | None = None,
        *,
        confirmation: str | None = None,
        policy: RetryPolicy = RetryPolicy(),
    ) -> Exchange:
        """Validate, check the protected-environment guard (raises ConfirmationRequired:
        type the confirm field), and send once through the transport's retry rules."""
        spec, request = self.prepare(creds, extra)
        check_confirmation(spec, creds, confirmation)
        return await perform(request, client, repeat_safe=spec.INFO.is_repeat_safe, policy=policy)


def add_device(profile: Profile, device_id: str | None = None, platform: str | None = None) -> ProfileAction:
    data: dict[str, Any] = {"customer_identifier": profile.track_identifier}
    if device_id:
        data["device_id"] = device_id
    if platform:
        data["platform"] = platform
    return ProfileAction("add-device", data, tuple(k for k in ("device_id", "platform") if k not in data))


def delete_device(profile: Profile, device: Device | str) -> ProfileAction:
    token = device.id if isinstance(device, Device) else device
    return ProfileAction("delete-device", {"customer_identifier": profile.track_identifier, "device_token": token})


def suppress(profile: Profile) -> ProfileAction:
    return ProfileAction(
        "suppress-customer",
        {"customer_identifier": profile.track_identifier},
        notes=("Suppressing deletes the profile and blocks its id and email from coming back.",),
    )


def unsuppress(identifier: str | Profile) -> ProfileAction:
    """For a person not found because suppressed: their id or email, not a cio_id."""
    if isinstance(identifier, Profile):
        identifier = identifier.id or identifier.email or identifier.track_identifier
    return ProfileAction(
        "unsuppress-customer",
        {"customer_identifier": identifier},
        notes=("Unsuppressing frees the identifier; it does not restore the deleted profile.",),
    )


def destroy(profile: Profile) -> ProfileAction:
    return ProfileAction("destroy-customer", {"customer_identifier": profile.track_identifier})


def merge_into(profile: Profile, other: Profile | PersonMatch | tuple[str, str] | None = None) -> ProfileAction:
    """Merge `other` (the secondary, deleted afterwards) into `profile` (kept)."""
    data: dict[str, Any] = {"primary_identifier_type": "cio_id", "primary_identifier": profile.cio_id}
    if isinstance(other, (Profile, PersonMatch)):
        data |= {"secondary_identifier_type": "cio_id", "secondary_identifier": other.cio_id}
    elif other is not None:
        kind, value = other
        data |= {"secondary_identifier_type": kind, "secondary_identifier": value}
    to_fill = tuple(k for k in ("secondary_identifier_type", "secondary_identifier") if k not in data)
    return ProfileAction(
        "merge-customers",
        data,
        to_fill,
        notes=("The secondary profile is merged into this one and then deleted.",),
    )


def not_found_actions(identifier: str, id_type: str) -> list[ProfileAction]:
    """What a failed lookup offers: a suppressed person's profile is deleted and their id
    or email blocked, so the App API cannot tell "suppressed" from "never existed"; the
    one useful action is to free the identifier (it does not restore the profile)."""
    if id_type in ("id", "email") and identifier:
        return [unsuppress(identifier)]
    return []


def profile_actions(profile: Profile) -> list[ProfileAction]:
    """What a profile screen offers, in order: devices, then the destructive ones."""
    actions = [add_device(profile)]
    actions += [delete_device(profile, d) for d in profile.devices]
    actions += [merge_into(profile), suppress(profile), destroy(profile)]
    return actions
