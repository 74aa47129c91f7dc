"""Unknown paths and wrong methods under this dialect's base paths, in its envelope.

Mounted after every real route: a request no route of the dialect takes lands here, and
is told 405 when one of the dialect's routes has the path (with another method), else 404.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from starlette.routing import BaseRoute, Match

from lanes.api.activiti.errors import activiti_error

__all__ = ["fallback_router"]

_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]


def fallback_router(*routers: APIRouter) -> APIRouter:
    """Catch-all routes for the base paths of `routers`, told apart by their routes."""
    routes: list[BaseRoute] = [route for r in routers for route in r.routes]
    bases = sorted({r.prefix for r in routers if r.prefix})
    router = APIRouter(include_in_schema=False)
    refuse = _refusal(routes)
    for base in bases:
        router.add_api_route(base, refuse, methods=_METHODS)
        router.add_api_route(base + "/{rest:path}", refuse, methods=_METHODS)
    return router


def _refusal(routes: list[BaseRoute]) -> Callable[[Request], Coroutine[Any, Any, JSONResponse]]:
    async def refuse(request: Request) -> JSONResponse:
        scope = {**request.scope, "root_path": ""}
        allowed = sorted(
            method
            for route in routes
            if route.matches(scope)[0] is Match.PARTIAL
            for method in getattr(route, "methods", None) or ()
        )
        if allowed:  # the spec has no code of its own for 405: a bad request
            return activiti_error(
                405,
                f"{request.method} is not allowed on {request.url.path}; use {', '.join(allowed)}",
                code="error.bad-request",
                headers={"Allow": ", ".join(allowed)},
            )
        return activiti_error(404, f"there is no resource at {request.method} {request.url.path}")

    return refuse
