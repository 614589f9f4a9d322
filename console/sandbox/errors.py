"""Error responses in each API's own shape (each API's documented error responses)."""

from __future__ import annotations

from .checks import Problem
from .messages import ApiResponse


def track_errors(problems: list[Problem] | list[str], status: int = 400) -> ApiResponse:
    messages = [p.message if isinstance(p, Problem) else p for p in problems]
    return ApiResponse(status, {"meta": {"errors": messages}})


def meta_error(message: str, status: int = 400) -> ApiResponse:
    """The App API (and Track's merge) use a single string under meta.error."""
    return ApiResponse(status, {"meta": {"error": message}})


def v2_errors(problems: list[Problem], status: int = 400) -> ApiResponse:
    return ApiResponse(status, {"errors": [v2_item(p) for p in problems]})


def v2_item(p: Problem) -> dict[str, str]:
    return {"reason": p.reason, "field": p.field, "message": p.message}


def unprocessable(problems: list[tuple[str, str]]) -> ApiResponse:
    """422 in the JSON:API shape the App API uses (APP-SPEC triggerBroadcast).

    Which send validations the real API answers with 422 rather than 400 is not
    documented; the sandbox uses 422 for well-formed but semantically invalid values.
    """
    return ApiResponse(
        422,
        {
            "errors": [
                {"detail": detail, "source": {"pointer": pointer}, "status": "422"} for pointer, detail in problems
            ]
        },
    )


def cdp_error(status: int, code: str, message: str) -> ApiResponse:
    # Strict-mode body shape is UNCONFIRMED; cdp-analytics-python reads "code" and "message".
    return ApiResponse(status, {"code": code, "message": message})


def api_error(api: str, status: int, message: str, retry_after: int | None = None) -> ApiResponse:
    """A generic error for any status in the shape of ``api`` (used by 404s, 429s and faults)."""
    if api == "track":
        response = track_errors([message], status)
    elif api == "app":
        response = meta_error(message, status)
    else:
        response = cdp_error(status, _CDP_CODES.get(status, "error"), message)
    if retry_after is not None:
        response.headers["Retry-After"] = str(retry_after)
    return response


_CDP_CODES = {
    400: "invalid_request",
    401: "unauthorized",
    404: "not_found",
    413: "too_large",
    429: "rate_limited",
    500: "server_error",
    502: "bad_gateway",
    503: "unavailable",
}

_REASONS = {
    400: "bad request",
    401: "unauthorized",
    403: "forbidden",
    404: "not found",
    408: "request timeout",
    413: "payload too large",
    429: "too many requests",
    500: "internal server error",
    502: "bad gateway",
    503: "service unavailable",
    504: "gateway timeout",
}


def reason(status: int) -> str:
    return _REASONS.get(status, "error")


def unauthorized(api: str, message: str) -> ApiResponse:
    if api == "track":
        # Track documents no 401 body (TRACK-SPEC components.responses.401): send none.
        return ApiResponse(401, None)
    if api == "app":
        # The App API documents no 401 body either; a small meta.error like its other errors.
        return meta_error(message, 401)
    return cdp_error(401, "unauthorized", message)
