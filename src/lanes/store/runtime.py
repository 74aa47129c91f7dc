"""Rows of definitions, instances and tasks: the reads and writes the services need.

Every function takes the `Connection` of the caller's transaction; none commits.
Imports SQLAlchemy, the tables and nothing above the store.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Connection,
    Row,
    and_,
    bindparam,
    delete,
    func,
    insert,
    or_,
    select,
    union_all,
    update,
)

from lanes.store import tables as t
from lanes.store.prepared import Prepared

# -- deployments and definitions ----------------------------------------------------------


def insert_deployment(conn: Connection, row: dict[str, Any]) -> None:
    conn.execute(insert(t.deployment), row)


def insert_definition(conn: Connection, row: dict[str, Any]) -> None:
    conn.execute(insert(t.definition), row)


_LATEST_DEFINITION = Prepared(
    select(t.definition)
    .where(t.definition.c.key == bindparam("b_key"))
    .order_by(t.definition.c.version.desc())
    .limit(1)
)
_INSERT_INSTANCE = Prepared(insert(t.instance))
_INSERT_OPERATION = Prepared(insert(t.operation_log))


def latest_definition(conn: Connection, key: str) -> Any:
    return _LATEST_DEFINITION.first(conn, {"b_key": key})


def get_definition(conn: Connection, definition_id: int) -> Row[Any] | None:
    return conn.execute(select(t.definition).where(t.definition.c.id == definition_id)).first()


def definition_suspended(conn: Connection, definition_id: int) -> bool:
    suspended = conn.execute(
        select(t.definition.c.suspended).where(t.definition.c.id == definition_id)
    ).scalar()
    return bool(suspended)


def definition_resource(conn: Connection, definition_id: int) -> bytes:
    resource: bytes = conn.execute(
        select(t.definition.c.resource).where(t.definition.c.id == definition_id)
    ).scalar_one()
    return resource


def list_definitions(
    conn: Connection, key: str | None, latest_only: bool, offset: int, limit: int
) -> tuple[list[Row[Any]], int]:
    query = select(t.definition)
    if key is not None:
        query = query.where(t.definition.c.key == key)
    if latest_only:
        newest = (
            select(t.definition.c.key, func.max(t.definition.c.version).label("v"))
            .group_by(t.definition.c.key)
            .subquery()
        )
        query = query.join(
            newest, and_(newest.c.key == t.definition.c.key, newest.c.v == t.definition.c.version)
        )
    total = conn.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    rows = conn.execute(
        query.order_by(t.definition.c.key, t.definition.c.version).offset(offset).limit(limit)
    ).all()
    return list(rows), int(total)


def set_definition_suspended(conn: Connection, definition_id: int, suspended: bool) -> None:
    conn.execute(
        update(t.definition).where(t.definition.c.id == definition_id), {"suspended": suspended}
    )


def deployment_definitions(conn: Connection, deployment_id: int) -> list[Row[Any]]:
    return list(
        conn.execute(
            select(t.definition).where(t.definition.c.deployment_id == deployment_id)
        ).all()
    )


def get_deployment(conn: Connection, deployment_id: int) -> Row[Any] | None:
    return conn.execute(select(t.deployment).where(t.deployment.c.id == deployment_id)).first()


def delete_deployment(conn: Connection, deployment_id: int) -> None:
    ids = select(t.definition.c.id).where(t.definition.c.deployment_id == deployment_id)
    instance_ids = select(t.instance.c.id).where(t.instance.c.definition_id.in_(ids))
    for table in (t.task_candidate,):
        conn.execute(
            delete(table).where(
                table.c.task_id.in_(
                    select(t.task.c.id).where(t.task.c.instance_id.in_(instance_ids))
                )
            )
        )
    for table in (
        t.task,
        t.activity,
        t.job,
        t.subscription,
        t.external_task,
        t.incident,
        t.comment,
    ):
        conn.execute(delete(table).where(table.c.instance_id.in_(instance_ids)))
    conn.execute(delete(t.job).where(t.job.c.definition_id.in_(ids)))
    conn.execute(delete(t.instance).where(t.instance.c.definition_id.in_(ids)))
    conn.execute(delete(t.definition).where(t.definition.c.deployment_id == deployment_id))
    conn.execute(delete(t.deployment).where(t.deployment.c.id == deployment_id))


def running_instance_count(conn: Connection, definition_ids: Sequence[int]) -> int:
    return int(
        conn.execute(
            select(func.count())
            .select_from(t.instance)
            .where(
                and_(
                    t.instance.c.definition_id.in_(definition_ids), t.instance.c.status == "active"
                )
            )
        ).scalar_one()
    )


# -- instances --------------------------------------------------------------------------


def insert_instance(conn: Connection, row: dict[str, Any]) -> None:
    _INSERT_INSTANCE.execute(conn, row)


def lock_instance(conn: Connection, instance_id: int, for_update: bool) -> Any:
    return _INSTANCE[for_update].first(conn, {"b_id": instance_id})


def _instance_of_task_query(for_update: bool) -> Any:
    query = (
        select(
            t.instance,
            t.task.c.id.label("task_id"),
            t.task.c.ended_at.label("task_ended_at"),
            t.task.c.ended_by.label("task_ended_by"),
            t.task.c.end_reason.label("task_end_reason"),
            t.task.c.assignee.label("task_assignee"),
            t.task.c.owner.label("task_owner"),
            t.task.c.delegation.label("task_delegation"),
            t.task.c.node_id.label("task_node_id"),
            t.task.c.form_key.label("task_form_key"),
            t.definition.c.suspended.label("definition_suspended"),
        )
        .join(t.task, t.task.c.instance_id == t.instance.c.id)
        .join(t.definition, t.definition.c.id == t.instance.c.definition_id)
        .where(t.task.c.id == bindparam("b_task"))
    )
    if for_update:
        # the task row too: a waiter re-reads both once the winner commits, so its checks
        # never run on a task as it was before (assignee, ended) under READ COMMITTED
        query = query.with_for_update(of=[t.instance, t.task])
    return query


_INSTANCE_OF_TASK = {flag: Prepared(_instance_of_task_query(flag)) for flag in (False, True)}
_INSTANCE = {
    False: Prepared(select(t.instance).where(t.instance.c.id == bindparam("b_id"))),
    True: Prepared(
        select(t.instance).where(t.instance.c.id == bindparam("b_id")).with_for_update()
    ),
}
_SAVES: dict[frozenset[str], Prepared] = {}


def lock_instance_of_task(conn: Connection, task_id: int, for_update: bool) -> Any:
    """The instance row of a task, locked, with the task's own columns under `task_*`."""
    return _INSTANCE_OF_TASK[for_update].first(conn, {"b_task": task_id})


def save_instance(conn: Connection, instance_id: int, version: int, values: dict[str, Any]) -> bool:
    """Write the new state if nobody else did since `version` was read."""
    keys = frozenset(values)
    statement = _SAVES.get(keys)
    if statement is None:
        statement = _SAVES[keys] = Prepared(
            update(t.instance)
            .where(
                and_(
                    t.instance.c.id == bindparam("b_id"),
                    t.instance.c.version == bindparam("b_version"),
                )
            )
            .values(
                version=bindparam("b_new_version"),
                **{key: bindparam(f"b_{key}") for key in sorted(keys)},
            )
        )
    params = {f"b_{key}": value for key, value in values.items()}
    params.update(b_id=instance_id, b_version=version, b_new_version=version + 1)
    return statement.execute(conn, params) == 1


def set_instance_suspended(conn: Connection, instance_ids: Sequence[int], suspended: bool) -> None:
    conn.execute(
        update(t.instance).where(t.instance.c.id.in_(instance_ids)), {"suspended": suspended}
    )


def instances_of_definition(conn: Connection, definition_id: int) -> list[int]:
    return list(
        conn.execute(
            select(t.instance.c.id).where(
                and_(t.instance.c.definition_id == definition_id, t.instance.c.status == "active")
            )
        ).scalars()
    )


def get_instance(conn: Connection, instance_id: int) -> Any:
    return _INSTANCE[False].first(conn, {"b_id": instance_id})


def took_part(conn: Connection, instance_id: int, user_id: str) -> bool:
    """Whether user_id was ever assignee, owner or finisher of a task of the instance, or
    was copied on it (CC)."""
    copied = conn.execute(
        select(t.comment.c.id)
        .where(
            and_(
                t.comment.c.instance_id == instance_id,
                t.comment.c.kind == "cc",
                t.comment.c.user_id == user_id,
            )
        )
        .limit(1)
    ).first()
    if copied is not None:
        return True
    found = conn.execute(
        select(t.task.c.id)
        .where(
            and_(
                t.task.c.instance_id == instance_id,
                or_(
                    t.task.c.assignee == user_id,
                    t.task.c.owner == user_id,
                    t.task.c.ended_by == user_id,
                ),
            )
        )
        .limit(1)
    ).first()
    return found is not None


def list_instances(
    conn: Connection, filters: dict[str, Any], visible_to: str | None, offset: int, limit: int
) -> tuple[list[Row[Any]], int]:
    query = select(t.instance)
    for column in ("process_key", "business_key", "status", "started_by", "definition_id"):
        if filters.get(column) is not None:
            query = query.where(t.instance.c[column] == filters[column])
    if visible_to is not None:
        involved = select(t.task.c.instance_id).where(
            or_(
                t.task.c.assignee == visible_to,
                t.task.c.owner == visible_to,
                t.task.c.ended_by == visible_to,
            )
        )
        copied = select(t.comment.c.instance_id).where(
            and_(t.comment.c.kind == "cc", t.comment.c.user_id == visible_to)
        )
        query = query.where(
            or_(
                t.instance.c.started_by == visible_to,
                t.instance.c.id.in_(involved),
                t.instance.c.id.in_(copied),
            )
        )
    total = conn.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    rows = conn.execute(
        query.order_by(t.instance.c.started_at.desc(), t.instance.c.id.desc())
        .offset(offset)
        .limit(limit)
    ).all()
    return list(rows), int(total)


# -- tasks -----------------------------------------------------------------------------------


_TASK = Prepared(select(t.task).where(t.task.c.id == bindparam("b_id")))
_CANDIDATES = select(
    t.task_candidate.c.task_id, t.task_candidate.c.kind, t.task_candidate.c.name
).where(t.task_candidate.c.task_id.in_(bindparam("b_ids", expanding=True)))
_CANDIDATES_OF_ONE = Prepared(
    select(t.task_candidate.c.task_id, t.task_candidate.c.kind, t.task_candidate.c.name).where(
        t.task_candidate.c.task_id == bindparam("b_id")
    )
)
# A command touches a few tasks: they are read by ids in slots of a fixed number, so the
# statement stays prepared (unused slots hold 0, which no row has: ids start at 1)
_SLOTS = 4
_SLOT_BINDS: list[Any] = [bindparam(f"b_{i}") for i in range(_SLOTS)]
# the tasks and their candidates in one statement: a row per candidate (or one with no
# candidate), in the order the candidates' key gives
_TASKS_WITH_CANDIDATES_IN_SLOTS = Prepared(
    select(
        t.task,
        t.task_candidate.c.kind.label("candidate_kind"),
        t.task_candidate.c.name.label("candidate_name"),
    )
    .select_from(t.task.outerjoin(t.task_candidate, t.task_candidate.c.task_id == t.task.c.id))
    .where(t.task.c.id.in_(_SLOT_BINDS))
    .order_by(t.task.c.created_at, t.task.c.id, t.task_candidate.c.kind, t.task_candidate.c.name)
)
_CANDIDATES_IN_SLOTS = Prepared(
    select(t.task_candidate.c.task_id, t.task_candidate.c.kind, t.task_candidate.c.name).where(
        t.task_candidate.c.task_id.in_(_SLOT_BINDS)
    )
)
_INSTANCE_TASKS = {
    open_only: Prepared(
        select(t.task)
        .where(
            and_(t.task.c.instance_id == bindparam("b_instance"), t.task.c.ended_at.is_(None))
            if open_only
            else t.task.c.instance_id == bindparam("b_instance")
        )
        .order_by(t.task.c.created_at, t.task.c.id)
    )
    for open_only in (False, True)
}


def get_task(conn: Connection, task_id: int) -> Any:
    return _TASK.first(conn, {"b_id": task_id})


def tasks_with_candidates(
    conn: Connection, task_ids: Sequence[int]
) -> list[tuple[Any, list[str], list[str]]]:
    """The tasks with these ids, oldest first, each with its candidate users and groups,
    read in one statement per four tasks."""
    found: dict[int, tuple[Any, list[str], list[str]]] = {}
    for chunk in _slotted(task_ids):
        for row in _TASKS_WITH_CANDIDATES_IN_SLOTS.all(conn, chunk):
            entry = found.get(row.id)
            if entry is None:
                entry = found[row.id] = (row, [], [])
            if row.candidate_kind is not None:
                entry[1 if row.candidate_kind == "user" else 2].append(row.candidate_name)
    tasks = list(found.values())
    if len(task_ids) > _SLOTS:
        tasks.sort(key=lambda entry: (entry[0].created_at, entry[0].id))
    return tasks


def _slotted(ids: Sequence[int]) -> Iterator[dict[str, int]]:
    for start in range(0, len(ids), _SLOTS):
        chunk = list(ids[start : start + _SLOTS])
        chunk += [0] * (_SLOTS - len(chunk))
        yield {f"b_{i}": value for i, value in enumerate(chunk)}


def task_candidates(
    conn: Connection, task_ids: Sequence[int]
) -> dict[int, tuple[list[str], list[str]]]:
    found: dict[int, tuple[list[str], list[str]]] = {i: ([], []) for i in task_ids}
    if not task_ids:
        return found
    rows: Any
    if len(task_ids) == 1:  # the common case, prepared
        rows = _CANDIDATES_OF_ONE.all(conn, {"b_id": task_ids[0]})
    elif len(task_ids) <= _SLOTS:
        rows = _CANDIDATES_IN_SLOTS.all(conn, next(_slotted(task_ids)))
    else:
        rows = conn.execute(_CANDIDATES, {"b_ids": list(task_ids)}).all()
    for task_id, kind, name in rows:
        found[task_id][0 if kind == "user" else 1].append(name)
    return found


def is_candidate(conn: Connection, task_id: int, user_id: str, groups: Sequence[str]) -> bool:
    conditions = [and_(t.task_candidate.c.kind == "user", t.task_candidate.c.name == user_id)]
    if groups:
        conditions.append(
            and_(t.task_candidate.c.kind == "group", t.task_candidate.c.name.in_(list(groups)))
        )
    return (
        conn.execute(
            select(t.task_candidate.c.task_id)
            .where(and_(t.task_candidate.c.task_id == task_id, or_(*conditions)))
            .limit(1)
        ).first()
        is not None
    )


TASK_SORTS = {
    "created": t.task.c.created_at,
    "priority": t.task.c.priority,
    "due": t.task.c.due_at,
    "name": t.task.c.name,
    "ended": t.task.c.ended_at,
}


def todo_tasks(
    conn: Connection,
    user_id: str | None,
    groups: Sequence[str],
    filters: dict[str, Any],
    sort: str,
    descending: bool,
    offset: int,
    limit: int,
) -> tuple[list[Row[Any]], int]:
    """Open tasks the user may work: assigned to them, or unassigned with them as candidate
    directly or through a group. user_id None: every open task (admins).

    The two kinds are queried apart and put together with UNION ALL (they cannot overlap:
    one has the user as assignee, the other none), so each side uses its own index —
    the open-assignee index, and the candidate lookup index — instead of a scan of every
    open task for an OR."""
    open_tasks = select(t.task).where(t.task.c.ended_at.is_(None))
    if user_id is None:
        return _page(conn, _task_filters(open_tasks, filters), sort, descending, offset, limit)
    candidate = [and_(t.task_candidate.c.kind == "user", t.task_candidate.c.name == user_id)]
    if groups:
        candidate.append(
            and_(t.task_candidate.c.kind == "group", t.task_candidate.c.name.in_(list(groups)))
        )
    if sort == "created" and all(value in (None, "") for value in filters.values()):
        return _todo_by_creation(conn, user_id, candidate, descending, offset, limit)
    offered_ids = (
        select(t.task_candidate.c.task_id)
        .where(and_(t.task_candidate.c.offered, or_(*candidate)))
        .distinct()
    )
    assigned = _task_filters(open_tasks.where(t.task.c.assignee == user_id), filters)
    offered = _task_filters(
        open_tasks.where(and_(t.task.c.assignee.is_(None), t.task.c.id.in_(offered_ids))),
        filters,
    )
    both = union_all(assigned, offered).subquery("todo")
    column = both.c[TASK_SORTS.get(sort, t.task.c.created_at).name]
    order = [column.desc(), both.c.id.desc()] if descending else [column.asc(), both.c.id.asc()]
    return _counted_page(conn, both, list(both.c), order, offset, limit)


def _todo_by_creation(
    conn: Connection,
    user_id: str,
    candidate: list[Any],
    descending: bool,
    offset: int,
    limit: int,
) -> tuple[list[Row[Any]], int]:
    """The plain to-do list, newest or oldest first: counted and paged in one query on
    two indexes alone (open tasks by assignee; candidate rows by name with `offered` and
    the creation time), then only the page's task rows are read."""
    assigned = select(t.task.c.id, t.task.c.created_at).where(
        and_(t.task.c.assignee == user_id, t.task.c.ended_at.is_(None))
    )
    offered = (
        select(t.task_candidate.c.task_id, t.task_candidate.c.created_at)
        .where(and_(t.task_candidate.c.offered, or_(*candidate)))
        .distinct()
    )
    if conn.dialect.name == "postgresql":
        # a few thousand index entries: starting parallel workers costs PostgreSQL more
        # than the query itself (p50 4 ms without, 10-20 ms with, at 1M open tasks)
        conn.exec_driver_sql("SET LOCAL max_parallel_workers_per_gather = 0")
    both = union_all(assigned, offered).subquery("todo")
    id_column, created = both.c[0], both.c[1]
    order = [created.desc(), id_column.desc()] if descending else [created, id_column]
    page, total = _counted_page(conn, both, [id_column], order, offset, limit)
    if not page:
        return [], total
    ids = [row[0] for row in page]
    rows = {row.id: row for row in conn.execute(select(t.task).where(t.task.c.id.in_(ids)))}
    return [rows[i] for i in ids if i in rows], total


def _counted_page(
    conn: Connection,
    both: Any,
    columns: list[Any],
    order: list[Any],
    offset: int,
    limit: int,
) -> tuple[list[Row[Any]], int]:
    """A page of the to-do union and the size of the whole, in one query: the union is
    sorted whole for the page anyway (`count(*) OVER ()`). Past the end (or for an empty
    list) no row carries the count, so it is asked for alone."""
    page: list[Row[Any]] = [
        *conn.execute(
            select(*columns, func.count().over().label("todo_total"))
            .order_by(*order)
            .offset(offset)
            .limit(limit)
        )
    ]
    if not page:
        return [], int(conn.execute(select(func.count()).select_from(both)).scalar_one())
    return page, int(page[0].todo_total)


def done_tasks(
    conn: Connection,
    user_id: str | None,
    filters: dict[str, Any],
    sort: str,
    descending: bool,
    offset: int,
    limit: int,
) -> tuple[list[Row[Any]], int]:
    query = select(t.task).where(
        and_(t.task.c.ended_at.is_not(None), t.task.c.end_reason == "completed")
    )
    if user_id is not None:
        query = query.where(t.task.c.ended_by == user_id)
    query = _task_filters(query, filters)
    return _page(conn, query, sort, descending, offset, limit)


def instance_tasks(conn: Connection, instance_id: int, open_only: bool) -> list[Any]:
    return _INSTANCE_TASKS[open_only].all(conn, {"b_instance": instance_id})


def _task_filters(query: Any, filters: dict[str, Any]) -> Any:
    for column in ("process_key", "instance_id", "business_key", "node_id", "definition_id"):
        if filters.get(column) is not None:
            query = query.where(t.task.c[column] == filters[column])
    if filters.get("name"):
        query = query.where(t.task.c.name.like(f"%{_escape_like(filters['name'])}%", escape="\\"))
    if filters.get("created_after") is not None:
        query = query.where(t.task.c.created_at >= filters["created_after"])
    if filters.get("created_before") is not None:
        query = query.where(t.task.c.created_at < filters["created_before"])
    return query


def _page(
    conn: Connection, query: Any, sort: str, descending: bool, offset: int, limit: int
) -> tuple[list[Row[Any]], int]:
    column = TASK_SORTS.get(sort, t.task.c.created_at)
    order = [column.desc(), t.task.c.id.desc()] if descending else [column.asc(), t.task.c.id.asc()]
    total = conn.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    rows = conn.execute(query.order_by(*order).offset(offset).limit(limit)).all()
    return list(rows), int(total)


def _escape_like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


# -- history, comments, the operation log -----------------------------------------------------


def instance_activities(conn: Connection, instance_id: int) -> list[Row[Any]]:
    return list(
        conn.execute(
            select(t.activity)
            .where(t.activity.c.instance_id == instance_id)
            .order_by(t.activity.c.started_at, t.activity.c.id)
        ).all()
    )


def insert_comment(conn: Connection, row: dict[str, Any]) -> None:
    conn.execute(insert(t.comment), row)


def comments(
    conn: Connection, *, task_id: int | None = None, instance_id: int | None = None
) -> list[Row[Any]]:
    query = select(t.comment)
    if task_id is not None:
        query = query.where(t.comment.c.task_id == task_id)
    if instance_id is not None:
        query = query.where(t.comment.c.instance_id == instance_id)
    return list(conn.execute(query.order_by(t.comment.c.created_at, t.comment.c.id)).all())


def log_operation(conn: Connection, row: dict[str, Any]) -> None:
    _INSERT_OPERATION.execute(conn, row)


def operations(conn: Connection, instance_id: int) -> list[Row[Any]]:
    return list(
        conn.execute(
            select(t.operation_log)
            .where(t.operation_log.c.instance_id == instance_id)
            .order_by(t.operation_log.c.at, t.operation_log.c.id)
        ).all()
    )


def open_incidents(conn: Connection, instance_id: int) -> list[Row[Any]]:
    return list(
        conn.execute(
            select(t.incident).where(
                and_(t.incident.c.instance_id == instance_id, t.incident.c.resolved_at.is_(None))
            )
        ).all()
    )


def subscriptions_named(
    conn: Connection, kind: str, name: str, business_key: str | None = None
) -> list[Row[Any]]:
    query = select(t.subscription).where(
        and_(t.subscription.c.kind == kind, t.subscription.c.name == name)
    )
    if business_key is not None:
        query = query.where(t.subscription.c.business_key == business_key)
    return list(conn.execute(query.order_by(t.subscription.c.instance_id)).all())


def due_jobs(conn: Connection, now: datetime, limit: int) -> list[Row[Any]]:
    return list(
        conn.execute(
            select(t.job)
            .where(
                and_(
                    t.job.c.due_at <= now,
                    t.job.c.retries > 0,
                    or_(t.job.c.lock_expires_at.is_(None), t.job.c.lock_expires_at < now),
                )
            )
            .order_by(t.job.c.due_at)
            .limit(limit)
        ).all()
    )


def child_instances(conn: Connection, parent_id: int, execution_id: str) -> list[int]:
    return list(
        conn.execute(
            select(t.instance.c.id).where(
                and_(
                    t.instance.c.parent_id == parent_id,
                    t.instance.c.parent_execution == execution_id,
                )
            )
        ).scalars()
    )


def set_task_outcome(conn: Connection, task_id: int, outcome: str) -> None:
    conn.execute(update(t.task).where(t.task.c.id == task_id), {"outcome": outcome})


def set_task_ended_by(conn: Connection, task_id: int, user_id: str) -> None:
    """Who ended a task by their own hand (return, reject, jump), where the engine's event
    named nobody."""
    conn.execute(
        update(t.task).where(
            and_(
                t.task.c.id == task_id, t.task.c.ended_by.is_(None), t.task.c.ended_at.is_not(None)
            )
        ),
        {"ended_by": user_id},
    )


def was_copied(conn: Connection, task_id: int, user_id: str) -> bool:
    """Whether user_id was copied (CC) on the task."""
    return (
        conn.execute(
            select(t.comment.c.id)
            .where(
                and_(
                    t.comment.c.task_id == task_id,
                    t.comment.c.kind == "cc",
                    t.comment.c.user_id == user_id,
                )
            )
            .limit(1)
        ).first()
        is not None
    )
