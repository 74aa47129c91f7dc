"""Rows of jobs, external tasks and incidents: acquisition with lock owners and expiry.

Acquiring work is where several server processes (and several worker clients) meet, so
every query that hands out work takes its rows with `FOR UPDATE SKIP LOCKED` on
PostgreSQL: a row one transaction is handing out is invisible to the others, and none
waits for another. SQLite has one writer at a time (the caller's transaction began
IMMEDIATE), so the same statements run there without the locking clause.

Every function takes the `Connection` of the caller's transaction; none commits.
Imports SQLAlchemy, the tables and nothing above the store.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, and_, delete, false, func, insert, or_, select, update

from lanes.store import tables as t

# -- jobs -------------------------------------------------------------------------------------


def _acquirable(now: datetime) -> Any:
    """Due, with retries left, unlocked (or its lock expired), and not suspended."""
    instance_active = select(t.instance.c.id).where(
        and_(
            t.instance.c.id == t.job.c.instance_id,
            t.instance.c.status == "active",
            t.instance.c.suspended == false(),
        )
    )
    definition_active = select(t.definition.c.id).where(
        and_(t.definition.c.id == t.job.c.definition_id, t.definition.c.suspended == false())
    )
    return and_(
        t.job.c.due_at <= now,
        t.job.c.retries > 0,
        or_(t.job.c.lock_expires_at.is_(None), t.job.c.lock_expires_at <= now),
        or_(
            and_(t.job.c.instance_id.is_not(None), instance_active.exists()),
            and_(t.job.c.kind == "start-timer", definition_active.exists()),
        ),
    )


def any_acquirable_job(conn: Connection, now: datetime) -> bool:
    """A cheap look before taking a write lock: is anything due at all?"""
    return conn.execute(select(t.job.c.id).where(_acquirable(now)).limit(1)).first() is not None


def acquire_jobs(
    conn: Connection,
    now: datetime,
    owner: str,
    lock_until: datetime,
    limit: int,
    skip_locked: bool,
) -> list[Row[Any]]:
    """Lock up to `limit` due jobs for `owner` until `lock_until`; the rows as locked."""
    query = select(t.job.c.id).where(_acquirable(now)).order_by(t.job.c.due_at, t.job.c.id)
    query = query.limit(limit)
    if skip_locked:
        query = query.with_for_update(skip_locked=True)
    ids = list(conn.execute(query).scalars())
    if not ids:
        return []
    conn.execute(
        update(t.job)
        .where(t.job.c.id.in_(ids))
        .values(lock_owner=owner, lock_expires_at=lock_until)
    )
    return list(
        conn.execute(
            select(t.job).where(t.job.c.id.in_(ids)).order_by(t.job.c.due_at, t.job.c.id)
        ).all()
    )


def get_job(conn: Connection, job_id: int, for_update: bool = False) -> Row[Any] | None:
    query = select(t.job).where(t.job.c.id == job_id)
    if for_update:
        query = query.with_for_update()
    return conn.execute(query).first()


def delete_job(conn: Connection, job_id: int) -> None:
    conn.execute(delete(t.job).where(t.job.c.id == job_id))


def release_job(conn: Connection, job_id: int) -> None:
    """Give a job back without counting a failure (its instance was suspended meanwhile)."""
    conn.execute(
        update(t.job).where(t.job.c.id == job_id).values(lock_owner=None, lock_expires_at=None)
    )


def record_job_failure(
    conn: Connection, job_id: int, retries: int, due_at: datetime, error: str
) -> None:
    conn.execute(
        update(t.job)
        .where(t.job.c.id == job_id)
        .values(retries=retries, due_at=due_at, error=error, lock_owner=None, lock_expires_at=None)
    )


def reschedule_job(conn: Connection, job_id: int, due_at: datetime, retries: int) -> None:
    """The next firing of a repeating start timer: unlocked, failures forgotten."""
    conn.execute(
        update(t.job)
        .where(t.job.c.id == job_id)
        .values(due_at=due_at, retries=retries, error=None, lock_owner=None, lock_expires_at=None)
    )


def set_job_due(conn: Connection, job_id: int, due_at: datetime) -> None:
    conn.execute(update(t.job).where(t.job.c.id == job_id).values(due_at=due_at))


def insert_job(conn: Connection, row: dict[str, Any]) -> None:
    conn.execute(insert(t.job), row)


def delete_start_timers(conn: Connection, process_key: str) -> None:
    """Drop the timer-start jobs of every version of `process_key`."""
    of_key = select(t.definition.c.id).where(t.definition.c.key == process_key)
    conn.execute(
        delete(t.job).where(and_(t.job.c.kind == "start-timer", t.job.c.definition_id.in_(of_key)))
    )


def list_jobs(
    conn: Connection, filters: dict[str, Any], offset: int, limit: int
) -> tuple[list[Row[Any]], int]:
    query = select(t.job)
    for column in ("instance_id", "definition_id", "kind"):
        if filters.get(column) is not None:
            query = query.where(t.job.c[column] == filters[column])
    if filters.get("failed"):
        query = query.where(t.job.c.error.is_not(None))
    total = conn.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    rows = conn.execute(query.order_by(t.job.c.due_at, t.job.c.id).offset(offset).limit(limit))
    return list(rows.all()), int(total)


# -- external tasks -----------------------------------------------------------------------------


def fetch_external_tasks(
    conn: Connection,
    topics: Sequence[str],
    now: datetime,
    limit: int,
    skip_locked: bool,
) -> list[Row[Any]]:
    """Open external tasks on `topics` that nobody holds, oldest first, locked for the caller.

    Skipped: tasks locked by a worker until later, tasks waiting out a retry timeout
    (`lock_expires_at` in the future without a worker), tasks out of retries (they have an
    incident), and tasks of suspended instances. Rows carry the instance's `state`.
    """
    query = (
        select(
            t.external_task,
            t.instance.c.definition_id,
            t.instance.c.process_key,
            t.instance.c.business_key,
            t.instance.c.state,
        )
        .join(t.instance, t.instance.c.id == t.external_task.c.instance_id)
        .where(
            and_(
                t.external_task.c.topic.in_(list(topics)),
                or_(
                    t.external_task.c.lock_expires_at.is_(None),
                    t.external_task.c.lock_expires_at <= now,
                ),
                or_(t.external_task.c.retries.is_(None), t.external_task.c.retries > 0),
                t.instance.c.status == "active",
                t.instance.c.suspended == false(),
            )
        )
        .order_by(t.external_task.c.created_at, t.external_task.c.id)
        .limit(limit)
    )
    if skip_locked:
        query = query.with_for_update(of=t.external_task, skip_locked=True)
    return list(conn.execute(query).all())


def lock_external_task(
    conn: Connection, external_task_id: int, worker_id: str | None, lock_until: datetime | None
) -> None:
    conn.execute(
        update(t.external_task)
        .where(t.external_task.c.id == external_task_id)
        .values(worker_id=worker_id, lock_expires_at=lock_until)
    )


def lock_instance_of_external_task(
    conn: Connection, external_task_id: int, for_update: bool
) -> Row[Any] | None:
    """The instance row of an external task, both locked, with the task's columns as `ext_*`."""
    query = (
        select(
            t.instance,
            t.external_task.c.id.label("ext_id"),
            t.external_task.c.engine_id.label("ext_engine_id"),
            t.external_task.c.topic.label("ext_topic"),
            t.external_task.c.node_id.label("ext_node_id"),
            t.external_task.c.worker_id.label("ext_worker_id"),
            t.external_task.c.lock_expires_at.label("ext_lock_expires_at"),
            t.external_task.c.retries.label("ext_retries"),
            t.external_task.c.error_message.label("ext_error_message"),
            t.external_task.c.created_at.label("ext_created_at"),
        )
        .join(t.external_task, t.external_task.c.instance_id == t.instance.c.id)
        .where(t.external_task.c.id == external_task_id)
    )
    if for_update:
        query = query.with_for_update(of=[t.instance, t.external_task])
    return conn.execute(query).first()


def record_external_failure(
    conn: Connection,
    external_task_id: int,
    retries: int,
    error_message: str | None,
    unlock_at: datetime | None,
) -> None:
    """The worker gave the task up: no worker holds it; fetchable again from `unlock_at`."""
    conn.execute(
        update(t.external_task)
        .where(t.external_task.c.id == external_task_id)
        .values(
            worker_id=None,
            lock_expires_at=unlock_at,
            retries=retries,
            error_message=error_message,
        )
    )


def get_external_task(conn: Connection, external_task_id: int) -> Row[Any] | None:
    return conn.execute(
        _external_with_instance().where(t.external_task.c.id == external_task_id)
    ).first()


def list_external_tasks(
    conn: Connection, filters: dict[str, Any], offset: int, limit: int
) -> tuple[list[Row[Any]], int]:
    query = _external_with_instance()
    for column in ("topic", "instance_id", "worker_id"):
        if filters.get(column) is not None:
            query = query.where(t.external_task.c[column] == filters[column])
    total = conn.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    rows = conn.execute(
        query.order_by(t.external_task.c.created_at, t.external_task.c.id)
        .offset(offset)
        .limit(limit)
    )
    return list(rows.all()), int(total)


def _external_with_instance() -> Any:
    return select(
        t.external_task,
        t.instance.c.definition_id,
        t.instance.c.process_key,
        t.instance.c.business_key,
        t.instance.c.started_by,
    ).join(t.instance, t.instance.c.id == t.external_task.c.instance_id)


# -- incidents --------------------------------------------------------------------------------


def insert_incident(conn: Connection, row: dict[str, Any]) -> None:
    conn.execute(insert(t.incident), row)


def set_incident_kind(conn: Connection, incident_ids: Sequence[int], kind: str) -> None:
    """Say what raised incidents the engine recorded (its projection writes 'engine')."""
    if incident_ids:
        conn.execute(
            update(t.incident).where(t.incident.c.id.in_(list(incident_ids))).values(kind=kind)
        )


def list_incidents(
    conn: Connection,
    filters: dict[str, Any],
    open_only: bool,
    started_by: str | None,
    offset: int,
    limit: int,
) -> tuple[list[Row[Any]], int]:
    """Incidents, newest first; `started_by` limits them to instances that user started."""
    query = select(t.incident, t.instance.c.process_key).join(
        t.instance, t.instance.c.id == t.incident.c.instance_id, isouter=True
    )
    for column in ("instance_id", "kind", "node_id"):
        if filters.get(column) is not None:
            query = query.where(t.incident.c[column] == filters[column])
    if open_only:
        query = query.where(t.incident.c.resolved_at.is_(None))
    if started_by is not None:
        query = query.where(t.instance.c.started_by == started_by)
    total = conn.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    rows = conn.execute(
        query.order_by(t.incident.c.created_at.desc(), t.incident.c.id.desc())
        .offset(offset)
        .limit(limit)
    )
    return list(rows.all()), int(total)
