"""`PrefixRouter`: a dialect's router that turns away, at once, a path outside its roots.

FastAPI (0.16x) matches a request against an included router by trying that router's
routes one by one, even when the path cannot lie under it: an Activiti call, whose
routes come after the native API's hundred, paid about 150 µs for the native routes
alone. Each dialect's top router knows the paths it serves (`/api/v1/`, `/ibps/`, the
Activiti controllers' roots); any other path is no match without looking further.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from starlette.routing import Match
from starlette.types import Scope

__all__ = ["PrefixRouter"]


class PrefixRouter(APIRouter):
    def __init__(self, *, roots: tuple[str, ...], **kwargs: Any) -> None:
        """`roots`: the paths, as the server sees them, that every route starts with."""
        super().__init__(**kwargs)
        self.roots = roots

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        if not _route_path(scope).startswith(self.roots):
            return Match.NONE, {}
        return super().matches(scope)


def _route_path(scope: Scope) -> str:
    """The path below the server's root path (behind a proxy that mounts lanes there)."""
    path: str = scope["path"]
    root: str = scope.get("root_path", "")
    if not root or not path.startswith(root):
        return path
    rest = path[len(root) :]
    return rest if rest == "" or rest.startswith("/") else path
