"""Nothing a client sends gets a server error: garbage bodies, ids and queries."""

from __future__ import annotations

import json

import pytest

from lanes.api.app import MAX_BODY_BYTES
from tests.e2e.api.activiti.helpers import Act, error
from tests.e2e.support import one_task

POSTS = [
    "/activity-task",
    "/models",
    "/todo-task",
    "/todo-task/complete-batch",
    "/todo-task/completed",
    "/todo-task/{task}/complete",
]


def _deep(levels: int) -> object:
    value: object = 1
    for _ in range(levels):
        value = {"a": value}
    return value


GARBAGE: list[object] = [
    [],
    None,
    "text",
    12,
    {"processId": {"a": 1}, "taskIds": "1"},
    {"processId": "x\u0000y", "taskIds": ["1\u0000"]},
    {"processId": "review", "variables": {"v": _deep(100)}},
    {"processId": "review", "variables": {"v": 2**70}},
    {"processId": "r" * 10_000, "taskIds": ["1"] * 501},
    {"pageNo": -1, "pageSize": 0, "sort": "name", "createdAfter": "yesterday"},
    {"bpmnXml": "<definitions/>" * 3, "resourceBase64": 5},
    {"variables": [1, 2], "command": "x", "comment": 5},
]


@pytest.mark.parametrize("path", POSTS)
def test_garbage_bodies_are_refused_with_a_client_error(act: Act, path: str) -> None:
    ann = act.user("ann")
    act.deploy(one_task())
    task = act.start("review", ann)["tasks"][0]["id"]
    url = path.format(task=task)
    for body in GARBAGE:
        response = act.client.post(
            url,
            headers={**act.admin, "Content-Type": "application/json"},
            content=json.dumps(body),
        )
        assert response.status_code < 500, (body, response.text)
        if response.status_code >= 400:
            assert response.json()["success"] is False


@pytest.mark.parametrize(
    "query",
    ["page.no=0", "page.no=x", "page.size=1001", "page.size=-5", "page.no=99999999999999"],
)
def test_bad_paging_queries_are_400(act: Act, query: str) -> None:
    response = act.client.post(f"/todo-task?{query}", headers=act.admin, json={})
    assert response.status_code == 400, response.text
    assert response.json()["error"]["code"] == "error.validation"


def test_odd_path_values_do_not_break_the_server(act: Act) -> None:
    act.deploy(one_task())
    case = act.start("review", act.admin)["procInstId"]
    for node in ("%00", "x" * 300, "%F0%9F%98%80", "..%2F..%2F"):
        response = act.client.get(f"/todo-task/proc-inst/{case}/task/{node}", headers=act.admin)
        assert response.status_code in (400, 404), response.text
    task = act.running(case)[0]["id"]
    odd = act.client.get(f"/todo-task/{task}/next-node?var.=1&var.x=%00", headers=act.admin)
    assert odd.status_code == 400, odd.text
    deep = act.client.get(f"/todo-task/{task}/next-node?var.x={'[' * 2000}", headers=act.admin)
    assert deep.status_code == 200, deep.text  # not JSON after all: taken as a string
    for reference in ("\u00b2", "review:\u00b2"):  # digits to str.isdigit, not to int()
        start = act.client.post("/activity-task", headers=act.admin, json={"processId": reference})
        assert start.status_code == 404, start.text


def test_unknown_paths_and_wrong_methods_answer_in_the_dialects_envelope(act: Act) -> None:
    missing = act.client.get("/todo-task/1/nothing-here", headers=act.admin)
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "error.not-found"
    wrong = act.client.put("/todo-task/1", headers=act.admin)
    assert wrong.status_code == 405 and wrong.json()["success"] is False
    assert wrong.headers["Allow"] == "GET"
    listing = act.client.get("/models", headers=act.admin)
    assert listing.status_code == 405 and listing.headers["Allow"] == "POST"
    native = act.client.get("/api/v1/nothing-here", headers=act.admin)
    assert set(native.json()) == {"error"}


def test_a_body_over_the_limit_is_413_in_the_dialects_envelope(act: Act) -> None:
    big = b" " * (MAX_BODY_BYTES + 1)
    response = act.client.post(
        "/activity-task", headers={**act.admin, "Content-Type": "application/json"}, content=big
    )
    error(response, 413, "error.payload-too-large")
