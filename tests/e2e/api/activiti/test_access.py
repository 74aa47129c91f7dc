"""Every endpoint: 401 without a token, 403 for a user without rights, 404 for an unknown
id, 409 on a suspended case where a task action or a case change applies."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from tests.e2e.api.activiti.helpers import Act, error
from tests.e2e.support import two_tasks

UNKNOWN = "424242"


@dataclass(frozen=True)
class Call:
    method: str
    path: str  # with {inst}, {done_inst}, {task}, {def}, {dep}
    body: Any = None
    forbidden_body: Any = None  # what olga sends to be refused (default: body)
    missing: str | None = None  # the path with an unknown id; None: no id to miss
    conflict: bool = False  # 409 once the case is suspended
    open_to_all: bool = False  # any signed-in user may call it


CALLS = {
    "start": Call(
        "POST", "/activity-task", {"processId": "chain"}, {"processId": "chain", "userId": "ann"}
    ),
    "delete": Call("DELETE", "/activity-task/{inst}", missing="/activity-task/" + UNKNOWN),
    "activate": Call(
        "POST", "/activity-task/{inst}/active", missing=f"/activity-task/{UNKNOWN}/active"
    ),
    "history": Call(
        "GET",
        "/activity-task/{inst}/history-tasks",
        missing=f"/activity-task/{UNKNOWN}/history-tasks",
    ),
    "running": Call(
        "GET", "/activity-task/{inst}/ru-tasks", missing=f"/activity-task/{UNKNOWN}/ru-tasks"
    ),
    "suspend": Call(
        "POST", "/activity-task/{inst}/suspend", missing=f"/activity-task/{UNKNOWN}/suspend"
    ),
    "assign": Call(
        "POST",
        "/activity-task/{inst}/task-key/second/task-name/Second/users/sam",
        missing=f"/activity-task/{UNKNOWN}/task-key/second/task-name/Second/users/sam",
        conflict=True,
    ),
    "withdraw": Call(
        "POST",
        "/activity-task/{done_inst}/users/ann/revocation",
        missing=f"/activity-task/{UNKNOWN}/users/ann/revocation",
        conflict=True,
    ),
    "diagram": Call(
        "GET", "/activity-task/{inst}/diagram", missing=f"/activity-task/{UNKNOWN}/diagram"
    ),
    "definition-diagram": Call(
        "GET", "/models/{def}/diagram", missing=f"/models/{UNKNOWN}/diagram", open_to_all=True
    ),
    "deploy": Call("POST", "/models", {"bpmnXml": two_tasks("other")}),
    "undeploy": Call("DELETE", "/models/{dep}", missing=f"/models/{UNKNOWN}"),
    "definition-active": Call("POST", "/models/{def}/active", missing=f"/models/{UNKNOWN}/active"),
    "definition-suspend": Call(
        "POST", "/models/{def}/suspend", missing=f"/models/{UNKNOWN}/suspend"
    ),
    "nodes": Call(
        "GET", "/models/{def}/nodes", missing=f"/models/{UNKNOWN}/nodes", open_to_all=True
    ),
    "todo": Call("POST", "/todo-task", {}, {"userId": "ann"}),
    "done": Call("POST", "/todo-task/completed", {}, {"userId": "ann"}),
    "completed-node": Call(
        "GET",
        "/todo-task/proc-inst/{done_inst}/task/first",
        missing=f"/todo-task/proc-inst/{UNKNOWN}/task/first",
    ),
    "task": Call("GET", "/todo-task/{task}", missing=f"/todo-task/{UNKNOWN}"),
    "complete": Call(
        "POST",
        "/todo-task/{task}/complete",
        {},
        missing=f"/todo-task/{UNKNOWN}/complete",
        conflict=True,
    ),
    "delegate-get": Call(
        "GET",
        "/todo-task/{task}/delegate/dan",
        missing=f"/todo-task/{UNKNOWN}/delegate/dan",
        conflict=True,
    ),
    "delegate-post": Call(
        "POST",
        "/todo-task/{task}/delegate/dan",
        missing=f"/todo-task/{UNKNOWN}/delegate/dan",
        conflict=True,
    ),
    "gateway": Call("GET", "/todo-task/{task}/gateway", missing=f"/todo-task/{UNKNOWN}/gateway"),
    "next-node": Call(
        "GET", "/todo-task/{task}/next-node", missing=f"/todo-task/{UNKNOWN}/next-node"
    ),
    "process-definition": Call(
        "GET",
        "/todo-task/{task}/process-definition",
        missing=f"/todo-task/{UNKNOWN}/process-definition",
    ),
}


@dataclass
class World:
    act: Act
    ann: dict[str, str]
    olga: dict[str, str]
    ids: dict[str, str]

    def send(
        self, call: Call, headers: dict[str, str] | None, path: str | None = None, body: Any = None
    ) -> Any:
        url = (path or call.path).format(**self.ids)
        payload = body if body is not None else call.body
        if payload is None:
            return self.act.client.request(call.method, url, headers=headers)
        return self.act.client.request(call.method, url, headers=headers, json=payload)


@pytest.fixture
def world(act: Act) -> World:
    """ann started two `chain` cases: in `done_inst` she completed `first`; in `inst` her
    task `first` is open. olga is a user with no part in either."""
    ann, olga = act.user("ann"), act.user("olga")
    deployed = act.deploy(two_tasks())
    done_case = act.start("chain", ann)
    act.complete(done_case["tasks"][0]["id"], ann)
    case = act.start("chain", ann)
    ids = {
        "inst": case["procInstId"],
        "done_inst": done_case["procInstId"],
        "task": case["tasks"][0]["id"],
        "def": deployed["processDefinitions"][0]["id"],
        "dep": deployed["deploymentId"],
    }
    return World(act, ann, olga, ids)


def test_every_endpoint_of_the_seed_is_covered() -> None:
    # 25 endpoints of the seed: delegate counts once (GET and POST); batch completion
    # has its own tests below
    assert len(CALLS) - 1 + 1 == 25


@pytest.mark.parametrize("name", sorted(CALLS))
def test_without_a_token_is_401(world: World, name: str) -> None:
    error(world.send(CALLS[name], None), 401, "error.unauthorized")


@pytest.mark.parametrize("name", sorted(n for n, c in CALLS.items() if not c.open_to_all))
def test_a_user_without_rights_gets_403(world: World, name: str) -> None:
    call = CALLS[name]
    body = call.forbidden_body if call.forbidden_body is not None else call.body
    error(world.send(call, world.olga, body=body), 403, "error.no-privilege")


@pytest.mark.parametrize("name", sorted(n for n, c in CALLS.items() if c.missing))
def test_an_unknown_id_is_404(world: World, name: str) -> None:
    call = CALLS[name]
    error(world.send(call, world.act.admin, path=call.missing), 404, "error.not-found")


@pytest.mark.parametrize("name", sorted(n for n, c in CALLS.items() if c.conflict))
def test_a_suspended_case_is_409(world: World, name: str) -> None:
    admin = world.act.admin
    for instance in (world.ids["inst"], world.ids["done_inst"]):
        response = world.act.client.post(f"/activity-task/{instance}/suspend", headers=admin)
        assert response.status_code == 200, response.text
    who = admin if name == "assign" else world.ann
    error(world.send(CALLS[name], who), 409, "error.conflict")


def test_a_suspended_case_fails_each_task_of_a_batch_with_409(world: World) -> None:
    admin = world.act.admin
    world.act.client.post(f"/activity-task/{world.ids['inst']}/suspend", headers=admin)
    response = world.act.client.post(
        "/todo-task/complete-batch", headers=world.ann, json={"taskIds": [world.ids["task"]]}
    )
    assert response.status_code == 200, response.text
    (result,) = response.json()["data"]
    assert result["success"] is False and result["error"]["code"] == "error.conflict"
    forbidden = world.act.client.post(
        "/todo-task/complete-batch",
        headers=world.olga,
        json={"taskIds": [world.ids["task"]], "userId": "ann"},
    )
    error(forbidden, 403, "error.no-privilege")
    error(world.act.client.post("/todo-task/complete-batch", json={"taskIds": ["1"]}), 401)
