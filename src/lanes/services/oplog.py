"""The operation log: who did what to which task or instance, and when."""

from __future__ import annotations

from typing import Any

from lanes.services.actor import Actor
from lanes.services.context import Services
from lanes.store import runtime as repo


def record(
    conn: Any,
    svc: Services,
    actor: Actor,
    operation: str,
    *,
    task_id: int | None = None,
    instance_id: int | None = None,
    details: dict[str, Any] | None = None,
    description: str | None = None,
) -> None:
    repo.log_operation(
        conn,
        {
            "id": svc.db.next_id(),
            "user_id": actor.user_id,
            "operation": operation,
            "task_id": task_id,
            "instance_id": instance_id,
            "details": details,
            "user_description": description,
            "at": svc.now(),
        },
    )
