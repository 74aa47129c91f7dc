"""Forms through the native API: defining and reading them, a task's form data, and
field rights enforced when a task is completed (`POST /tasks/{id}/complete`)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.e2e.support import Api, Headers, bpmn, error_of

FORM: dict[str, Any] = {
    "name": "Expense",
    "tables": [
        {
            "name": "expense",
            "label": "Expense",
            "isMain": "Y",
            "fields": [
                {"name": "amount", "code": "expense", "field_type": "number", "label": "Amount"},
                {"name": "purpose", "code": "expense", "field_type": "text", "label": "Purpose"},
                {"name": "verdict", "code": "expense", "field_type": "text", "label": "Verdict"},
            ],
        },
        {
            "name": "items",
            "label": "Items",
            "isMain": "N",
            "fields": [{"name": "what", "code": "items", "field_type": "text", "label": "What"}],
        },
    ],
}
# start -> submit (the starter) -> approve (the starter) -> end, both with formKey expense
EXPENSE = bpmn(
    "expense",
    """<startEvent id="start" flowable:initiator="starter"/>
    <userTask id="submit" flowable:assignee="${starter}" flowable:formKey="expense"/>
    <userTask id="approve" flowable:assignee="${starter}" flowable:formKey="expense"/>
    <endEvent id="end"/>
    <sequenceFlow id="f1" sourceRef="start" targetRef="submit"/>
    <sequenceFlow id="f2" sourceRef="submit" targetRef="approve"/>
    <sequenceFlow id="f3" sourceRef="approve" targetRef="end"/>""",
)
NONE = [{"type": "none"}]
ALL = [{"type": "all"}]


def test_a_form_is_defined_replaced_and_read(api: Api) -> None:
    response = api.put("/forms/expense", api.admin, json=FORM)
    assert response.status_code == 201, response.text
    assert response.json()["updated_by"] == "admin"
    replaced = {**FORM, "name": "Expenses"}
    assert api.put("/forms/expense", api.admin, json=replaced).status_code == 200
    read = api.get("/forms/expense", api.user("reader"))
    assert read.status_code == 200
    body = read.json()
    assert body["key"] == "expense" and body["name"] == "Expenses"
    assert body["tables"] == FORM["tables"]


def test_defining_forms_needs_an_administrator_or_the_form_admin_role(api: Api) -> None:
    plain = api.user("plain")
    response = api.put("/forms/expense", plain, json=FORM)
    assert response.status_code == 403
    assert error_of(response)["code"] == "forbidden"
    assert api.put("/forms/expense", api.user("fay", ["form-admin"]), json=FORM).status_code == 201


@pytest.mark.parametrize(
    ("tables", "field"),
    [
        ([], "tables"),
        ([{**FORM["tables"][1], "isMain": "N"}], "tables"),
        ([{**FORM["tables"][0], "fields": [{"name": "a-b"}]}], "tables[0].fields[0].name"),
    ],
)
def test_a_form_that_does_not_fit_is_400_naming_where(
    api: Api, tables: list[Any], field: str
) -> None:
    response = api.put("/forms/expense", api.admin, json={"tables": tables})
    assert response.status_code == 400
    assert error_of(response)["details"] == {"field": field}


def test_unknown_members_and_forms(api: Api) -> None:
    response = api.put("/forms/expense", api.admin, json={**FORM, "colour": "red"})
    assert response.status_code == 422
    assert api.get("/forms/nope", api.admin).status_code == 404
    assert api.put("/forms/bad%20key", api.admin, json=FORM).status_code == 400


# -- a task's form, enforced ----------------------------------------------------------------


@pytest.fixture
def expense(api: Api) -> tuple[Headers, int]:
    """The form, rules at expense/submit, an instance at submit; the starter's headers and
    the instance id. At submit: amount required, purpose read-only, verdict hidden."""
    assert api.put("/forms/expense", api.admin, json=FORM).status_code == 201
    permission = {
        "field": [
            {"name": "amount", "required": ALL},
            {"name": "purpose", "edit": NONE},
            {"name": "verdict", "read": NONE, "edit": NONE},
        ],
        "subfield": [{"name": "what", "code": "items", "edit": NONE}],
    }
    api.save_node_rights("expense", "submit", permission)
    api.deploy(EXPENSE)
    ann = api.user("ann")
    variables = {"purpose": "travel", "verdict": "secret", "items": [{"what": "train"}]}
    instance = api.start("expense", ann, variables=variables)
    return ann, instance["id"]


def test_completing_against_the_rights_is_400_naming_every_field(
    api: Api, expense: tuple[Headers, int]
) -> None:
    ann, instance_id = expense
    task = api.open_task(instance_id, "submit")
    body = {"variables": {"purpose": "fun", "verdict": "ok", "items": [{"what": "taxi"}]}}
    response = api.post(f"/tasks/{task['id']}/complete", ann, json=body)
    assert response.status_code == 400
    error = error_of(response)
    assert error["details"]["fields"] == {
        "amount": "required",
        "items.what": "read-only",
        "purpose": "read-only",
        "verdict": "hidden",
    }
    # nothing applied: the task is still open and the variables are as they were
    assert api.open_task(instance_id, "submit")["id"] == task["id"]
    variables = api.get(f"/process-instances/{instance_id}/variables", api.admin).json()
    assert variables == {
        "starter": "ann",
        "purpose": "travel",
        "verdict": "secret",
        "items": [{"what": "train"}],
    }
    # within the rights it goes through, and the next node has rules of its own (none)
    api.complete(task["id"], ann, variables={"amount": 12})
    approve = api.open_task(instance_id, "approve")
    api.complete(approve["id"], ann, variables={"verdict": "fine"})


def test_a_tasks_form_leaves_hidden_fields_out(api: Api, expense: tuple[Headers, int]) -> None:
    ann, instance_id = expense
    task = api.open_task(instance_id, "submit")
    response = api.get(f"/tasks/{task['id']}/form", ann)
    assert response.status_code == 200, response.text
    form = response.json()
    assert form["rights"] == {"amount": "b", "purpose": "r", "items.what": "r"}
    assert form["values"] == {"amount": None, "purpose": "travel", "items": [{"what": "train"}]}
    assert "verdict" not in json.dumps(form)
    assert (form["form_key"], form["flow_key"], form["node_id"]) == ("expense", "expense", "submit")
    assert form["tables"] == {"items": "r"}
    # at the next node nothing is hidden
    api.complete(task["id"], ann, variables={"amount": 5})
    approve = api.open_task(instance_id, "approve")
    values = api.get(f"/tasks/{approve['id']}/form", ann).json()["values"]
    assert values["verdict"] == "secret" and values["amount"] == 5


def test_a_tasks_form_is_for_those_who_see_the_task(api: Api, expense: tuple[Headers, int]) -> None:
    _, instance_id = expense
    task = api.open_task(instance_id, "submit")
    assert api.get(f"/tasks/{task['id']}/form", api.user("eve")).status_code == 403
    assert api.get("/tasks/424242/form", api.admin).status_code == 404


def test_a_task_without_a_form_has_no_form_data(api: Api) -> None:
    api.deploy(
        bpmn(
            "plain",
            """<startEvent id="start" flowable:initiator="starter"/>
    <userTask id="work" flowable:assignee="${starter}"/>
    <endEvent id="end"/>
    <sequenceFlow id="f1" sourceRef="start" targetRef="work"/>
    <sequenceFlow id="f2" sourceRef="work" targetRef="end"/>""",
        )
    )
    ann = api.user("ann")
    instance = api.start("plain", ann)
    task = api.open_task(instance["id"], "work")
    response = api.get(f"/tasks/{task['id']}/form", ann)
    assert response.status_code == 404
    api.complete(task["id"], ann, variables={"anything": 1})
