"""Completing many tasks in one call: each task in its own transaction.

One task's refusal (already completed, not the caller's, unknown) does not undo the
others; every task gets its own result.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lanes.services import history, tasks
from lanes.services.actor import Actor
from lanes.services.context import Services
from lanes.services.errors import Invalid, ServiceError

__all__ = ["MAX_BATCH", "BatchResult", "complete_each"]

MAX_BATCH = 500


@dataclass(frozen=True, slots=True)
class BatchResult:
    task_id: int
    completion: history.Completion | None  # None when it failed
    error: ServiceError | None


def complete_each(
    svc: Services,
    actor: Actor,
    task_ids: list[int],
    variables: dict[str, Any] | None = None,
    comment: str | None = None,
    outcome: str | None = None,
) -> list[BatchResult]:
    """Complete every task of `task_ids` in order, one transaction each."""
    if not 1 <= len(task_ids) <= MAX_BATCH:
        raise Invalid(f"give between 1 and {MAX_BATCH} task ids", {"field": "taskIds"})
    results: list[BatchResult] = []
    for task_id in task_ids:
        try:
            done = tasks.complete(svc, actor, task_id, dict(variables or {}), comment, outcome)
            completion = history.completion_of(
                svc, actor, done.task, dict(variables or {}), done.next_tasks
            )
        except ServiceError as error:
            results.append(BatchResult(task_id, None, error))
        else:
            results.append(BatchResult(task_id, completion, None))
    return results
