"""External tasks: workers fetch and lock work by topic, then complete it, fail it or throw.

Service, send and business-rule tasks wait for an external worker (spec/engine.md,
Automation). A worker fetches open tasks of its topics and locks them for a while under
its worker id; only that worker may then complete the task, report a failure or a BPMN
error, or extend the lock. A lock that runs out makes the task fetchable again.

Who may act: workers authenticate as ordinary users. Fetching hands out every variable
of the instances it touches, so it is for administrators and members of the group
`workers` (WORKER_GROUP) only; so are complete, failure, BPMN error and extend-lock, which
additionally need the worker id holding the lock. Incidents are listed for
administrators and workers in full; any other user sees those of instances they started.

Failures follow Camunda 7: the worker reports how many retries remain. With retries
left the task is released and fetchable again after `retry_timeout_seconds`; with none,
the token gets an incident (the engine's RaiseIncident) and the task is no longer
handed out. Each call is one transaction that first locks the instance row.
No SQL here: rows go through lanes.store.jobs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Final

import orjson

from lanes.engine import commands as cmd
from lanes.engine import events as ev
from lanes.services import oplog
from lanes.services.actor import Actor
from lanes.services.context import Services
from lanes.services.errors import Conflict, Forbidden, Invalid, NotFound
from lanes.services.runtime import Session
from lanes.services.views import Page
from lanes.store import jobs as store

__all__ = [
    "MAX_TASKS_PER_FETCH",
    "WORKER_GROUP",
    "ExternalTaskView",
    "IncidentView",
    "complete",
    "extend_lock",
    "fetch_and_lock",
    "get_external_task",
    "handle_bpmn_error",
    "handle_failure",
    "list_external_tasks",
    "list_incidents",
]

WORKER_GROUP: Final = "workers"  # members may fetch and work external tasks
MAX_TASKS_PER_FETCH: Final = 1000
_MAX_LOCK_SECONDS: Final = 7 * 24 * 3600


@dataclass(frozen=True, slots=True)
class ExternalTaskView:
    id: int
    topic: str
    instance_id: int
    definition_id: int
    process_key: str
    business_key: str | None
    node_id: str
    worker_id: str | None
    lock_expires_at: datetime | None
    retries: int | None  # None until a failure is reported
    error_message: str | None
    created_at: datetime
    variables: dict[str, Any] = field(default_factory=dict)  # filled by fetch_and_lock


@dataclass(frozen=True, slots=True)
class IncidentView:
    id: int
    instance_id: int | None
    process_key: str | None
    node_id: str | None
    kind: str  # engine | job | external-task
    message: str
    created_at: datetime
    resolved_at: datetime | None


# -- authorization --------------------------------------------------------------------------


def _require_worker(actor: Actor) -> None:
    if not (actor.admin or WORKER_GROUP in actor.groups):
        raise Forbidden(
            f"only administrators and members of the group '{WORKER_GROUP}' may work external tasks"
        )


def _check_worker_id(worker_id: str) -> None:
    if not worker_id or not worker_id.strip():
        raise Invalid("a worker id is required", {"field": "workerId"})
    if len(worker_id) > 255:
        raise Invalid("the worker id is longer than 255 characters", {"field": "workerId"})


def _seconds(value: float, name: str, allow_zero: bool = False) -> timedelta:
    if value < 0 or (value == 0 and not allow_zero) or value > _MAX_LOCK_SECONDS:
        raise Invalid(
            f"{name} must be {'0' if allow_zero else 'more than 0'} to "
            f"{_MAX_LOCK_SECONDS} seconds, not {value}",
            {"field": name},
        )
    return timedelta(seconds=value)


# -- fetch and lock ---------------------------------------------------------------------------


def fetch_and_lock(
    svc: Services,
    actor: Actor,
    worker_id: str,
    topics: Sequence[tuple[str, float]],
    max_tasks: int,
    variable_names: Sequence[str] | None = None,
) -> list[ExternalTaskView]:
    """Lock up to `max_tasks` open tasks of `topics` (topic, lock seconds) for `worker_id`.

    Oldest tasks first. Two workers fetching at the same moment never get the same
    task. Each view carries the variables visible at the task (all of them, or only
    `variable_names`).
    """
    _require_worker(actor)
    _check_worker_id(worker_id)
    if not 1 <= max_tasks <= MAX_TASKS_PER_FETCH:
        raise Invalid(
            f"maxTasks must be 1 to {MAX_TASKS_PER_FETCH}, not {max_tasks}", {"field": "maxTasks"}
        )
    if not topics:
        raise Invalid("name at least one topic to fetch", {"field": "topics"})
    lock_for = {topic: _seconds(seconds, "lockDuration") for topic, seconds in topics}
    now = svc.now()
    fetched: list[ExternalTaskView] = []
    with svc.db.write() as conn:
        rows = store.fetch_external_tasks(conn, list(lock_for), now, max_tasks, svc.db.is_postgres)
        states: dict[int, Any] = {}
        for row in rows:
            until = now + lock_for[row.topic]
            store.lock_external_task(conn, row.id, worker_id, until)
            if row.instance_id not in states:
                states[row.instance_id] = orjson.loads(row.state)
            variables = _visible_variables(states[row.instance_id], row.engine_id)
            if variable_names is not None:
                variables = {k: v for k, v in variables.items() if k in variable_names}
            fetched.append(_view(row, worker_id=worker_id, lock=until, variables=variables))
    return fetched


def _visible_variables(state: dict[str, Any], engine_id: str) -> dict[str, Any]:
    """The variables the task's execution sees: its own and every enclosing scope's."""
    executions: dict[str, Any] = state.get("ex", {})
    ext = state.get("ext", {}).get(engine_id)
    current = executions.get(ext["ex"]) if ext else executions.get(state.get("id", ""))
    chain: list[dict[str, Any]] = []
    while current is not None:
        chain.append(current.get("vars") or {})
        parent = current.get("parent")
        current = executions.get(parent) if parent is not None else None
    merged: dict[str, Any] = {}
    for scope_vars in reversed(chain):
        merged.update(scope_vars)
    return merged


def _view(
    row: Any,
    *,
    worker_id: str | None = None,
    lock: datetime | None = None,
    variables: dict[str, Any] | None = None,
) -> ExternalTaskView:
    return ExternalTaskView(
        row.id,
        row.topic,
        row.instance_id,
        row.definition_id,
        row.process_key,
        row.business_key,
        row.node_id,
        worker_id if worker_id is not None else row.worker_id,
        _utc(lock if lock is not None else row.lock_expires_at),
        row.retries,
        row.error_message,
        _utc_required(row.created_at),
        variables or {},
    )


# -- working a locked task ------------------------------------------------------------------


def _locked_by(svc: Services, conn: Any, ext_id: int, worker_id: str) -> Any:
    """The task's instance row (locked) after checking that `worker_id` holds the task."""
    row = store.lock_instance_of_external_task(conn, ext_id, svc.db.is_postgres)
    if row is None:
        raise NotFound(f"external task {ext_id} does not exist or has already ended")
    if row.ext_worker_id is None:
        raise Conflict(f"external task {ext_id} is not locked; fetch and lock it first")
    if row.ext_worker_id != worker_id:
        raise Conflict(f"external task {ext_id} is locked by another worker")
    if row.status != "active":
        raise Conflict(f"process instance {row.id} has already ended ({row.status})")
    if row.suspended:
        raise Conflict(f"process instance {row.id} is suspended; activate it first")
    return row


def complete(
    svc: Services,
    actor: Actor,
    ext_id: int,
    worker_id: str,
    variables: dict[str, Any] | None = None,
) -> None:
    """Finish the task with `variables`; the token moves on in the same transaction."""
    _require_worker(actor)
    _check_worker_id(worker_id)
    values = dict(variables or {})
    with svc.db.write() as conn:
        session = Session(svc, conn)
        row = _locked_by(svc, conn, ext_id, worker_id)
        session.execute(row, cmd.CompleteExternalTask(row.ext_engine_id, values))
        oplog.record(
            conn,
            svc,
            actor,
            "complete-external-task",
            instance_id=row.id,
            details={"externalTask": ext_id, "workerId": worker_id, "variables": sorted(values)},
        )
        session.finish()


def handle_failure(
    svc: Services,
    actor: Actor,
    ext_id: int,
    worker_id: str,
    error_message: str | None,
    retries: int,
    retry_timeout_seconds: float = 0,
) -> None:
    """The worker could not do the task. `retries` is how many attempts remain.

    With retries left, the task is released and handed out again after the timeout;
    at 0 the token gets an incident (visible in list_incidents) until an operator acts.
    """
    _require_worker(actor)
    _check_worker_id(worker_id)
    if retries < 0:
        raise Invalid(f"retries must be 0 or more, not {retries}", {"field": "retries"})
    wait = _seconds(retry_timeout_seconds, "retryTimeout", allow_zero=True)
    now = svc.now()
    with svc.db.write() as conn:
        session = Session(svc, conn)
        row = _locked_by(svc, conn, ext_id, worker_id)
        if retries > 0:
            store.record_external_failure(conn, ext_id, retries, error_message, now + wait)
        else:
            store.record_external_failure(conn, ext_id, 0, error_message, None)
            execution_id = _execution_of(row, ext_id)
            message = error_message or f"external task {ext_id} failed with no retries left"
            ran = session.execute(row, cmd.RaiseIncident(execution_id, message))
            store.set_incident_kind(
                conn,
                [int(e.incident_id) for e in ran.events if isinstance(e, ev.Incident)],
                "external-task",
            )
        oplog.record(
            conn,
            svc,
            actor,
            "fail-external-task",
            instance_id=row.id,
            details={"externalTask": ext_id, "workerId": worker_id, "retries": retries},
            description=error_message,
        )
        session.finish()


def _execution_of(row: Any, ext_id: int) -> str:
    state = orjson.loads(row.state)
    ext = state.get("ext", {}).get(row.ext_engine_id)
    if ext is None:
        raise Conflict(f"external task {ext_id} is no longer open in its process instance")
    return str(ext["ex"])


def handle_bpmn_error(
    svc: Services,
    actor: Actor,
    ext_id: int,
    worker_id: str,
    error_code: str,
    variables: dict[str, Any] | None = None,
) -> None:
    """Throw BPMN error `error_code` from the task: a boundary error event or an event
    subprocess catches it. Nothing catching it is a 409, and the task stays locked, so the
    worker can report a failure instead."""
    _require_worker(actor)
    _check_worker_id(worker_id)
    if not error_code:
        raise Invalid("an error code is required", {"field": "errorCode"})
    values = dict(variables or {})
    with svc.db.write() as conn:
        session = Session(svc, conn)
        row = _locked_by(svc, conn, ext_id, worker_id)
        session.execute(row, cmd.ThrowError(row.ext_engine_id, error_code, values))
        oplog.record(
            conn,
            svc,
            actor,
            "bpmn-error-external-task",
            instance_id=row.id,
            details={"externalTask": ext_id, "workerId": worker_id, "errorCode": error_code},
        )
        session.finish()


def extend_lock(
    svc: Services, actor: Actor, ext_id: int, worker_id: str, new_duration: float
) -> ExternalTaskView:
    """Hold the task `new_duration` seconds from now; only while this worker's lock holds."""
    _require_worker(actor)
    _check_worker_id(worker_id)
    duration = _seconds(new_duration, "newDuration")
    now = svc.now()
    with svc.db.write() as conn:
        row = _locked_by(svc, conn, ext_id, worker_id)
        expires = _utc(row.ext_lock_expires_at)
        if expires is None or expires <= now:
            raise Conflict(f"the lock of external task {ext_id} has expired; fetch it again")
        store.lock_external_task(conn, ext_id, worker_id, now + duration)
        found = store.get_external_task(conn, ext_id)
    return _view(found)


# -- reading ------------------------------------------------------------------------------------


def get_external_task(svc: Services, actor: Actor, ext_id: int) -> ExternalTaskView:
    _require_worker(actor)
    with svc.db.read() as conn:
        row = store.get_external_task(conn, ext_id)
    if row is None:
        raise NotFound(f"external task {ext_id} does not exist or has already ended")
    return _view(row)


def list_external_tasks(
    svc: Services,
    actor: Actor,
    *,
    topic: str | None = None,
    instance_id: int | None = None,
    worker_id: str | None = None,
    offset: int = 0,
    limit: int = 50,
) -> Page[ExternalTaskView]:
    """Open external tasks (without variables), oldest first."""
    _require_worker(actor)
    _check_page(offset, limit)
    filters = {"topic": topic, "instance_id": instance_id, "worker_id": worker_id}
    with svc.db.read() as conn:
        rows, total = store.list_external_tasks(conn, filters, offset, limit)
    return Page([_view(r) for r in rows], total, offset, limit)


def list_incidents(
    svc: Services,
    actor: Actor,
    *,
    instance_id: int | None = None,
    kind: str | None = None,
    node_id: str | None = None,
    open_only: bool = True,
    offset: int = 0,
    limit: int = 50,
) -> Page[IncidentView]:
    """Incidents, newest first: all for administrators and workers; for anyone else,
    those of the instances they started."""
    _check_page(offset, limit)
    everything = actor.admin or WORKER_GROUP in actor.groups
    filters = {"instance_id": instance_id, "kind": kind, "node_id": node_id}
    with svc.db.read() as conn:
        rows, total = store.list_incidents(
            conn, filters, open_only, None if everything else actor.user_id, offset, limit
        )
    return Page(
        [
            IncidentView(
                r.id,
                r.instance_id,
                r.process_key,
                r.node_id,
                r.kind,
                r.message,
                _utc_required(r.created_at),
                _utc(r.resolved_at),
            )
            for r in rows
        ],
        total,
        offset,
        limit,
    )


def _check_page(offset: int, limit: int) -> None:
    if offset < 0:
        raise Invalid("offset must be 0 or more", {"field": "offset"})
    if not 1 <= limit <= 1000:
        raise Invalid("limit must be 1 to 1000", {"field": "limit"})


def _utc(value: datetime | None) -> datetime | None:
    """Times read back from SQLite are naive; every time lanes writes is UTC."""
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _utc_required(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
