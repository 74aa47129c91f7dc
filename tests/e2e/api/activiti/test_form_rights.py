"""Field rights are enforced on the Activiti completion path too (`POST
/todo-task/{id}/complete`): the rules and the form are those of the native form tests."""

from __future__ import annotations

from tests.e2e.api.native.test_forms import expense  # noqa: F401 - the fixture
from tests.e2e.support import Api, Headers


def test_completing_against_the_rights_is_400_and_applies_nothing(
    api: Api,
    expense: tuple[Headers, int],  # noqa: F811 - the imported fixture
) -> None:
    ann, instance_id = expense
    task = api.open_task(instance_id, "submit")
    body = {"variables": {"purpose": "fun", "verdict": "ok"}}
    response = api.client.post(f"/todo-task/{task['id']}/complete", headers=ann, json=body)
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert error["code"] == "error.validation"
    assert {(f["name"], f["type"]) for f in error["fields"]} == {
        ("amount", "required"),
        ("purpose", "read-only"),
        ("verdict", "hidden"),
    }
    assert api.open_task(instance_id, "submit")["id"] == task["id"]
    done = api.client.post(
        f"/todo-task/{task['id']}/complete", headers=ann, json={"variables": {"amount": 3}}
    )
    assert done.status_code == 200, done.text
    assert [t["taskDefKey"] for t in done.json()["data"]["nextTasks"]] == ["approve"]


def test_reading_a_completion_leaves_out_what_the_readers_rights_hide(
    api: Api,
    expense: tuple[Headers, int],  # noqa: F811 - the imported fixture
) -> None:
    """At approve only ann may see the verdict: the admin reading her completion there
    does not get it back."""
    ann, instance_id = expense
    only_ann = [{"type": "employee", "rightsId": "ann", "rightsName": ""}]
    permission = {"field": [{"name": "verdict", "read": only_ann, "edit": only_ann}]}
    api.save_node_rights("expense", "approve", permission)
    api.complete(api.open_task(instance_id, "submit")["id"], ann, variables={"amount": 3})
    approve = api.open_task(instance_id, "approve")["id"]
    api.complete(approve, ann, variables={"verdict": "fine", "note": "ok"})
    path = f"/todo-task/proc-inst/{instance_id}/task/approve"
    seen_by_admin = api.client.get(path, headers=api.admin).json()["data"]["variables"]
    assert seen_by_admin == {"note": "ok"}
    seen_by_ann = api.client.get(path, headers=ann).json()["data"]["variables"]
    assert seen_by_ann == {"note": "ok", "verdict": "fine"}
