"""One console session: the environment in use, its HTTP client, and sending an action.

The faces (the Textual UI, tests) hold a Session; it never imports Textual. A Session
owns one pooled httpx client for its credentials (`console.wire.transport`) and closes it
when the environment changes. `prepare` raises before anything is sent; `send` returns
a `SendOutcome` (the Exchange, its explanation and what the user typed) for the inspector,
the error panel and the history.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Mapping

from console.wire.credentials import Credentials
from console.actions.guard import check_confirmation, needed_confirmation
from console.wire.request import PreparedRequest, build_request
from console.actions.spec import ActionSpec
from console.actions.validation import validate

if TYPE_CHECKING:  # httpx is imported lazily: the first frame does not wait for it
    import httpx

    from console.wire.exchange import Exchange
    from console.diagnose.explain import Explanation
    from console.wire.transport import EventHook, RetryPolicy

ClientFactory = Callable[[Credentials], "httpx.AsyncClient"]


@dataclass
class SendOutcome:
    """A finished send: what was typed, what went out, what came back and why it failed."""

    action_id: str
    values: dict[str, Any]
    exchange: Exchange
    explanation: Explanation | None
    env_label: str
    at: float = field(default_factory=time.time)

    @property
    def ok(self) -> bool:
        return self.exchange.ok


def drop_empty(values: Mapping[str, Any]) -> dict[str, Any]:
    """A form's values without the fields left empty (an empty optional field is absent)."""
    return {k: v for k, v in values.items() if v is not None and not (isinstance(v, str) and not v.strip())}


class Session:
    """The environment the console talks to. `label` is what the header shows."""

    def __init__(
        self,
        creds: Credentials,
        *,
        label: str | None = None,
        client_factory: ClientFactory | None = None,
        sandbox: bool = False,
    ) -> None:
        self.creds = creds
        self.label = label or creds.name or "environment variables"
        self.sandbox = sandbox
        self.client_factory = client_factory
        self._client: httpx.AsyncClient | None = None

    # -- what the faces show ---------------------------------------------------------------
    @property
    def protected(self) -> bool:
        return self.creds.protected

    @property
    def region(self) -> str:
        return self.creds.region.value.upper()

    def secrets(self) -> list[str]:
        """Every form of this environment's keys that a text could contain (for redaction)."""
        return self.creds.redaction_secrets()

    # -- before sending -------------------------------------------------------------------
    def validate(self, action: type[ActionSpec], values: Mapping[str, Any]) -> ActionSpec:
        """The validated spec; raises InvalidInput naming each bad field."""
        return validate(action, drop_empty(values))

    def prepare(self, action: type[ActionSpec], values: Mapping[str, Any], *, preview: bool = False) -> PreparedRequest:
        """The exact request; raises InvalidInput, or MissingCredential unless `preview`."""
        return build_request(self.validate(action, values), self.creds, preview=preview)

    def confirmation(self, action: type[ActionSpec], values: Mapping[str, Any]) -> str | None:
        """What the user must type before this input goes out here (protected env), or None."""
        return needed_confirmation(self.validate(action, values), self.creds)

    # -- sending ----------------------------------------------------------------------------
    def client(self) -> httpx.AsyncClient:
        if self._client is None:
            if self.client_factory is not None:
                self._client = self.client_factory(self.creds)
            else:
                from console.wire.transport import make_client

                self._client = make_client()
        return self._client

    async def send(
        self,
        action: type[ActionSpec],
        values: Mapping[str, Any],
        *,
        confirm: str | None = None,
        on_event: EventHook | None = None,
        policy: RetryPolicy | None = None,
    ) -> SendOutcome:
        """Validate, guard, send once (with the transport's safe retries) and explain.

        Raises InvalidInput, MissingCredential or ConfirmationRequired before sending."""
        from console.diagnose.explain import explain
        from console.wire.transport import RetryPolicy, perform

        spec = self.validate(action, values)
        check_confirmation(spec, self.creds, confirm)
        req = build_request(spec, self.creds)
        ex = await perform(req, self.client(), repeat_safe=action.INFO.is_repeat_safe,
                           policy=policy or RetryPolicy(), on_event=on_event)
        return SendOutcome(action_id=action.INFO.id, values=dict(values), exchange=ex,
                       explanation=explain(ex, action, self.creds), env_label=self.label)

    async def aclose(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            await client.aclose()
