"""Deploying and managing models through /models."""

from __future__ import annotations

import base64

from tests.e2e.api.activiti.helpers import Act, error, ok, ok_data
from tests.e2e.support import one_task


def test_deploy_takes_json_base64_or_a_multipart_file(act: Act) -> None:
    xml = one_task()
    data = ok_data(
        act.client.post("/models", headers=act.admin, json={"bpmnXml": xml, "name": "Review"})
    )
    assert data["name"] == "Review" and data["deploymentId"].isdigit() and data["deployTime"]
    (definition,) = data["processDefinitions"]
    assert definition["key"] == "review" and definition["version"] == 1
    changed = one_task().replace("Work", "Work 2")
    encoded = base64.b64encode(changed.encode()).decode()
    by_base64 = ok_data(
        act.client.post(
            "/models",
            headers=act.admin,
            json={"resourceName": "review.bpmn", "resourceBase64": encoded},
        )
    )
    assert by_base64["processDefinitions"][0]["version"] == 2
    third = one_task().replace("Work", "Work 3").encode()
    by_file = ok_data(
        act.client.post("/models", headers=act.admin, files={"file": ("r.bpmn", third)})
    )
    assert by_file["processDefinitions"][0]["version"] == 3
    # the very same file again: the existing definition, no new version
    same = ok_data(act.client.post("/models", headers=act.admin, files={"file": ("r.bpmn", third)}))
    assert same["processDefinitions"][0]["id"] == by_file["processDefinitions"][0]["id"]


def test_deploy_refuses_non_admins_bad_models_and_bad_bodies(act: Act) -> None:
    ann = act.user("ann")
    error(act.client.post("/models", headers=ann, json={"bpmnXml": one_task()}), 403)
    broken = act.client.post("/models", headers=act.admin, json={"bpmnXml": "<definitions"})
    error(broken, 400, "error.bad-request")
    empty = act.client.post("/models", headers=act.admin, json={"name": "x"})
    error(empty, 400, "error.validation")
    bad64 = act.client.post(
        "/models", headers=act.admin, json={"resourceBase64": "!!!", "resourceName": "x"}
    )
    error(bad64, 400, "error.validation")
    wrong = act.client.post("/models", headers=act.admin, json={"bpmnXml": 5})
    error(wrong, 400, "error.validation")
    plain = act.client.post(
        "/models", headers={**act.admin, "Content-Type": "text/plain"}, content=b"x"
    )
    error(plain, 415, "error.unsupported-mime-type")
    no_file = act.client.post("/models", headers=act.admin, files={"other": ("x", b"x")})
    error(no_file, 400)
    error(act.client.post("/models", json={"bpmnXml": one_task()}), 401, "error.unauthorized")


def test_removing_a_deployment_with_running_cases_needs_cascade(act: Act) -> None:
    data = act.deploy(one_task())
    act.start("review", act.admin)
    deployment = data["deploymentId"]
    error(act.client.delete(f"/models/{deployment}", headers=act.admin), 409, "error.conflict")
    ok(act.client.delete(f"/models/{deployment}?cascade=true", headers=act.admin))
    error(act.client.delete(f"/models/{deployment}", headers=act.admin), 404, "error.not-found")
    refused = act.client.post("/activity-task", headers=act.admin, json={"processId": "review"})
    error(refused, 404)


def test_suspending_a_definition_stops_new_cases_and_with_instances_running_ones(
    act: Act,
) -> None:
    ann = act.user("ann")
    definition = act.deploy(one_task())["processDefinitions"][0]["id"]
    running = act.start("review", ann)
    ok(act.client.post(f"/models/{definition}/suspend", headers=act.admin))
    refused = act.client.post("/activity-task", headers=ann, json={"processId": "review"})
    error(refused, 409, "error.conflict")
    ok(act.client.post(f"/models/{definition}/active", headers=act.admin))
    act.start("review", ann)
    ok(act.client.post(f"/models/{definition}/suspend?includeInstances=true", headers=act.admin))
    (task,) = act.running(running["procInstId"])
    assert task["suspensionState"] == 2
    ok(act.client.post(f"/models/{definition}/active?includeInstances=true", headers=act.admin))
    assert act.complete(task["id"], ann)["ended"] is True
    for path in ("suspend", "active"):
        error(act.client.post(f"/models/{definition}/{path}", headers=ann), 403)
        error(act.client.post(f"/models/424242/{path}", headers=act.admin), 404)
    error(act.client.get("/models/424242/nodes", headers=act.admin), 404)
