"""task-controller: to-do and done lists, completing (one or many), delegating, and
reading a task's gateways, next nodes and process definition."""

from __future__ import annotations

from typing import Any

from fastapi import Request

from lanes.api.activiti import render
from lanes.api.activiti.errors import ERROR_RESPONSES, ActivitiRoute
from lanes.api.activiti.params import IdPath, NodePath, PageNo, PageSize, UserPath
from lanes.api.activiti.schemas import (
    BpmActHiTaskinst,
    BpmActReProcdef,
    BpmActRuTask,
    DelegateResponseDTO,
    JsonListResponseBody,
    JsonObjectResponseBody,
    NextNodeDTO,
    TaskCompleteBatchDTO,
    TaskCompleteBatchResponseDTO,
    TaskCompleteDTO,
    TaskCompleteResponseDTO,
    TaskGatewayDTO,
    TodoTaskSearchDTO,
)
from lanes.api.deps import ActorDep, JsonBody, ServicesDep
from lanes.api.prefix_router import PrefixRouter
from lanes.services import assignments, batches, history, navigation, tasks
from lanes.services.views import TaskFilter

router = PrefixRouter(
    roots=("/todo-task",),  # at the server root: a path elsewhere is turned away at once
    prefix="/todo-task",
    tags=["task-controller"],
    route_class=ActivitiRoute,
    responses=ERROR_RESPONSES,
    dependencies=[JsonBody],
)
_NO_NULLS: dict[str, Any] = {"response_model_exclude_none": True}

# TodoTaskSearchDTO.sort -> (the services' sort key, descending)
_SORTS = {
    "createTime": ("created", False),
    "-createTime": ("created", True),
    "priority": ("priority", False),
    "-priority": ("priority", True),
    "dueDate": ("due", False),
}


def _search(
    search: TodoTaskSearchDTO | None, page_no: int, page_size: int
) -> tuple[TodoTaskSearchDTO, TaskFilter, int, int]:
    found = search or TodoTaskSearchDTO()
    where = TaskFilter(
        found.processKey,
        int(found.procInstId) if found.procInstId is not None else None,
        found.businessKey,
        found.taskName,
        found.taskDefKey,
        found.createdAfter,
        found.createdBefore,
    )
    size = found.pageSize or page_size
    number = found.pageNo or page_no
    return found, where, (number - 1) * size, size


@router.post(
    "",
    response_model=JsonListResponseBody[BpmActRuTask],
    summary="获取待办任务 (to-do list)",
    description=(
        "Open tasks assigned to the user, or unassigned with the user as candidate "
        "(directly or by group). Paging from `pageNo`/`pageSize` in the body, else the "
        "query's `page.no`/`page.size`."
    ),
    **_NO_NULLS,
)
def todo(
    request: Request,
    svc: ServicesDep,
    actor: ActorDep,
    search: TodoTaskSearchDTO | None = None,
    page_no: PageNo = 1,
    page_size: PageSize = 20,
) -> Any:
    found, where, offset, limit = _search(search, page_no, page_size)
    sort, descending = _SORTS[found.sort or "-createTime"]
    page = tasks.todo(
        svc,
        actor,
        user_id=found.userId,
        where=where,
        offset=offset,
        limit=limit,
        sort=sort,
        descending=descending,
    )
    return render.page_of(page, [render.ru_task(t) for t in page.items], request.url)


@router.post(
    "/complete-batch",
    response_model=JsonListResponseBody[TaskCompleteBatchResponseDTO],
    summary="批量完成任务 (complete several tasks, each on its own)",
    **_NO_NULLS,
)
def complete_batch(
    body: TaskCompleteBatchDTO, request: Request, svc: ServicesDep, actor: ActorDep
) -> Any:
    who = assignments.acting_as(svc, actor, body.userId, "complete tasks")
    ids = [int(i) for i in body.taskIds]
    results = batches.complete_each(
        svc, who, ids, dict(body.variables or {}), body.comment, body.outcome
    )
    items = [render.batch_result(r) for r in results]
    return render.listed(items, 1, max(len(items), 1), request.url)


@router.post(
    "/completed",
    response_model=JsonListResponseBody[BpmActHiTaskinst],
    summary="查询已完成的任务 (done list)",
    **_NO_NULLS,
)
def completed(
    request: Request,
    svc: ServicesDep,
    actor: ActorDep,
    search: TodoTaskSearchDTO | None = None,
    page_no: PageNo = 1,
    page_size: PageSize = 20,
) -> Any:
    found, where, offset, limit = _search(search, page_no, page_size)
    sort, descending = ("ended", True) if found.sort is None else _SORTS[found.sort]
    page = tasks.done(
        svc,
        actor,
        user_id=found.userId,
        where=where,
        offset=offset,
        limit=limit,
        sort=sort,
        descending=descending,
    )
    return render.page_of(page, [render.hi_task(t) for t in page.items], request.url)


@router.get(
    "/proc-inst/{procInstId}/task/{taskDefKey}",
    response_model=JsonObjectResponseBody[TaskCompleteResponseDTO],
    summary="查询已完成的任务节点相关信息 (the latest completion at a node)",
    **_NO_NULLS,
)
def completed_node(
    procInstId: IdPath, taskDefKey: NodePath, svc: ServicesDep, actor: ActorDep
) -> Any:
    done = history.latest_completion(svc, actor, int(procInstId), taskDefKey)
    return render.one(render.completion(done))


@router.get(
    "/{actTaskId}",
    response_model=JsonObjectResponseBody[BpmActRuTask],
    summary="获取待办任务 (one running task)",
    **_NO_NULLS,
)
def get_task(actTaskId: IdPath, svc: ServicesDep, actor: ActorDep) -> Any:
    return render.one(render.ru_task(history.running_task(svc, actor, int(actTaskId))))


@router.post(
    "/{actTaskId}/complete",
    response_model=JsonObjectResponseBody[TaskCompleteResponseDTO],
    summary="完成任务 (complete; a delegated task goes back to its owner)",
    **_NO_NULLS,
)
def complete(
    actTaskId: IdPath, svc: ServicesDep, actor: ActorDep, body: TaskCompleteDTO | None = None
) -> Any:
    given = body or TaskCompleteDTO()
    who = assignments.acting_as(svc, actor, given.userId, "complete a task")
    variables = given.all_variables()
    done = tasks.complete(svc, who, int(actTaskId), variables, given.comment, given.outcome)
    return render.one(
        render.completion(history.completion_of(svc, who, done.task, variables, done.next_tasks))
    )


def _delegate(actTaskId: IdPath, userid: UserPath, svc: ServicesDep, actor: ActorDep) -> Any:
    delegated = tasks.delegate(svc, actor, int(actTaskId), userid, candidates_may=True)
    return render.one(render.delegated(delegated))


for _method in ("GET", "POST"):
    router.add_api_route(
        "/{actTaskId}/delegate/{userid}",
        _delegate,
        methods=[_method],
        response_model=JsonObjectResponseBody[DelegateResponseDTO],
        summary="委托任务 (delegate to a user, who resolves it back)",
        operation_id=f"delegate_{_method.lower()}",
        **_NO_NULLS,
    )


@router.get(
    "/{actTaskId}/gateway",
    response_model=JsonListResponseBody[TaskGatewayDTO],
    summary="获任务网关信息 (the gateways after the task)",
    **_NO_NULLS,
)
def gateways(
    actTaskId: IdPath,
    request: Request,
    svc: ServicesDep,
    actor: ActorDep,
    page_no: PageNo = 1,
    page_size: PageSize = 1000,
) -> Any:
    found = navigation.gateways_after(svc, actor, int(actTaskId))
    return render.listed([render.gateway(b) for b in found], page_no, page_size, request.url)


@router.get(
    "/{actTaskId}/next-node",
    response_model=JsonObjectResponseBody[NextNodeDTO],
    summary="获取下一个任务节点 (next nodes; `var.NAME=value` for a what-if)",
    **_NO_NULLS,
)
def next_node(actTaskId: IdPath, request: Request, svc: ServicesDep, actor: ActorDep) -> Any:
    raw = {
        key.removeprefix("var."): value
        for key, value in request.query_params.multi_items()
        if key.startswith("var.")
    }
    overrides = navigation.parse_overrides(raw)
    return render.one(render.next_node(navigation.next_step(svc, actor, int(actTaskId), overrides)))


@router.get(
    "/{actTaskId}/process-definition",
    response_model=JsonObjectResponseBody[BpmActReProcdef],
    summary="获任务流程定义信息 (the task's process definition)",
    **_NO_NULLS,
)
def process_definition(actTaskId: IdPath, svc: ServicesDep, actor: ActorDep) -> Any:
    return render.one(render.definition(history.definition_of_task(svc, actor, int(actTaskId))))
