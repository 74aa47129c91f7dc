"""The native REST API (`/api/v1`): snake_case JSON resources over lanes.services."""

from lanes.api.native.paths import MOUNT
from lanes.api.native.router import router

__all__ = ["MOUNT", "router"]
