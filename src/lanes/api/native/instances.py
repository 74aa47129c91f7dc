"""Process instances, their variables and history; messages and signals."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import Body, Query, Response

from lanes.api.deps import ActorDep, JsonBody, ServicesDep
from lanes.api.native.params import IdPath, Limit, NodeIdPath, Offset, TextQuery, UserQuery
from lanes.api.native.paths import family_router
from lanes.api.native.responses import json_of
from lanes.api.native.schemas import (
    ActivityOut,
    InstanceOut,
    InstancePage,
    MessageIn,
    NodeAssigneeIn,
    SignalIn,
    SignalOut,
    StartedOut,
    StartIn,
    TaskOut,
    Variables,
    flat,
)
from lanes.services import instances, tasks
from lanes.services.views import ActivityView, InstanceView, Page, TaskView

router = family_router(
    "process-instances", "messages", "signals", tags=["instances"], dependencies=[JsonBody]
)


@router.post(
    "/process-instances",
    status_code=201,
    response_model=StartedOut,
    summary="Start a process instance",
    description=(
        "By `process_key` (its newest version) or `process_definition_id`. Any user may "
        "start a definition unless it names candidate starters. The answer lists the "
        "tasks the start opened."
    ),
)
def start_instance(body: StartIn, svc: ServicesDep, actor: ActorDep) -> Response:
    started = instances.start_instance(
        svc,
        actor,
        key=body.process_key,
        definition_id=body.process_definition_id,
        variables=body.variables,
        business_key=body.business_key,
    )
    return json_of(flat(started.instance, tasks=started.tasks), status_code=201)


@router.get(
    "/process-instances",
    response_model=InstancePage,
    summary="List process instances",
    description="Yours (started or taken part in); admins see all.",
)
def list_instances(
    svc: ServicesDep,
    actor: ActorDep,
    process_key: TextQuery = None,
    business_key: TextQuery = None,
    status: Annotated[Literal["active", "completed", "terminated"] | None, Query()] = None,
    started_by: UserQuery = None,
    offset: Offset = 0,
    limit: Limit = 50,
) -> Page[InstanceView]:
    return instances.list_instances(
        svc,
        actor,
        process_key=process_key,
        business_key=business_key,
        status=status,
        started_by=started_by,
        offset=offset,
        limit=limit,
    )


@router.get(
    "/process-instances/{instance_id}", response_model=InstanceOut, summary="Read an instance"
)
def get_instance(instance_id: IdPath, svc: ServicesDep, actor: ActorDep) -> InstanceView:
    return instances.get_instance(svc, actor, instance_id)


@router.get(
    "/process-instances/{instance_id}/history",
    response_model=list[ActivityOut],
    summary="Every node the instance entered and left",
)
def get_history(instance_id: IdPath, svc: ServicesDep, actor: ActorDep) -> list[ActivityView]:
    return instances.history(svc, actor, instance_id)


@router.get(
    "/process-instances/{instance_id}/tasks",
    response_model=list[TaskOut],
    summary="The instance's tasks, open and finished",
)
def get_instance_tasks(
    instance_id: IdPath, svc: ServicesDep, actor: ActorDep, open_only: bool = False
) -> list[TaskView]:
    return tasks.instance_tasks(svc, actor, instance_id, open_only)


@router.post(
    "/process-instances/{instance_id}/suspend",
    response_model=InstanceOut,
    summary="Suspend an instance (admins)",
)
def suspend_instance(instance_id: IdPath, svc: ServicesDep, actor: ActorDep) -> InstanceView:
    return instances.set_suspended(svc, actor, instance_id, True)


@router.post(
    "/process-instances/{instance_id}/activate",
    response_model=InstanceOut,
    summary="Activate a suspended instance (admins)",
)
def activate_instance(instance_id: IdPath, svc: ServicesDep, actor: ActorDep) -> InstanceView:
    return instances.set_suspended(svc, actor, instance_id, False)


@router.delete(
    "/process-instances/{instance_id}",
    response_model=InstanceOut,
    summary="Terminate an instance (admins, or its starter)",
    description="The instance stays readable, with status `terminated` and the reason.",
)
def terminate_instance(
    instance_id: IdPath,
    svc: ServicesDep,
    actor: ActorDep,
    reason: TextQuery = None,
) -> InstanceView:
    return instances.terminate(svc, actor, instance_id, reason)


@router.get(
    "/process-instances/{instance_id}/variables",
    response_model=dict[str, Any],
    summary="The instance's variables",
)
def get_variables(instance_id: IdPath, svc: ServicesDep, actor: ActorDep) -> dict[str, Any]:
    return instances.get_variables(svc, actor, instance_id)


@router.put(
    "/process-instances/{instance_id}/variables",
    response_model=dict[str, Any],
    summary="Set variables (admins, or the starter)",
    description="The body is a JSON object of names to values; names not sent are kept.",
)
def set_variables(
    instance_id: IdPath,
    variables: Annotated[Variables, Body()],
    svc: ServicesDep,
    actor: ActorDep,
) -> dict[str, Any]:
    return instances.set_variables(svc, actor, instance_id, variables)


@router.post(
    "/process-instances/{instance_id}/nodes/{node_id}/assignee",
    status_code=204,
    summary="Assign a user task node, now or before the case reaches it (admins)",
)
def assign_node(
    instance_id: IdPath,
    node_id: NodeIdPath,
    body: NodeAssigneeIn,
    svc: ServicesDep,
    actor: ActorDep,
) -> Response:
    tasks.assign_node(svc, actor, instance_id, node_id, body.user_id)
    return Response(status_code=204)


@router.post(
    "/messages",
    response_model=InstanceOut,
    tags=["events"],
    summary="Correlate a message",
    description=(
        "Delivered to the instance waiting for it (by business key or instance id), or "
        "starts an instance at a message start event of that name."
    ),
)
def correlate_message(body: MessageIn, svc: ServicesDep, actor: ActorDep) -> InstanceView:
    return instances.correlate_message(
        svc,
        actor,
        body.name,
        business_key=body.business_key,
        instance_id=body.process_instance_id,
        variables=body.variables,
    )


@router.post(
    "/signals",
    response_model=SignalOut,
    tags=["events"],
    summary="Broadcast a signal",
)
def send_signal(body: SignalIn, svc: ServicesDep, actor: ActorDep) -> SignalOut:
    return SignalOut(received=instances.send_signal(svc, actor, body.name, body.variables))
