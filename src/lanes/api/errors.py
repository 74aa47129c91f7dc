"""Every error answer of the HTTP layer, in one envelope and one place.

The body is always `{"error": {"code", "message", "details"}}`:

- a `ServiceError` keeps its own status, code, message and details;
- a body or parameter that does not fit the schema is 422 `validation_failed`, with one
  entry per problem (`location` such as `body.variables`, a sentence, pydantic's type);
- a body that is not JSON at all is 400 `malformed_json`;
- HTTP-level refusals (unknown route 404, 405, 413, 415, ...) keep their status;
- anything else is a bug: it is logged with its traceback and answered with a generic
  500 that leaks nothing.

Every 401 carries `WWW-Authenticate` naming both schemes lanes accepts. Dialects that
need another envelope on their own base path add handlers there; this module imports
no dialect.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from lanes.services.errors import ServiceError

__all__ = [
    "WWW_AUTHENTICATE",
    "ApiError",
    "error_response",
    "install",
]

log = logging.getLogger("lanes.api")

WWW_AUTHENTICATE = 'Bearer realm="lanes", Basic realm="lanes"'

_HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    422: "validation_failed",
}
_MAX_LISTED = 5  # problems named in the message; all of them are in the details


class ApiError(Exception):
    """A refusal decided by the HTTP layer itself (content type, body size), not a service."""

    def __init__(
        self, status: int, code: str, message: str, details: dict[str, Any] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = details or {}


def error_response(
    status: int,
    code: str,
    message: str,
    details: Mapping[str, Any] | None = None,
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    """The one shape of every error answer."""
    all_headers = dict(headers or {})
    if status == 401:
        all_headers["WWW-Authenticate"] = WWW_AUTHENTICATE
    return JSONResponse(
        {"error": {"code": code, "message": message, "details": dict(details or {})}},
        status_code=status,
        headers=all_headers,
    )


def install(app: FastAPI) -> None:
    """Register the handlers on `app`: one per kind of error, nothing route-specific."""
    app.add_exception_handler(ServiceError, _service_error)
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected_error)


async def _service_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ServiceError)
    return error_response(exc.status, exc.code, exc.message, exc.details)


async def _api_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    return error_response(exc.status, exc.code, exc.message, exc.details)


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    problems = list(exc.errors())
    malformed = next((p for p in problems if p.get("type") == "json_invalid"), None)
    if malformed is not None:
        return _malformed_json(malformed)
    listed = [_problem(p) for p in problems]
    summary = "; ".join(f"{p['location']}: {p['message']}" for p in listed[:_MAX_LISTED])
    if len(listed) > _MAX_LISTED:
        summary += f"; and {len(listed) - _MAX_LISTED} more"
    return error_response(
        422,
        "validation_failed",
        f"the request does not match the schema: {summary}",
        {"errors": listed},
    )


def _malformed_json(problem: Mapping[str, Any]) -> JSONResponse:
    reason = str((problem.get("ctx") or {}).get("error", "cannot be decoded"))
    loc: Sequence[Any] = problem.get("loc") or ()
    position = loc[-1] if len(loc) > 1 and isinstance(loc[-1], int) else None
    where = f" at character {position}" if position is not None else ""
    return error_response(
        400,
        "malformed_json",
        f"the body is not valid JSON: {reason}{where}",
        {"position": position},
    )


def _problem(problem: Mapping[str, Any]) -> dict[str, Any]:
    loc = [part for part in problem.get("loc", ()) if isinstance(part, str | int)]
    return {
        "location": _location(loc),
        "loc": loc,
        "message": str(problem.get("msg", "is not valid")),
        "type": str(problem.get("type", "invalid")),
    }


def _location(loc: Sequence[str | int]) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text or "request"


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    status = exc.status_code
    code = _HTTP_CODES.get(status, "http_error")
    if status == 404:
        message = f"there is no resource at {request.method} {request.url.path}"
    elif status == 405:
        message = f"{request.method} is not allowed on {request.url.path}"
    else:
        message = str(exc.detail)
    details = getattr(exc, "details", None)  # what lanes' own HTTPExceptions add
    return error_response(status, code, message, details, headers=exc.headers)


async def _unexpected_error(request: Request, exc: Exception) -> JSONResponse:
    log.error("unexpected error answering %s %s", request.method, request.url.path, exc_info=exc)
    return error_response(
        500,
        "internal_error",
        "the server met an unexpected error; it has been logged",
    )
