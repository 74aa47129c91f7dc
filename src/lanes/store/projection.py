"""Engine events -> rows: runtime tasks, candidates, history, jobs, subscriptions, incidents.

`project()` runs inside the command's transaction. It batches what it can: activities
entered and left in the same command become one multi-row INSERT with both times, new
tasks and candidates are inserted with one statement each, so a command costs a handful
of statements whatever the model does.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import Connection, and_, bindparam, delete, insert, update

from lanes.engine import events as ev
from lanes.engine.timers import from_iso
from lanes.store import tables as t
from lanes.store.db import pipelined
from lanes.store.prepared import Prepared

# Statements built once: constructing SQLAlchemy expressions per call costs more than
# running them on SQLite. Bound names carry a b_ prefix, apart from the column names.
_INSERT_TASK = Prepared(insert(t.task))
_INSERT_CANDIDATE = Prepared(insert(t.task_candidate))
_INSERT_ACTIVITY = Prepared(insert(t.activity))
_END_TASK = Prepared(
    update(t.task)
    .where(t.task.c.id == bindparam("b_id"))
    .values(
        ended_at=bindparam("b_ended_at"),
        ended_by=bindparam("b_ended_by"),
        end_reason=bindparam("b_reason"),
    )
)
_DELETE_CANDIDATES = Prepared(
    delete(t.task_candidate).where(t.task_candidate.c.task_id == bindparam("b_id"))
)
_SET_OFFERED = Prepared(
    update(t.task_candidate)
    .where(t.task_candidate.c.task_id == bindparam("b_task"))
    .values(offered=bindparam("b_offered"))
)
_ACTIVITY_LEFT = Prepared(
    update(t.activity)
    .where(
        and_(
            t.activity.c.instance_id == bindparam("b_instance"),
            t.activity.c.execution_id == bindparam("b_execution"),
            t.activity.c.node_id == bindparam("b_node"),
            t.activity.c.ended_at.is_(None),
        )
    )
    .values(ended_at=bindparam("b_ended_at"), canceled=bindparam("b_canceled"))
)


# the events of one command mostly carry the same moment: parse each text once
_at = lru_cache(maxsize=64)(from_iso)


@dataclass(frozen=True, slots=True)
class InstanceInfo:
    """What every projected row repeats about its instance."""

    id: int
    definition_id: int
    process_key: str
    business_key: str | None


def project(
    conn: Connection,
    info: InstanceInfo,
    events: list[ev.Event],
    next_id: Callable[[], int],
    flows_taken: set[str],
    now: datetime,
) -> None:
    """Write the rows `events` call for. `flows_taken` collects flow ids for the caller.

    None of these statements needs an answer before the next: on PostgreSQL they go out
    in one round trip (`pipelined`)."""
    with pipelined(conn):
        activities: dict[tuple[str, str], dict[str, Any]] = {}
        left: list[tuple[str, str, datetime, bool]] = []
        tasks: list[dict[str, Any]] = []
        candidates: list[dict[str, Any]] = []
        ended_tasks: list[ev.TaskEnded] = []
        for event in events:
            match event:
                case ev.ActivityEntered():
                    activities[(event.execution_id, event.node_id)] = {
                        "id": next_id(),
                        "instance_id": info.id,
                        "execution_id": event.execution_id,
                        "node_id": event.node_id,
                        "kind": event.kind,
                        "name": event.name[:255] if event.name else None,
                        "started_at": _at(event.at),
                        "ended_at": None,
                        "canceled": False,
                    }
                case ev.ActivityLeft():
                    row = activities.get((event.execution_id, event.node_id))
                    if row is not None and row["ended_at"] is None:
                        row["ended_at"] = _at(event.at)
                        row["canceled"] = event.canceled
                    else:
                        left.append(
                            (event.execution_id, event.node_id, _at(event.at), event.canceled)
                        )
                case ev.FlowTaken():
                    flows_taken.add(event.flow_id)
                case ev.TaskCreated():
                    task_id = int(event.task_id)
                    tasks.append(
                        {
                            "id": task_id,
                            "instance_id": info.id,
                            "definition_id": info.definition_id,
                            "process_key": info.process_key,
                            "business_key": info.business_key,
                            "execution_id": event.execution_id,
                            "node_id": event.node_id,
                            "name": event.name[:255] if event.name else None,
                            "assignee": _bounded(event.assignee),
                            "owner": _bounded(event.owner),
                            "delegation": None,
                            "form_key": event.form_key,
                            "priority": event.priority,
                            "due_at": from_iso(event.due) if event.due else None,
                            "created_at": _at(event.at),
                        }
                    )
                    offered = event.assignee is None
                    created = tasks[-1]["created_at"]
                    candidates.extend(
                        {
                            "task_id": task_id,
                            "kind": kind,
                            "name": _bounded(name),
                            "offered": offered,
                            "created_at": created,
                        }
                        for kind, names in (
                            ("user", event.candidate_users),
                            ("group", event.candidate_groups),
                        )
                        for name in dict.fromkeys(names)
                    )
                case ev.TaskUpdated():
                    _flush_tasks(conn, tasks, candidates)
                    changes = _task_changes(event)
                    if changes:
                        conn.execute(
                            update(t.task).where(t.task.c.id == int(event.task_id)), changes
                        )
                    if "assignee" in changes:
                        _SET_OFFERED.execute(
                            conn,
                            {
                                "b_task": int(event.task_id),
                                "b_offered": changes["assignee"] is None,
                            },
                        )
                case ev.TaskEnded():
                    ended_tasks.append(event)
                case ev.JobScheduled():
                    _flush_tasks(conn, tasks, candidates)
                    conn.execute(
                        delete(t.job).where(
                            and_(
                                t.job.c.instance_id == info.id,
                                t.job.c.engine_job_id == event.job_id,
                            )
                        )
                    )
                    conn.execute(
                        insert(t.job),
                        {
                            "id": next_id(),
                            "instance_id": info.id,
                            "definition_id": info.definition_id,
                            "engine_job_id": event.job_id,
                            "kind": event.kind,
                            "node_id": event.node_id,
                            "due_at": from_iso(event.due),
                            "retries": 3,
                        },
                    )
                case ev.JobCancelled():
                    conn.execute(
                        delete(t.job).where(
                            and_(
                                t.job.c.instance_id == info.id,
                                t.job.c.engine_job_id == event.job_id,
                            )
                        )
                    )
                case ev.SubscriptionOpened():
                    conn.execute(
                        insert(t.subscription),
                        {
                            "id": f"{info.id}:{event.subscription_id}",
                            "instance_id": info.id,
                            "kind": event.kind,
                            "name": event.name,
                            "node_id": event.node_id,
                            "business_key": info.business_key,
                        },
                    )
                case ev.SubscriptionClosed():
                    conn.execute(
                        delete(t.subscription).where(
                            t.subscription.c.id == f"{info.id}:{event.subscription_id}"
                        )
                    )
                case ev.ExternalTaskCreated():
                    conn.execute(
                        insert(t.external_task),
                        {
                            "id": int(event.external_task_id),
                            "instance_id": info.id,
                            "engine_id": event.external_task_id,
                            "topic": event.topic,
                            "node_id": event.node_id,
                            "created_at": _at(event.at),
                        },
                    )
                case ev.ExternalTaskEnded():
                    conn.execute(
                        delete(t.external_task).where(
                            t.external_task.c.id == int(event.external_task_id)
                        )
                    )
                case ev.Incident():
                    conn.execute(
                        insert(t.incident),
                        {
                            "id": int(event.incident_id),
                            "instance_id": info.id,
                            "engine_id": event.incident_id,
                            "node_id": event.node_id,
                            "kind": "engine",
                            "message": event.message,
                            "created_at": _at(event.at),
                        },
                    )
                case ev.IncidentResolved():
                    conn.execute(
                        update(t.incident).where(t.incident.c.id == int(event.incident_id)),
                        {"resolved_at": now},
                    )
        _flush_tasks(conn, tasks, candidates)
        if ended_tasks:
            _end_tasks(conn, ended_tasks)
        if activities:
            _INSERT_ACTIVITY.execute(conn, list(activities.values()))
        if left:
            _ACTIVITY_LEFT.execute(
                conn,
                [
                    {
                        "b_instance": info.id,
                        "b_execution": execution_id,
                        "b_node": node_id,
                        "b_ended_at": at,
                        "b_canceled": canceled,
                    }
                    for execution_id, node_id, at, canceled in left
                ],
            )


def _flush_tasks(
    conn: Connection, tasks: list[dict[str, Any]], candidates: list[dict[str, Any]]
) -> None:
    if tasks:
        _INSERT_TASK.execute(conn, tasks)
        tasks.clear()
    if candidates:
        _INSERT_CANDIDATE.execute(conn, candidates)
        candidates.clear()


def _end_tasks(conn: Connection, ended: list[ev.TaskEnded]) -> None:
    _END_TASK.execute(
        conn,
        [
            {
                "b_id": int(e.task_id),
                "b_ended_at": _at(e.at),
                "b_ended_by": e.user,
                "b_reason": e.reason,
            }
            for e in ended
        ],
    )
    _DELETE_CANDIDATES.execute(conn, [{"b_id": int(e.task_id)} for e in ended])


def _task_changes(event: ev.TaskUpdated) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    for key in ("assignee", "owner", "delegation"):
        if key in event.changes:
            changes[key] = event.changes[key]
    if "claimed" in event.changes:
        changes["claimed_at"] = _at(event.at) if event.changes["claimed"] else None
    return changes


def _bounded(value: str | None) -> str | None:
    """User and group names from expressions may be anything; columns hold 255 characters
    (a longer value matches no user anyway: ids are at most 64)."""
    return value[:255] if value is not None else None
