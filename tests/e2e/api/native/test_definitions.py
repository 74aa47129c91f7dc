"""Deployments and process definitions through /api/v1."""

from __future__ import annotations

from tests.e2e.support import SAMPLES, Api, bpmn, error_of, one_task

LEAVE = (SAMPLES / "leave.bpmn").read_bytes()


# -- deploying ----------------------------------------------------------------------------


def test_an_admin_deploys_a_file_upload(api: Api) -> None:
    response = api.post("/deployments", api.admin, files={"file": ("leave.bpmn", LEAVE)})
    assert response.status_code == 201
    deployment = response.json()
    assert deployment["name"] == "leave.bpmn"
    assert deployment["deployed_by"] == "admin"
    assert deployment["warnings"] == []
    [definition] = deployment["definitions"]
    assert definition["key"] == "leave"
    assert definition["version"] == 1
    assert definition["name"] == "Leave request"
    assert definition["resource_name"] == "leave.bpmn"
    assert definition["deployment_id"] == deployment["id"]
    assert definition["suspended"] is False


def test_an_admin_deploys_a_raw_xml_body(api: Api) -> None:
    for content_type in ("application/xml", "text/xml; charset=utf-8"):
        xml = one_task(f"raw_{content_type[:4]}")
        response = api.post(
            "/deployments",
            {**api.admin, "Content-Type": content_type},
            params={"name": "Raw", "resource_name": "raw.bpmn20.xml"},
            content=xml.encode(),
        )
        assert response.status_code == 201, response.text
        assert response.json()["name"] == "Raw"
        assert response.json()["definitions"][0]["resource_name"] == "raw.bpmn20.xml"


def test_deploying_the_same_file_again_returns_the_same_definition(api: Api) -> None:
    first = api.deploy(LEAVE)
    again = api.deploy(LEAVE)
    assert (first["created"], again["created"]) == (True, False)
    assert again["definitions"][0]["id"] == first["definitions"][0]["id"]
    assert again["definitions"][0]["version"] == 1


def test_a_changed_file_becomes_the_next_version(api: Api) -> None:
    api.deploy(one_task("review", 'flowable:assignee="a"'))
    second = api.deploy(one_task("review", 'flowable:assignee="b"'))["definitions"][0]
    assert second["version"] == 2


def test_what_cannot_run_as_drawn_deploys_with_a_warning(api: Api) -> None:
    xml = bpmn(
        "scripted",
        """<startEvent id="start"/>
    <scriptTask id="calc" scriptFormat="groovy"><script>x = 1</script></scriptTask>
    <endEvent id="end"/>
    <sequenceFlow id="f1" sourceRef="start" targetRef="calc"/>
    <sequenceFlow id="f2" sourceRef="calc" targetRef="end"/>""",
    )
    deployment = api.deploy(xml)
    assert deployment["definitions"][0]["key"] == "scripted"
    assert any("calc" in warning for warning in deployment["warnings"])


def test_a_file_with_problems_is_400_listing_every_problem(api: Api) -> None:
    xml = bpmn(
        "broken",
        """<startEvent id="start"/>
    <endEvent id="end"/>
    <sequenceFlow id="f1" sourceRef="start" targetRef="missing_one"/>
    <sequenceFlow id="f2" sourceRef="missing_two" targetRef="end"/>""",
    )
    response = api.post("/deployments", api.admin, files={"file": ("broken.bpmn", xml)})
    assert response.status_code == 400
    problems = error_of(response)["details"]["problems"]
    assert len(problems) >= 2
    assert {"message", "element", "line"} <= set(problems[0])
    text = " ".join(p["message"] for p in problems)
    assert "missing_one" in text
    assert "missing_two" in text


def test_a_file_that_is_not_xml_is_400(api: Api) -> None:
    for data in (b"", b"not xml at all", b"<definitions>", b"\xff\xfe\x00garbage"):
        response = api.post(
            "/deployments", {**api.admin, "Content-Type": "application/xml"}, content=data
        )
        assert response.status_code == 400, data
        assert error_of(response)["code"] == "invalid"


def test_deploying_needs_an_administrator(api: Api) -> None:
    bob = api.user("bob")
    response = api.post("/deployments", bob, files={"file": ("leave.bpmn", LEAVE)})
    assert response.status_code == 403
    assert api.post("/deployments", files={"file": ("leave.bpmn", LEAVE)}).status_code == 401


def test_a_deployment_in_another_media_type_is_415(api: Api) -> None:
    for content_type in ("application/json", "text/plain", None):
        headers = dict(api.admin)
        if content_type:
            headers["Content-Type"] = content_type
        response = api.post("/deployments", headers, content=LEAVE)
        assert response.status_code == 415, content_type
        assert error_of(response)["code"] == "unsupported_media_type"


def test_a_multipart_upload_without_the_file_field_is_422(api: Api) -> None:
    response = api.post("/deployments", api.admin, files={"upload": ("leave.bpmn", LEAVE)})
    assert response.status_code == 422
    assert error_of(response)["details"]["errors"][0]["location"] == "body.file"
    url_encoded = api.post("/deployments", api.admin, data={"file": LEAVE.decode()})
    assert url_encoded.status_code == 415


def test_a_multipart_field_without_a_file_name_is_deployed_too(api: Api) -> None:
    response = api.post("/deployments", api.admin, files={"file": (None, LEAVE)})
    assert response.status_code == 201
    assert response.json()["definitions"][0]["resource_name"] == "process.bpmn"


def test_a_broken_multipart_body_is_400(api: Api) -> None:
    response = api.post(
        "/deployments",
        {**api.admin, "Content-Type": "multipart/form-data"},  # no boundary
        content=b"--x\r\nContent-Disposition: form-data; name=file\r\n\r\nabc",
    )
    assert response.status_code == 400


# -- reading ------------------------------------------------------------------------------


def test_definitions_are_listed_with_filters_and_paging(api: Api) -> None:
    api.deploy(one_task("alpha", 'flowable:assignee="a"'))
    api.deploy(one_task("alpha", 'flowable:assignee="b"'))
    api.deploy(one_task("beta"))
    bob = api.user("bob")  # any user may read definitions
    everything = api.get("/process-definitions", bob).json()
    assert everything["total"] == 3
    assert [(d["key"], d["version"]) for d in everything["items"]] == [
        ("alpha", 1),
        ("alpha", 2),
        ("beta", 1),
    ]
    latest = api.get("/process-definitions", bob, params={"latest_only": True}).json()
    assert [(d["key"], d["version"]) for d in latest["items"]] == [("alpha", 2), ("beta", 1)]
    alpha = api.get("/process-definitions", bob, params={"key": "alpha"}).json()
    assert alpha["total"] == 2
    page = api.get("/process-definitions", bob, params={"offset": 1, "limit": 1}).json()
    assert page["total"] == 3
    assert page["offset"] == 1
    assert page["limit"] == 1
    assert [(d["key"], d["version"]) for d in page["items"]] == [("alpha", 2)]


def test_paging_parameters_are_bounded(api: Api) -> None:
    for params in ({"limit": 0}, {"limit": 1001}, {"offset": -1}, {"latest_only": "perhaps"}):
        response = api.get("/process-definitions", api.admin, params=params)
        assert response.status_code == 422, params
    assert api.get("/process-definitions").status_code == 401


def test_a_definition_and_its_file_are_read_by_id(api: Api) -> None:
    definition = api.deploy(LEAVE, "leave.bpmn")["definitions"][0]
    bob = api.user("bob")
    response = api.get(f"/process-definitions/{definition['id']}", bob)
    assert response.status_code == 200
    assert response.json() == definition
    xml = api.get(f"/process-definitions/{definition['id']}/xml", bob)
    assert xml.status_code == 200
    assert xml.headers["content-type"].startswith("application/xml")
    assert xml.content == LEAVE


def test_an_unknown_definition_is_404(api: Api) -> None:
    for path in ("/process-definitions/999999", "/process-definitions/999999/xml"):
        response = api.get(path, api.admin)
        assert response.status_code == 404, path
        assert error_of(response)["code"] == "not_found"
    for action in ("suspend", "activate"):
        assert api.post(f"/process-definitions/999999/{action}", api.admin).status_code == 404


# -- suspending ---------------------------------------------------------------------------


def test_a_suspended_definition_starts_nothing_until_activated(api: Api) -> None:
    definition = api.deploy(one_task())["definitions"][0]
    suspended = api.post(f"/process-definitions/{definition['id']}/suspend", api.admin)
    assert suspended.status_code == 200
    assert suspended.json()["suspended"] is True
    start = api.post("/process-instances", api.admin, json={"process_key": "review"})
    assert start.status_code == 409
    assert "suspended" in error_of(start)["message"]
    activated = api.post(f"/process-definitions/{definition['id']}/activate", api.admin)
    assert activated.json()["suspended"] is False
    assert (
        api.post("/process-instances", api.admin, json={"process_key": "review"}).status_code == 201
    )


def test_suspending_a_definition_with_its_instances_stops_their_tasks(api: Api) -> None:
    definition = api.deploy(one_task())["definitions"][0]
    instance = api.start("review", api.admin)
    task = api.open_task(instance["id"], "work")
    response = api.post(
        f"/process-definitions/{definition['id']}/suspend",
        api.admin,
        json={"include_instances": True},
    )
    assert response.status_code == 200
    assert api.get(f"/process-instances/{instance['id']}", api.admin).json()["suspended"] is True
    refused = api.post(f"/tasks/{task['id']}/complete", api.admin, json={})
    assert refused.status_code == 409
    api.post(
        f"/process-definitions/{definition['id']}/activate",
        api.admin,
        json={"include_instances": True},
    )
    assert api.post(f"/tasks/{task['id']}/complete", api.admin, json={}).status_code == 200


def test_suspending_definitions_needs_an_administrator(api: Api) -> None:
    definition = api.deploy(one_task())["definitions"][0]
    bob = api.user("bob")
    for action in ("suspend", "activate"):
        assert api.post(f"/process-definitions/{definition['id']}/{action}", bob).status_code == 403
        assert api.post(f"/process-definitions/{definition['id']}/{action}").status_code == 401
    bad = api.post(
        f"/process-definitions/{definition['id']}/suspend",
        api.admin,
        json={"include_instances": "all of them"},
    )
    assert bad.status_code == 422


# -- deleting -----------------------------------------------------------------------------


def test_a_deployment_without_running_instances_is_deleted(api: Api) -> None:
    deployment = api.deploy(one_task())
    response = api.delete(f"/deployments/{deployment['id']}", api.admin)
    assert response.status_code == 204
    assert response.content == b""
    definition_id = deployment["definitions"][0]["id"]
    assert api.get(f"/process-definitions/{definition_id}", api.admin).status_code == 404


def test_a_deployment_with_running_instances_is_409_unless_cascaded(api: Api) -> None:
    deployment = api.deploy(one_task())
    instance = api.start("review", api.admin)
    refused = api.delete(f"/deployments/{deployment['id']}", api.admin)
    assert refused.status_code == 409
    assert "cascade" in error_of(refused)["message"]
    explicit = api.delete(
        f"/deployments/{deployment['id']}", api.admin, params={"cascade": "false"}
    )
    assert explicit.status_code == 409
    cascaded = api.delete(f"/deployments/{deployment['id']}", api.admin, params={"cascade": True})
    assert cascaded.status_code == 204
    assert api.get(f"/process-instances/{instance['id']}", api.admin).status_code == 404


def test_deleting_deployments_needs_an_administrator_and_a_known_id(api: Api) -> None:
    deployment = api.deploy(one_task())
    bob = api.user("bob")
    assert api.delete(f"/deployments/{deployment['id']}", bob).status_code == 403
    assert api.delete(f"/deployments/{deployment['id']}").status_code == 401
    assert api.delete("/deployments/999999", api.admin).status_code == 404
    assert api.delete("/deployments/abc", api.admin).status_code == 422
