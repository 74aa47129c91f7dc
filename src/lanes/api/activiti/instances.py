"""activity-controller: starting, ending, suspending and reading process instances;
assigning a node ahead and withdrawing (撤回)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Query, Request

from lanes.api.activiti import render
from lanes.api.activiti.drawing import draw
from lanes.api.activiti.errors import ERROR_RESPONSES, ActivitiRoute
from lanes.api.activiti.params import (
    IdPath,
    ImageFormat,
    NodePath,
    PageNo,
    PageSize,
    UserPath,
)
from lanes.api.activiti.schemas import (
    ActHiTaskNodeDTO,
    ActTaskCreateDTO,
    ActTaskCreateResponseDTO,
    BpmActRuTask,
    DiagramResourceDTO,
    JsonListResponseBody,
    JsonObjectResponseBody,
    JsonResponseBody,
    RevocationDTO,
)
from lanes.api.deps import ActorDep, JsonBody, ServicesDep
from lanes.api.prefix_router import PrefixRouter
from lanes.services import (
    assignments,
    diagrams,
    history,
    instances,
    starts,
    withdrawals,
)

router = PrefixRouter(
    roots=("/activity-task",),  # at the server root: a path elsewhere is turned away at once
    prefix="/activity-task",
    tags=["activity-controller"],
    route_class=ActivitiRoute,
    responses=ERROR_RESPONSES,
    dependencies=[JsonBody],
)
_NO_NULLS: dict[str, Any] = {"response_model_exclude_none": True}

Reason = Annotated[str | None, Query(max_length=255, description="Why the case ends.")]


@router.post(
    "",
    response_model=JsonObjectResponseBody[ActTaskCreateResponseDTO],
    summary="创建任务流程实例 (start a process instance)",
    **_NO_NULLS,
)
def create(body: ActTaskCreateDTO, svc: ServicesDep, actor: ActorDep) -> Any:
    case = starts.start_case(
        svc,
        actor,
        body.processId,
        variables=body.all_variables(),
        business_key=body.businessKey,
        starter=body.userId,
        assignee=body.assignee,
    )
    return render.one(render.started(case))


@router.delete(
    "/{procInstId}",
    response_model=JsonResponseBody,
    summary="删除流程任务 (end a running instance)",
)
def delete(procInstId: IdPath, svc: ServicesDep, actor: ActorDep, reason: Reason = None) -> Any:
    instances.terminate(svc, actor, int(procInstId), reason or "deleted")
    return render.ok()


@router.post("/{procInstId}/active", response_model=JsonResponseBody, summary="激活任务 (activate)")
def activate(procInstId: IdPath, svc: ServicesDep, actor: ActorDep) -> Any:
    instances.set_suspended(svc, actor, int(procInstId), False)
    return render.ok()


@router.post("/{procInstId}/suspend", response_model=JsonResponseBody, summary="暂停任务 (suspend)")
def suspend(procInstId: IdPath, svc: ServicesDep, actor: ActorDep) -> Any:
    instances.set_suspended(svc, actor, int(procInstId), True)
    return render.ok()


@router.get(
    "/{procInstId}/diagram",
    response_model=JsonObjectResponseBody[DiagramResourceDTO],
    summary="获取流程图 (the case's diagram: active, completed, flows taken)",
    **_NO_NULLS,
)
async def diagram(
    procInstId: IdPath, svc: ServicesDep, actor: ActorDep, image_format: ImageFormat = "svg"
) -> Any:
    drawn = await draw(diagrams.instance_diagram, svc, actor, int(procInstId), image_format)
    return render.one(render.diagram(drawn, highlights=True))


@router.get(
    "/{procInstId}/history-tasks",
    response_model=JsonListResponseBody[ActHiTaskNodeDTO],
    summary="获取任务历史节点 (task history, oldest first)",
    **_NO_NULLS,
)
def history_tasks(
    procInstId: IdPath,
    request: Request,
    svc: ServicesDep,
    actor: ActorDep,
    page_no: PageNo = 1,
    page_size: PageSize = 20,
) -> Any:
    records = history.task_history(svc, actor, int(procInstId))
    items = [render.history_node(r) for r in records]
    return render.listed(items, page_no, page_size, request.url)


@router.get(
    "/{procInstId}/ru-tasks",
    response_model=JsonListResponseBody[BpmActRuTask],
    summary="获取正在运行的任务 (running tasks)",
    **_NO_NULLS,
)
def running_tasks(
    procInstId: IdPath,
    request: Request,
    svc: ServicesDep,
    actor: ActorDep,
    page_no: PageNo = 1,
    page_size: PageSize = 20,
) -> Any:
    running = history.running_tasks(svc, actor, int(procInstId))
    items = [render.ru_task(t, suspended=running.suspended) for t in running.tasks]
    return render.listed(items, page_no, page_size, request.url)


@router.post(
    "/{procInstId}/task-key/{taskDefKey}/task-name/{taskName}/users/{userid}",
    response_model=JsonResponseBody,
    summary="分配任务 (assign a node, now or when reached)",
)
def assign(
    procInstId: IdPath,
    taskDefKey: NodePath,
    taskName: NodePath,
    userid: UserPath,
    svc: ServicesDep,
    actor: ActorDep,
) -> Any:
    assignments.assign_node(svc, actor, int(procInstId), taskDefKey, taskName, userid)
    return render.ok()


@router.post(
    "/{procInstId}/users/{userId}/revocation",
    response_model=JsonObjectResponseBody[RevocationDTO],
    summary="撤回任务流程节点 (withdraw the user's latest completed task)",
    **_NO_NULLS,
)
def revoke(procInstId: IdPath, userId: UserPath, svc: ServicesDep, actor: ActorDep) -> Any:
    done = withdrawals.withdraw_latest(svc, actor, int(procInstId), userId)
    return render.one(render.revocation(done))
