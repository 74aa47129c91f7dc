"""Work items: a case's human tasks addressed by (case id, task id), the way work-item
APIs do, with the operations those APIs offer and their idempotency rules.

Every PUT-like operation decides first whether it is already done (then it changes
nothing, writes no row and returns the work item as it is), then refuses what no longer
fits (an ended work item, an unexpected current participant: `Invalid`), then acts in
one transaction with its instance locked. "Performing" a work item is the engine's
claim: `claimed_at` set. Visibility follows services.tasks: assignee, owner, finisher,
candidate (directly or by group), CC'd users and admins see a work item; acting on it
needs its assignee or owner, or a candidate while nobody holds it, or an admin.

Lists take a filter tree bound by services.query_filter to neutral fields; the store
turns it into a parameterised query.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from lanes.engine import commands as cmd
from lanes.services import forms, oplog, tasks
from lanes.services.actor import Actor
from lanes.services.context import Services
from lanes.services.errors import Conflict, Forbidden, Invalid, NotFound
from lanes.services.query_filter import Comparison, Expression, Junction, SortKey, matches
from lanes.services.runtime import Session
from lanes.services.task_rows import task_view
from lanes.services.views import Page, TaskView
from lanes.store import cases as cases_store
from lanes.store import runtime as repo
from lanes.store import task_search

__all__ = [
    "ActivityInstanceView",
    "ProcessDefinitionInfo",
    "WorkDefinitionView",
    "WorkItemView",
    "activity_instances",
    "allocate",
    "complete",
    "free",
    "get",
    "process_definition",
    "reassign",
    "set_deadline",
    "work_definitions",
]

MAX_PAGE = 1000


@dataclass(frozen=True, slots=True)
class WorkItemView:
    """A task with what work-item APIs show of its case beside it."""

    task: TaskView
    case_started_at: datetime


@dataclass(frozen=True, slots=True)
class ProcessDefinitionInfo:
    """A definition with its deployment's author and time."""

    id: int
    key: str
    version: int
    name: str | None
    suspended: bool
    created_at: datetime
    deployed_by: str | None


@dataclass(frozen=True, slots=True)
class ActivityInstanceView:
    id: int  # a user task's activity shares its task's id
    instance_id: int
    definition_id: int
    node_id: str
    kind: str
    name: str | None
    started_at: datetime
    ended_at: datetime | None
    canceled: bool
    due_at: datetime | None


@dataclass(frozen=True, slots=True)
class WorkDefinitionView:
    definition_id: int
    process_key: str
    node_id: str
    name: str | None
    kind: str


# -- reading ----------------------------------------------------------------------------------


def _view(conn: Any, task_id: int) -> WorkItemView:
    row = repo.get_task(conn, task_id)
    return _wrap(conn, task_view(row, repo.task_candidates(conn, [task_id])[task_id]))


def _wrap(conn: Any, task: TaskView) -> WorkItemView:
    case = repo.get_instance(conn, task.instance_id)
    return WorkItemView(task, case.started_at if case is not None else task.created_at)


def _may_see(conn: Any, actor: Actor, row: Any) -> bool:
    if actor.admin or actor.user_id in (row.assignee, row.owner, row.ended_by):
        return True
    if repo.is_candidate(conn, row.id, actor.user_id, sorted(actor.groups)):
        return True
    return repo.was_copied(conn, row.id, actor.user_id)


def _visible(conn: Any, actor: Actor, instance_id: int, task_id: int) -> Any:
    row = repo.get_task(conn, task_id)
    if row is None or row.instance_id != instance_id:
        raise NotFound(f"case {instance_id} has no work item {task_id}")
    if not _may_see(conn, actor, row):
        raise Forbidden(f"work item {task_id} is not assigned or offered to you")
    return row


def get(svc: Services, actor: Actor, instance_id: int, task_id: int) -> WorkItemView:
    with svc.db.read() as conn:
        _visible(conn, actor, instance_id, task_id)
        return _view(conn, task_id)


# -- acting -----------------------------------------------------------------------------------

# decide(conn, locked row) -> the engine commands to run; [] when already done
Decide = Callable[[Any, Any], list[cmd.Command]]


def _act(
    svc: Services,
    actor: Actor,
    instance_id: int,
    task_id: int,
    operation: str,
    decide: Decide,
    *,
    details: dict[str, Any] | None = None,
    description: str | None = None,
    after: Callable[[Any, Any], bool] | None = None,
) -> WorkItemView:
    """Lock, check visibility, decide, run; `after` (for work beyond engine commands)
    runs in the same transaction and says whether it changed anything. Nothing to do:
    no row written."""
    with svc.db.write() as conn:
        session = Session(svc, conn)
        row = repo.lock_instance_of_task(conn, task_id, svc.db.is_postgres)
        if row is None or row.id != instance_id:
            raise NotFound(f"case {instance_id} has no work item {task_id}")
        task = repo.get_task(conn, task_id)
        if not _may_see(conn, actor, task):
            raise Forbidden(f"work item {task_id} is not assigned or offered to you")
        commands = decide(conn, row)
        if not commands and after is None:
            return _view(conn, task_id)  # already done: nothing written
        if row.status != "active":
            raise Invalid(f"case {instance_id} has already ended ({row.status})")
        if row.suspended or row.definition_suspended:
            raise Invalid(f"case {instance_id} is suspended; activate it first")
        for command in commands:
            session.execute(session.lock(instance_id), command)
        changed = after(conn, row) if after is not None else False
        if not commands and not changed:
            return _view(conn, task_id)
        oplog.record(
            conn,
            svc,
            actor,
            operation,
            task_id=task_id,
            instance_id=instance_id,
            details=details,
            description=description,
        )
        session.finish()
        return _view(conn, task_id)


def _refuse_ended(conn: Any, row: Any, doing: str) -> None:
    if row.task_ended_at is not None:
        how = row.task_end_reason or "ended"
        if row.task_ended_by:
            how += f" by {row.task_ended_by}"
        raise Invalid(
            f"work item {row.task_id} has already ended ({how}); it cannot be {doing}",
            {"reason": "ended"},
        )


def _may_act(conn: Any, actor: Actor, row: Any) -> None:
    """Assignee or owner; a candidate while nobody holds it; an admin."""
    if actor.admin or actor.user_id in (row.task_assignee, row.task_owner):
        return
    if row.task_assignee is None and repo.is_candidate(
        conn, row.task_id, actor.user_id, sorted(actor.groups)
    ):
        return
    raise Forbidden(f"work item {row.task_id} is held by someone else")


def _check_user(value: str | None, field: str) -> None:
    if value is not None and (not isinstance(value, str) or not value.strip()):
        raise Invalid(f"{field} must be a non-empty user id", {"field": field})


def _claimed(conn: Any, task_id: int) -> bool:
    row = repo.get_task(conn, task_id)
    return row is not None and row.claimed_at is not None


def reassign(
    svc: Services,
    actor: Actor,
    instance_id: int,
    task_id: int,
    target: str | None,
    source: str | None = None,
    description: str | None = None,
    *,
    perform: bool = False,
    variables: Mapping[str, Any] | None = None,
) -> WorkItemView:
    """Make `target` the participant (None: nobody); `perform` also starts performing.

    Already done (the participant is `target`, and performing when asked): 200 with no
    change, whatever `source` says. Otherwise `source`, when given, must be the current
    participant."""
    _check_user(target, "Target")
    _check_user(source, "Source")
    if perform and target is None:
        raise Invalid("reassign-and-perform needs a Target to perform it", {"field": "Target"})
    values = dict(variables or {})

    def decide(conn: Any, row: Any) -> list[cmd.Command]:
        held = row.task_ended_at is None and row.task_assignee == target
        if held and (not perform or _claimed(conn, task_id)):
            return []
        _refuse_ended(conn, row, "reassigned")
        _may_act(conn, actor, row)
        if source is not None and row.task_assignee != source:
            raise Invalid(
                f"work item {task_id} is held by {row.task_assignee or 'nobody'}, not {source}",
                {"field": "Source"},
            )
        commands: list[cmd.Command] = []
        if values:
            # the same field rights as a completion: no writing what one may only read
            forms.check_completion(conn, actor, row, values, completing=False)
            commands.append(cmd.SetVariables(values))
        if target is None:  # to nobody: no longer performed either
            commands.append(cmd.UnclaimTask(str(task_id), actor.user_id))
        elif row.task_assignee != target:
            commands.append(cmd.AssignTask(str(task_id), target, actor.user_id))
        if perform and target is not None and not _claimed(conn, task_id):
            commands.append(cmd.ClaimTask(str(task_id), target))
        return commands

    return _act(
        svc,
        actor,
        instance_id,
        task_id,
        "reassign-and-perform" if perform else "reassign",
        decide,
        details={"from": source, "to": target, "variables": sorted(values)},
        description=description,
    )


def free(
    svc: Services, actor: Actor, instance_id: int, task_id: int, description: str | None = None
) -> WorkItemView:
    """Give a work item back: it stops being performed and returns to its candidates."""

    def decide(conn: Any, row: Any) -> list[cmd.Command]:
        if row.task_ended_at is None and not _claimed(conn, task_id):
            return []
        _refuse_ended(conn, row, "given back")
        if not (actor.admin or row.task_assignee == actor.user_id):
            raise Forbidden(f"only {row.task_assignee}, who performs it, may give it back")
        return [cmd.UnclaimTask(str(task_id), actor.user_id)]

    return _act(svc, actor, instance_id, task_id, "free", decide, description=description)


def complete(
    svc: Services,
    actor: Actor,
    instance_id: int,
    task_id: int,
    variables: Mapping[str, Any] | None = None,
    description: str | None = None,
) -> WorkItemView:
    """Complete (services.tasks.complete, with its rules); completed already: no change."""
    with svc.db.read() as conn:
        row = _visible(conn, actor, instance_id, task_id)
        if row.ended_at is not None:
            if row.end_reason == "completed":
                return _view(conn, task_id)
            raise Invalid(
                f"work item {task_id} has already ended ({row.end_reason}); it cannot be completed",
                {"reason": "ended"},
            )
    try:
        done = tasks.complete(
            svc, actor, task_id, dict(variables or {}), description=description
        ).task
    except Conflict:
        with svc.db.read() as conn:
            row = repo.get_task(conn, task_id)
            if row is not None and row.end_reason == "completed":
                return _view(conn, task_id)  # a twin request completed it just now
        raise
    with svc.db.read() as conn:
        return _wrap(conn, done)


def set_deadline(
    svc: Services,
    actor: Actor,
    instance_id: int,
    task_id: int,
    due: datetime,
    description: str | None = None,
) -> WorkItemView:
    """Move the due date of the timers attached to the work item's node."""
    if due.tzinfo is None:
        raise Invalid("Deadline needs a time zone offset", {"field": "Deadline"})

    def after(conn: Any, row: Any) -> bool:
        _refuse_ended(conn, row, "given a new deadline")
        _may_act(conn, actor, row)
        model = Session(svc, conn).model(row.definition_id, row.process_key)
        node = model.nodes[row.task_node_id]
        timers = [
            b
            for b in node.boundaries
            if model.nodes[b].event is not None and model.nodes[b].event.kind == "timer"  # type: ignore[union-attr]
        ]
        if not timers:
            raise Invalid(
                f"'{row.task_node_id}' has no timer whose deadline could be set",
                {"field": "Deadline"},
            )
        return cases_store.set_timer_due(conn, instance_id, timers, due) > 0

    return _act(
        svc,
        actor,
        instance_id,
        task_id,
        "set-deadline",
        lambda conn, row: [],
        details={"due": due.isoformat()},
        description=description,
        after=after,
    )


def allocate(
    svc: Services,
    actor: Actor,
    participant: str,
    where: Expression | None,
    sort: Sequence[SortKey],
    fetch_count: int | None,
    description: str | None = None,
) -> list[WorkItemView]:
    """Allocate ready work items matching `where` to `participant`, who starts performing
    them; at most `fetch_count` (None: all, up to MAX_PAGE). Users allocate to themselves
    only, among the items they may act on; admins to anyone."""
    _check_user(participant, "Participant")
    if not actor.admin and participant != actor.user_id:
        raise Forbidden("only administrators may allocate work items to someone else")
    ready = Comparison("state", "=", "ready")
    condition = ready if where is None else Junction("and", (ready, where))
    visible = None if actor.admin else (actor.user_id, sorted(actor.groups))
    with svc.db.read() as conn:
        # one call allocates at most MAX_PAGE items, each in its own transaction
        rows, _ = task_search.search_tasks(conn, condition, sort, 0, MAX_PAGE, visible)
    allocated: list[WorkItemView] = []
    for row in rows:
        if fetch_count is not None and len(allocated) >= fetch_count:
            break
        if not actor.admin and row.assignee not in (None, actor.user_id):
            continue
        try:
            allocated.append(
                reassign(
                    svc,
                    actor,
                    row.instance_id,
                    row.id,
                    participant,
                    description=description,
                    perform=True,
                )
            )
        except (Conflict, Invalid, Forbidden, NotFound):
            continue  # ended, suspended, taken or deleted since it was listed
    return allocated


def process_definition(svc: Services, actor: Actor, definition_id: int) -> ProcessDefinitionInfo:
    with svc.db.read() as conn:
        row = repo.get_definition(conn, definition_id)
        if row is None:
            raise NotFound(f"process definition {definition_id} does not exist")
        deployment = repo.get_deployment(conn, row.deployment_id)
    return ProcessDefinitionInfo(
        row.id,
        row.key,
        row.version,
        row.name,
        bool(row.suspended),
        row.created_at,
        deployment.deployed_by if deployment is not None else None,
    )


# -- lists ------------------------------------------------------------------------------------


def _check_paging(offset: int, limit: int) -> None:
    if offset < 0:
        raise Invalid("offset must be 0 or more", {"field": "offset"})
    if not 1 <= limit <= MAX_PAGE:
        raise Invalid(f"maxcount must be between 1 and {MAX_PAGE}", {"field": "maxcount"})


def activity_instances(
    svc: Services,
    actor: Actor,
    where: Expression | None = None,
    sort: Sequence[SortKey] = (),
    offset: int = 0,
    limit: int = 100,
) -> Page[ActivityInstanceView]:
    """Activity instances of the cases the caller may see (all for admins)."""
    _check_paging(offset, limit)
    with svc.db.read() as conn:
        rows, total = task_search.search_activities(
            conn, where, sort, offset, limit, None if actor.admin else actor.user_id
        )
    items = [
        ActivityInstanceView(
            r.id,
            r.instance_id,
            r.definition_id,
            r.node_id,
            r.kind,
            r.name,
            r.started_at,
            r.ended_at,
            bool(r.canceled),
            r.due_at,
        )
        for r in rows
    ]
    return Page(items, total, offset, limit)


def work_definitions(
    svc: Services,
    actor: Actor,
    where: Expression | None = None,
    sort: Sequence[SortKey] = (),
    offset: int = 0,
    limit: int = 100,
) -> Page[WorkDefinitionView]:
    """The user tasks of every deployed definition (every version)."""
    _check_paging(offset, limit)
    found: list[WorkDefinitionView] = []
    with svc.db.read() as conn:
        definitions, _ = repo.list_definitions(conn, None, False, 0, 1_000_000)
        session = Session(svc, conn)
        for definition in definitions:
            model = session.model(definition.id, definition.key)
            for node in model.nodes.values():
                if node.kind == "userTask":
                    found.append(
                        WorkDefinitionView(
                            definition.id, definition.key, node.id, node.name, node.kind
                        )
                    )
    if where is not None:
        found = [w for w in found if matches(where, _record(w))]
    for key in reversed(sort):
        found.sort(key=_sort_key(key.field), reverse=key.descending)
    return Page(found[offset : offset + limit], len(found), offset, limit)


def _record(item: WorkDefinitionView) -> dict[str, Any]:
    return {
        "definition_id": item.definition_id,
        "process_key": item.process_key,
        "node_id": item.node_id,
        "name": item.name,
        "kind": item.kind,
    }


def _sort_key(field: str) -> Callable[[WorkDefinitionView], tuple[bool, Any]]:
    def key(item: WorkDefinitionView) -> tuple[bool, Any]:
        value = _record(item).get(field)
        return (value is not None, value if value is not None else 0)

    return key
