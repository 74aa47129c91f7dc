"""To-do lists and every human-task operation (spec/engine.md), one transaction each.

A user sees and acts on tasks where they are assignee, owner or candidate (directly or
by group); admins on all. Two callers racing on one task: the instance row is locked
first, so the second sees the task already done and gets 409, never a double completion.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from typing import Any

from lanes.engine import commands as cmd
from lanes.services import forms, oplog
from lanes.services.actor import Actor
from lanes.services.context import Services
from lanes.services.errors import Conflict, Forbidden, Invalid, NotFound
from lanes.services.instances import may_see, visible_tasks
from lanes.services.runtime import Session
from lanes.services.task_rows import views_by_ids, views_of
from lanes.services.views import CommentView, Completed, Page, TaskFilter, TaskView
from lanes.store import identity as identity_store
from lanes.store import runtime as repo

# -- reading ------------------------------------------------------------------------------


def _may_see(conn: Any, actor: Actor, row: Any) -> bool:
    if actor.admin or actor.user_id in (row.assignee, row.owner, row.ended_by):
        return True
    if repo.is_candidate(conn, row.id, actor.user_id, sorted(actor.groups)):
        return True
    return repo.was_copied(conn, row.id, actor.user_id)


def get_task(svc: Services, actor: Actor, task_id: int) -> TaskView:
    with svc.db.read() as conn:
        row = repo.get_task(conn, task_id)
        if row is None:
            raise NotFound(f"task {task_id} does not exist")
        if not _may_see(conn, actor, row):
            raise Forbidden(f"task {task_id} is not assigned or offered to you")
        return views_of(conn, [row])[0]


def todo(
    svc: Services,
    actor: Actor,
    *,
    user_id: str | None = None,
    where: TaskFilter | None = None,
    offset: int = 0,
    limit: int = 20,
    sort: str = "created",
    descending: bool = True,
) -> Page[TaskView]:
    """Open tasks for a user (the caller; admins may ask for anyone, or everyone)."""
    _check_paging(offset, limit, sort)
    who, groups = _whose_list(svc, actor, user_id)
    with svc.db.read() as conn:
        if who is not None and who != actor.user_id:
            groups = _groups_of(svc, conn, who)
        rows, total = repo.todo_tasks(
            conn, who, groups, _filters(where), sort, descending, offset, limit
        )
        return Page(views_of(conn, rows), total, offset, limit)


def done(
    svc: Services,
    actor: Actor,
    *,
    user_id: str | None = None,
    where: TaskFilter | None = None,
    offset: int = 0,
    limit: int = 20,
    sort: str = "ended",
    descending: bool = True,
) -> Page[TaskView]:
    """Tasks a user completed (the caller; admins may ask for anyone, or everyone)."""
    _check_paging(offset, limit, sort)
    who, _ = _whose_list(svc, actor, user_id)
    with svc.db.read() as conn:
        rows, total = repo.done_tasks(conn, who, _filters(where), sort, descending, offset, limit)
        return Page(views_of(conn, rows), total, offset, limit)


def _filters(where: TaskFilter | None) -> dict[str, Any]:
    return asdict(where) if where is not None else {}


def instance_tasks(
    svc: Services, actor: Actor, instance_id: int, open_only: bool = False
) -> list[TaskView]:
    with svc.db.read() as conn:
        row = repo.get_instance(conn, instance_id)
        if row is None:
            raise NotFound(f"process instance {instance_id} does not exist")
        if not may_see(conn, actor, row):
            raise Forbidden(f"you did not start process instance {instance_id} or take part in it")
        return views_of(conn, repo.instance_tasks(conn, instance_id, open_only))


def _check_paging(offset: int, limit: int, sort: str) -> None:
    if offset < 0:
        raise Invalid("offset must be 0 or more", {"field": "offset"})
    if not 1 <= limit <= 1000:
        raise Invalid("limit must be between 1 and 1000", {"field": "limit"})
    if sort not in repo.TASK_SORTS:
        raise Invalid(
            f"cannot sort by '{sort}'; use one of {', '.join(repo.TASK_SORTS)}", {"field": "sort"}
        )


def _whose_list(svc: Services, actor: Actor, user_id: str | None) -> tuple[str | None, list[str]]:
    if user_id is None or user_id == actor.user_id:
        return actor.user_id, sorted(actor.groups)
    if not actor.admin:
        raise Forbidden("only administrators may read another user's task list")
    return (None if user_id == "*" else user_id), []


def _groups_of(svc: Services, conn: Any, user_id: str) -> list[str]:
    """The direct groups of another user, for an admin reading that user's list."""
    found = identity_store.user_with_groups(conn, user_id)
    return list(found.groups) if found is not None else []


# -- acting on a task -----------------------------------------------------------------------

Check = Callable[[Any, Actor, Any], None]

# moves that may end the task they act on without the engine naming who did it
_MOVES_THAT_END_A_TASK = (cmd.ReturnTo, cmd.Jump, cmd.CancelInstance, cmd.RemoveInstance)


def _act(
    svc: Services,
    actor: Actor,
    task_id: int,
    operation: str,
    check: Check,
    command: Callable[[Any], cmd.Command | None],
    *,
    details: dict[str, Any] | None = None,
    description: str | None = None,
    allow_ended: bool = False,
    after: Callable[[Any, Any], None] | None = None,
    validate: Callable[[Any, Any], None] | None = None,
    target_node: str | None = None,
    answer: list[TaskView] | None = None,
    opened: list[TaskView] | None = None,
) -> None:
    """Lock the task's instance, check, run the engine command, log it: one transaction.

    `allow_ended` is for moves on a finished task (withdraw); `command` may return None
    for an operation that only writes rows (comments, urges). `answer` receives the task
    as the command left it and `opened` the tasks the command opened, both read in the
    same transaction."""
    with svc.db.write() as conn:
        session = Session(svc, conn)
        row = repo.lock_instance_of_task(conn, task_id, svc.db.is_postgres)
        if row is None:
            raise NotFound(f"task {task_id} does not exist")
        # a lost race is a 409 for everyone: an ended task has no candidates left to check
        if row.task_ended_at is not None and not allow_ended:
            raise Conflict(f"task {task_id} has already ended ({_ended_how(row)})")
        check(conn, actor, row)
        if row.status != "active":
            raise Conflict(f"process instance {row.id} has already ended ({row.status})")
        if row.suspended or row.definition_suspended:
            raise Conflict(f"process instance {row.id} is suspended; activate it first")
        if target_node is not None:
            model = session.model(row.definition_id, row.process_key)
            if target_node not in model.nodes:
                raise Invalid(
                    f"'{target_node}' is not a node of process '{row.process_key}'",
                    {"field": "target_node"},
                )
        if validate is not None:  # input checks come after who-may and in-what-state
            validate(conn, row)
        engine_command = command(row)
        if engine_command is not None:
            session.execute(row, engine_command)
        if isinstance(engine_command, _MOVES_THAT_END_A_TASK):
            repo.set_task_ended_by(conn, task_id, actor.user_id)  # the engine names nobody
        if after is not None:
            after(conn, row)
        oplog.record(
            conn,
            svc,
            actor,
            operation,
            task_id=task_id,
            instance_id=row.id,
            details=details,
            description=description,
        )
        session.finish()
        if answer is not None or opened is not None:
            others = [i for i in session.opened_tasks if i != task_id]
            views = views_by_ids(conn, [task_id, *others] if answer is not None else others)
            if answer is not None:
                answer.extend(v for v in views if v.id == task_id)
            if opened is not None:
                others_views = [v for v in views if v.id != task_id]
                opened.extend(visible_tasks(conn, actor, others_views, row.id))


def _ended_how(row: Any) -> str:
    """'completed by rita', 'returned by ann', 'withdrawn', 'cancelled'..."""
    reason = row.task_end_reason or "cancelled"
    return f"{reason} by {row.task_ended_by}" if row.task_ended_by else reason


def _worker(conn: Any, actor: Actor, row: Any) -> None:
    """Assignee or (for an unassigned task) a candidate; or an admin."""
    if actor.admin or actor.user_id == row.task_assignee:
        return
    if row.task_assignee is None and repo.is_candidate(
        conn, row.task_id, actor.user_id, sorted(actor.groups)
    ):
        return
    raise Forbidden(f"task {row.task_id} is not assigned or offered to you")


def _assignee_or_owner(conn: Any, actor: Actor, row: Any) -> None:
    if actor.admin or actor.user_id in (row.task_assignee, row.task_owner):
        return
    raise Forbidden(f"only the assignee or owner of task {row.task_id} may do this")


def _worker_or_owner(conn: Any, actor: Actor, row: Any) -> None:
    if row.task_owner is not None and actor.user_id == row.task_owner:
        return
    _worker(conn, actor, row)


def _viewer(conn: Any, actor: Actor, row: Any) -> None:
    if actor.admin or actor.user_id in (row.task_assignee, row.task_owner, row.task_ended_by):
        return
    if repo.is_candidate(conn, row.task_id, actor.user_id, sorted(actor.groups)):
        return
    raise Forbidden(f"task {row.task_id} is not assigned or offered to you")


def _admin(conn: Any, actor: Actor, row: Any) -> None:
    if not actor.admin:
        raise Forbidden("only administrators may do this")


def complete(
    svc: Services,
    actor: Actor,
    task_id: int,
    variables: dict[str, Any] | None = None,
    comment: str | None = None,
    outcome: str | None = None,
    description: str | None = None,
) -> Completed:
    """Complete a task; a delegated task is resolved back to its owner instead.

    `description`: the caller's own note for the operation log."""
    values = dict(variables or {})

    def command(row: Any) -> cmd.Command:
        if row.task_delegation == "pending":
            return cmd.ResolveTask(str(task_id), values, actor.user_id)
        return cmd.CompleteTask(str(task_id), values, actor.user_id)

    def after(conn: Any, row: Any) -> None:
        if comment:
            _comment(svc, conn, actor, task_id, row.id, comment, "comment")
        if outcome is not None:
            repo.set_task_outcome(conn, task_id, outcome)

    answer: list[TaskView] = []
    opened: list[TaskView] = []
    _act(
        svc,
        actor,
        task_id,
        "complete",
        _worker,
        command,
        details={"variables": sorted(values), "outcome": outcome},
        description=description,
        after=after,
        # the field rights of the task's form, for the completing user
        validate=lambda conn, row: forms.check_completion(conn, actor, row, values),
        answer=answer,
        opened=opened,
    )
    task = answer[0]
    return Completed(task, opened if task.ended_at is not None else [task])


def claim(svc: Services, actor: Actor, task_id: int) -> TaskView:
    def check(conn: Any, a: Actor, row: Any) -> None:
        if row.task_assignee not in (None, a.user_id):
            raise Conflict(f"task {task_id} is already claimed by {row.task_assignee}")
        _worker(conn, a, row)

    answer: list[TaskView] = []
    _act(
        svc,
        actor,
        task_id,
        "claim",
        check,
        lambda row: cmd.ClaimTask(str(task_id), actor.user_id),
        answer=answer,
    )
    return answer[0]


def unclaim(svc: Services, actor: Actor, task_id: int) -> TaskView:
    def check(conn: Any, a: Actor, row: Any) -> None:
        if not (a.admin or row.task_assignee == a.user_id):
            raise Forbidden(f"only the assignee of task {task_id} may give it back")

    answer: list[TaskView] = []
    _act(
        svc,
        actor,
        task_id,
        "unclaim",
        check,
        lambda row: cmd.UnclaimTask(str(task_id), actor.user_id),
        answer=answer,
    )
    return answer[0]


def delegate(
    svc: Services, actor: Actor, task_id: int, to_user: str, *, candidates_may: bool = False
) -> TaskView:
    """Delegate (委派) to `to_user`, who resolves it back to the owner. `candidates_may`:
    a candidate of an unassigned task may delegate it too, and becomes its owner."""
    _check_user_id(to_user, "to_user")
    answer: list[TaskView] = []
    _act(
        svc,
        actor,
        task_id,
        "delegate",
        _worker_or_owner if candidates_may else _assignee_or_owner,
        lambda row: cmd.DelegateTask(str(task_id), to_user, actor.user_id),
        details={"to": to_user},
        answer=answer,
    )
    return answer[0]


def resolve(
    svc: Services, actor: Actor, task_id: int, variables: dict[str, Any] | None = None
) -> TaskView:
    def check(conn: Any, a: Actor, row: Any) -> None:
        if row.task_delegation != "pending":
            raise Conflict(f"task {task_id} is not delegated")
        if not (a.admin or row.task_assignee == a.user_id):
            raise Forbidden(
                f"only {row.task_assignee}, to whom task {task_id} is delegated, may resolve it"
            )

    answer: list[TaskView] = []
    _act(
        svc,
        actor,
        task_id,
        "resolve",
        check,
        lambda row: cmd.ResolveTask(str(task_id), dict(variables or {}), actor.user_id),
        answer=answer,
    )
    return answer[0]


def assign(svc: Services, actor: Actor, task_id: int, assignee: str | None) -> TaskView:
    """Transfer (转办): a permanent change of assignee."""
    if assignee is not None:
        _check_user_id(assignee, "assignee")
    answer: list[TaskView] = []
    _act(
        svc,
        actor,
        task_id,
        "assign",
        _assignee_or_owner,
        lambda row: cmd.AssignTask(str(task_id), assignee, actor.user_id),
        details={"to": assignee},
        answer=answer,
    )
    return answer[0]


def reassign(
    svc: Services,
    actor: Actor,
    task_id: int,
    target: str,
    source: str | None = None,
    description: str | None = None,
) -> tuple[TaskView, bool]:
    """Change the participant, with an optional expected current one; idempotent.

    Returns the task and whether anything changed (False when `target` already has it)."""
    _check_user_id(target, "target")
    with svc.db.read() as conn:
        row = repo.get_task(conn, task_id)
    if row is None:
        raise NotFound(f"task {task_id} does not exist")
    if row.assignee == target and row.ended_at is None:
        return get_task(svc, actor, task_id), False

    def check(conn: Any, a: Actor, locked: Any) -> None:
        _assignee_or_owner(conn, a, locked)
        if source is not None and locked.task_assignee != source:
            raise Invalid(
                f"task {task_id} is held by {locked.task_assignee or 'nobody'}, not {source}",
                {"field": "source"},
            )

    answer: list[TaskView] = []
    _act(
        svc,
        actor,
        task_id,
        "reassign",
        check,
        lambda locked: cmd.AssignTask(str(task_id), target, actor.user_id),
        details={"from": source, "to": target},
        description=description,
        answer=answer,
    )
    return answer[0], True


def assign_node(
    svc: Services, actor: Actor, instance_id: int, node_id: str, assignee: str | None
) -> None:
    """Assign a user task node: its open tasks now, or when the case reaches it."""
    if not actor.admin:
        raise Forbidden("only administrators may assign a node ahead of time")
    with svc.db.write() as conn:
        session = Session(svc, conn)
        row = session.lock(instance_id)
        node = session.model(row.definition_id, row.process_key).nodes.get(node_id)
        if node is None or node.kind != "userTask":
            raise Invalid(
                f"'{node_id}' is not a user task of process '{row.process_key}'",
                {"field": "node_id"},
            )
        if row.suspended or repo.definition_suspended(conn, row.definition_id):
            raise Conflict(f"process instance {instance_id} is suspended; activate it first")
        session.execute(row, cmd.AssignNode(node_id, assignee, actor.user_id))
        oplog.record(
            conn,
            svc,
            actor,
            "assign-node",
            instance_id=instance_id,
            details={"node": node_id, "to": assignee},
        )
        session.finish()


def withdraw(
    svc: Services, actor: Actor, task_id: int, *, also: Check | None = None
) -> list[TaskView]:
    """The completer takes a finished task back while nothing after it was touched (撤回).

    `also`: a further check, run in the same transaction once the instance is locked.
    Returns the re-opened task(s)."""

    def check(conn: Any, a: Actor, row: Any) -> None:
        if row.task_ended_at is None:
            raise Conflict(f"task {task_id} is still open; there is nothing to withdraw")
        if not (a.admin or row.task_ended_by == a.user_id):
            raise Forbidden(
                f"only {row.task_ended_by}, who completed task {task_id}, may withdraw it"
            )
        if also is not None:
            also(conn, a, row)

    opened: list[TaskView] = []
    _act(
        svc,
        actor,
        task_id,
        "withdraw",
        check,
        lambda row: cmd.Withdraw(str(task_id), None if actor.admin else actor.user_id),
        allow_ended=True,
        opened=opened,
    )
    return opened


def return_to(
    svc: Services, actor: Actor, task_id: int, target_node: str, comment: str | None = None
) -> list[TaskView]:
    """Send the case back to an earlier user task (退回/驳回)."""

    def after(conn: Any, row: Any) -> None:
        if comment:
            _comment(svc, conn, actor, task_id, row.id, comment, "return")

    opened: list[TaskView] = []
    _act(
        svc,
        actor,
        task_id,
        "return",
        _worker,
        lambda row: cmd.ReturnTo(str(task_id), target_node, actor.user_id),
        details={"to": target_node},
        after=after,
        target_node=target_node,
        opened=opened,
    )
    return opened


def reject(svc: Services, actor: Actor, task_id: int, comment: str | None = None) -> None:
    """End the case as rejected; history keeps the outcome."""

    def after(conn: Any, row: Any) -> None:
        repo.set_task_outcome(conn, task_id, "rejected")
        if comment:
            _comment(svc, conn, actor, task_id, row.id, comment, "reject")

    _act(
        svc,
        actor,
        task_id,
        "reject",
        _worker,
        lambda row: cmd.CancelInstance("rejected", actor.user_id),
        after=after,
    )


def jump(svc: Services, actor: Actor, task_id: int, target_node: str) -> list[TaskView]:
    """Move the task's token to any node (跳转, admins)."""
    opened: list[TaskView] = []
    _act(
        svc,
        actor,
        task_id,
        "jump",
        _admin,
        lambda row: cmd.Jump(str(task_id), target_node, actor.user_id),
        details={"to": target_node},
        target_node=target_node,
        opened=opened,
    )
    return opened


def add_signer(svc: Services, actor: Actor, task_id: int, user_id: str) -> list[TaskView]:
    """One more instance of a running multi-instance task for `user_id` (加签)."""
    _check_user_id(user_id, "user_id")
    opened: list[TaskView] = []
    _act(
        svc,
        actor,
        task_id,
        "add-signer",
        _worker,
        lambda row: cmd.AddInstance(str(task_id), {}, user_id),
        details={"user": user_id},
        opened=opened,
    )
    return opened


def remove_signer(svc: Services, actor: Actor, task_id: int) -> None:
    """Drop a pending instance of a multi-instance task (减签): admins or its assignee."""
    _act(
        svc,
        actor,
        task_id,
        "remove-signer",
        _assignee_or_owner,
        lambda row: cmd.RemoveInstance(str(task_id)),
    )


def carbon_copy(
    svc: Services, actor: Actor, task_id: int, users: list[str], message: str | None = None
) -> None:
    """CC (抄送): give other users read access to the case, with a note."""
    if not users:
        raise Invalid("name at least one user to copy", {"field": "users"})
    for user in users:
        _check_user_id(user, "users")

    def after(conn: Any, row: Any) -> None:
        for user in dict.fromkeys(users):
            _comment(svc, conn, actor, task_id, row.id, message or "", "cc", to_user=user)

    _act(
        svc, actor, task_id, "cc", _viewer, lambda row: None, details={"users": users}, after=after
    )


def urge(svc: Services, actor: Actor, task_id: int, message: str | None = None) -> None:
    """Urge (催办): remind the assignee; recorded on the task."""

    def after(conn: Any, row: Any) -> None:
        _comment(svc, conn, actor, task_id, row.id, message or "please handle this task", "urge")

    def check(conn: Any, a: Actor, row: Any) -> None:
        if not may_see(conn, a, row):
            raise Forbidden(f"you did not start or take part in the case of task {task_id}")

    _act(svc, actor, task_id, "urge", check, lambda row: None, after=after)


def add_comment(svc: Services, actor: Actor, task_id: int, message: str) -> CommentView:
    if not message or not message.strip():
        raise Invalid("a comment needs a message", {"field": "message"})
    created: list[int] = []

    def after(conn: Any, row: Any) -> None:
        created.append(_comment(svc, conn, actor, task_id, row.id, message, "comment"))

    _act(svc, actor, task_id, "comment", _viewer, lambda row: None, after=after, allow_ended=True)
    return next(c for c in comments(svc, actor, task_id) if c.id == created[0])


def comments(svc: Services, actor: Actor, task_id: int) -> list[CommentView]:
    with svc.db.read() as conn:
        row = repo.get_task(conn, task_id)
        if row is None:
            raise NotFound(f"task {task_id} does not exist")
        if not _may_see(conn, actor, row):
            raise Forbidden(f"task {task_id} is not assigned or offered to you")
        return [
            CommentView(c.id, c.task_id, c.instance_id, c.user_id, c.kind, c.message, c.created_at)
            for c in repo.comments(conn, task_id=task_id)
        ]


def _comment(
    svc: Services,
    conn: Any,
    actor: Actor,
    task_id: int,
    instance_id: int,
    message: str,
    kind: str,
    to_user: str | None = None,
) -> int:
    comment_id = svc.db.next_id()
    repo.insert_comment(
        conn,
        {
            "id": comment_id,
            "task_id": task_id,
            "instance_id": instance_id,
            "user_id": to_user if kind == "cc" else actor.user_id,
            "kind": kind,
            "message": message,
            "created_at": svc.now(),
        },
    )
    return comment_id


def _check_user_id(value: str, field: str) -> None:
    if not isinstance(value, str) or not value.strip():
        raise Invalid(f"{field} must be a non-empty user id", {"field": field})
