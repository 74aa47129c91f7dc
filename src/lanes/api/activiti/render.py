"""Service views -> this dialect's DTOs and envelopes; paging `meta` and `links`.

Only translation lives here: names, id strings, durations in ms, the page arithmetic of
the envelope.
"""

from __future__ import annotations

import base64
import math
from collections.abc import Sequence
from datetime import datetime
from typing import Any, TypeVar

from starlette.datastructures import URL

from lanes.api.activiti import schemas as s
from lanes.services.batches import BatchResult
from lanes.services.diagrams import Diagram
from lanes.services.history import Completion, DefinitionDetails, TaskRecord
from lanes.services.navigation import GatewayBranch, NextStep, NodeInfo
from lanes.services.starts import StartedCase
from lanes.services.views import DefinitionView, DeploymentView, Page, TaskView
from lanes.services.withdrawals import Withdrawal

T = TypeVar("T")

_SERVICE_CODES = {
    400: "error.bad-request",
    401: "error.unauthorized",
    403: "error.no-privilege",
    404: "error.not-found",
    409: "error.conflict",
}


def _id(value: int | None) -> str | None:
    return str(value) if value is not None else None


def _delegation(value: str | None) -> Any:
    return value.upper() if value in ("pending", "resolved") else None


def _ms(start: datetime | None, end: datetime | None) -> int | None:
    if start is None or end is None:
        return None
    return int((end - start).total_seconds() * 1000)


def ru_task(
    task: TaskView, *, process_name: str | None = None, suspended: bool | None = None
) -> s.BpmActRuTask:
    return s.BpmActRuTask(
        id=str(task.id),
        rev=1,
        name=task.name,
        taskDefKey=task.node_id,
        procInstId=str(task.instance_id),
        procDefId=str(task.definition_id),
        executionId=None,
        businessKey=task.business_key,
        processName=process_name,
        assignee=task.assignee,
        owner=task.owner,
        delegation=_delegation(task.delegation),
        candidateUsers=list(task.candidate_users),
        candidateGroups=list(task.candidate_groups),
        priority=task.priority,
        createTime=task.created_at,
        claimTime=task.claimed_at,
        dueDate=task.due_at,
        formKey=task.form_key,
        suspensionState=None if suspended is None else (2 if suspended else 1),
    )


def hi_task(task: TaskView) -> s.BpmActHiTaskinst:
    return s.BpmActHiTaskinst(
        id=str(task.id),
        name=task.name,
        taskDefKey=task.node_id,
        procInstId=str(task.instance_id),
        procDefId=str(task.definition_id),
        businessKey=task.business_key,
        assignee=task.assignee,
        owner=task.owner,
        startTime=task.created_at,
        claimTime=task.claimed_at,
        endTime=task.ended_at,
        duration=_ms(task.created_at, task.ended_at),
        deleteReason=_delete_reason(task),
        priority=task.priority,
        dueDate=task.due_at,
        formKey=task.form_key,
    )


def _delete_reason(task: TaskView) -> str | None:
    if task.ended_at is None or task.end_reason == "completed":
        return None
    return task.end_reason


def history_node(record: TaskRecord) -> s.ActHiTaskNodeDTO:
    task = record.task
    duration = _ms(task.created_at, task.ended_at)
    return s.ActHiTaskNodeDTO(
        taskId=str(task.id),
        taskDefKey=task.node_id,
        taskName=task.name,
        assignee=task.assignee,
        owner=task.owner,
        startTime=task.created_at,
        endTime=task.ended_at,
        duration=duration,
        hour=round(duration / 3_600_000, 4) if duration is not None else None,
        comment=record.comment,
        outcome=task.outcome,
        deleteReason=_delete_reason(task),
        revocation=record.withdrawn,
    )


def definition(details: DefinitionDetails) -> s.BpmActReProcdef:
    d = details.definition
    return s.BpmActReProcdef(
        id=str(d.id),
        rev=1,
        key=d.key,
        name=d.name,
        version=d.version,
        deploymentId=str(d.deployment_id),
        resourceName=d.resource_name,
        dgrmResourceName=_svg_name(d) if details.has_diagram else None,
        description=details.description,
        hasStartFormKey=details.has_start_form_key,
        hasGraphicalNotation=details.has_diagram,
        suspensionState=2 if d.suspended else 1,
    )


def _svg_name(d: DefinitionView) -> str:
    stem = d.resource_name.rsplit("/", 1)[-1]
    for suffix in (".bpmn20.xml", ".bpmn", ".xml"):
        if stem.endswith(suffix):
            stem = stem[: -len(suffix)]
            break
    return f"{stem or d.key}.svg"


def node(info: NodeInfo) -> s.ActTaskNodeDTO:
    return s.ActTaskNodeDTO(
        taskDefKey=info.id,
        taskNodeName=info.name,
        taskCategory=info.kind,
        orderNo=info.order,
        assignee=info.assignee,
        candidateUsers=info.candidate_users,
        candidateGroups=info.candidate_groups,
        formKey=info.form_key,
        multiInstance=info.multi_instance,
    )


def started(case: StartedCase) -> s.ActTaskCreateResponseDTO:
    i = case.instance
    return s.ActTaskCreateResponseDTO(
        procInstId=str(i.id),
        procDefId=str(i.definition_id),
        procDefKey=i.process_key,
        processName=case.process_name,
        businessKey=i.business_key,
        startUserId=i.started_by,
        startTime=i.started_at,
        suspended=i.suspended,
        ended=i.status != "active",
        tasks=[ru_task(t, process_name=case.process_name) for t in case.tasks],
    )


def revocation(w: Withdrawal) -> s.RevocationDTO:
    return s.RevocationDTO(
        procInstId=str(w.instance_id),
        revokedTaskId=str(w.revoked_task_id),
        cancelledTaskIds=[str(i) for i in w.cancelled_task_ids],
        tasks=[ru_task(t) for t in w.tasks],
    )


def deployment(view: DeploymentView) -> s.ModelDeployResponseDTO:
    return s.ModelDeployResponseDTO(
        deploymentId=str(view.id),
        name=view.name,
        deployTime=view.deployed_at,
        processDefinitions=[
            s.DeployedDefinition(id=str(d.id), key=d.key, name=d.name, version=d.version)
            for d in view.definitions
        ],
    )


def completion(c: Completion) -> s.TaskCompleteResponseDTO:
    task = c.task
    return s.TaskCompleteResponseDTO(
        procInstId=str(task.instance_id),
        taskId=str(task.id),
        taskDefKey=task.node_id,
        taskName=task.name,
        assignee=task.assignee,
        comment=c.comment,
        outcome=task.outcome,
        endTime=task.ended_at,
        variables=c.variables,
        ended=c.instance_ended,
        nextTasks=[ru_task(t) for t in c.next_tasks],
    )


def batch_result(result: BatchResult) -> s.TaskCompleteBatchResponseDTO:
    if result.error is not None:
        error = result.error
        return s.TaskCompleteBatchResponseDTO(
            taskId=str(result.task_id),
            success=False,
            error=s.BatchError(
                code=_SERVICE_CODES.get(error.status, "error.bad-request"), message=error.message
            ),
        )
    assert result.completion is not None
    return s.TaskCompleteBatchResponseDTO(
        taskId=str(result.task_id),
        success=True,
        procInstId=str(result.completion.task.instance_id),
        nextTasks=[ru_task(t) for t in result.completion.next_tasks],
    )


def delegated(task: TaskView) -> s.DelegateResponseDTO:
    return s.DelegateResponseDTO(
        taskId=str(task.id),
        owner=task.owner,
        assignee=task.assignee,
        delegation=_delegation(task.delegation),
    )


def gateway(branch: GatewayBranch) -> s.TaskGatewayDTO:
    return s.TaskGatewayDTO(
        gatewayId=branch.gateway_id,
        name=branch.gateway_name,
        type=branch.gateway_type,
        mutiSelectFlag=branch.gateway_type == "inclusive",
        flowId=branch.flow_id,
        condition=branch.condition,
        value=branch.value,
        targetNodeId=branch.target_id,
        targetNodeName=branch.target_name,
        selected=branch.selected,
        items=[gateway(b) for b in branch.branches] or None,
    )


def next_node(step: NextStep) -> s.NextNodeDTO:
    return s.NextNodeDTO(
        nextNode={f.target_id: f.target_name or f.target_id for f in step.flows},
        flows=[
            s.NextFlowDTO(
                flowId=f.id,
                name=f.name,
                condition=f.condition,
                targetNodeId=f.target_id,
                targetNodeName=f.target_name,
                targetType=f.target_kind,
            )
            for f in step.flows
        ],
        predicted=[node(n) for n in step.predicted],
    )


def diagram(d: Diagram, highlights: bool) -> s.DiagramResourceDTO:
    encoded = base64.b64encode(d.image).decode()
    return s.DiagramResourceDTO(
        diagramResourceName=d.name,
        diagramResource=f"data:{d.media_type};base64,{encoded}",
        bpmnXml=d.bpmn_xml,
        activeNodeIds=d.active if highlights else None,
        completedNodeIds=d.completed if highlights else None,
        takenFlowIds=d.taken if highlights else None,
    )


# -- envelopes ----------------------------------------------------------------------------------


def ok() -> s.JsonResponseBody:
    return s.JsonResponseBody()


def one(data: Any) -> dict[str, Any]:
    return {"success": True, "status": 200, "data": data}


def page_of(page: Page[Any], items: Sequence[Any], url: URL) -> Any:
    """The list envelope of one page a service already cut."""
    size = page.limit
    number = page.offset // size + 1
    return _listed(list(items), page.total, number, size, url)


def listed(items: Sequence[T], number: int, size: int, url: URL) -> Any:
    """The list envelope of page `number` of a complete list."""
    start = (number - 1) * size
    return _listed(list(items[start : start + size]), len(items), number, size, url)


def _listed(items: list[Any], total: int, number: int, size: int, url: URL) -> Any:
    pages = math.ceil(total / size) if total else 0
    last = max(pages, 1)
    meta = s.PageMeta(
        count=total,
        pages=pages,
        pageNo=number,
        pageSize=size,
        isFirstPage=number == 1,
        hasPreviousPage=number > 1,
        hasNextPage=number < pages,
        isLastPage=number >= pages,
    )

    def at(n: int) -> str:
        return str(url.include_query_params(**{"page.no": n, "page.size": size}))

    links = s.PageLinks(
        self=at(number),
        first=at(1),
        previous=at(min(number - 1, last)) if number > 1 else None,
        next=at(number + 1) if number < pages else None,
        last=at(last),
    )
    return {"success": True, "status": 200, "meta": meta, "links": links, "data": items}
