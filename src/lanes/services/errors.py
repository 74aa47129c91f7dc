"""What a service call can refuse, each with the HTTP status it maps to (in api/, once).

Messages are sentences a client can act on; `details` names fields where useful.
Imports nothing from the rest of lanes.
"""

from __future__ import annotations

from typing import Any


class ServiceError(Exception):
    status = 400
    code = "invalid"

    def __init__(self, message: str, details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details or {}


class Invalid(ServiceError):
    """The request is malformed or names something that does not fit (400)."""


class Unauthorized(ServiceError):
    status = 401
    code = "unauthorized"


class Forbidden(ServiceError):
    status = 403
    code = "forbidden"


class NotFound(ServiceError):
    status = 404
    code = "not_found"


class Conflict(ServiceError):
    """The command no longer applies: suspended, already completed, lost a race (409)."""

    status = 409
    code = "conflict"
