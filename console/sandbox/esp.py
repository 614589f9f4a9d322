"""The email provider's suppression list: addresses that hard-bounced or reported spam.

Separate from Customer.io's own suppression (people.suppress): the person still exists,
but email to the address is dropped. Served as `GET /v1/esp/search_suppression/{email}`
(App document op for "Look up an ESP-suppressed address").

The document's answer has one `category` ("bounces" or "spam") and a `suppressions`
array; which category is named when an address is in both, and what comes back for an
address in none, is UNCONFIRMED. The sandbox names the latest entry's category, lists
every entry for the address each with its own `category` (an addition to the document's
item), and answers `{"suppressions": []}` with no category for a clean address. The
document's other categories, blocks and invalid addresses, appear nowhere in it (its
`suppression_type` enum is bounces and spam_reports), so the sandbox has none.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .messages import ApiRequest, ApiResponse
from .routing import route
from .state import EspSuppression, Workspace

if TYPE_CHECKING:
    from .sandbox import Sandbox

BOUNCE_REASON = "550 5.1.1 The email account that you tried to reach does not exist"
SPAM_REASON = "The recipient reported the message as spam"


def entries_for(ws: Workspace, email: str) -> list[EspSuppression]:
    wanted = email.strip().lower()
    return [s for s in ws.esp_suppressions if s.email.lower() == wanted]


def add(ws: Workspace, email: str, category: str, created: int, reason: str) -> None:
    if any(s.category == category for s in entries_for(ws, email)):
        return
    ws.esp_suppressions.append(EspSuppression(email=email, category=category, created=created, reason=reason))


def search(sb: Sandbox, req: ApiRequest) -> ApiResponse:
    found = sorted(entries_for(sb.state, req.params["email_address"]), key=lambda s: s.created)
    body: dict[str, Any] = {
        "suppressions": [
            {"email": s.email, "created": s.created, "reason": s.reason, "status": s.status, "category": s.category}
            for s in found
        ]
    }
    if found:
        body = {"category": found[-1].category, **body}
    return ApiResponse(200, body)


ROUTES = [route("GET", "/v1/esp/search_suppression/{email_address}", search)]
