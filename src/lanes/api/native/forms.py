"""Form definitions (`/forms/{form_key}`) and a task's form data (`/tasks/{id}/form`).

A form is sent in the shape the IBPS designer reads back (`isMain`, `field_type`), so a
definition taken from one system is accepted by the other; everything else of the native
API stays snake_case.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import Path, Response
from pydantic import AfterValidator, Field, StringConstraints

from lanes.api.deps import ActorDep, JsonBody, ServicesDep
from lanes.api.native.params import IdPath
from lanes.api.native.paths import family_router
from lanes.api.native.schemas import Body, Name, Out
from lanes.api.values import plain_text
from lanes.services import forms
from lanes.services.forms import FormView, TaskFormView

router = family_router("forms", "tasks", tags=["forms"], dependencies=[JsonBody])

FormKeyPath = Annotated[
    str,
    Path(min_length=1, max_length=128, description="The form's key, as BPMN `formKey` names it."),
    AfterValidator(plain_text),
]
Code = Annotated[str, StringConstraints(min_length=1, max_length=128), AfterValidator(plain_text)]


class FieldIn(Body):
    name: Code
    code: Code | None = Field(None, description="The table the field sits in (its name).")
    field_type: Name = "text"
    label: Name | None = None


class TableIn(Body):
    name: Code
    label: Name | None = None
    isMain: Annotated[str, StringConstraints(max_length=1)] = Field(
        "N", description="'Y' for the main table (exactly one), 'N' for a sub-table."
    )
    fields: list[FieldIn] = Field(..., max_length=1000)


class FormIn(Body):
    name: Name | None = None
    tables: list[TableIn] = Field(..., max_length=100)


class FormOut(Out):
    key: str
    name: str
    tables: list[dict[str, Any]]
    updated_at: datetime
    updated_by: str | None


class TaskFormOut(Out):
    task_id: int
    form_key: str
    name: str
    flow_key: str
    node_id: str
    values: dict[str, Any]
    rights: dict[str, str]
    tables: dict[str, str]


@router.put(
    "/forms/{form_key}",
    response_model=FormOut,
    summary="Define a form (administrators and the form-admin role)",
    description=(
        "Creates (201) or replaces (200) the form: one main table (`isMain: 'Y'`) and "
        "optional sub-tables, each with fields `{name, code, field_type, label}`."
    ),
    status_code=200,
)
def define_form(
    form_key: FormKeyPath, body: FormIn, svc: ServicesDep, actor: ActorDep, response: Response
) -> FormView:
    definition = body.model_dump(exclude_none=True)
    view = forms.define_form(svc, actor, form_key, definition)
    if view.created:
        response.status_code = 201
    return view


@router.get("/forms/{form_key}", response_model=FormOut, summary="Read a form's definition")
def get_form(form_key: FormKeyPath, svc: ServicesDep, actor: ActorDep) -> FormView:
    return forms.get_form(svc, actor, form_key)


@router.get(
    "/tasks/{task_id}/form",
    response_model=TaskFormOut,
    summary="A task's form: field values and your rights at its node",
    description=(
        "Values come from the process instance's variables; `rights` maps each field to "
        "`b` (required), `e` (edit) or `r` (read-only). Fields hidden from you are left out."
    ),
)
def task_form(task_id: IdPath, svc: ServicesDep, actor: ActorDep) -> TaskFormView:
    return forms.task_form(svc, actor, task_id)
