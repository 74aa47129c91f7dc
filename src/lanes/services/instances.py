"""Starting, reading, suspending and ending process instances; messages and signals.

Any user may start a definition unless it names candidate starters; then only those
and admins. A user sees the instances they started or took part in; admins see all.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import orjson

from lanes.engine import commands as cmd
from lanes.services import oplog
from lanes.services.actor import Actor
from lanes.services.context import Services
from lanes.services.errors import Conflict, Forbidden, Invalid, NotFound
from lanes.services.runtime import Session
from lanes.services.task_rows import views_by_ids
from lanes.services.views import ActivityView, InstanceView, Page, Started, TaskView
from lanes.store import cases as cases_store
from lanes.store import runtime as repo


def start_instance(
    svc: Services,
    actor: Actor,
    *,
    key: str | None = None,
    definition_id: int | None = None,
    variables: dict[str, Any] | None = None,
    business_key: str | None = None,
) -> Started:
    """Start the newest version of `key` (or exactly `definition_id`); with the tasks the
    start opened, read in its transaction."""
    if (key is None) == (definition_id is None):
        raise Invalid("give either a process key or a process definition id")
    with svc.db.write() as conn:
        if definition_id is not None:
            definition = repo.get_definition(conn, definition_id)
            missing = f"process definition {definition_id} does not exist"
        else:
            assert key is not None
            definition = repo.latest_definition(conn, key)
            missing = f"no process definition has the key '{key}'"
        if definition is None:
            raise NotFound(missing)
        _check_may_start(actor, definition)
        if definition.suspended:
            raise Conflict(
                f"process definition '{definition.key}' v{definition.version} is "
                "suspended; activate it before starting instances"
            )
        session = Session(svc, conn)
        ran = session.start(definition, variables or {}, actor.user_id, business_key)
        oplog.record(
            conn,
            svc,
            actor,
            "start",
            instance_id=ran.instance_id,
            details={"definition": definition.id},
        )
        session.finish()
        row = repo.get_instance(conn, ran.instance_id)
        opened = visible_tasks(conn, actor, views_by_ids(conn, session.opened_tasks), row.id)
    return Started(instance_view(row), opened)


def _check_may_start(actor: Actor, definition: Any) -> None:
    users, groups = definition.starter_users or [], definition.starter_groups or []
    if actor.admin or (not users and not groups):
        return
    if actor.user_id in users or actor.in_any(groups):
        return
    raise Forbidden(f"you are not among the candidate starters of process '{definition.key}'")


def instance_view(row: Any) -> InstanceView:
    state = orjson.loads(row.state) if row.state else {}
    root = state.get("ex", {}).get(str(row.id), {})
    active = sorted(
        e["node"]
        for e in state.get("ex", {}).values()
        if e.get("node") is not None and e.get("status") in ("wait", "join", "incident")
    )
    return InstanceView(
        row.id,
        row.definition_id,
        row.process_key,
        row.business_key,
        row.status,
        bool(row.suspended),
        row.started_at,
        row.started_by,
        row.ended_at,
        row.end_node,
        row.end_reason,
        row.parent_id,
        dict(root.get("vars", {})),
        active,
    )


def may_see(conn: Any, actor: Actor, row: Any) -> bool:
    if actor.admin or row.started_by == actor.user_id:
        return True
    return repo.took_part(conn, row.id, actor.user_id)


def visible_tasks(
    conn: Any, actor: Actor, views: list[TaskView], instance_id: int
) -> list[TaskView]:
    """The tasks among `views` (opened by a command on `instance_id`) that `actor` may be
    shown: all of those in that instance, which the actor started or takes part in, and
    those of other instances (a called process, a caller resumed) only where `may_see`."""
    allowed = {instance_id: True}
    for view in views:
        if view.instance_id not in allowed:
            row = repo.get_instance(conn, view.instance_id)
            allowed[view.instance_id] = row is not None and may_see(conn, actor, row)
    return [view for view in views if allowed[view.instance_id]]


def _visible(conn: Any, actor: Actor, instance_id: int) -> Any:
    row = repo.get_instance(conn, instance_id)
    if row is None:
        raise NotFound(f"process instance {instance_id} does not exist")
    if not may_see(conn, actor, row):
        raise Forbidden(f"you did not start process instance {instance_id} or take part in it")
    return row


def get_instance(svc: Services, actor: Actor, instance_id: int) -> InstanceView:
    with svc.db.read() as conn:
        return instance_view(_visible(conn, actor, instance_id))


def list_instances(
    svc: Services,
    actor: Actor,
    *,
    process_key: str | None = None,
    business_key: str | None = None,
    status: str | None = None,
    started_by: str | None = None,
    offset: int = 0,
    limit: int = 50,
) -> Page[InstanceView]:
    filters = {
        "process_key": process_key,
        "business_key": business_key,
        "status": status,
        "started_by": started_by,
    }
    with svc.db.read() as conn:
        rows, total = repo.list_instances(
            conn, filters, None if actor.admin else actor.user_id, offset, limit
        )
    return Page([instance_view(r) for r in rows], total, offset, limit)


def history(svc: Services, actor: Actor, instance_id: int) -> list[ActivityView]:
    with svc.db.read() as conn:
        _visible(conn, actor, instance_id)
        rows = repo.instance_activities(conn, instance_id)
    return [
        ActivityView(
            r.id,
            r.execution_id,
            r.node_id,
            r.kind,
            r.name,
            r.started_at,
            r.ended_at,
            bool(r.canceled),
        )
        for r in rows
    ]


def set_suspended(svc: Services, actor: Actor, instance_id: int, suspended: bool) -> InstanceView:
    if not actor.admin:
        raise Forbidden("only administrators may suspend or activate process instances")
    with svc.db.write() as conn:
        row = repo.get_instance(conn, instance_id)
        if row is None:
            raise NotFound(f"process instance {instance_id} does not exist")
        if row.status != "active":
            raise Conflict(f"process instance {instance_id} has already ended")
        repo.set_instance_suspended(conn, [instance_id], suspended)
        oplog.record(
            conn, svc, actor, "suspend" if suspended else "activate", instance_id=instance_id
        )
        return instance_view(repo.get_instance(conn, instance_id))


def terminate(
    svc: Services, actor: Actor, instance_id: int, reason: str | None = None
) -> InstanceView:
    """End the case (admins, or the user who started it)."""
    if reason is not None and len(reason) > 255:
        raise Invalid("the reason may be at most 255 characters", {"field": "reason"})
    with svc.db.write() as conn:
        session = Session(svc, conn)
        row = session.lock(instance_id)
        if not (actor.admin or row.started_by == actor.user_id):
            raise Forbidden(
                f"only administrators or the starter may terminate instance {instance_id}"
            )
        session.execute(row, cmd.CancelInstance(reason or "terminated", actor.user_id))
        oplog.record(
            conn, svc, actor, "terminate", instance_id=instance_id, details={"reason": reason}
        )
        session.finish()
        return instance_view(repo.get_instance(conn, instance_id))


def get_variables(svc: Services, actor: Actor, instance_id: int) -> dict[str, Any]:
    return get_instance(svc, actor, instance_id).variables


def set_variables(
    svc: Services, actor: Actor, instance_id: int, variables: dict[str, Any]
) -> dict[str, Any]:
    with svc.db.write() as conn:
        session = Session(svc, conn)
        row = session.lock(instance_id)
        if not (actor.admin or row.started_by == actor.user_id):
            raise Forbidden(
                f"only administrators or the starter may change variables of instance {instance_id}"
            )
        if row.suspended:
            raise Conflict(f"process instance {instance_id} is suspended")
        session.execute(row, cmd.SetVariables(dict(variables)))
        oplog.record(
            conn,
            svc,
            actor,
            "set-variables",
            instance_id=instance_id,
            details={"names": sorted(variables)},
        )
        session.finish()
        return instance_view(repo.get_instance(conn, instance_id)).variables


def correlate_message(
    svc: Services,
    actor: Actor,
    name: str,
    *,
    business_key: str | None = None,
    instance_id: int | None = None,
    variables: dict[str, Any] | None = None,
    description: str | None = None,
) -> InstanceView:
    """Deliver a message to the instance waiting for it, or start one with that message
    start event. `description`: the caller's own note for the operation log."""
    with svc.db.write() as conn:
        session = Session(svc, conn)
        waiting = [
            s
            for s in repo.subscriptions_named(conn, "message", name, business_key)
            if instance_id is None or s.instance_id == instance_id
        ]
        if waiting:
            row = session.lock(waiting[0].instance_id)
            if not may_see(conn, actor, row):
                raise Forbidden(
                    f"you did not start process instance {row.id} or take part "
                    "in it, so you may not send it messages"
                )
            if row.suspended:
                raise Conflict(f"process instance {row.id} is suspended")
            session.execute(row, cmd.CorrelateMessage(name, dict(variables or {})))
            target = row.id
        else:
            if instance_id is not None:
                target_row = repo.get_instance(conn, instance_id)
                if target_row is None:
                    raise NotFound(f"process instance {instance_id} does not exist")
                if not may_see(conn, actor, target_row):
                    raise Forbidden(
                        f"you did not start process instance {instance_id} or take part "
                        "in it, so you may not send it messages"
                    )
                raise Conflict(
                    f"process instance {instance_id} is not waiting for message '{name}'"
                )
            definition, start_node = _message_start(svc, conn, name)
            _check_may_start(actor, definition)
            if definition.suspended:
                raise Conflict(f"process definition '{definition.key}' is suspended")
            target = session.start(
                definition, variables or {}, actor.user_id, business_key, start_node
            ).instance_id
        oplog.record(
            conn,
            svc,
            actor,
            "message",
            instance_id=target,
            details={"name": name},
            description=description,
        )
        session.finish()
        return instance_view(repo.get_instance(conn, target))


def _message_start(svc: Services, conn: Any, name: str) -> tuple[Any, str]:
    page, _ = repo.list_definitions(conn, None, True, 0, 10_000)
    for definition in page:
        model = Session(svc, conn).model(definition.id, definition.key)
        for start in model.start_events():
            if (
                start.event is not None
                and start.event.kind == "message"
                and start.event.ref == name
            ):
                return definition, start.id
    raise NotFound(f"no process instance waits for message '{name}' and no process starts with it")


def send_signal(
    svc: Services, actor: Actor, name: str, variables: dict[str, Any] | None = None
) -> int:
    """Broadcast a signal; returns how many instances received it. Admins only: a signal
    reaches every instance waiting for it, whoever started them."""
    if not actor.admin:
        raise Forbidden("only administrators may broadcast signals")
    with svc.db.write() as conn:
        session = Session(svc, conn)
        delivered = session.broadcast(name, dict(variables or {}))
        oplog.record(conn, svc, actor, "signal", details={"name": name, "received": delivered})
        session.finish()
        return delivered


def start_by_message(
    svc: Services,
    actor: Actor,
    key: str,
    message: str,
    *,
    business_key: str | None = None,
    variables: dict[str, Any] | None = None,
    name_case: Callable[[datetime], str] | None = None,
    description: str | None = None,
) -> InstanceView:
    """Start the newest version of `key` at its message start event for `message`.

    Unlike `correlate_message`, this never delivers to a waiting instance. Without a
    business key, `name_case` (when given) makes one from the start time, so that a
    dialect whose cases always carry a name gets one generated at start, in the same
    transaction and with the instance's own start time."""
    with svc.db.write() as conn:
        definition = repo.latest_definition(conn, key)
        if definition is None:
            raise NotFound(f"no process definition has the key '{key}'")
        _check_may_start(actor, definition)
        if definition.suspended:
            raise Conflict(f"process definition '{definition.key}' is suspended")
        session = Session(svc, conn)
        model = session.model(definition.id, definition.key)
        start = next(
            (
                s
                for s in model.start_events()
                if s.event is not None and s.event.kind == "message" and s.event.ref == message
            ),
            None,
        )
        if start is None:
            raise Invalid(
                f"process '{key}' has no message start event for message '{message}'",
                {"field": "message"},
            )
        if business_key is None and name_case is not None:
            business_key = name_case(session.now)
        ran = session.start(definition, variables or {}, actor.user_id, business_key, start.id)
        oplog.record(
            conn,
            svc,
            actor,
            "start",
            instance_id=ran.instance_id,
            details={"definition": definition.id, "message": message},
            description=description,
        )
        session.finish()
        row = repo.get_instance(conn, ran.instance_id)
    return instance_view(row)


def delete_instance(
    svc: Services, actor: Actor, instance_id: int, description: str | None = None
) -> bool:
    """Delete a case with its history and the cases it called (admins); the operation log
    keeps the deletion. False when there was nothing to delete."""
    if not actor.admin:  # before looking: whether a case exists is not for everyone
        raise Forbidden("only administrators may delete process instances")
    with svc.db.write() as conn:
        row = repo.get_instance(conn, instance_id)
        if row is None:
            return False
        Session(svc, conn).lock(instance_id)
        cases_store.delete_instance(conn, instance_id)
        oplog.record(
            conn,
            svc,
            actor,
            "delete",
            instance_id=instance_id,
            details={"process_key": row.process_key},
            description=description,
        )
        return True
