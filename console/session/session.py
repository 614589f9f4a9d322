"""One console session: the environment in use, its HTTP client, and sending an action.

The faces (the Textual UI, tests) hold a Session; it never imports Textual. A Session
owns one pooled httpx client for its credentials (`console.wire.transport`) and closes it
when the environment changes. `prepare` raises before anything is sent; `send` returns
a `SendOutcome` (the Exchange, its explanation and what the user typed) for the inspector,
the error panel and the history.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from console.actions.guard import check_confirmation, needed_confirmation
from console.actions.spec import ActionSpec
from console.actions.validation import validate
from console.wire import clock
from console.wire.credentials import Credentials
from console.wire.request import PreparedRequest, build_request

if TYPE_CHECKING:  # httpx is imported lazily: the first frame does not wait for it
    import httpx

    from console.diagnose.explain import Explanation
    from console.wire.exchange import Exchange
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
    at: float = field(default_factory=lambda: clock.wall())

    @property
    def ok(self) -> bool:
        return self.exchange.ok

    def to_dict(self, secrets: list[str]) -> dict[str, Any]:
        """The outcome as one JSON object (what `send --json` prints), keys redacted."""
        from console.wire.redact import redact_data, redact_text

        ex, resp = self.exchange, self.exchange.response
        body_text = redact_text(resp.text, secrets) if resp else ""
        return {
            "ok": ex.ok,
            "status": resp.status if resp else None,
            "reason": resp.reason if resp else None,
            "body": json_or_text(body_text),
            "attempts": len(ex.attempts),
            "elapsed_ms": round(ex.elapsed_ms, 1),
            # Time spent waiting between attempts (Retry-After, backoff), within the policy's bound.
            "waited_s": round(sum(a.waited_s for a in ex.attempts), 3),
            "delivered": ex.delivered,
            "failure": ex.failure.value if ex.failure else None,
            "explanation": redact_data(self.explanation.to_dict(), secrets) if self.explanation else None,
        }


@dataclass(frozen=True)
class Planned:
    """An input validated and built into the exact request, not yet guarded or sent."""

    action: type[ActionSpec]
    values: dict[str, Any]
    spec: ActionSpec
    request: PreparedRequest
    preview: bool = False  # keys masked or missing: shown, never sent


def json_or_text(text: str) -> Any:
    """A response body parsed as JSON where it is JSON, else the text (None when empty)."""
    import json

    try:
        return json.loads(text) if text else None
    except ValueError:
        return text


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
    def validate(self, action: type[ActionSpec], values: Mapping[str, Any], *, from_form: bool = True) -> ActionSpec:
        """The validated spec; raises InvalidInput naming each bad field. A form's empty
        fields are absent (`from_form`); a JSON input (the CLI's) is taken as written."""
        return validate(action, drop_empty(values) if from_form else dict(values))

    def plan(
        self, action: type[ActionSpec], values: Mapping[str, Any], *, from_form: bool = True, preview: bool = False
    ) -> Planned:
        """Validate and build: the exact request that `send_planned` sends. Raises
        InvalidInput, or MissingCredential unless `preview` (then keys are masked)."""
        spec = self.validate(action, values, from_form=from_form)
        return Planned(action, dict(values), spec, build_request(spec, self.creds, preview=preview), preview)

    def confirmation_for(self, planned: Planned) -> str | None:
        """What the user must type before this request goes out here (protected env), or None."""
        return needed_confirmation(planned.spec, self.creds)

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
        return await self.send_planned(self.plan(action, values), confirm=confirm, on_event=on_event, policy=policy)

    async def send_planned(
        self,
        planned: Planned,
        *,
        confirm: str | None = None,
        on_event: EventHook | None = None,
        policy: RetryPolicy | None = None,
    ) -> SendOutcome:
        """The one send path (workspace, CLI): guard, perform, explain. Raises
        ConfirmationRequired before sending."""
        from console.diagnose.explain import explain
        from console.wire.transport import RetryPolicy, perform

        if planned.preview:
            raise ValueError("a preview (keys masked) is never sent")
        check_confirmation(planned.spec, self.creds, confirm)
        action = planned.action
        ex = await perform(
            planned.request,
            self.client(),
            repeat_safe=action.INFO.is_repeat_safe,
            policy=policy or RetryPolicy(),
            on_event=on_event,
        )
        return SendOutcome(
            action_id=action.INFO.id,
            values=planned.values,
            exchange=ex,
            explanation=explain(ex, action, self.creds),
            env_label=self.label,
        )

    async def aclose(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            await client.aclose()
