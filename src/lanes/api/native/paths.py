"""Where the native API lives: app.py mounts it at `MOUNT`, and each family of resources
(tasks, instances, ...) routes only the paths that start with its own heads below it,
turning away the rest without trying its routes (`api/prefix_router.py`)."""

from __future__ import annotations

from typing import Any

from lanes.api.prefix_router import PrefixRouter

MOUNT = "/api/v1"


def family_router(*heads: str, **kwargs: Any) -> PrefixRouter:
    """A family's router; `heads` are the first path segments of its routes."""
    return PrefixRouter(roots=tuple(f"{MOUNT}/{head}" for head in heads), **kwargs)
