"""The IBPS envelope `{state, request, message, cause, variables, data}`, for answers and
errors alike, on the IBPS routes only.

`IbpsRoute` is the route class of the IBPS router: whatever a route or its dependencies
raise (a service refusal, a body that does not parse, a missing token) is answered in
the envelope, with the HTTP status set too. The native API's error format is untouched,
since the app-wide handlers never see these exceptions.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Mapping
from typing import Any

from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException

from lanes.api.errors import WWW_AUTHENTICATE, ApiError
from lanes.services.errors import ServiceError

__all__ = ["INVALID_TOKEN", "IbpsRoute", "envelope"]

INVALID_TOKEN = 6020201  # the IBPS state of a token that is missing, unknown or revoked


def envelope(
    data: Any = None,
    *,
    message: str = "",
    variables: Mapping[str, Any] | None = None,
    state: int = 200,
    cause: str = "",
) -> dict[str, Any]:
    return {
        "state": state,
        "request": None,
        "message": message,
        "cause": cause,
        "variables": dict(variables or {}),
        "data": data,
    }


def _printable(text: str) -> str:
    """Messages may quote what the client sent: a lone surrogate becomes '?'."""
    return text.encode("utf-8", "replace").decode("utf-8")


def _error(status: int, message: str, cause: str = "", state: int | None = None) -> JSONResponse:
    headers = {"WWW-Authenticate": WWW_AUTHENTICATE} if status == 401 else None
    body = envelope(state=state or status, message=_printable(message), cause=_printable(cause))
    return JSONResponse(body, status_code=status, headers=headers)


def _cause(details: Mapping[str, Any]) -> str:
    field = details.get("field")
    if isinstance(field, str):
        return field
    fields = details.get("fields")
    if isinstance(fields, Mapping):
        return ",".join(str(f) for f in fields)
    return ""


def _validation(exc: RequestValidationError) -> JSONResponse:
    problems = list(exc.errors())
    first = problems[0] if problems else {}
    loc = [str(part) for part in first.get("loc", ()) if isinstance(part, str | int)]
    if first.get("type") == "json_invalid":
        return _error(400, "the body is not valid JSON", "body")
    where = ".".join(part for part in loc if part not in ("body", "query")) or "body"
    return _error(400, f"{where}: {first.get('msg', 'is not valid')}", where)


class IbpsRoute(APIRoute):
    """An APIRoute whose errors are IBPS envelopes."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handle = super().get_route_handler()

        async def handler(request: Request) -> Response:
            try:
                return await handle(request)
            except ServiceError as exc:
                state = INVALID_TOKEN if exc.status == 401 else exc.status
                return _error(exc.status, exc.message, _cause(exc.details), state)
            except RequestValidationError as exc:
                return _validation(exc)
            except ApiError as exc:
                return _error(exc.status, exc.message, _cause(exc.details))
            except HTTPException as exc:  # a credential FastAPI cannot even parse, say
                state = INVALID_TOKEN if exc.status_code == 401 else exc.status_code
                return _error(exc.status_code, str(exc.detail), state=state)
            # anything else is a bug: the app-wide handler logs it and answers 500

        return handler
