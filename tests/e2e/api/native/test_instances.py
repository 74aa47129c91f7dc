"""Process instances, variables, history, messages and signals through /api/v1."""

from __future__ import annotations

from typing import Any

from tests.e2e.support import SAMPLES, Api, bpmn, error_of, one_task

LEAVE = (SAMPLES / "leave.bpmn").read_bytes()

WAIT_FOR_PAYMENT = bpmn(
    "order",
    """<startEvent id="start" flowable:initiator="starter"/>
    <intermediateCatchEvent id="paid">
      <messageEventDefinition messageRef="m_paid"/>
    </intermediateCatchEvent>
    <userTask id="ship" name="Ship" flowable:assignee="${starter}"/>
    <endEvent id="end"/>
    <sequenceFlow id="f1" sourceRef="start" targetRef="paid"/>
    <sequenceFlow id="f2" sourceRef="paid" targetRef="ship"/>
    <sequenceFlow id="f3" sourceRef="ship" targetRef="end"/>""",
    extra='<message id="m_paid" name="paid"/>',
)

STARTED_BY_MESSAGE = bpmn(
    "inbound",
    """<startEvent id="start"><messageEventDefinition messageRef="m_mail"/></startEvent>
    <userTask id="read" name="Read" flowable:candidateGroups="clerks"/>
    <endEvent id="end"/>
    <sequenceFlow id="f1" sourceRef="start" targetRef="read"/>
    <sequenceFlow id="f2" sourceRef="read" targetRef="end"/>""",
    extra='<message id="m_mail" name="mail arrived"/>',
)

WAIT_FOR_SIGNAL = bpmn(
    "waiter",
    """<startEvent id="start"/>
    <intermediateCatchEvent id="go">
      <signalEventDefinition signalRef="s_go"/>
    </intermediateCatchEvent>
    <endEvent id="end"/>
    <sequenceFlow id="f1" sourceRef="start" targetRef="go"/>
    <sequenceFlow id="f2" sourceRef="go" targetRef="end"/>""",
    extra='<signal id="s_go" name="go"/>',
)


# -- starting -----------------------------------------------------------------------------


def test_a_user_starts_the_leave_process_by_key(api: Api) -> None:
    api.deploy_leave()
    ann = api.user("ann")
    response = api.post(
        "/process-instances",
        ann,
        json={"process_key": "leave", "business_key": "LR-1", "variables": {"days": 2}},
    )
    assert response.status_code == 201
    instance = response.json()
    assert instance["process_key"] == "leave"
    assert instance["business_key"] == "LR-1"
    assert instance["status"] == "active"
    assert instance["suspended"] is False
    assert instance["started_by"] == "ann"
    assert instance["variables"] == {"days": 2, "applicant": "ann"}
    assert instance["active_nodes"] == ["fill_form"]
    assert instance["started_at"].endswith("Z")
    [task] = api.todo(ann)
    assert task["node_id"] == "fill_form"
    assert task["assignee"] == "ann"


def test_an_instance_starts_by_definition_id(api: Api) -> None:
    api.deploy(one_task("review", 'flowable:assignee="a"'))
    newest_definition = api.deploy(one_task("review", 'flowable:assignee="b"'))["definitions"][0]
    older = api.get("/process-definitions", api.admin, params={"key": "review"}).json()
    version_one = next(d for d in older["items"] if d["version"] == 1)
    response = api.post(
        "/process-instances", api.admin, json={"process_definition_id": version_one["id"]}
    )
    assert response.status_code == 201
    assert response.json()["definition_id"] == version_one["id"]
    newest = api.start("review", api.admin)
    assert newest["definition_id"] == newest_definition["id"]


def test_starting_needs_exactly_one_of_key_and_definition_id(api: Api) -> None:
    definition = api.deploy(one_task())["definitions"][0]
    neither = api.post("/process-instances", api.admin, json={})
    assert neither.status_code == 400
    both = api.post(
        "/process-instances",
        api.admin,
        json={"process_key": "review", "process_definition_id": definition["id"]},
    )
    assert both.status_code == 400


def test_starting_an_unknown_process_is_404(api: Api) -> None:
    by_key = api.post("/process-instances", api.admin, json={"process_key": "nope"})
    assert by_key.status_code == 404
    by_id = api.post("/process-instances", api.admin, json={"process_definition_id": 999999})
    assert by_id.status_code == 404


def test_start_bodies_are_checked(api: Api) -> None:
    bad: list[Any] = [
        {"process_key": "review", "variables": []},
        {"process_key": "review", "variables": {"n": 2**64}},
        {"process_key": "review", "business_key": "x" * 256},
        {"process_key": 5},
        {"process_definition_id": "five"},
        {"process_definition_id": 0},
        ["process_key", "review"],
        "review",
    ]
    for body in bad:
        response = api.post("/process-instances", api.admin, json=body)
        assert response.status_code == 422, body
    assert api.post("/process-instances", json={"process_key": "review"}).status_code == 401


def test_only_candidate_starters_and_admins_start_a_restricted_process(api: Api) -> None:
    api.deploy(
        bpmn(
            "payroll",
            """<startEvent id="start"/>
    <userTask id="pay" name="Pay"/>
    <endEvent id="end"/>
    <sequenceFlow id="f1" sourceRef="start" targetRef="pay"/>
    <sequenceFlow id="f2" sourceRef="pay" targetRef="end"/>""",
            attrs='flowable:candidateStarterGroups="finance"',
        )
    )
    clerk = api.user("clerk", ["finance"])
    bob = api.user("bob")
    assert api.post("/process-instances", bob, json={"process_key": "payroll"}).status_code == 403
    assert api.post("/process-instances", clerk, json={"process_key": "payroll"}).status_code == 201
    assert (
        api.post("/process-instances", api.admin, json={"process_key": "payroll"}).status_code
        == 201
    )


# -- reading ------------------------------------------------------------------------------


def test_users_list_the_instances_they_started_and_admins_list_all(api: Api) -> None:
    api.deploy_leave()
    ann, bob = api.user("ann"), api.user("bob")
    api.start("leave", ann, business_key="A-1")
    api.start("leave", ann, business_key="A-2")
    api.start("leave", bob, business_key="B-1")
    mine = api.get("/process-instances", ann).json()
    assert mine["total"] == 2
    assert {i["business_key"] for i in mine["items"]} == {"A-1", "A-2"}
    everything = api.get("/process-instances", api.admin).json()
    assert everything["total"] == 3
    by_key = api.get("/process-instances", api.admin, params={"business_key": "B-1"}).json()
    assert [i["started_by"] for i in by_key["items"]] == ["bob"]
    by_starter = api.get("/process-instances", api.admin, params={"started_by": "ann"}).json()
    assert by_starter["total"] == 2
    active = api.get("/process-instances", api.admin, params={"status": "completed"}).json()
    assert active["total"] == 0
    page = api.get("/process-instances", api.admin, params={"limit": 2, "offset": 2}).json()
    assert (page["total"], len(page["items"]), page["limit"], page["offset"]) == (3, 1, 2, 2)
    wrong = api.get("/process-instances", api.admin, params={"status": "sleeping"})
    assert wrong.status_code == 422
    assert api.get("/process-instances").status_code == 401


def test_an_instance_is_read_by_its_starter_and_admins_only(api: Api) -> None:
    api.deploy_leave()
    ann, bob = api.user("ann"), api.user("bob")
    instance = api.start("leave", ann)
    opened = instance.pop("tasks")
    assert [t["node_id"] for t in opened] == ["fill_form"]
    assert opened == api.get(f"/process-instances/{instance['id']}/tasks", ann).json()
    path = f"/process-instances/{instance['id']}"
    assert api.get(path, ann).json() == instance
    assert api.get(path, api.admin).status_code == 200
    assert api.get(path, bob).status_code == 403
    assert api.get(path).status_code == 401
    assert api.get("/process-instances/999999", api.admin).status_code == 404
    assert api.get("/process-instances/abc", api.admin).status_code == 422


def test_the_history_lists_every_node_entered(api: Api) -> None:
    api.deploy_leave()
    ann, bob = api.user("ann"), api.user("bob")
    instance = api.start("leave", ann, variables={"days": 1})
    api.complete(api.open_task(instance["id"], "fill_form")["id"], ann)
    response = api.get(f"/process-instances/{instance['id']}/history", ann)
    assert response.status_code == 200
    nodes = [a["node_id"] for a in response.json()]
    assert nodes[:2] == ["start", "fill_form"]
    assert "manager_short" in nodes
    fill = next(a for a in response.json() if a["node_id"] == "fill_form")
    assert fill["ended_at"] is not None
    assert fill["canceled"] is False
    assert api.get(f"/process-instances/{instance['id']}/history", bob).status_code == 403
    assert api.get("/process-instances/999999/history", api.admin).status_code == 404


def test_the_tasks_of_an_instance_open_and_finished(api: Api) -> None:
    api.deploy_leave()
    ann, bob = api.user("ann"), api.user("bob")
    instance = api.start("leave", ann, variables={"days": 5})
    api.complete(api.open_task(instance["id"], "fill_form")["id"], ann)
    path = f"/process-instances/{instance['id']}/tasks"
    every = api.get(path, ann).json()
    assert sorted(t["node_id"] for t in every) == ["fill_form", "hr", "manager_long"]
    still_open = api.get(path, ann, params={"open_only": True}).json()
    assert sorted(t["node_id"] for t in still_open) == ["hr", "manager_long"]
    assert api.get(path, bob).status_code == 403
    assert api.get("/process-instances/999999/tasks", api.admin).status_code == 404


# -- suspending and terminating -----------------------------------------------------------


def test_an_admin_suspends_and_activates_an_instance(api: Api) -> None:
    api.deploy_leave()
    ann = api.user("ann")
    instance = api.start("leave", ann)
    task = api.open_task(instance["id"], "fill_form")
    suspended = api.post(f"/process-instances/{instance['id']}/suspend", api.admin)
    assert suspended.status_code == 200
    assert suspended.json()["suspended"] is True
    refused = api.post(f"/tasks/{task['id']}/complete", ann, json={})
    assert refused.status_code == 409
    assert "suspended" in error_of(refused)["message"]
    activated = api.post(f"/process-instances/{instance['id']}/activate", api.admin)
    assert activated.json()["suspended"] is False
    assert api.post(f"/tasks/{task['id']}/complete", ann, json={}).status_code == 200


def test_suspending_instances_needs_an_admin_a_known_id_and_a_running_case(api: Api) -> None:
    api.deploy(one_task())
    ann = api.user("ann")
    instance = api.start("review", ann)
    for action in ("suspend", "activate"):
        assert api.post(f"/process-instances/{instance['id']}/{action}", ann).status_code == 403
        assert api.post(f"/process-instances/{instance['id']}/{action}").status_code == 401
        assert api.post(f"/process-instances/999999/{action}", api.admin).status_code == 404
    api.complete(api.open_task(instance["id"], "work")["id"], ann)
    ended = api.post(f"/process-instances/{instance['id']}/suspend", api.admin)
    assert ended.status_code == 409


def test_the_starter_terminates_an_instance_with_a_reason(api: Api) -> None:
    api.deploy_leave()
    ann, bob = api.user("ann"), api.user("bob")
    instance = api.start("leave", ann)
    path = f"/process-instances/{instance['id']}"
    assert api.delete(path, bob).status_code == 403
    assert api.delete(path).status_code == 401
    response = api.delete(path, ann, params={"reason": "changed my mind"})
    assert response.status_code == 200
    assert response.json()["status"] == "terminated"
    assert response.json()["ended_at"] is not None
    assert api.get(path, ann).json()["status"] == "terminated"
    assert api.todo(ann) == []
    assert api.delete(path, ann).status_code == 409
    assert api.delete("/process-instances/999999", api.admin).status_code == 404
    assert api.delete(path, ann, params={"reason": "x" * 256}).status_code == 422


# -- variables ----------------------------------------------------------------------------


def test_the_starter_reads_and_sets_variables(api: Api) -> None:
    api.deploy_leave()
    ann = api.user("ann")
    instance = api.start("leave", ann, variables={"days": 2})
    path = f"/process-instances/{instance['id']}/variables"
    assert api.get(path, ann).json() == {"days": 2, "applicant": "ann"}
    response = api.put(path, ann, json={"days": 4, "reason": {"kind": "holiday", "ok": True}})
    assert response.status_code == 200
    assert response.json() == {
        "days": 4,
        "applicant": "ann",
        "reason": {"kind": "holiday", "ok": True},
    }
    assert api.get(path, ann).json()["days"] == 4


def test_variables_are_guarded(api: Api) -> None:
    api.deploy_leave()
    ann, bob = api.user("ann"), api.user("bob")
    instance = api.start("leave", ann)
    path = f"/process-instances/{instance['id']}/variables"
    assert api.get(path, bob).status_code == 403
    assert api.put(path, bob, json={"days": 1}).status_code == 403
    assert api.get(path).status_code == 401
    assert api.get("/process-instances/999999/variables", api.admin).status_code == 404
    assert api.put("/process-instances/999999/variables", api.admin, json={}).status_code == 404
    for body in ([1, 2], "days", 5, {"big": 10**20}, {"": 1}):
        assert api.put(path, ann, json=body).status_code == 422, body
    api.post(f"/process-instances/{instance['id']}/suspend", api.admin)
    assert api.put(path, ann, json={"days": 1}).status_code == 409


# -- assigning a node ahead ---------------------------------------------------------------


def test_an_admin_assigns_a_node_before_the_case_reaches_it(api: Api) -> None:
    api.deploy_leave()
    ann = api.user("ann")
    carl = api.user("carl")
    instance = api.start("leave", ann, variables={"days": 1})
    response = api.post(
        f"/process-instances/{instance['id']}/nodes/manager_short/assignee",
        api.admin,
        json={"user_id": "carl"},
    )
    assert response.status_code == 204
    api.complete(api.open_task(instance["id"], "fill_form")["id"], ann)
    [task] = api.todo(carl)
    assert task["node_id"] == "manager_short"
    assert task["assignee"] == "carl"


def test_assigning_a_node_is_guarded(api: Api) -> None:
    api.deploy_leave()
    ann = api.user("ann")
    instance = api.start("leave", ann)
    path = f"/process-instances/{instance['id']}/nodes/manager_short/assignee"
    assert api.post(path, ann, json={"user_id": "ann"}).status_code == 403
    assert api.post(path, json={"user_id": "ann"}).status_code == 401
    missing = "/process-instances/999999/nodes/manager_short/assignee"
    assert api.post(missing, api.admin, json={"user_id": "ann"}).status_code == 404
    assert api.post(path, api.admin, json={}).status_code == 422
    assert api.post(path, api.admin, json={"user_id": 7}).status_code == 422
    api.post(f"/process-instances/{instance['id']}/suspend", api.admin)
    assert api.post(path, api.admin, json={"user_id": "ann"}).status_code == 409


# -- messages and signals -----------------------------------------------------------------


def test_a_message_reaches_the_instance_waiting_for_it_by_business_key(api: Api) -> None:
    api.deploy(WAIT_FOR_PAYMENT)
    ann = api.user("ann")
    first = api.start("order", ann, business_key="O-1")
    second = api.start("order", ann, business_key="O-2")
    response = api.post(
        "/messages",
        api.admin,
        json={"name": "paid", "business_key": "O-2", "variables": {"amount": 12.5}},
    )
    assert response.status_code == 200
    assert response.json()["id"] == second["id"]
    assert response.json()["active_nodes"] == ["ship"]
    assert response.json()["variables"]["amount"] == 12.5
    waiting = api.get(f"/process-instances/{first['id']}", ann).json()
    assert waiting["active_nodes"] == ["paid"]


def test_a_message_reaches_an_instance_by_id(api: Api) -> None:
    api.deploy(WAIT_FOR_PAYMENT)
    ann = api.user("ann")
    instance = api.start("order", ann)
    response = api.post(
        "/messages", api.admin, json={"name": "paid", "process_instance_id": instance["id"]}
    )
    assert response.status_code == 200
    assert response.json()["active_nodes"] == ["ship"]
    again = api.post(
        "/messages", api.admin, json={"name": "paid", "process_instance_id": instance["id"]}
    )
    assert again.status_code == 409


def test_a_message_starts_an_instance_at_its_message_start_event(api: Api) -> None:
    api.deploy(STARTED_BY_MESSAGE)
    response = api.post(
        "/messages", api.admin, json={"name": "mail arrived", "business_key": "M-1"}
    )
    assert response.status_code == 200
    assert response.json()["process_key"] == "inbound"
    assert response.json()["business_key"] == "M-1"
    assert response.json()["active_nodes"] == ["read"]


def test_a_message_nobody_waits_for_is_404(api: Api) -> None:
    response = api.post("/messages", api.admin, json={"name": "unheard"})
    assert response.status_code == 404
    assert api.post("/messages", json={"name": "unheard"}).status_code == 401
    assert api.post("/messages", api.admin, json={"business_key": "x"}).status_code == 422


def test_a_message_to_a_suspended_instance_is_409(api: Api) -> None:
    api.deploy(WAIT_FOR_PAYMENT)
    instance = api.start("order", api.admin, business_key="O-1")
    api.post(f"/process-instances/{instance['id']}/suspend", api.admin)
    response = api.post("/messages", api.admin, json={"name": "paid", "business_key": "O-1"})
    assert response.status_code == 409


def test_a_signal_reaches_every_instance_waiting_for_it(api: Api) -> None:
    api.deploy(WAIT_FOR_SIGNAL)
    first = api.start("waiter", api.admin)
    second = api.start("waiter", api.admin)
    response = api.post("/signals", api.admin, json={"name": "go", "variables": {"at": "noon"}})
    assert response.status_code == 200
    assert response.json() == {"received": 2}
    for instance in (first, second):
        state = api.get(f"/process-instances/{instance['id']}", api.admin).json()
        assert state["status"] == "completed"
    assert api.post("/signals", api.admin, json={"name": "go"}).json() == {"received": 0}
    assert api.post("/signals", json={"name": "go"}).status_code == 401
    assert api.post("/signals", api.admin, json={"name": ""}).status_code == 422
