"""lanes.services.deployments on a real database: deploying, versions, suspension, deletion."""

from __future__ import annotations

import pytest
from sqlalchemy import Table, func, select

from lanes.services import deployments, instances, tasks
from lanes.services.context import Services
from lanes.services.errors import Conflict, Forbidden, Invalid, NotFound
from lanes.store import tables as t

from .helpers import (
    ADMIN,
    APPROVAL,
    deploy,
    flows,
    model_xml,
    start,
    task_at,
    user,
)

ANN = user("ann")

SIMPLE = model_xml(
    '<startEvent id="start"/><userTask id="work" name="Work" flowable:assignee="ann"/>'
    '<endEvent id="end"/>' + flows("start", "work", "end"),
    "simple",
    name="Simple",
)
SIMPLE_CHANGED = SIMPLE.replace(b'name="Work"', b'name="Work harder"')

SCRIPTED = model_xml(
    '<startEvent id="start"/>'
    '<scriptTask id="calc" scriptFormat="groovy"><script>x = 1</script></scriptTask>'
    '<endEvent id="end"/>' + flows("start", "calc", "end"),
    "scripted",
)

TWO_PROCESSES = (
    b'<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"'
    b' targetNamespace="http://lanes.test">'
    b'<process id="first" isExecutable="true"><startEvent id="s1"/><endEvent id="e1"/>'
    b'<sequenceFlow id="f1" sourceRef="s1" targetRef="e1"/></process>'
    b'<process id="second" isExecutable="true"><startEvent id="s2"/><endEvent id="e2"/>'
    b'<sequenceFlow id="f2" sourceRef="s2" targetRef="e2"/></process>'
    b"</definitions>"
)

# a duplicate id, a flow to nowhere and a condition that does not compile: three problems
BROKEN = model_xml(
    '<startEvent id="start"/><userTask id="a"/><userTask id="a"/><endEvent id="end"/>'
    '<sequenceFlow id="f1" sourceRef="start" targetRef="ghost"/>'
    '<sequenceFlow id="f2" sourceRef="a" targetRef="end">'
    '<conditionExpression xsi:type="tFormalExpression">${days &gt;&gt; 3}</conditionExpression>'
    "</sequenceFlow>",
    "broken",
)


def count(svc: Services, table: Table) -> int:
    with svc.db.read() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


# -- deploy -------------------------------------------------------------------------------


def test_deploy_returns_the_deployment_with_its_definitions(services: Services) -> None:
    view = deployments.deploy(services, ADMIN, SIMPLE, "simple.bpmn", name="First try")
    assert (view.name, view.deployed_by, view.warnings) == ("First try", "root", [])
    (definition,) = view.definitions
    assert (definition.key, definition.version, definition.name) == ("simple", 1, "Simple")
    assert (definition.deployment_id, definition.resource_name) == (view.id, "simple.bpmn")
    assert definition.suspended is False
    assert deployments.get_definition(services, ADMIN, definition.id) == definition
    assert deployments.definition_by_key(services, ANN, "simple") == definition
    assert deployments.definition_resource(services, ADMIN, definition.id) == SIMPLE
    with services.db.read() as conn:
        logged = conn.execute(select(t.operation_log.c.operation, t.operation_log.c.user_id)).all()
    assert [tuple(row) for row in logged] == [("deploy", "root")]


def test_deploy_names_the_deployment_after_the_resource_by_default(services: Services) -> None:
    assert deployments.deploy(services, ADMIN, SIMPLE, "simple.bpmn").name == "simple.bpmn"


def test_deploy_a_document_with_two_processes_gives_two_definitions(services: Services) -> None:
    view = deployments.deploy(services, ADMIN, TWO_PROCESSES, "two.bpmn")
    assert sorted((d.key, d.version) for d in view.definitions) == [("first", 1), ("second", 1)]
    assert {d.deployment_id for d in view.definitions} == {view.id}


def test_deploy_reports_warnings_and_still_deploys(services: Services) -> None:
    view = deployments.deploy(services, ADMIN, SCRIPTED, "scripted.bpmn")
    (warning,) = view.warnings
    assert "groovy" in warning
    assert "'calc'" in warning
    assert [d.key for d in view.definitions] == ["scripted"]


def test_deploying_the_same_bytes_again_returns_the_same_definition(services: Services) -> None:
    first = deployments.deploy(services, ADMIN, SIMPLE, "simple.bpmn")
    again = deployments.deploy(services, ADMIN, SIMPLE, "simple.bpmn")
    assert again.definitions == first.definitions
    assert again.id == first.id
    assert count(services, t.deployment) == 1
    assert count(services, t.definition) == 1


def test_deploying_a_changed_file_makes_the_next_version(services: Services) -> None:
    first = deploy(services, SIMPLE)
    second = deploy(services, SIMPLE_CHANGED)
    assert (second.key, second.version) == ("simple", 2)
    assert second.id != first.id
    assert second.deployment_id != first.deployment_id
    assert deployments.definition_by_key(services, ADMIN, "simple") == second
    assert deployments.get_definition(services, ADMIN, first.id).version == 1
    latest = deployments.list_definitions(services, ADMIN, latest_only=True)
    assert [(d.key, d.version) for d in latest.items] == [("simple", 2)]
    every = deployments.list_definitions(services, ADMIN, key="simple")
    assert [d.version for d in every.items] == [1, 2]
    assert every.total == 2


def test_deploying_the_first_bytes_after_a_change_makes_a_third_version(
    services: Services,
) -> None:
    deploy(services, SIMPLE)
    deploy(services, SIMPLE_CHANGED)
    assert deploy(services, SIMPLE).version == 3


def test_new_instances_start_on_the_newest_version(services: Services) -> None:
    deploy(services, SIMPLE)
    second = deploy(services, SIMPLE_CHANGED)
    assert start(services, "simple").definition_id == second.id


def test_list_definitions_pages_and_filters(services: Services) -> None:
    deploy(services, SIMPLE)
    deploy(services, SIMPLE_CHANGED)
    deploy(services, APPROVAL)
    page = deployments.list_definitions(services, ADMIN, offset=1, limit=1)
    assert page.total == 3
    assert [(d.key, d.version) for d in page.items] == [("simple", 1)]
    assert deployments.list_definitions(services, ADMIN, key="nothing").items == []


def test_invalid_bpmn_is_refused_listing_every_problem(services: Services) -> None:
    with pytest.raises(Invalid) as refused:
        deployments.deploy(services, ADMIN, BROKEN, "broken.bpmn")
    problems = refused.value.details["problems"]
    assert sorted(p["element"] for p in problems) == ["a", "f1", "f2"]
    assert all(isinstance(p["line"], int) and p["message"] for p in problems)
    assert "duplicate id 'a'" in refused.value.message
    assert "ghost" in refused.value.message
    assert count(services, t.deployment) == 0
    assert count(services, t.definition) == 0


@pytest.mark.parametrize(
    "document",
    [
        pytest.param(b"<definitions><process", id="not-well-formed"),
        pytest.param(b"", id="empty"),
        pytest.param(b"just text", id="not-xml"),
        pytest.param(model_xml('<userTask id="a"/>'), id="no-start-event"),
    ],
)
def test_documents_that_are_not_deployable_are_invalid(services: Services, document: bytes) -> None:
    with pytest.raises(Invalid) as refused:
        deployments.deploy(services, ADMIN, document)
    assert refused.value.details["problems"]
    assert count(services, t.definition) == 0


def test_only_admins_deploy(services: Services) -> None:
    with pytest.raises(Forbidden):
        deployments.deploy(services, ANN, SIMPLE)
    with pytest.raises(Forbidden):  # not Invalid: a non-admin learns nothing of the content
        deployments.deploy(services, ANN, BROKEN)
    assert count(services, t.deployment) == 0


def test_unknown_definitions_are_not_found(services: Services) -> None:
    with pytest.raises(NotFound, match="424242"):
        deployments.get_definition(services, ADMIN, 424242)
    with pytest.raises(NotFound, match="'ghost'"):
        deployments.definition_by_key(services, ADMIN, "ghost")
    with pytest.raises(NotFound):
        deployments.definition_resource(services, ADMIN, 424242)


# -- suspend / activate -----------------------------------------------------------------


def test_a_suspended_definition_refuses_new_instances(services: Services) -> None:
    definition = deploy(services, SIMPLE)
    view = deployments.set_definition_suspended(services, ADMIN, definition.id, True)
    assert view.suspended is True
    assert deployments.get_definition(services, ADMIN, definition.id).suspended is True
    with pytest.raises(Conflict, match="suspended"):
        start(services, "simple")
    with pytest.raises(Conflict, match="suspended"):
        instances.start_instance(services, ADMIN, definition_id=definition.id)
    deployments.set_definition_suspended(services, ADMIN, definition.id, False)
    assert start(services, "simple").status == "active"


def test_suspending_a_definition_refuses_task_actions_on_its_instances(
    services: Services,
) -> None:
    definition = deploy(services, SIMPLE)
    instance = start(services, "simple")
    work = task_at(services, instance.id, "work")
    deployments.set_definition_suspended(services, ADMIN, definition.id, True)
    assert instances.get_instance(services, ADMIN, instance.id).suspended is False
    with pytest.raises(Conflict, match="suspended"):
        tasks.complete(services, ANN, work.id)
    deployments.set_definition_suspended(services, ADMIN, definition.id, False)
    tasks.complete(services, ANN, work.id)
    assert instances.get_instance(services, ADMIN, instance.id).status == "completed"


def test_suspend_with_instances_suspends_and_activates_them_too(services: Services) -> None:
    definition = deploy(services, SIMPLE)
    running = [start(services, "simple") for _ in range(2)]
    deployments.set_definition_suspended(
        services, ADMIN, definition.id, True, include_instances=True
    )
    assert all(instances.get_instance(services, ADMIN, i.id).suspended for i in running)
    work = task_at(services, running[0].id, "work")
    with pytest.raises(Conflict):
        tasks.complete(services, ANN, work.id)
    deployments.set_definition_suspended(
        services, ADMIN, definition.id, False, include_instances=True
    )
    assert not any(instances.get_instance(services, ADMIN, i.id).suspended for i in running)
    tasks.complete(services, ANN, work.id)


def test_suspend_with_instances_leaves_other_versions_alone(services: Services) -> None:
    old = deploy(services, SIMPLE)
    on_old = start(services, "simple")
    deploy(services, SIMPLE_CHANGED)
    on_new = start(services, "simple")
    deployments.set_definition_suspended(services, ADMIN, old.id, True, include_instances=True)
    assert instances.get_instance(services, ADMIN, on_old.id).suspended is True
    assert instances.get_instance(services, ADMIN, on_new.id).suspended is False
    assert start(services, "simple").status == "active"  # the newest version is not suspended


def test_suspend_and_activate_errors(services: Services) -> None:
    definition = deploy(services, SIMPLE)
    with pytest.raises(Forbidden):
        deployments.set_definition_suspended(services, ANN, definition.id, True)
    with pytest.raises(NotFound):
        deployments.set_definition_suspended(services, ADMIN, 424242, True)
    assert deployments.get_definition(services, ADMIN, definition.id).suspended is False


def test_suspend_and_activate_are_logged(services: Services) -> None:
    definition = deploy(services, SIMPLE)
    deployments.set_definition_suspended(services, ADMIN, definition.id, True)
    deployments.set_definition_suspended(services, ADMIN, definition.id, False)
    with services.db.read() as conn:
        logged = conn.execute(
            select(t.operation_log.c.operation).order_by(t.operation_log.c.id)
        ).scalars()
        assert list(logged) == ["deploy", "suspend-definition", "activate-definition"]


# -- delete -------------------------------------------------------------------------------


def test_delete_deployment_is_refused_while_instances_run(services: Services) -> None:
    definition = deploy(services, SIMPLE)
    instance = start(services, "simple")
    with pytest.raises(Conflict, match="cascade"):
        deployments.delete_deployment(services, ADMIN, definition.deployment_id)
    assert deployments.get_definition(services, ADMIN, definition.id) == definition
    assert instances.get_instance(services, ADMIN, instance.id).status == "active"


def test_delete_deployment_with_cascade_removes_its_instances(services: Services) -> None:
    definition = deploy(services, SIMPLE)
    instance = start(services, "simple")
    work = task_at(services, instance.id, "work")
    deployments.delete_deployment(services, ADMIN, definition.deployment_id, cascade=True)
    with pytest.raises(NotFound):
        deployments.get_definition(services, ADMIN, definition.id)
    with pytest.raises(NotFound):
        instances.get_instance(services, ADMIN, instance.id)
    with pytest.raises(NotFound):
        tasks.get_task(services, ADMIN, work.id)
    assert tasks.todo(services, ANN).total == 0
    for table in (t.deployment, t.definition, t.instance, t.task, t.task_candidate, t.activity):
        assert count(services, table) == 0, table.name


def test_delete_deployment_without_running_instances_needs_no_cascade(
    services: Services,
) -> None:
    definition = deploy(services, SIMPLE)
    instance = start(services, "simple")
    tasks.complete(services, ANN, task_at(services, instance.id, "work").id)
    deployments.delete_deployment(services, ADMIN, definition.deployment_id)
    with pytest.raises(NotFound):
        deployments.get_definition(services, ADMIN, definition.id)


def test_delete_deployment_keeps_other_versions(services: Services) -> None:
    old = deploy(services, SIMPLE)
    new = deploy(services, SIMPLE_CHANGED)
    deployments.delete_deployment(services, ADMIN, new.deployment_id)
    assert deployments.definition_by_key(services, ADMIN, "simple") == old
    assert start(services, "simple").definition_id == old.id


def test_delete_deployment_errors(services: Services) -> None:
    definition = deploy(services, SIMPLE)
    with pytest.raises(Forbidden):
        deployments.delete_deployment(services, ANN, definition.deployment_id)
    with pytest.raises(NotFound):
        deployments.delete_deployment(services, ADMIN, 424242)
    assert deployments.get_definition(services, ADMIN, definition.id) == definition
