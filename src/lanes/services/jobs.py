"""Jobs: due timers, async continuations and timer start events, each run exactly once.

The engine schedules timers and async continuations as JobScheduled events; the
projection writes them as `job` rows. Here they are acquired and run:

- `acquire_due_jobs` locks due jobs for one owner until an expiry, in one short
  transaction (`FOR UPDATE SKIP LOCKED` on PostgreSQL; SQLite's immediate transaction
  serializes it). A job is handed to one owner at a time; an owner that dies loses its
  jobs when their locks expire, and another one takes them.
- `run_job` runs one job in ONE transaction: lock the instance, check the job is still
  this owner's, fire it (`FireJob`; for a timer start event: start an instance), delete
  its row (the projection has written any follow-up jobs) and commit. A job that fails
  is retried with back-off (its error kept on the row); out of retries, it raises an
  incident visible in `external_tasks.list_incidents`.
- `schedule_start_timers` writes the `start-timer` job of each timer start event of a
  newly deployed definition (deployments.deploy calls it in its transaction).

No SQL here: rows go through lanes.store.jobs and lanes.store.runtime.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any, Final

import orjson

from lanes.bpmn.model import FlowNode, ProcessModel
from lanes.engine import commands as cmd
from lanes.engine import events as ev
from lanes.engine.timers import TimerError, TimerSchedule, first_due, next_due
from lanes.expr import ExpressionError
from lanes.services.actor import Actor
from lanes.services.context import Services
from lanes.services.errors import Conflict, Forbidden, Invalid, NotFound
from lanes.services.runtime import Session
from lanes.services.views import Page
from lanes.store import jobs as store
from lanes.store import runtime as repo

__all__ = [
    "DEFAULT_RETRIES",
    "JobOutcome",
    "JobView",
    "acquire_due_jobs",
    "fire_now",
    "list_jobs",
    "release_jobs",
    "retry_delay",
    "run_job",
    "schedule_start_timers",
]

DEFAULT_RETRIES: Final = 3
_FIRST_RETRY_DELAY: Final = timedelta(seconds=10)
_LONGEST_RETRY_DELAY: Final = timedelta(hours=1)
_ERROR_MAX: Final = 4000
_CYCLE_WALK_LIMIT: Final = 100_000


class JobOutcome(StrEnum):
    FIRED = "fired"  # it ran; follow-up jobs are scheduled
    STALE = "stale"  # nothing waits for it any more (instance ended, timer cancelled): removed
    SKIPPED = "skipped"  # another owner holds it now, or its instance was suspended meanwhile
    RETRY = "retry"  # it failed and runs again after a back-off
    INCIDENT = "incident"  # it failed with no retries left: an incident says so


@dataclass(frozen=True, slots=True)
class JobView:
    id: int
    instance_id: int | None  # None for a timer start event
    definition_id: int | None
    engine_job_id: str | None
    kind: str  # timer | async | start-timer
    node_id: str
    due_at: datetime
    lock_owner: str | None
    lock_expires_at: datetime | None
    retries: int
    error: str | None


def job_view(row: Any) -> JobView:
    return JobView(
        row.id,
        row.instance_id,
        row.definition_id,
        row.engine_job_id,
        row.kind,
        row.node_id,
        _utc(row.due_at),
        row.lock_owner,
        _utc(row.lock_expires_at) if row.lock_expires_at is not None else None,
        row.retries,
        row.error,
    )


def retry_delay(retries_before: int) -> timedelta:
    """How long a job waits after a failure: 10 s, then doubling, at most an hour."""
    failures = max(DEFAULT_RETRIES - retries_before, 0)
    return min(_FIRST_RETRY_DELAY * (1 << failures), _LONGEST_RETRY_DELAY)


# -- acquiring ----------------------------------------------------------------------------------


def acquire_due_jobs(
    svc: Services, owner: str, limit: int = 10, lock_seconds: float = 300
) -> list[JobView]:
    """Lock up to `limit` due jobs for `owner` for `lock_seconds`; each goes to one owner."""
    if not owner or len(owner) > 64:
        raise Invalid("a job owner is 1 to 64 characters", {"field": "owner"})
    if limit < 1 or lock_seconds <= 0:
        raise Invalid("limit and lock_seconds must be positive")
    now = svc.now()
    with svc.db.read() as conn:
        if not store.any_acquirable_job(conn, now):
            return []  # the common case takes no write lock
    until = now + timedelta(seconds=lock_seconds)
    with svc.db.write() as conn:
        rows = store.acquire_jobs(conn, now, owner, until, limit, svc.db.is_postgres)
    return [job_view(r) for r in rows]


def release_jobs(svc: Services, acquired: list[JobView]) -> None:
    """Hand back acquired jobs this owner will not run (it is shutting down), so other
    executors need not wait for the locks to expire."""
    if not acquired:
        return
    with svc.db.write() as conn:
        for job in acquired:
            if _still_ours(svc, conn, job) is not None:
                store.release_job(conn, job.id)


# -- running ------------------------------------------------------------------------------------


def run_job(svc: Services, job: JobView) -> JobOutcome:
    """Run one acquired job in one transaction; record a failure in another."""
    try:
        with svc.db.write() as conn:
            if job.kind == "start-timer":
                return _start_by_timer(svc, conn, job)
            return _fire(svc, conn, job)
    except Exception as exc:  # any failure is kept on the job and retried
        error = f"{type(exc).__name__}: {exc}"[:_ERROR_MAX]
    try:
        return _record_failure(svc, job, error, through_engine=True)
    except Exception:  # the engine could not park the token: record the incident directly
        return _record_failure(svc, job, error, through_engine=False)


def _still_ours(svc: Services, conn: Any, job: JobView) -> Any:
    current = store.get_job(conn, job.id, for_update=svc.db.is_postgres)
    if current is None or current.lock_owner != job.lock_owner:
        return None
    return current


def _fire(svc: Services, conn: Any, job: JobView) -> JobOutcome:
    assert job.instance_id is not None
    session = Session(svc, conn)
    instance = repo.lock_instance(conn, job.instance_id, svc.db.is_postgres)
    current = _still_ours(svc, conn, job)
    if current is None:
        return JobOutcome.SKIPPED
    if instance is None or instance.status != "active" or current.engine_job_id is None:
        store.delete_job(conn, job.id)
        return JobOutcome.STALE
    if current.engine_job_id not in orjson.loads(instance.state).get("subs", {}):
        store.delete_job(conn, job.id)
        return JobOutcome.STALE
    if instance.suspended:
        store.release_job(conn, job.id)
        return JobOutcome.SKIPPED
    session.execute(instance, cmd.FireJob(current.engine_job_id))
    store.delete_job(conn, job.id)  # a repeating timer's next firing is a new row
    session.finish()
    return JobOutcome.FIRED


def _start_by_timer(svc: Services, conn: Any, job: JobView) -> JobOutcome:
    current = _still_ours(svc, conn, job)
    if current is None:
        return JobOutcome.SKIPPED
    definition = (
        repo.get_definition(conn, current.definition_id)
        if current.definition_id is not None
        else None
    )
    latest = repo.latest_definition(conn, definition.key) if definition is not None else None
    if definition is None or latest is None or latest.id != definition.id:
        store.delete_job(conn, job.id)  # a newer version has its own timers
        return JobOutcome.STALE
    if definition.suspended:
        store.release_job(conn, job.id)
        return JobOutcome.SKIPPED
    session = Session(svc, conn)
    model = session.model(definition.id, definition.key)
    session.start(definition, {}, None, None, start_node=current.node_id)
    following = _next_start_due(model.nodes[current.node_id], definition, _utc(current.due_at))
    if following is None:
        store.delete_job(conn, job.id)
    else:
        store.reschedule_job(conn, job.id, following, DEFAULT_RETRIES)
    session.finish()
    return JobOutcome.FIRED


def _record_failure(svc: Services, job: JobView, error: str, through_engine: bool) -> JobOutcome:
    now = svc.now()
    with svc.db.write() as conn:
        instance = (
            repo.lock_instance(conn, job.instance_id, svc.db.is_postgres)
            if job.instance_id is not None
            else None
        )
        current = _still_ours(svc, conn, job)
        if current is None:
            return JobOutcome.SKIPPED
        retries = max(current.retries - 1, 0)
        if retries > 0:
            due = now + retry_delay(current.retries)
            store.record_job_failure(conn, job.id, retries, due, error)
            return JobOutcome.RETRY
        store.record_job_failure(conn, job.id, 0, _utc(current.due_at), error)
        message = f"job {job.id} ({job.kind} at '{job.node_id}') failed: {error}"
        if not (through_engine and _park_token(svc, conn, instance, current, message)):
            store.insert_incident(
                conn,
                {
                    "id": svc.db.next_id(),
                    "instance_id": job.instance_id,
                    "engine_id": None,
                    "node_id": job.node_id,
                    "kind": "job",
                    "message": message,
                    "created_at": now,
                },
            )
        return JobOutcome.INCIDENT


def _park_token(svc: Services, conn: Any, instance: Any, job: Any, message: str) -> bool:
    """Put the token that waits at the job's own node (an async continuation, a timer
    catch event) into incident through the engine, so the instance shows it. False when
    no token waits there (a boundary or event-subprocess timer: the activity goes on)."""
    if instance is None or instance.status != "active" or job.engine_job_id is None:
        return False
    state = orjson.loads(instance.state)
    sub = state.get("subs", {}).get(job.engine_job_id)
    execution = state.get("ex", {}).get(sub["ex"]) if sub else None
    if execution is None or execution.get("node") != job.node_id:
        return False
    session = Session(svc, conn)
    ran = session.execute(instance, cmd.RaiseIncident(execution["id"], message))
    store.set_incident_kind(
        conn, [int(e.incident_id) for e in ran.events if isinstance(e, ev.Incident)], "job"
    )
    session.finish()
    return True


# -- timer start events -------------------------------------------------------------------------


def schedule_start_timers(
    svc: Services, conn: Any, definition_row: Any, model: ProcessModel
) -> int:
    """Write a `start-timer` job for each timer start event of a new definition version.

    Runs inside the deploy transaction (`conn`). Timer jobs of earlier versions of the
    same key are dropped: the newest version is the one that starts, as in Camunda and
    Flowable. Returns how many were scheduled. A timer that cannot be scheduled refuses
    the deployment (Invalid).
    """
    store.delete_start_timers(conn, definition_row.key)
    anchor = _utc(definition_row.created_at)
    scheduled = 0
    for start in model.start_events():
        if start.event is None or start.event.kind != "timer":
            continue
        schedule = _first_start_due(start, anchor)
        store.insert_job(
            conn,
            {
                "id": svc.db.next_id(),
                "instance_id": None,
                "definition_id": definition_row.id,
                "engine_job_id": None,
                "kind": "start-timer",
                "node_id": start.id,
                "due_at": schedule.due,
                "retries": DEFAULT_RETRIES,
            },
        )
        scheduled += 1
    return scheduled


def _timer_value(start: FlowNode, now: datetime) -> tuple[Any, Any]:
    event = start.event
    if event is None or event.timer is None or event.timer_kind is None:
        raise Invalid(f"timer start event '{start.id}' has no timer definition")
    try:
        value = event.timer.text if event.timer.is_literal else event.timer.evaluate({}, now)
    except ExpressionError as exc:
        raise Invalid(f"timer start event '{start.id}': {exc}") from None
    return event.timer_kind, value


def _first_start_due(start: FlowNode, anchor: datetime) -> TimerSchedule:
    kind, value = _timer_value(start, anchor)
    try:
        return first_due(kind, value, anchor)
    except TimerError as exc:
        raise Invalid(f"timer start event '{start.id}': {exc}") from None


def _next_start_due(start: FlowNode, definition: Any, fired_due: datetime) -> datetime | None:
    """When a cycle fires after the firing due at `fired_due`; None when it is done.

    The cycle is replayed from the deployment time, so the repetitions left need no
    column of their own; an unbounded cycle just steps on from `fired_due`.
    """
    try:
        kind, value = _timer_value(start, fired_due)
        if kind != "cycle":
            return None
        schedule = first_due(kind, value, _utc(definition.created_at))
        if schedule.repeats_left is None:
            schedule = TimerSchedule(fired_due, None, schedule.period)
        steps = 0
        while schedule.due < fired_due and steps < _CYCLE_WALK_LIMIT:
            stepped = next_due(schedule, schedule.due)
            if stepped is None:
                return None
            schedule, steps = stepped, steps + 1
        following = next_due(schedule, fired_due)
    except (Invalid, TimerError):
        return None
    return following.due if following is not None else None


# -- operators ----------------------------------------------------------------------------------


def list_jobs(
    svc: Services,
    actor: Actor,
    *,
    instance_id: int | None = None,
    definition_id: int | None = None,
    kind: str | None = None,
    failed: bool = False,
    offset: int = 0,
    limit: int = 50,
) -> Page[JobView]:
    """Pending jobs, soonest first (administrators); `failed` keeps those with an error."""
    _require_admin(actor)
    if offset < 0 or not 1 <= limit <= 1000:
        raise Invalid("offset must be 0 or more and limit 1 to 1000")
    filters = {
        "instance_id": instance_id,
        "definition_id": definition_id,
        "kind": kind,
        "failed": failed,
    }
    with svc.db.read() as conn:
        rows, total = store.list_jobs(conn, filters, offset, limit)
    return Page([job_view(r) for r in rows], total, offset, limit)


def fire_now(svc: Services, actor: Actor, job_id: int) -> JobView:
    """Make a pending job due now, so the next executor poll runs it (administrators)."""
    _require_admin(actor)
    with svc.db.write() as conn:
        row = store.get_job(conn, job_id, for_update=svc.db.is_postgres)
        if row is None:
            raise NotFound(f"job {job_id} does not exist")
        if row.retries <= 0:
            raise Conflict(f"job {job_id} has no retries left; resolve its incident instead")
        store.set_job_due(conn, job_id, svc.now())
        updated = store.get_job(conn, job_id)
    return job_view(updated)


def _require_admin(actor: Actor) -> None:
    if not actor.admin:
        raise Forbidden("only administrators may read or change jobs")


def _utc(value: datetime) -> datetime:
    """Times read back from SQLite are naive; every time lanes writes is UTC."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
