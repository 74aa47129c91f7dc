"""model-controller: deploying and removing models, suspending and activating
definitions, and reading a definition's nodes and diagram."""

from __future__ import annotations

import base64
import binascii
from typing import Annotated, Any

from fastapi import Query, Request
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from lanes.api.activiti import render
from lanes.api.activiti.drawing import draw
from lanes.api.activiti.errors import ERROR_RESPONSES, ActivitiRoute
from lanes.api.activiti.params import IdPath, ImageFormat, PageNo, PageSize
from lanes.api.activiti.schemas import (
    ActTaskNodeDTO,
    DiagramResourceDTO,
    JsonListResponseBody,
    JsonObjectResponseBody,
    JsonResponseBody,
    ModelDeployDTO,
    ModelDeployResponseDTO,
)
from lanes.api.deps import ActorDep, ServicesDep, is_json
from lanes.api.errors import ApiError
from lanes.api.prefix_router import PrefixRouter
from lanes.services import deployments, diagrams, navigation
from lanes.services.errors import Invalid

router = PrefixRouter(
    roots=("/models",),  # at the server root: a path elsewhere is turned away at once
    prefix="/models",
    tags=["model-controller"],
    route_class=ActivitiRoute,
    responses=ERROR_RESPONSES,
)
_NO_NULLS: dict[str, Any] = {"response_model_exclude_none": True}

_DEPLOY_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": ModelDeployDTO.model_json_schema()},
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "file": {"type": "string", "format": "binary"},
                        "name": {"type": "string"},
                        "category": {"type": "string"},
                        "tenantId": {"type": "string"},
                    },
                    "required": ["file"],
                }
            },
        },
    }
}


@router.post(
    "",
    response_model=JsonObjectResponseBody[ModelDeployResponseDTO],
    summary="部署流程模型 (deploy a model; administrators)",
    description=(
        "JSON (ModelDeployDTO: `bpmnXml`, or `resourceName` + `resourceBase64`) or "
        "multipart/form-data with a `file` field."
    ),
    openapi_extra=_DEPLOY_BODY,
    **_NO_NULLS,
)
async def deploy(request: Request, svc: ServicesDep, actor: ActorDep) -> Any:
    resource, resource_name, name = await _deploy_body(request)
    # the parse and the write run in a worker thread, as a sync route would
    view = await run_in_threadpool(deployments.deploy, svc, actor, resource, resource_name, name)
    return render.one(render.deployment(view))


async def _deploy_body(request: Request) -> tuple[bytes, str, str | None]:
    content_type = request.headers.get("content-type", "")
    media = content_type.split(";", 1)[0].strip().lower()
    if media == "multipart/form-data":
        async with request.form() as form:  # closes the spooled upload files
            upload = form.get("file")
            if upload is None or isinstance(upload, str):
                raise Invalid("send the model as the multipart field 'file'", {"field": "file"})
            data = await upload.read()
            given = form.get("name")
            resource_name = (upload.filename or "process.bpmn")[:255]
            return data, resource_name, given[:255] if isinstance(given, str) else None
    if not is_json(content_type):
        raise ApiError(
            415,
            "unsupported_media_type",
            "send the model as application/json (ModelDeployDTO) or multipart/form-data "
            f"with a 'file' field, not {content_type or 'without a Content-Type'}",
        )
    try:
        body = ModelDeployDTO.model_validate_json(await request.body())
    except ValidationError as exc:
        raise RequestValidationError(
            [{**e, "loc": ("body", *e["loc"])} for e in exc.errors()]
        ) from None
    if body.bpmnXml is not None:
        return (
            body.bpmnXml.encode(),
            body.resourceName or f"{body.name or 'process'}.bpmn",
            body.name,
        )
    if body.resourceBase64 is None:
        raise Invalid(
            "give the model as 'bpmnXml', or as 'resourceName' and 'resourceBase64'",
            {"field": "bpmnXml"},
        )
    try:
        data = base64.b64decode(body.resourceBase64, validate=True)
    except (binascii.Error, ValueError):
        raise Invalid("resourceBase64 is not valid base64", {"field": "resourceBase64"}) from None
    return data, body.resourceName or "process.bpmn", body.name


Cascade = Annotated[bool, Query(description="Remove running instances too.")]
IncludeInstances = Annotated[
    bool, Query(description="Suspend (or activate) the definition's running instances too.")
]


@router.delete(
    "/{deploymentId}", response_model=JsonResponseBody, summary="移除已部署的流程模型 (remove)"
)
def remove(
    deploymentId: IdPath, svc: ServicesDep, actor: ActorDep, cascade: Cascade = False
) -> Any:
    deployments.delete_deployment(svc, actor, int(deploymentId), cascade)
    return render.ok()


@router.post(
    "/{procDefId}/active", response_model=JsonResponseBody, summary="激活 (activate a definition)"
)
def activate(
    procDefId: IdPath, svc: ServicesDep, actor: ActorDep, includeInstances: IncludeInstances = False
) -> Any:
    deployments.set_definition_suspended(svc, actor, int(procDefId), False, includeInstances)
    return render.ok()


@router.post(
    "/{procDefId}/suspend", response_model=JsonResponseBody, summary="挂起 (suspend a definition)"
)
def suspend(
    procDefId: IdPath, svc: ServicesDep, actor: ActorDep, includeInstances: IncludeInstances = False
) -> Any:
    deployments.set_definition_suspended(svc, actor, int(procDefId), True, includeInstances)
    return render.ok()


@router.get(
    "/{procDefId}/nodes",
    response_model=JsonListResponseBody[ActTaskNodeDTO],
    summary="获取流程节点 (every flow node of the definition)",
    **_NO_NULLS,
)
def nodes(
    procDefId: IdPath,
    request: Request,
    svc: ServicesDep,
    actor: ActorDep,
    page_no: PageNo = 1,
    page_size: PageSize = 1000,
) -> Any:
    found = navigation.definition_nodes(svc, actor, int(procDefId))
    return render.listed([render.node(n) for n in found], page_no, page_size, request.url)


@router.get(
    "/{procDefId}/diagram",
    response_model=JsonObjectResponseBody[DiagramResourceDTO],
    summary="获取流程图 (the definition's diagram)",
    **_NO_NULLS,
)
async def diagram(
    procDefId: IdPath, svc: ServicesDep, actor: ActorDep, image_format: ImageFormat = "svg"
) -> Any:
    drawn = await draw(diagrams.definition_diagram, svc, actor, int(procDefId), image_format)
    return render.one(render.diagram(drawn, highlights=False))
