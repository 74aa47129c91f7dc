"""Tasks and activity instances searched by a bound filter tree (services.query_filter).

Each neutral field maps to one whitelisted column expression; every value reaches SQL
as a bound parameter, so nothing a client writes in a filter becomes SQL text.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from sqlalchemy import (
    ColumnElement,
    Connection,
    Row,
    and_,
    case,
    exists,
    func,
    literal,
    or_,
    select,
)

from lanes.store import tables as t

__all__ = [
    "ACTIVITY_FIELDS",
    "TASK_FIELDS",
    "search_activities",
    "search_tasks",
]


class Comparison(Protocol):
    """A leaf of services.query_filter's bound tree (the store cannot import services)."""

    @property
    def field(self) -> str: ...
    @property
    def op(self) -> str: ...
    @property
    def value(self) -> Any: ...


class SortKey(Protocol):
    @property
    def field(self) -> str: ...
    @property
    def descending(self) -> bool: ...


Expression = Any  # a Comparison, or a junction with `op` ("and" | "or") and `parts`

_task = t.task
_activity = t.activity
_instance = t.instance

_TASK_STATE = case(
    (and_(_task.c.ended_at.is_(None), _task.c.claimed_at.is_(None)), literal("ready")),
    (_task.c.ended_at.is_(None), literal("performing")),
    (_task.c.end_reason == "completed", literal("completed")),
    else_=literal("cancelled"),
)

TASK_FIELDS: Mapping[str, ColumnElement[Any]] = {
    "id": _task.c.id,
    "instance_id": _task.c.instance_id,
    "definition_id": _task.c.definition_id,
    "process_key": _task.c.process_key,
    "business_key": _task.c.business_key,
    "node_id": _task.c.node_id,
    "name": _task.c.name,
    "assignee": _task.c.assignee,
    "priority": _task.c.priority,
    "due_at": _task.c.due_at,
    "created_at": _task.c.created_at,
    "claimed_at": _task.c.claimed_at,
    "ended_at": _task.c.ended_at,
    "state": _TASK_STATE,
}

# a user task's activity instance answers with its task's id, which it shares in the
# work-item dialect: the task was created by the same event that entered the activity
_activity_task = _task.alias("activity_task")
_ACTIVITY_JOIN = _activity.outerjoin(
    _activity_task,
    and_(
        _activity_task.c.instance_id == _activity.c.instance_id,
        _activity_task.c.execution_id == _activity.c.execution_id,
        _activity_task.c.node_id == _activity.c.node_id,
        _activity_task.c.created_at == _activity.c.started_at,
    ),
).join(_instance, _instance.c.id == _activity.c.instance_id)

ACTIVITY_FIELDS: Mapping[str, ColumnElement[Any]] = {
    "id": func.coalesce(_activity_task.c.id, _activity.c.id),
    "instance_id": _activity.c.instance_id,
    "definition_id": _instance.c.definition_id,
    "node_id": _activity.c.node_id,
    "kind": _activity.c.kind,
    "name": _activity.c.name,
    "started_at": _activity.c.started_at,
    "ended_at": _activity.c.ended_at,
    "due_at": _activity_task.c.due_at,
    "state": case((_activity.c.ended_at.is_(None), literal("running")), else_=literal("ended")),
}


def _condition(tree: Expression, fields: Mapping[str, ColumnElement[Any]]) -> Any:
    if hasattr(tree, "parts"):
        parts = [_condition(part, fields) for part in tree.parts]
        return and_(*parts) if tree.op == "and" else or_(*parts)
    return _compare(tree, fields[tree.field])


def _compare(node: Comparison, column: ColumnElement[Any]) -> Any:
    value = node.value
    if value is None:  # an empty value in the filter: unset
        if node.op == "=":
            return column.is_(None)
        if node.op == "<>":
            return column.is_not(None)
        return literal(False).is_(True)
    if node.op == "=":
        return column == value
    if node.op == "<>":
        return or_(column != value, column.is_(None))
    if node.op == "<":
        return column < value
    if node.op == ">":
        return column > value
    if node.op == "<=":
        return column <= value
    return column >= value


def _order(
    sort: Sequence[SortKey], fields: Mapping[str, ColumnElement[Any]], tiebreak: Any
) -> list[Any]:
    order = [fields[k.field].desc() if k.descending else fields[k.field].asc() for k in sort]
    return [*order, tiebreak.asc()]


def search_tasks(
    conn: Connection,
    where: Expression | None,
    sort: Sequence[SortKey],
    offset: int,
    limit: int | None,
    visible_to: tuple[str, Sequence[str]] | None = None,
    for_update: bool = False,
) -> tuple[list[Row[Any]], int]:
    """Task rows matching `where` (neutral fields of TASK_FIELDS) and their total.

    `visible_to` (user, groups) keeps the tasks that user is assignee, owner, finisher or
    candidate of; None: all (admins). `limit` None: every match."""
    query = select(_task)
    if where is not None:
        query = query.where(_condition(where, TASK_FIELDS))
    if visible_to is not None:
        user, groups = visible_to
        offered = [and_(t.task_candidate.c.kind == "user", t.task_candidate.c.name == user)]
        if groups:
            offered.append(
                and_(t.task_candidate.c.kind == "group", t.task_candidate.c.name.in_(list(groups)))
            )
        candidate = exists().where(and_(t.task_candidate.c.task_id == _task.c.id, or_(*offered)))
        query = query.where(
            or_(
                _task.c.assignee == user,
                _task.c.owner == user,
                _task.c.ended_by == user,
                candidate,
            )
        )
    total = conn.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    paged = query.order_by(*_order(sort, TASK_FIELDS, _task.c.id)).offset(offset)
    if limit is not None:
        paged = paged.limit(limit)
    return list(conn.execute(paged).all()), int(total)


def search_activities(
    conn: Connection,
    where: Expression | None,
    sort: Sequence[SortKey],
    offset: int,
    limit: int,
    visible_to: str | None = None,
) -> tuple[list[Row[Any]], int]:
    """Activity instances with their instance's definition and their task's id and due date.

    `visible_to` keeps the instances that user started or worked on; None: all."""
    query = select(
        ACTIVITY_FIELDS["id"].label("id"),
        _activity.c.instance_id,
        _instance.c.definition_id,
        _activity.c.node_id,
        _activity.c.kind,
        _activity.c.name,
        _activity.c.started_at,
        _activity.c.ended_at,
        _activity.c.canceled,
        _activity_task.c.due_at,
    ).select_from(_ACTIVITY_JOIN)
    if where is not None:
        query = query.where(_condition(where, ACTIVITY_FIELDS))
    if visible_to is not None:
        worked = (
            select(_task.c.instance_id)
            .where(
                or_(
                    _task.c.assignee == visible_to,
                    _task.c.owner == visible_to,
                    _task.c.ended_by == visible_to,
                )
            )
            .scalar_subquery()
        )
        query = query.where(
            or_(_instance.c.started_by == visible_to, _activity.c.instance_id.in_(worked))
        )
    total = conn.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    rows = conn.execute(
        query.order_by(*_order(sort, ACTIVITY_FIELDS, _activity.c.id)).offset(offset).limit(limit)
    ).all()
    return list(rows), int(total)  # type: ignore[arg-type]
