"""Deployments and process definitions (`/deployments`, `/process-definitions`)."""

from __future__ import annotations

from fastapi import Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError

from lanes.api.deps import ActorDep, JsonBody, ServicesDep
from lanes.api.errors import ApiError
from lanes.api.native.params import IdPath, Limit, NameQuery, Offset, TextQuery
from lanes.api.native.paths import family_router
from lanes.api.native.schemas import (
    DefinitionOut,
    DefinitionPage,
    DeploymentOut,
    SuspendIn,
)
from lanes.services import deployments
from lanes.services.views import DefinitionView, DeploymentView, Page

router = family_router("deployments", "process-definitions", tags=["definitions"])

_XML_TYPES = ("application/xml", "text/xml")
_DEPLOY_BODY = {
    "requestBody": {
        "required": True,
        "description": "A BPMN 2.0 file: as the multipart field `file`, or as the raw body.",
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {"file": {"type": "string", "format": "binary"}},
                }
            },
            "application/xml": {"schema": {"type": "string", "format": "binary"}},
            "text/xml": {"schema": {"type": "string", "format": "binary"}},
        },
    }
}


@router.post(
    "/deployments",
    status_code=201,
    response_model=DeploymentOut,
    summary="Deploy a BPMN file (admins)",
    description=(
        "Every problem in the file is reported at once (400, `details.problems`). "
        "Deploying an unchanged file again returns the existing definitions; a changed "
        "one becomes the next version. `name` names the deployment; `resource_name` "
        "names a raw body (an uploaded file keeps its own name)."
    ),
    openapi_extra=_DEPLOY_BODY,
)
async def deploy(
    request: Request,
    response: Response,
    svc: ServicesDep,
    actor: ActorDep,
    name: NameQuery = None,
    resource_name: NameQuery = None,
) -> DeploymentView:
    resource, file_name = await _resource(request)
    view = await run_in_threadpool(
        deployments.deploy,
        svc,
        actor,
        resource,
        resource_name or file_name or "process.bpmn",
        name,
    )
    if not view.created:
        response.status_code = 200  # nothing new: the existing deployment
    return view


async def _resource(request: Request) -> tuple[bytes, str | None]:
    """The BPMN bytes of a multipart upload or a raw XML body, and the file's name."""
    content_type = request.headers.get("content-type") or ""
    media = content_type.split(";", 1)[0].strip().lower()
    if media == "multipart/form-data":
        async with request.form() as form:
            upload = form.get("file")
            if isinstance(upload, str):  # a form field rather than a file (curl -F file=<x)
                return upload.encode(), None
            if upload is None:
                raise RequestValidationError(
                    [
                        {
                            "type": "missing",
                            "loc": ("body", "file"),
                            "msg": "a multipart upload needs the BPMN file in the field 'file'",
                        }
                    ]
                )
            return await upload.read(), _file_name(upload.filename)
    if media in _XML_TYPES or media.endswith("+xml"):
        return await request.body(), None
    raise ApiError(
        415,
        "unsupported_media_type",
        "send the BPMN file as multipart/form-data (field 'file') or as an "
        f"application/xml or text/xml body, not {content_type or 'without a Content-Type'}",
        {"content_type": content_type or None},
    )


def _file_name(name: str | None) -> str | None:
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1].replace("\x00", "")
    return base[:255] or None


@router.delete(
    "/deployments/{deployment_id}",
    status_code=204,
    summary="Delete a deployment (admins)",
    description="409 while instances of it run, unless `cascade=true` removes them too.",
)
def delete_deployment(
    deployment_id: IdPath, svc: ServicesDep, actor: ActorDep, cascade: bool = False
) -> Response:
    deployments.delete_deployment(svc, actor, deployment_id, cascade)
    return Response(status_code=204)


@router.get(
    "/process-definitions", response_model=DefinitionPage, summary="List process definitions"
)
def list_definitions(
    svc: ServicesDep,
    actor: ActorDep,
    key: TextQuery = None,
    latest_only: bool = False,
    offset: Offset = 0,
    limit: Limit = 50,
) -> Page[DefinitionView]:
    return deployments.list_definitions(svc, actor, key, latest_only, offset, limit)


@router.get(
    "/process-definitions/{definition_id}",
    response_model=DefinitionOut,
    summary="Read a process definition",
)
def get_definition(definition_id: IdPath, svc: ServicesDep, actor: ActorDep) -> DefinitionView:
    return deployments.get_definition(svc, actor, definition_id)


@router.get(
    "/process-definitions/{definition_id}/xml",
    response_class=Response,
    responses={200: {"content": {"application/xml": {}}, "description": "The BPMN file."}},
    summary="The deployed BPMN file",
)
def get_definition_xml(definition_id: IdPath, svc: ServicesDep, actor: ActorDep) -> Response:
    resource = deployments.definition_resource(svc, actor, definition_id)
    return Response(resource, media_type="application/xml")


@router.post(
    "/process-definitions/{definition_id}/suspend",
    response_model=DefinitionOut,
    dependencies=[JsonBody],
    summary="Suspend a process definition (admins)",
)
def suspend_definition(
    definition_id: IdPath, svc: ServicesDep, actor: ActorDep, body: SuspendIn | None = None
) -> DefinitionView:
    include = body.include_instances if body is not None else False
    return deployments.set_definition_suspended(svc, actor, definition_id, True, include)


@router.post(
    "/process-definitions/{definition_id}/activate",
    response_model=DefinitionOut,
    dependencies=[JsonBody],
    summary="Activate a process definition (admins)",
)
def activate_definition(
    definition_id: IdPath, svc: ServicesDep, actor: ActorDep, body: SuspendIn | None = None
) -> DefinitionView:
    include = body.include_instances if body is not None else False
    return deployments.set_definition_suspended(svc, actor, definition_id, False, include)
