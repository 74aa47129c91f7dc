"""Typed dependencies every router shares: `ServicesDep`, `ActorDep`, `JsonBody`.

Authentication accepts the three forms of DESIGN.md: `Authorization: Bearer <token>`,
`X-Authorization-access_token: <token>` (IBPS clients), and HTTP Basic with the user id
and a token as the password (Cosminexus clients). Which token is valid, and for whom,
is `services.identity.authenticate`'s decision; a refusal is 401 with
`WWW-Authenticate` (added by the error handlers).
"""

from __future__ import annotations

import binascii
from base64 import b64decode
from functools import partial
from typing import Annotated, cast

from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool

from lanes.api.errors import ApiError
from lanes.services import identity
from lanes.services.actor import Actor
from lanes.services.context import Services
from lanes.services.errors import Unauthorized

__all__ = [
    "SECURITY_SCHEMES",
    "ActorDep",
    "JsonBody",
    "ServicesDep",
    "is_json",
    "require_json_body",
]


# Dependencies that never block are coroutines: a plain function would cost every
# request a round trip through the thread pool.
async def get_services(request: Request) -> Services:
    return cast(Services, request.app.state.services)


ServicesDep = Annotated[Services, Depends(get_services)]

# The three ways to send a token, as OpenAPI documents them (`app.py` lists them for every
# operation). `get_actor` reads the headers itself: one dependency instead of three
# security dependencies saves a completion about 30 µs of FastAPI's dependency solving
# (bench/http_layer.py: 256-260 µs against 286-306).
SECURITY_SCHEMES: dict[str, dict[str, str]] = {
    "HTTPBearer": {
        "type": "http",
        "scheme": "bearer",
        "description": "An API token: `Authorization: Bearer <token>`.",
    },
    "APIKeyHeader": {
        "type": "apiKey",
        "in": "header",
        "name": "X-Authorization-access_token",
        "description": "An API token in the header IBPS clients send.",
    },
    "HTTPBasic": {
        "type": "http",
        "scheme": "basic",
        "description": "HTTP Basic: your user id, and an API token as the password.",
    },
}


async def get_actor(request: Request) -> Actor:
    """The caller, from whichever credential the request carries: a token seen in the
    last few seconds is answered here, any other is read in the thread pool."""
    services = await get_services(request)
    headers = request.headers
    token, basic_user, basic_password = _authorization(headers.get("authorization"))
    access_token = headers.get("x-authorization-access_token")
    if access_token and token and access_token != token:
        raise Unauthorized(
            "the request carries two different tokens (Authorization and "
            "X-Authorization-access_token); send one"
        )
    credential = {
        "bearer": token or access_token or None,
        "basic_user": basic_user,
        "basic_password": basic_password,
    }
    actor = identity.remembered_actor(services, **credential)
    if actor is None:
        actor = await run_in_threadpool(partial(identity.authenticate, services, **credential))
    return actor


def _authorization(value: str | None) -> tuple[str | None, str | None, str | None]:
    """(bearer token, basic user, basic password) from an Authorization header; a scheme
    lanes does not know is no credential, a Basic value that is not base64 of
    `user:token` is refused."""
    scheme, _, param = (value or "").partition(" ")
    param = param.strip()
    scheme = scheme.lower()
    if scheme == "bearer":
        return param or None, None, None
    if scheme != "basic":
        return None, None, None
    try:
        user, colon, password = b64decode(param, validate=True).decode("ascii").partition(":")
    except (ValueError, UnicodeDecodeError, binascii.Error):
        user, colon, password = "", "", ""
    if not colon:
        raise Unauthorized("the Basic credentials are not base64 of 'user id:token'")
    return None, user, password


ActorDep = Annotated[Actor, Depends(get_actor)]


def is_json(content_type: str | None) -> bool:
    media = (content_type or "").split(";", 1)[0].strip().lower()
    return media == "application/json" or (
        media.startswith("application/") and media.endswith("+json")
    )


def has_body(request: Request) -> bool:
    length = request.headers.get("content-length")
    if length is not None:
        return length.strip() not in ("", "0")
    return "transfer-encoding" in request.headers


async def require_json_body(request: Request) -> None:
    """415 for a body that is not JSON sent to a route that reads JSON; no body is fine,
    and a body on a GET or DELETE is ignored, as the route reads none."""
    if request.method not in ("POST", "PUT", "PATCH"):
        return
    content_type = request.headers.get("content-type")
    if has_body(request) and not is_json(content_type):
        raise ApiError(
            415,
            "unsupported_media_type",
            f"this endpoint reads JSON; send the body as application/json, "
            f"not {content_type or 'without a Content-Type'}",
            {"content_type": content_type},
        )


JsonBody = Depends(require_json_body)
