"""Writes the work-item services need that the runtime repository lacks: deleting a
case with everything it owns, and moving the due date of a node's timers."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Connection, and_, delete, select, update

from lanes.store import tables as t

__all__ = ["delete_instance", "set_timer_due"]

_task = t.task
_instance = t.instance


def delete_instance(conn: Connection, instance_id: int) -> int:
    """Delete an instance, the instances it called, and every row they own (the operation
    log stays: it is the audit trail). Returns how many instances were deleted."""
    children = list(
        conn.execute(select(_instance.c.id).where(_instance.c.parent_id == instance_id)).scalars()
    )
    deleted = sum(delete_instance(conn, child) for child in children)
    for table in (t.subscription, t.job, t.external_task, t.incident, t.comment, t.activity):
        conn.execute(delete(table).where(table.c.instance_id == instance_id))
    task_ids = select(_task.c.id).where(_task.c.instance_id == instance_id).scalar_subquery()
    conn.execute(delete(t.task_candidate).where(t.task_candidate.c.task_id.in_(task_ids)))
    conn.execute(delete(_task).where(_task.c.instance_id == instance_id))
    result = conn.execute(delete(_instance).where(_instance.c.id == instance_id))
    return deleted + int(result.rowcount)


def set_timer_due(
    conn: Connection, instance_id: int, node_ids: Sequence[str], due: datetime
) -> int:
    """Move the timers of `node_ids` in the instance to `due`; how many were moved (those
    already due then are left alone)."""
    if not node_ids:
        return 0
    result = conn.execute(
        update(t.job)
        .where(
            and_(
                t.job.c.instance_id == instance_id,
                t.job.c.kind == "timer",
                t.job.c.node_id.in_(list(node_ids)),
                t.job.c.due_at != due,
            )
        )
        .values(due_at=due)
    )
    return int(result.rowcount)
