"""Starting, reading and ending cases through /activity-task, and the envelopes."""

from __future__ import annotations

import re

from tests.e2e.api.activiti.helpers import Act, error, ok, ok_list
from tests.e2e.support import ADMIN_TOKEN, one_task, two_tasks

DIGITS = re.compile(r"^[0-9]+$")


def test_start_answers_the_case_with_its_open_tasks_ids_as_digit_strings(act: Act) -> None:
    ann = act.user("ann")
    act.deploy(one_task())
    data = act.start("review", ann, businessKey="B-1", variables={"days": 2}, projectId=7)
    assert DIGITS.match(data["procInstId"]) and DIGITS.match(data["procDefId"])
    assert data["procDefKey"] == "review" and data["processName"] == "Review"
    assert data["startUserId"] == "ann" and data["businessKey"] == "B-1"
    assert data["ended"] is False and data["suspended"] is False
    (task,) = data["tasks"]
    assert task["assignee"] == "ann" and task["taskDefKey"] == "work"
    assert DIGITS.match(task["id"]) and task["procInstId"] == data["procInstId"]
    assert "owner" not in task and "dueDate" not in task  # nulls are left out
    variables = act.api.get(f"/process-instances/{data['procInstId']}", act.admin).json()
    assert variables["variables"]["projectId"] == 7
    assert variables["variables"]["days"] == 2


def test_the_original_clients_body_makes_the_assignee_the_starter_for_an_admin(
    act: Act,
) -> None:
    act.deploy(one_task())
    data = act.start("review", act.admin, assignee="zoe", projectId="P9")
    assert data["startUserId"] == "zoe"
    assert data["tasks"][0]["assignee"] == "zoe"


def test_a_user_may_not_start_for_someone_else(act: Act) -> None:
    ann = act.user("ann")
    act.deploy(one_task())
    response = act.client.post(
        "/activity-task", headers=ann, json={"processId": "review", "userId": "bob"}
    )
    error(response, 403, "error.no-privilege")


def test_process_id_may_be_key_colon_version_or_a_definition_id(act: Act) -> None:
    first = act.deploy(one_task())["processDefinitions"][0]
    second = act.deploy(one_task().replace("Work", "Work 2"))["processDefinitions"][0]
    assert second["version"] == 2
    assert act.start("review:1", act.admin)["procDefId"] == first["id"]
    assert act.start("review:1:whatever", act.admin)["procDefId"] == first["id"]
    assert act.start(first["id"], act.admin)["procDefId"] == first["id"]
    assert act.start("review", act.admin)["procDefId"] == second["id"]
    missing = act.client.post("/activity-task", headers=act.admin, json={"processId": "nope"})
    error(missing, 404, "error.not-found")


def test_a_body_that_does_not_fit_is_a_validation_error_naming_the_fields(act: Act) -> None:
    response = act.client.post(
        "/activity-task", headers=act.admin, json={"businessKey": 5, "unknown": 1}
    )
    err = error(response, 400, "error.validation")
    names = {f["name"] for f in err["fields"]}
    assert "processId" in names and "businessKey" in names
    garbage = act.client.post(
        "/activity-task",
        headers={**act.admin, "Content-Type": "application/json"},
        content=b"{nope",
    )
    error(garbage, 400, "error.bad-request")
    text = act.client.post(
        "/activity-task", headers={**act.admin, "Content-Type": "text/plain"}, content=b"x"
    )
    error(text, 415, "error.unsupported-mime-type")


def test_no_token_and_a_bad_token_are_told_apart(act: Act) -> None:
    error(act.client.post("/todo-task", json={}), 401, "error.unauthorized")
    bad = act.client.post("/todo-task", headers={"Authorization": "Bearer nope"}, json={})
    error(bad, 401, "error.access-token-invalid")
    other = act.client.post(
        "/todo-task", headers={"X-Authorization-access_token": ADMIN_TOKEN}, json={}
    )
    ok_list(other)


def test_native_errors_keep_their_own_envelope(act: Act) -> None:
    response = act.client.get("/api/v1/tasks/1")
    assert set(response.json()) == {"error"}
    assert response.json()["error"]["code"] == "unauthorized"


def test_ids_that_are_not_digits_are_refused_without_a_server_error(act: Act) -> None:
    for bad in ("abc", "-1", "1.5", "99999999999999999999", "9223372036854775808", "0"):
        response = act.client.get(f"/todo-task/{bad}", headers=act.admin)
        assert response.status_code in (400, 404), (bad, response.text)
        assert response.json()["success"] is False
    huge = act.client.post("/todo-task?page.size=100000", headers=act.admin, json={})
    error(huge, 400, "error.validation")
    huge_body = act.client.post("/todo-task", headers=act.admin, json={"pageSize": 10**9})
    error(huge_body, 400, "error.validation")


def test_history_lists_tasks_oldest_first_with_comment_and_duration(act: Act) -> None:
    ann = act.user("ann")
    cora = act.user("cora", ("checkers",))
    act.deploy(two_tasks())
    case = act.start("chain", ann)
    act.complete(case["tasks"][0]["id"], ann, comment="done it", outcome="ok")
    response = act.client.get(f"/activity-task/{case['procInstId']}/history-tasks", headers=ann)
    first, second = ok_list(response)["data"]
    assert (first["taskDefKey"], second["taskDefKey"]) == ("first", "second")
    assert first["comment"] == "done it" and first["outcome"] == "ok"
    assert first["duration"] >= 0 and "endTime" in first and first["revocation"] is False
    assert "endTime" not in second
    # cora is a candidate of the open task: she may read the case before claiming it
    offered = act.client.get(f"/activity-task/{case['procInstId']}/history-tasks", headers=cora)
    assert len(ok_list(offered)["data"]) == 2
    olga = act.user("olga", ("checkers-not",))
    denied = act.client.get(f"/activity-task/{case['procInstId']}/history-tasks", headers=olga)
    error(denied, 403, "error.no-privilege")


def test_delete_ends_the_case_and_history_keeps_the_reason(act: Act) -> None:
    ann = act.user("ann")
    act.deploy(one_task())
    case = act.start("review", ann)
    instance = case["procInstId"]
    response = act.client.delete(f"/activity-task/{instance}?reason=wrong+form", headers=ann)
    ok(response)
    (task,) = ok_list(
        act.client.get(f"/activity-task/{instance}/history-tasks", headers=act.admin)
    )["data"]
    assert task["deleteReason"] == "wrong form"
    assert act.running(instance) == []
    again = act.client.delete(f"/activity-task/{instance}", headers=ann)
    error(again, 409, "error.conflict")
    other = act.start("review", ann)["procInstId"]
    ok(act.client.delete(f"/activity-task/{other}", headers=act.admin))
    (cancelled,) = ok_list(
        act.client.get(f"/activity-task/{other}/history-tasks", headers=act.admin)
    )["data"]
    assert cancelled["deleteReason"] == "deleted"


def test_suspending_a_case_makes_every_task_action_a_conflict(act: Act) -> None:
    ann = act.user("ann")
    act.deploy(one_task())
    case = act.start("review", ann)
    instance, task = case["procInstId"], case["tasks"][0]["id"]
    ok(act.client.post(f"/activity-task/{instance}/suspend", headers=act.admin))
    (running,) = act.running(instance)
    assert running["suspensionState"] == 2
    done = act.client.post(f"/todo-task/{task}/complete", headers=ann, json={})
    error(done, 409, "error.conflict")
    delegated = act.client.get(f"/todo-task/{task}/delegate/bob", headers=ann)
    error(delegated, 409, "error.conflict")
    ok(act.client.post(f"/activity-task/{instance}/active", headers=act.admin))
    assert act.complete(task, ann)["ended"] is True


def test_assign_gives_open_tasks_now_and_a_later_node_when_reached(act: Act) -> None:
    ann = act.user("ann")
    act.deploy(two_tasks())
    case = act.start("chain", ann)
    instance = case["procInstId"]
    path = f"/activity-task/{instance}/task-key/second/task-name/Second/users/sam"
    ok(act.client.post(path, headers=act.admin))
    act.complete(case["tasks"][0]["id"], ann)
    assert act.task_at(instance, "second")["assignee"] == "sam"
    now = f"/activity-task/{instance}/task-key/second/task-name/x/users/tom"
    ok(act.client.post(now, headers=act.admin))
    assert act.task_at(instance, "second")["assignee"] == "tom"
    by_name = f"/activity-task/{instance}/task-key/unknown/task-name/Second/users/uma"
    ok(act.client.post(by_name, headers=act.admin))
    assert act.task_at(instance, "second")["assignee"] == "uma"
    missing = f"/activity-task/{instance}/task-key/nope/task-name/nope/users/uma"
    error(act.client.post(missing, headers=act.admin), 404, "error.not-found")
    error(act.client.post(path, headers=ann), 403, "error.no-privilege")


ACTIVITI_PREFIXES = ("/activity-task", "/models", "/todo-task")


def test_openapi_names_the_controllers_and_the_seeds_dtos(act: Act) -> None:
    spec = act.client.get("/openapi.json").json()
    activiti = {
        path: operations
        for path, operations in spec["paths"].items()
        if path.startswith(ACTIVITI_PREFIXES)
    }
    tags = {
        tag
        for operations in activiti.values()
        for operation in operations.values()
        for tag in operation["tags"]
    }
    assert tags == {"activity-controller", "model-controller", "task-controller"}
    codes = {
        code
        for operations in activiti.values()
        for operation in operations.values()
        for code in operation["responses"]
    }
    assert "422" not in codes and {"200", "400", "401", "403", "404", "409"} <= codes
    schemas = set(spec["components"]["schemas"])
    for name in (
        "ActTaskCreateDTO",
        "TaskCompleteDTO",
        "TaskCompleteBatchDTO",
        "TodoTaskSearchDTO",
        "JsonResponseBody",
        "JsonObjectResponseBody_ActTaskCreateResponseDTO_",
        "JsonListResponseBody_BpmActRuTask_",
        "BpmActHiTaskinst",
        "BpmActReProcdef",
        "TaskGatewayDTO",
        "NextNodeDTO",
        "ErrorResponseBody",
    ):
        assert name in schemas, name
