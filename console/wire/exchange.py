"""The record of one call: the request as sent, the response, timings and attempts."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any

from console.wire.apis import API
from console.wire.request import PreparedRequest


class Failure(StrEnum):
    """Network failures, split by whether the request can have reached the server."""

    DNS = "dns"
    REFUSED = "refused"
    TLS = "tls"
    CONNECT_TIMEOUT = "connect-timeout"
    CONNECT = "connect"  # another failure before anything was sent
    READ_TIMEOUT = "read-timeout"
    DROPPED = "dropped"  # the connection closed before an answer arrived
    UNREADABLE = "unreadable"  # an answer came but could not be read (e.g. bad gzip)

    @property
    def maybe_delivered(self) -> bool:
        """True when the request was sent and only the answer was lost."""
        return self in (Failure.READ_TIMEOUT, Failure.DROPPED, Failure.UNREADABLE)


@dataclass
class Attempt:
    number: int
    status: int | None = None
    failure: Failure | None = None
    elapsed_ms: float = 0.0
    waited_s: float = 0.0  # how long we waited before this attempt
    retry_reason: str | None = None  # why another attempt followed this one


@dataclass
class Response:
    status: int
    reason: str
    headers: dict[str, str]
    text: str
    http_version: str = "HTTP/1.1"

    def json(self) -> Any:
        try:
            return json.loads(self.text) if self.text else None
        except ValueError:
            return None

    @property
    def size(self) -> int:
        return len(self.text.encode("utf-8"))


@dataclass
class Exchange:
    request: PreparedRequest
    started_at: float  # Unix time the first attempt began
    attempts: list[Attempt] = field(default_factory=list)
    response: Response | None = None
    failure: Failure | None = None
    failure_detail: str | None = None
    elapsed_ms: float = 0.0
    # Whether a message/event may have reached Customer.io: "yes", "no" or "unknown".
    delivered: str = "no"

    @property
    def ok(self) -> bool:
        # 207 Multi-Status (Track v2 batch) means some operations failed: not a success.
        return self.response is not None and 200 <= self.response.status < 300 and not self.partial

    @property
    def partial(self) -> bool:
        """Some operations of a batch were applied and others failed (207)."""
        return self.response is not None and self.response.status == 207

    @property
    def status(self) -> int | None:
        return self.response.status if self.response else None

    @property
    def api(self) -> API | None:
        return self.request.api

    def to_record(self) -> dict[str, Any]:
        """A JSON-able record with the request's credentials masked (for history)."""
        req = self.request
        return {
            "action_id": req.action_id,
            "api": req.api.value if req.api else None,
            "request": req.preview() | {"notes": req.notes},
            "started_at": self.started_at,
            "elapsed_ms": self.elapsed_ms,
            "attempts": [asdict(a) for a in self.attempts],
            "response": asdict(self.response) if self.response else None,
            "failure": self.failure.value if self.failure else None,
            "failure_detail": self.failure_detail,
            "delivered": self.delivered,
        }

    @classmethod
    def from_record(cls, rec: dict[str, Any]) -> Exchange:
        r = rec["request"]
        req = PreparedRequest(
            method=r["method"],
            url=r["url"],
            headers=dict(r["headers"]),
            body=r.get("body"),
            api=API(rec["api"]) if rec.get("api") else None,
            action_id=rec.get("action_id"),
            notes=list(r.get("notes") or []),
        )
        attempts = [
            Attempt(**{**a, "failure": Failure(a["failure"]) if a.get("failure") else None})
            for a in rec.get("attempts", [])
        ]
        resp = Response(**rec["response"]) if rec.get("response") else None
        return cls(
            request=req,
            started_at=rec["started_at"],
            attempts=attempts,
            response=resp,
            failure=Failure(rec["failure"]) if rec.get("failure") else None,
            failure_detail=rec.get("failure_detail"),
            elapsed_ms=rec.get("elapsed_ms", 0.0),
            delivered=rec.get("delivered", "no"),
        )
