"""Task rows -> TaskView, with their candidates read in one statement."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from lanes.services.views import TaskView
from lanes.store import runtime as repo


def task_view(row: Any, candidates: tuple[list[str], list[str]]) -> TaskView:
    return TaskView(
        row.id,
        row.instance_id,
        row.definition_id,
        row.process_key,
        row.business_key,
        row.node_id,
        row.name,
        row.assignee,
        row.owner,
        row.delegation,
        row.form_key,
        row.priority,
        row.due_at,
        row.created_at,
        row.claimed_at,
        row.ended_at,
        row.ended_by,
        row.end_reason,
        candidates[0],
        candidates[1],
        row.outcome,
    )


def views_of(conn: Any, rows: Sequence[Any]) -> list[TaskView]:
    candidates = repo.task_candidates(conn, [r.id for r in rows])
    return [task_view(r, candidates[r.id]) for r in rows]


def views_by_ids(conn: Any, task_ids: Sequence[int]) -> list[TaskView]:
    """The tasks with these ids, oldest first."""
    found = repo.tasks_with_candidates(conn, task_ids) if task_ids else []
    return [task_view(row, (users, groups)) for row, users, groups in found]
