"""The Cosminexus work-item API (spec/cosminexus-api.md), mounted at `/csciwws/v1`.

Each route reads its parameters (codec: XML or JSON body, or the query), checks them
(schemas), calls one service function and renders the resource in the format `Accept`
asks for. Errors on these routes are this dialect's own document, `<Error>` or
`{"Code", "Message"}`, in that format too: `CosminexusRoute` catches them around each
route, so the rest of the application keeps its own envelope. The dialect knows 200,
204, 400, 401, 403, 404, 413, 415 and 500: a command that no longer applies (409
elsewhere) is a 400 here, with its reason.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine, Mapping
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException

from lanes.api.cosminexus import codec, schemas
from lanes.api.deps import ActorDep, ServicesDep
from lanes.api.errors import WWW_AUTHENTICATE, ApiError
from lanes.api.prefix_router import PrefixRouter
from lanes.services import instances, work_items
from lanes.services.errors import Conflict, Invalid, NotFound, ServiceError
from lanes.services.query_filter import (
    Expression,
    Field,
    SortKey,
    bind,
    bind_sort,
    parse_filter,
    parse_sort,
)

__all__ = ["router"]

log = logging.getLogger("lanes.api.cosminexus")

DEFAULT_PAGE = 100


class CosminexusRoute(APIRoute):
    """A route whose errors, its dependencies' included, are this dialect's documents."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def guarded(request: Request) -> Response:
            try:
                return await handler(request)
            except Exception as exc:  # every error becomes a document; 500s are logged
                return _error(request, exc)

        return guarded


def _error(request: Request, exc: Exception) -> Response:
    fmt = codec.response_format(request)
    headers: dict[str, str] = {}
    if isinstance(exc, ServiceError):
        status = 400 if isinstance(exc, Conflict) else exc.status
        code, message = exc.code, exc.message
    elif isinstance(exc, codec.BodyError | ApiError):
        status, code, message = exc.status, exc.code, exc.message
    elif isinstance(exc, RequestValidationError):
        status, code = 400, "invalid"
        message = "; ".join(str(p.get("msg", "is not valid")) for p in exc.errors()[:5])
    elif isinstance(exc, HTTPException):
        status, code, message = exc.status_code, "http_error", str(exc.detail)
    else:
        log.error(
            "unexpected error answering %s %s", request.method, request.url.path, exc_info=exc
        )
        status, code = 500, "internal_error"
        message = "the server met an unexpected error; it has been logged"
    if status == 401:
        headers["WWW-Authenticate"] = WWW_AUTHENTICATE
    return codec.render_error(fmt, status, code, message, headers)


# mounted at /csciwws/v1 (app.py)
router = PrefixRouter(roots=("/csciwws/v1/",), route_class=CosminexusRoute, tags=["cosminexus"])


@dataclass(frozen=True, slots=True)
class Wire:
    """The answer's format and the request's fields (none for GET and DELETE)."""

    fmt: codec.Format
    fields: dict[str, Any]

    def take(self, accepted: dict[str, schemas.Kind]) -> dict[str, Any]:
        return schemas.params(self.fields, accepted)


async def _wire(request: Request) -> Wire:
    fmt = codec.response_format(request)
    if request.method in ("GET", "DELETE", "HEAD"):
        return Wire(fmt, {})
    body = await request.body()
    return Wire(fmt, codec.parse_body(request.headers.get("content-type"), body))


WireDep = Annotated[Wire, Depends(_wire)]

_REASSIGN: dict[str, schemas.Kind] = {
    "UserDescription": "text",
    "Source": "short",
    "Target": "short",
}
_PERFORM: dict[str, schemas.Kind] = {**_REASSIGN, "ProcessDataList": "data"}
_COMPLETE: dict[str, schemas.Kind] = {"UserDescription": "text", "ProcessDataList": "data"}
_FREE: dict[str, schemas.Kind] = {"UserDescription": "text"}
_DEADLINE: dict[str, schemas.Kind] = {"UserDescription": "text", "Deadline": "date"}
_ALLOCATE: dict[str, schemas.Kind] = {
    "UserDescription": "text",
    "Filter": "text",
    "Sort": "text",
    "FetchCount": "int",
    "Participant": "short",
}
_CREATE: dict[str, schemas.Kind] = {
    "UserDescription": "text",
    "DefinitionName": "short",
    "MessageRef": "short",
    "Name": "short",
    "Deadline": "date",
    "Priority": "int",
    "ProcessDataList": "data",
}
_SEND: dict[str, schemas.Kind] = {
    "UserDescription": "text",
    "MessageRef": "short",
    "ProcessDataList": "data",
}


def _required(values: dict[str, Any], name: str) -> Any:
    if name not in values:
        raise Invalid(f"{name} is required", {"field": name})
    return values[name]


def _query_text(request: Request, name: str) -> str | None:
    value = request.query_params.get(name)
    if value is None:
        return None
    return str(schemas.params({name: value}, {name: "text"})[name])


def _query_int(request: Request, name: str, default: int) -> int:
    value = request.query_params.get(name)
    if value is None:
        return default
    number = schemas.params({name: value}, {name: "int"})[name]
    assert isinstance(number, int)
    return number


def _listing(
    request: Request, catalogue: Mapping[str, Field]
) -> tuple[Expression | None, list[SortKey], int, int]:
    _query_text(request, "userdescription")
    text = _query_text(request, "filter")
    where = bind(parse_filter(text), catalogue) if text is not None else None
    order = _query_text(request, "sort")
    sort = bind_sort(parse_sort(order), catalogue) if order is not None else []
    return (
        where,
        sort,
        _query_int(request, "offset", 0),
        _query_int(request, "maxcount", DEFAULT_PAGE),
    )


# -- work items -----------------------------------------------------------------------------------


@router.get("/work-item/{case_id}/{work_id}", summary="One work item (11.5.21)")
def get_work_item(
    case_id: str, work_id: str, request: Request, svc: ServicesDep, actor: ActorDep, wire: WireDep
) -> Response:
    _query_text(request, "userdescription")
    item = work_items.get(
        svc, actor, schemas.identifier(case_id, "case id"), schemas.identifier(work_id, "work id")
    )
    return codec.render(wire.fmt, "WorkItem", schemas.work_item(item))


@router.put("/work-item/{case_id}/{work_id}/reassign", summary="Change the participant (11.5.24)")
def reassign(
    case_id: str, work_id: str, svc: ServicesDep, actor: ActorDep, wire: WireDep
) -> Response:
    values = wire.take(_REASSIGN)
    item = work_items.reassign(
        svc,
        actor,
        schemas.identifier(case_id, "case id"),
        schemas.identifier(work_id, "work id"),
        values.get("Target"),
        values.get("Source"),
        values.get("UserDescription"),
    )
    return codec.render(wire.fmt, "WorkItem", schemas.work_item(item))


@router.put(
    "/work-item/{case_id}/{work_id}/reassign-and-perform",
    summary="Change the participant and start performing (11.5.25)",
)
def reassign_and_perform(
    case_id: str, work_id: str, svc: ServicesDep, actor: ActorDep, wire: WireDep
) -> Response:
    values = wire.take(_PERFORM)
    item = work_items.reassign(
        svc,
        actor,
        schemas.identifier(case_id, "case id"),
        schemas.identifier(work_id, "work id"),
        values.get("Target", actor.user_id),
        values.get("Source"),
        values.get("UserDescription"),
        perform=True,
        variables=values.get("ProcessDataList"),
    )
    return codec.render(wire.fmt, "WorkItem", schemas.work_item(item))


@router.put("/work-item/{case_id}/{work_id}/complete", summary="Complete (11.5.23)")
def complete(
    case_id: str, work_id: str, svc: ServicesDep, actor: ActorDep, wire: WireDep
) -> Response:
    values = wire.take(_COMPLETE)
    item = work_items.complete(
        svc,
        actor,
        schemas.identifier(case_id, "case id"),
        schemas.identifier(work_id, "work id"),
        values.get("ProcessDataList"),
        values.get("UserDescription"),
    )
    return codec.render(wire.fmt, "WorkItem", schemas.work_item(item))


@router.put("/work-item/allocate", summary="Allocate ready work items (11.5.28)")
def allocate(svc: ServicesDep, actor: ActorDep, wire: WireDep) -> Response:
    values = wire.take(_ALLOCATE)
    where = (
        bind(parse_filter(values["Filter"], "Filter"), schemas.WORK_ITEM_FILTER, "Filter")
        if "Filter" in values
        else None
    )
    sort = (
        bind_sort(parse_sort(values["Sort"], "Sort"), schemas.WORK_ITEM_FILTER, "Sort")
        if "Sort" in values
        else []
    )
    fetch = values.get("FetchCount", -1)
    if fetch < -1 or fetch == 0:
        raise Invalid(
            "FetchCount must be a positive number, or -1 for all", {"field": "FetchCount"}
        )
    allocated = work_items.allocate(
        svc,
        actor,
        values.get("Participant", actor.user_id),
        where,
        sort,
        None if fetch == -1 else fetch,
        values.get("UserDescription"),
    )
    items = [schemas.work_item(item) for item in allocated]
    return codec.render_list(wire.fmt, "WorkItemList", "WorkItem", items, len(items))


@router.put("/work-item/{case_id}/{work_id}/free", summary="Give a work item back (11.5.29)")
def free(case_id: str, work_id: str, svc: ServicesDep, actor: ActorDep, wire: WireDep) -> Response:
    values = wire.take(_FREE)
    item = work_items.free(
        svc,
        actor,
        schemas.identifier(case_id, "case id"),
        schemas.identifier(work_id, "work id"),
        values.get("UserDescription"),
    )
    return codec.render(wire.fmt, "WorkItem", schemas.work_item(item))


@router.put(
    "/work-item/{case_id}/{work_id}/timer/set-deadline",
    summary="Change the due date of the work item's timer (11.5.30)",
)
def set_deadline(
    case_id: str, work_id: str, svc: ServicesDep, actor: ActorDep, wire: WireDep
) -> Response:
    values = wire.take(_DEADLINE)
    item = work_items.set_deadline(
        svc,
        actor,
        schemas.identifier(case_id, "case id"),
        schemas.identifier(work_id, "work id"),
        _required(values, "Deadline"),
        values.get("UserDescription"),
    )
    return codec.render(wire.fmt, "WorkItem", schemas.work_item(item))


# -- cases, definitions, events ---------------------------------------------------------------


@router.post(
    "/process-instance/create-and-start-message",
    summary="Start a case by a message start event (11.5.7)",
)
def create_and_start_message(svc: ServicesDep, actor: ActorDep, wire: WireDep) -> Response:
    values = wire.take(_CREATE)
    case = instances.start_by_message(
        svc,
        actor,
        _required(values, "DefinitionName"),
        _required(values, "MessageRef"),
        business_key=values.get("Name"),
        variables=values.get("ProcessDataList"),
        name_case=schemas.case_name,
        description=values.get("UserDescription"),
    )
    return codec.render(wire.fmt, "ProcessInstance", schemas.process_instance(case))


@router.delete("/process-instance/{case_id}", summary="Delete a case (11.5.9)")
def delete_case(
    case_id: str, request: Request, svc: ServicesDep, actor: ActorDep, wire: WireDep
) -> Response:
    description = _query_text(request, "userdescription")
    instances.delete_instance(svc, actor, schemas.identifier(case_id, "case id"), description)
    return Response(status_code=204)


@router.get("/activity-instance", summary="List activity instances (11.5.13)")
def list_activity_instances(
    request: Request, svc: ServicesDep, actor: ActorDep, wire: WireDep
) -> Response:
    where, sort, offset, limit = _listing(request, schemas.ACTIVITY_FILTER)
    page = work_items.activity_instances(svc, actor, where, sort, offset, limit)
    items = [schemas.activity_instance(a) for a in page.items]
    return codec.render_list(
        wire.fmt, "ActivityInstanceList", "ActivityInstance", items, page.total
    )


@router.get("/process-definition/{definition_id}", summary="One process definition (11.5.34)")
def get_process_definition(
    definition_id: str, request: Request, svc: ServicesDep, actor: ActorDep, wire: WireDep
) -> Response:
    _query_text(request, "userdescription")
    info = work_items.process_definition(
        svc, actor, schemas.identifier(definition_id, "process definition id")
    )
    return codec.render(wire.fmt, "ProcessDefinition", schemas.process_definition(info))


@router.get("/work-definition", summary="List work definitions (11.5.36)")
def list_work_definitions(
    request: Request, svc: ServicesDep, actor: ActorDep, wire: WireDep
) -> Response:
    where, sort, offset, limit = _listing(request, schemas.WORK_DEFINITION_FILTER)
    page = work_items.work_definitions(svc, actor, where, sort, offset, limit)
    items = [schemas.work_definition(w) for w in page.items]
    return codec.render_list(wire.fmt, "WorkDefinitionList", "WorkDefinition", items, page.total)


@router.post("/event/send-message/{case_id}", summary="Deliver a message to a case (11.5.40)")
def send_message(case_id: str, svc: ServicesDep, actor: ActorDep, wire: WireDep) -> Response:
    values = wire.take(_SEND)
    instance_id = schemas.identifier(case_id, "case id")
    instances.get_instance(svc, actor, instance_id)  # 404 / 403 before "not waiting"
    case = instances.correlate_message(
        svc,
        actor,
        _required(values, "MessageRef"),
        instance_id=instance_id,
        variables=values.get("ProcessDataList"),
        description=values.get("UserDescription"),
    )
    return codec.render(wire.fmt, "ProcessInstance", schemas.process_instance(case))


@router.api_route(
    "/{rest:path}",
    methods=["GET", "POST", "PUT", "DELETE", "PATCH"],
    include_in_schema=False,
)
def no_such_resource(rest: str, request: Request) -> Response:
    """Anything else under the base path is a 404 in this dialect's own format (a known
    path with another method included)."""
    raise NotFound(f"there is no resource at {request.method} {request.url.path}")
