"""The Activiti error envelope, for this dialect's routes only.

`ActivitiRoute` is the route class of every router here: it turns what a request can
raise (service refusals, HTTP-layer refusals, schema mismatches, a missing or bad token)
into `{"success": false, "status", "error": {"code", "status", "message", "fields"}}`,
leaving the application-wide handlers (and /api/v1) as they are. Anything else is a
bug and goes on to the application's handler (logged, a bare 500).
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Mapping, Sequence
from typing import Any

from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException

from lanes.api.activiti.schemas import ErrorResponseBody
from lanes.api.errors import WWW_AUTHENTICATE, ApiError
from lanes.services.errors import ServiceError

__all__ = ["ERROR_RESPONSES", "ActivitiRoute", "activiti_error"]

_CODES = {
    400: "error.bad-request",
    401: "error.unauthorized",
    403: "error.no-privilege",
    404: "error.not-found",
    409: "error.conflict",
    413: "error.payload-too-large",
    415: "error.unsupported-mime-type",
}
# documented on every route of the dialect; "4XX" also keeps FastAPI from listing a 422
# that this dialect never answers (validation errors are 400 here)
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    **{
        status: {"model": ErrorResponseBody, "description": code}
        for status, code in _CODES.items()
        if status != 413
    },
    "4XX": {"model": ErrorResponseBody, "description": "any other refusal"},
}
_CREDENTIAL_HEADERS = ("authorization", "x-authorization-access_token")


def activiti_error(
    status: int,
    message: str,
    *,
    code: str | None = None,
    fields: Sequence[Mapping[str, str]] = (),
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    error: dict[str, Any] = {
        "code": code or _CODES.get(status, "error.bad-request"),
        "status": status,
        "message": message,
    }
    if fields:
        error["fields"] = [dict(f) for f in fields]
    all_headers = dict(headers or {})
    if status == 401:
        all_headers["WWW-Authenticate"] = WWW_AUTHENTICATE
    return JSONResponse(
        {"success": False, "status": status, "error": error},
        status_code=status,
        headers=all_headers,
    )


class ActivitiRoute(APIRoute):
    """A route whose errors are answered in the Activiti envelope."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def answer(request: Request) -> Response:
            try:
                return await handler(request)
            except (ServiceError, ApiError, RequestValidationError, HTTPException) as exc:
                return _answer_for(request, exc)

        return answer


def _answer_for(request: Request, exc: Exception) -> JSONResponse:
    if isinstance(exc, ServiceError):
        if exc.status == 401:
            return _unauthorized(request, exc.message)
        fields = _service_fields(exc)
        code = "error.validation" if fields else None
        return activiti_error(exc.status, exc.message, code=code, fields=fields)
    if isinstance(exc, ApiError):
        return activiti_error(exc.status, exc.message)
    if isinstance(exc, RequestValidationError):
        return _validation(exc)
    assert isinstance(exc, HTTPException)
    return activiti_error(exc.status_code, str(exc.detail), headers=exc.headers)


def _unauthorized(request: Request, message: str) -> JSONResponse:
    sent = any(request.headers.get(h) for h in _CREDENTIAL_HEADERS)
    code = "error.access-token-invalid" if sent else "error.unauthorized"
    return activiti_error(401, message, code=code)


def _service_fields(exc: ServiceError) -> list[dict[str, str]]:
    if exc.status != 400:
        return []
    several = exc.details.get("fields")  # e.g. field rights: {"amount": "required", ...}
    if isinstance(several, dict):
        return [
            {"name": str(name), "type": str(why), "message": f"{name}: {why}"}
            for name, why in several.items()
        ]
    field = exc.details.get("field")
    if not isinstance(field, str):
        return []
    return [{"name": field, "type": "invalid", "message": exc.message}]


def _validation(exc: RequestValidationError) -> JSONResponse:
    problems = list(exc.errors())
    malformed = next((p for p in problems if p.get("type") == "json_invalid"), None)
    if malformed is not None:
        reason = str((malformed.get("ctx") or {}).get("error", "cannot be decoded"))
        return activiti_error(400, f"the body is not valid JSON: {reason}")
    fields = [
        {
            "name": _name(p.get("loc", ())),
            "type": str(p.get("type", "invalid")),
            "message": str(p.get("msg", "is not valid")),
        }
        for p in problems
    ]
    listed = "; ".join(f"{f['name']}: {f['message']}" for f in fields[:5])
    return activiti_error(
        400, f"the request is not valid: {listed}", code="error.validation", fields=fields
    )


def _name(loc: Sequence[Any]) -> str:
    parts = [str(p) for p in loc if isinstance(p, str | int)]
    if parts and parts[0] in ("body", "query", "path", "header") and len(parts) > 1:
        parts = parts[1:]
    return ".".join(parts) or "request"
