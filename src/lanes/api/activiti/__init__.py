"""The Activiti-style task API (spec/activiti-api.md) at the server root: one router per
controller of the seed (activity-controller, model-controller, task-controller).

Routers parse, call services and render; errors take this dialect's envelope
(`errors.ActivitiRoute`).
"""

from __future__ import annotations

from lanes.api.activiti import instances, models, tasks
from lanes.api.activiti.fallback import fallback_router
from lanes.api.prefix_router import PrefixRouter

__all__ = ["router"]

# mounted at the root (app.py): its paths are the controllers' own
router = PrefixRouter(
    roots=tuple(r.prefix for r in (instances.router, models.router, tasks.router))
)
router.include_router(instances.router)
router.include_router(models.router)
router.include_router(tasks.router)
# last: what no route above takes
router.include_router(fallback_router(instances.router, models.router, tasks.router))
