"""To-do and done lists, and every human-task operation of spec/engine.md (`/tasks`)."""

from __future__ import annotations

from fastapi import Response

from lanes.api.deps import ActorDep, JsonBody, ServicesDep
from lanes.api.native.params import (
    IdPath,
    IdQuery,
    Limit,
    Offset,
    Order,
    TaskSort,
    TextQuery,
    TimeQuery,
    UserQuery,
)
from lanes.api.native.paths import family_router
from lanes.api.native.responses import json_of
from lanes.api.native.schemas import (
    AssignIn,
    CcIn,
    CommentIn,
    CommentOut,
    CompletedOut,
    CompleteIn,
    JumpIn,
    OptionalComment,
    ReassignIn,
    ReassignOut,
    ResolveIn,
    ReturnIn,
    TaskOut,
    TaskPage,
    UrgeIn,
    UserRef,
    flat,
)
from lanes.services import tasks
from lanes.services.views import CommentView, Page, TaskFilter, TaskView

router = family_router("tasks", prefix="/tasks", tags=["tasks"], dependencies=[JsonBody])

_MOVED = "The tasks the move opened."


@router.get(
    "",
    response_model=TaskPage,
    summary="To-do list",
    description=(
        "Open tasks assigned to the user, or unassigned with them as candidate (directly "
        "or by group). `user_id`: yourself by default; admins may name anyone, or `*` "
        "for every open task."
    ),
)
def todo(
    svc: ServicesDep,
    actor: ActorDep,
    user_id: UserQuery = None,
    process_key: TextQuery = None,
    process_instance_id: IdQuery = None,
    business_key: TextQuery = None,
    name: TextQuery = None,
    node_id: TextQuery = None,
    created_after: TimeQuery = None,
    created_before: TimeQuery = None,
    offset: Offset = 0,
    limit: Limit = 20,
    sort: TaskSort = "created",
    order: Order = "desc",
) -> Response:
    where = TaskFilter(
        process_key, process_instance_id, business_key, name, node_id, created_after, created_before
    )
    page = tasks.todo(
        svc,
        actor,
        user_id=user_id,
        where=where,
        offset=offset,
        limit=limit,
        sort=sort,
        descending=order == "desc",
    )
    return json_of(page)


@router.get(
    "/done",
    response_model=TaskPage,
    summary="Done list",
    description="Tasks the user completed; `user_id` as for the to-do list.",
)
def done(
    svc: ServicesDep,
    actor: ActorDep,
    user_id: UserQuery = None,
    process_key: TextQuery = None,
    process_instance_id: IdQuery = None,
    business_key: TextQuery = None,
    name: TextQuery = None,
    node_id: TextQuery = None,
    offset: Offset = 0,
    limit: Limit = 20,
    sort: TaskSort = "ended",
    order: Order = "desc",
) -> Page[TaskView]:
    where = TaskFilter(process_key, process_instance_id, business_key, name, node_id)
    return tasks.done(
        svc,
        actor,
        user_id=user_id,
        where=where,
        offset=offset,
        limit=limit,
        sort=sort,
        descending=order == "desc",
    )


@router.get("/{task_id}", response_model=TaskOut, summary="Read a task")
def get_task(task_id: IdPath, svc: ServicesDep, actor: ActorDep) -> TaskView:
    return tasks.get_task(svc, actor, task_id)


@router.post("/{task_id}/claim", response_model=TaskOut, summary="Claim (a candidate)")
def claim(task_id: IdPath, svc: ServicesDep, actor: ActorDep) -> TaskView:
    return tasks.claim(svc, actor, task_id)


@router.post("/{task_id}/unclaim", response_model=TaskOut, summary="Give a claimed task back")
def unclaim(task_id: IdPath, svc: ServicesDep, actor: ActorDep) -> TaskView:
    return tasks.unclaim(svc, actor, task_id)


@router.post(
    "/{task_id}/complete",
    response_model=CompletedOut,
    summary="Complete",
    description=(
        "A delegated task returns to its owner instead (as resolve). The answer lists "
        "the tasks the completion opened."
    ),
)
def complete(
    task_id: IdPath, svc: ServicesDep, actor: ActorDep, body: CompleteIn | None = None
) -> Response:
    body = body or CompleteIn()
    done = tasks.complete(svc, actor, task_id, body.variables, body.comment, body.outcome)
    return json_of(flat(done.task, next_tasks=done.next_tasks))


@router.post(
    "/{task_id}/delegate",
    response_model=TaskOut,
    summary="Delegate: the user works it, then it returns to the owner",
)
def delegate(task_id: IdPath, body: UserRef, svc: ServicesDep, actor: ActorDep) -> TaskView:
    return tasks.delegate(svc, actor, task_id, body.user_id)


@router.post("/{task_id}/resolve", response_model=TaskOut, summary="Resolve a delegated task")
def resolve(
    task_id: IdPath, svc: ServicesDep, actor: ActorDep, body: ResolveIn | None = None
) -> TaskView:
    return tasks.resolve(svc, actor, task_id, body.variables if body else None)


@router.post("/{task_id}/assign", response_model=TaskOut, summary="Transfer: change the assignee")
def assign(task_id: IdPath, body: AssignIn, svc: ServicesDep, actor: ActorDep) -> TaskView:
    return tasks.assign(svc, actor, task_id, body.user_id)


@router.post(
    "/{task_id}/reassign",
    response_model=ReassignOut,
    summary="Reassign, optionally from an expected holder; idempotent",
)
def reassign(task_id: IdPath, body: ReassignIn, svc: ServicesDep, actor: ActorDep) -> ReassignOut:
    task, changed = tasks.reassign(svc, actor, task_id, body.target, body.source, body.description)
    return ReassignOut(task=TaskOut.model_validate(task), changed=changed)


@router.post(
    "/{task_id}/withdraw",
    response_model=list[TaskOut],
    summary="Withdraw: the completer takes the task back",
    description=_MOVED,
)
def withdraw(task_id: IdPath, svc: ServicesDep, actor: ActorDep) -> list[TaskView]:
    return tasks.withdraw(svc, actor, task_id)


@router.post(
    "/{task_id}/return",
    response_model=list[TaskOut],
    summary="Return the case to an earlier user task",
    description=_MOVED,
)
def return_to(task_id: IdPath, body: ReturnIn, svc: ServicesDep, actor: ActorDep) -> list[TaskView]:
    return tasks.return_to(svc, actor, task_id, body.target_node_id, body.comment)


@router.post("/{task_id}/reject", status_code=204, summary="Reject: end the case as rejected")
def reject(
    task_id: IdPath, svc: ServicesDep, actor: ActorDep, body: OptionalComment | None = None
) -> Response:
    tasks.reject(svc, actor, task_id, body.comment if body else None)
    return Response(status_code=204)


@router.post(
    "/{task_id}/jump",
    response_model=list[TaskOut],
    summary="Jump the token to any node (admins)",
    description=_MOVED,
)
def jump(task_id: IdPath, body: JumpIn, svc: ServicesDep, actor: ActorDep) -> list[TaskView]:
    return tasks.jump(svc, actor, task_id, body.target_node_id)


@router.post(
    "/{task_id}/signers",
    status_code=201,
    response_model=list[TaskOut],
    summary="Add a signer to a running multi-instance task",
    description="The tasks created for the new signer.",
)
def add_signer(task_id: IdPath, body: UserRef, svc: ServicesDep, actor: ActorDep) -> list[TaskView]:
    return tasks.add_signer(svc, actor, task_id, body.user_id)


@router.delete(
    "/{task_id}/signers",
    status_code=204,
    summary="Remove this pending instance of a multi-instance task",
)
def remove_signer(task_id: IdPath, svc: ServicesDep, actor: ActorDep) -> Response:
    tasks.remove_signer(svc, actor, task_id)
    return Response(status_code=204)


@router.post("/{task_id}/cc", status_code=204, summary="Copy the case to other users")
def carbon_copy(task_id: IdPath, body: CcIn, svc: ServicesDep, actor: ActorDep) -> Response:
    tasks.carbon_copy(svc, actor, task_id, body.users, body.message)
    return Response(status_code=204)


@router.post("/{task_id}/urge", status_code=204, summary="Remind the assignee")
def urge(
    task_id: IdPath, svc: ServicesDep, actor: ActorDep, body: UrgeIn | None = None
) -> Response:
    tasks.urge(svc, actor, task_id, body.message if body else None)
    return Response(status_code=204)


@router.get("/{task_id}/comments", response_model=list[CommentOut], summary="Comments")
def comments(task_id: IdPath, svc: ServicesDep, actor: ActorDep) -> list[CommentView]:
    return tasks.comments(svc, actor, task_id)


@router.post(
    "/{task_id}/comments", status_code=201, response_model=CommentOut, summary="Add a comment"
)
def add_comment(task_id: IdPath, body: CommentIn, svc: ServicesDep, actor: ActorDep) -> CommentView:
    return tasks.add_comment(svc, actor, task_id, body.message)
