"""The native API: one router of resource-style routes, mounted at `/api/v1`.

Each module holds one family of resources; every route parses, calls one service
function and renders its view. No rule lives here.
"""

from __future__ import annotations

from lanes.api.native import definitions, forms, identity, instances, tasks
from lanes.api.native.paths import MOUNT
from lanes.api.prefix_router import PrefixRouter

router = PrefixRouter(roots=(MOUNT + "/",))  # mounted there by app.py
# a request is matched against the routes in this order, one by one: the task and
# instance routes that people call all day come first (no two families share a path)
router.include_router(tasks.router)
router.include_router(instances.router)
router.include_router(forms.router)
router.include_router(definitions.router)
router.include_router(identity.router)
