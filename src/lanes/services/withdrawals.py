"""Withdraw (撤回) by case and user: the user takes back their latest completed task.

Allowed while the case runs and no task created after that completion has been
completed, claimed or delegated; the engine then cancels what followed and re-opens the
task for the user (see docs/decisions.md, "Moves").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lanes.services import instances, tasks
from lanes.services.actor import Actor
from lanes.services.assignments import acting_as
from lanes.services.context import Services
from lanes.services.errors import Conflict, NotFound
from lanes.services.views import TaskView
from lanes.store import runtime as repo

__all__ = ["Withdrawal", "withdraw_latest"]


@dataclass(frozen=True, slots=True)
class Withdrawal:
    instance_id: int
    revoked_task_id: int
    cancelled_task_ids: list[int]
    tasks: list[TaskView]  # the re-opened task(s)


def withdraw_latest(svc: Services, actor: Actor, instance_id: int, user_id: str) -> Withdrawal:
    """`user_id` takes back the task of the case they completed last."""
    who = acting_as(svc, actor, user_id, "withdraw a task")
    instances.get_instance(svc, actor, instance_id)  # 404 / 403
    with svc.db.read() as conn:
        row = repo.get_instance(conn, instance_id)
        if row is None:  # deleted since it was read
            raise NotFound(f"process instance {instance_id} does not exist")
        if row.status != "active":
            raise Conflict(
                f"process instance {instance_id} has ended ({row.status}); "
                "nothing in it can be withdrawn"
            )
        all_tasks = repo.instance_tasks(conn, instance_id, False)
    own = [t for t in all_tasks if t.ended_by == user_id and t.end_reason == "completed"]
    if not own:
        raise Conflict(f"{user_id} has completed no task of process instance {instance_id}")
    last = max(own, key=lambda t: (t.ended_at, t.id))

    def nothing_touched(conn: Any, actor: Actor, row: Any) -> None:
        # again under the instance's lock: nobody can touch a later task meanwhile
        _check_nothing_touched(last, repo.instance_tasks(conn, instance_id, False))

    reopened = tasks.withdraw(svc, who, last.id, also=nothing_touched)
    moment = reopened[0].created_at if reopened else None
    with svc.db.read() as conn:
        cancelled = [
            t.id
            for t in repo.instance_tasks(conn, instance_id, False)
            if t.end_reason == "withdrawn" and t.ended_at == moment
        ]
    return Withdrawal(instance_id, last.id, cancelled, reopened)


def _check_nothing_touched(last: Any, all_tasks: list[Any]) -> None:
    for later in all_tasks:
        if later.id == last.id or later.created_at < last.ended_at:
            continue
        if later.end_reason == "completed":
            how = f"completed by {later.ended_by}"
        elif later.ended_at is None and later.claimed_at is not None:
            how = f"claimed by {later.assignee}"
        elif later.ended_at is None and later.delegation is not None:
            how = f"delegated to {later.assignee}"
        else:
            continue
        raise Conflict(
            f"task {last.id} ('{last.name or last.node_id}') cannot be withdrawn: "
            f"task {later.id} ('{later.name or later.node_id}') that came after it was {how}"
        )
