"""What happened to the tasks of a case: their history, what a completion set off, and
the definition behind a task.

Reads only. A case is readable by administrators, its starter, and whoever has or had a
task in it: assignee, owner, finisher, CC'd user, or candidate of an open unassigned
task (who may want to see the case before claiming). A task follows its own rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson

from lanes.services import forms, instances, tasks
from lanes.services.actor import Actor
from lanes.services.context import Services
from lanes.services.deployments import definition_view
from lanes.services.errors import Forbidden, NotFound
from lanes.services.task_rows import views_of
from lanes.services.views import DefinitionView, TaskView
from lanes.store import runtime as repo

__all__ = [
    "Completion",
    "DefinitionDetails",
    "RunningTasks",
    "TaskRecord",
    "completion_of",
    "definition_of_task",
    "latest_completion",
    "readable_case",
    "running_task",
    "running_tasks",
    "task_history",
]


@dataclass(frozen=True, slots=True)
class TaskRecord:
    task: TaskView
    comment: str | None  # the latest comment on it
    withdrawn: bool  # its completer took it back (撤回)


@dataclass(frozen=True, slots=True)
class Completion:
    task: TaskView
    comment: str | None
    variables: dict[str, Any]
    instance_ended: bool
    next_tasks: list[TaskView]  # the tasks the completion opened


@dataclass(frozen=True, slots=True)
class DefinitionDetails:
    definition: DefinitionView
    description: str | None
    has_start_form_key: bool
    has_diagram: bool


@dataclass(frozen=True, slots=True)
class RunningTasks:
    tasks: list[TaskView]
    suspended: bool  # the case is suspended


def readable_case(conn: Any, actor: Actor, instance_id: int) -> Any:
    """The instance row, when `actor` may read the case (see the module docstring)."""
    row = repo.get_instance(conn, instance_id)
    if row is None:
        raise NotFound(f"process instance {instance_id} does not exist")
    if instances.may_see(conn, actor, row):
        return row
    groups = sorted(actor.groups)
    for task in repo.instance_tasks(conn, instance_id, True):
        if task.assignee is None and repo.is_candidate(conn, task.id, actor.user_id, groups):
            return row
    raise Forbidden(f"you did not start process instance {instance_id} and have no task in it")


def running_tasks(svc: Services, actor: Actor, instance_id: int) -> RunningTasks:
    """The open tasks of the case, oldest first."""
    with svc.db.read() as conn:
        row = readable_case(conn, actor, instance_id)
        views = views_of(conn, repo.instance_tasks(conn, instance_id, True))
    return RunningTasks(views, bool(row.suspended))


def task_history(svc: Services, actor: Actor, instance_id: int) -> list[TaskRecord]:
    """Every task of the case, open and ended, oldest first."""
    with svc.db.read() as conn:
        readable_case(conn, actor, instance_id)
        rows = repo.instance_tasks(conn, instance_id, False)
        views = views_of(conn, rows)
        notes = _latest_comments(conn, instance_id)
        withdrawn = {
            op.task_id for op in repo.operations(conn, instance_id) if op.operation == "withdraw"
        }
    return [TaskRecord(v, notes.get(v.id), v.id in withdrawn) for v in views]


def _latest_comments(conn: Any, instance_id: int) -> dict[int, str]:
    found: dict[int, str] = {}
    for c in repo.comments(conn, instance_id=instance_id):
        if c.kind == "comment" and c.task_id is not None:
            found[c.task_id] = c.message  # oldest first: the last one wins
    return found


def running_task(svc: Services, actor: Actor, task_id: int) -> TaskView:
    """An open task; an ended one is not found here."""
    task = tasks.get_task(svc, actor, task_id)
    if task.ended_at is not None:
        raise NotFound(f"task {task_id} is not running: it has ended ({task.end_reason})")
    return task


def completion_of(
    svc: Services,
    actor: Actor,
    task: TaskView,
    submitted: dict[str, Any] | None = None,
    next_tasks: list[TaskView] | None = None,
) -> Completion:
    """What completing `task` did. `submitted`: the variables sent with it (None: read back
    the current values of the names the completion set). `next_tasks`: what the
    completion opened, when the caller has it (None: found again from the history)."""
    with svc.db.read() as conn:
        row = repo.get_instance(conn, task.instance_id)
        if row is None:  # deleted since the task was read
            raise NotFound(f"process instance {task.instance_id} does not exist")
        if next_tasks is None:
            next_tasks = views_of(conn, _opened_by(conn, task))
        notes = [c.message for c in repo.comments(conn, task_id=task.id) if c.kind == "comment"]
        if submitted is None:  # read back by someone: not what their rights hide
            hidden = forms.hidden_fields(conn, actor, repo.get_task(conn, task.id), row)
            values = _submitted(conn, row, task.id)
            submitted = {k: v for k, v in values.items() if k not in hidden}
    return Completion(
        task, notes[-1] if notes else None, submitted, row.status != "active", next_tasks
    )


def _opened_by(conn: Any, task: TaskView) -> list[Any]:
    """The tasks a past completion opened, found by their creation time."""
    if task.ended_at is None:  # resolved back to its owner: the same task again
        return [r for r in repo.instance_tasks(conn, task.instance_id, True) if r.id == task.id]
    # created in the completion's transaction, at the very moment it ended
    return [
        r
        for r in repo.instance_tasks(conn, task.instance_id, False)
        if r.created_at == task.ended_at and r.id != task.id
    ]


def _submitted(conn: Any, row: Any, task_id: int) -> dict[str, Any]:
    names: list[str] = []
    for op in repo.operations(conn, row.id):
        if op.task_id == task_id and op.operation == "complete":
            names = list((op.details or {}).get("variables") or [])
    state = orjson.loads(row.state) if row.state else {}
    values = state.get("ex", {}).get(str(row.id), {}).get("vars", {})
    return {name: values.get(name) for name in names}


def latest_completion(svc: Services, actor: Actor, instance_id: int, node_id: str) -> Completion:
    """The newest completion of a task at `node_id` in the case."""
    with svc.db.read() as conn:
        readable_case(conn, actor, instance_id)
        done = [
            r
            for r in repo.instance_tasks(conn, instance_id, False)
            if r.node_id == node_id and r.end_reason == "completed"
        ]
        if not done:
            raise NotFound(
                f"no task at '{node_id}' of process instance {instance_id} was completed"
            )
        last = max(done, key=lambda r: (r.ended_at, r.id))
        view = views_of(conn, [last])[0]
    return completion_of(svc, actor, view)


def definition_of_task(svc: Services, actor: Actor, task_id: int) -> DefinitionDetails:
    task = tasks.get_task(svc, actor, task_id)
    with svc.db.read() as conn:
        row = repo.get_definition(conn, task.definition_id)
        if row is None:
            raise NotFound(f"the definition of task {task_id} has been removed")
        definitions = svc.models.get(row.id, lambda: repo.definition_resource(conn, row.id))
    model = definitions.processes[row.key]
    has_form = any(n.task is not None and n.task.form_key for n in model.start_events())
    return DefinitionDetails(
        definition_view(row),
        model.documentation,
        has_form,
        bool(definitions.diagram.shapes),
    )
