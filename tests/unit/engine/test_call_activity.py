"""Call activities (engine/activities.py call_activity, embedded.py child instances)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from lanes.embedded import Engine, EngineError, Instance
from lanes.engine import commands as cmd
from lanes.engine import events as ev

from .bpmn_builder import (
    Harness,
    chain,
    complete_at,
    deploy,
    model_xml,
    of_type,
    open_nodes,
    user_tasks,
)

ERROR_HEADER = '<error id="err" errorCode="CHILD_FAILED"/>'

# child: start -> work -> (exclusive: fail == true -> error end | else -> end)
CHILD = (
    '<startEvent id="c_start"/><userTask id="work"/>'
    '<exclusiveGateway id="c_gw" default="c_gw-c_end"/>'
    '<endEvent id="c_end"/>'
    '<endEvent id="c_fail"><errorEventDefinition errorRef="err"/></endEvent>'
    + chain("c_start", "work", "c_gw")
    + '<sequenceFlow id="c_gw-c_end" sourceRef="c_gw" targetRef="c_end"/>'
    '<sequenceFlow id="c_gw-c_fail" sourceRef="c_gw" targetRef="c_fail">'
    '<conditionExpression xsi:type="tFormalExpression">${fail == true}</conditionExpression>'
    "</sequenceFlow>"
)


def parent(call_attributes: str = "", mappings: str = "", boundary: str = "") -> str:
    """start -> callActivity `call` (calling `child`) -> userTask `after` -> end."""
    return (
        '<startEvent id="start"/>'
        f'<callActivity id="call" calledElement="child" {call_attributes}>'
        f"<extensionElements>{mappings}</extensionElements></callActivity>"
        + boundary
        + user_tasks("after", "recover")
        + '<endEvent id="end"/>'
        + chain("start", "call", "after", "end")
        + (chain("caught", "recover", "end") if boundary else "")
    )


def engine_for(parent_body: str) -> Engine:
    return deploy(
        model_xml(parent_body, process_id="p", header=ERROR_HEADER),
        model_xml(CHILD, process_id="child", header=ERROR_HEADER),
    )


def started(
    parent_body: str, variables: dict[str, object] | None = None
) -> tuple[Engine, Instance]:
    engine = engine_for(parent_body)
    return engine, engine.start("p", variables=variables)


def the_child(inst: Instance) -> Instance:
    (child,) = inst.children()
    return child


def finish_child(inst: Instance, fail: bool = False, **variables: object) -> Instance:
    """Complete the child's one task; `fail` routes it to its error end."""
    child = the_child(inst)
    complete_at(child, "work", {"fail": fail, **variables})
    return child


def test_call_activity_starts_the_called_process_and_waits_for_it() -> None:
    _, inst = started(parent())
    child = the_child(inst)
    assert child.key == "child"
    assert open_nodes(child) == ["work"]
    assert inst.tasks() == []
    assert inst.active_nodes() == ["call"]


def test_the_caller_continues_when_the_child_ends() -> None:
    _, inst = started(parent())
    child = finish_child(inst)
    assert child.ended
    assert open_nodes(inst) == ["after"]


def test_in_mapping_by_source_and_target() -> None:
    mapping = '<flowable:in source="amount" target="childAmount"/>'
    _, inst = started(parent(mappings=mapping), {"amount": 5, "secret": "x"})
    assert the_child(inst).variables == {"childAmount": 5}


def test_in_mapping_by_source_expression() -> None:
    mapping = '<camunda:in sourceExpression="${amount * 2}" target="doubled"/>'
    _, inst = started(parent(mappings=mapping), {"amount": 5})
    assert the_child(inst).variables == {"doubled": 10}


def test_in_mapping_of_all_variables() -> None:
    mapping = '<camunda:in variables="all"/>'
    _, inst = started(parent(mappings=mapping), {"amount": 5, "who": "ann"})
    assert the_child(inst).variables == {"amount": 5, "who": "ann"}


def test_inherit_variables_passes_every_variable() -> None:
    _, inst = started(parent(call_attributes='flowable:inheritVariables="true"'), {"a": 1, "b": 2})
    assert the_child(inst).variables == {"a": 1, "b": 2}


def test_no_mapping_passes_nothing() -> None:
    _, inst = started(parent(), {"a": 1})
    assert the_child(inst).variables == {}


def test_out_mapping_copies_child_variables_back_when_the_child_ends() -> None:
    mapping = '<flowable:out source="verdict" target="childVerdict"/>'
    _, inst = started(parent(mappings=mapping), {"a": 1})
    finish_child(inst, verdict="ok", noise=1)
    assert inst.variables == {"a": 1, "childVerdict": "ok"}
    assert open_nodes(inst) == ["after"]


def test_out_mapping_of_all_variables() -> None:
    mapping = '<camunda:out variables="all"/>'
    _, inst = started(parent(mappings=mapping))
    finish_child(inst, verdict="ok")
    assert inst.variables == {"fail": False, "verdict": "ok"}


def test_call_activity_business_key_from_an_expression() -> None:
    _, inst = started(parent(call_attributes='flowable:businessKey="${key}"'), {"key": "K-1"})
    assert the_child(inst).business_key == "K-1"


def test_called_element_from_an_expression() -> None:
    body = (
        '<startEvent id="start"/><callActivity id="call" calledElement="${which}"/>'
        + user_tasks("after")
        + '<endEvent id="end"/>'
        + chain("start", "call", "after", "end")
    )
    _, inst = started(body, {"which": "child"})
    assert the_child(inst).key == "child"


def test_cancelling_the_caller_cancels_the_child() -> None:
    _, inst = started(parent())
    child = the_child(inst)
    inst.cancel("no longer needed")
    assert inst.status == "terminated"
    assert child.ended
    assert child.status == "terminated"
    assert child.tasks() == []


def test_interrupting_the_call_activity_cancels_the_child() -> None:
    boundary = (
        '<boundaryEvent id="caught" attachedToRef="call"><timerEventDefinition>'
        "<timeDuration>PT1H</timeDuration></timerEventDefinition></boundaryEvent>"
    )
    engine, inst = started(parent(boundary=boundary))
    child = the_child(inst)
    engine.advance_clock(timedelta(hours=1))
    assert open_nodes(inst) == ["recover"]
    assert child.status == "terminated"


def test_error_end_in_the_child_is_caught_by_a_boundary_on_the_call_activity() -> None:
    boundary = (
        '<boundaryEvent id="caught" attachedToRef="call">'
        '<errorEventDefinition errorRef="err"/></boundaryEvent>'
    )
    _, inst = started(parent(boundary=boundary))
    child = finish_child(inst, fail=True)
    assert open_nodes(inst) == ["recover"]
    assert child.ended
    assert "after" not in inst.visited


def test_uncaught_error_end_in_the_child_ends_the_child_like_a_none_end() -> None:
    _, inst = started(parent())
    child = finish_child(inst, fail=True)
    assert child.status == "completed"
    assert open_nodes(inst) == ["after"]


def test_call_activity_reached_by_a_timer_starts_its_child() -> None:
    body = (
        '<startEvent id="start"/><intermediateCatchEvent id="wait"><timerEventDefinition>'
        "<timeDuration>PT1H</timeDuration></timerEventDefinition></intermediateCatchEvent>"
        '<callActivity id="call" calledElement="child"/>'
        + user_tasks("after")
        + '<endEvent id="end"/>'
        + chain("start", "wait", "call", "after", "end")
    )
    engine, inst = started(body)
    assert inst.children() == []
    engine.advance_clock(timedelta(hours=1))
    assert open_nodes(the_child(inst)) == ["work"]


def test_multi_instance_call_activity_starts_one_child_per_instance() -> None:
    body = (
        '<startEvent id="start"/><callActivity id="call" calledElement="child">'
        '<multiInstanceLoopCharacteristics isSequential="false">'
        "<loopCardinality>2</loopCardinality></multiInstanceLoopCharacteristics></callActivity>"
        + user_tasks("after")
        + '<endEvent id="end"/>'
        + chain("start", "call", "after", "end")
    )
    _, inst = started(body)
    first, second = inst.children()
    complete_at(first, "work", {"fail": False})
    assert open_nodes(inst) == []
    complete_at(second, "work", {"fail": False})
    assert open_nodes(inst) == ["after"]


def test_call_activity_started_event_carries_the_mapped_variables() -> None:
    mapping = '<flowable:in source="amount" target="childAmount"/>'
    h = Harness(parent(mappings=mapping), header=ERROR_HEADER)
    events = h.send(cmd.StartInstance({"amount": 3}))
    (started_event,) = of_type(events, ev.CallActivityStarted)
    assert (started_event.node_id, started_event.called_element) == ("call", "child")
    assert started_event.variables == {"childAmount": 3}
    events = h.send(cmd.CompleteCallActivity(started_event.execution_id, {"x": 1}))
    assert [t["node"] for t in h.state["tasks"].values()] == ["after"]


def test_complete_call_activity_for_an_execution_not_calling_is_refused() -> None:
    h = Harness(parent(), header=ERROR_HEADER)
    h.send(cmd.StartInstance())
    before = dict(h.state)
    with pytest.raises(EngineError):
        h.send(cmd.CompleteCallActivity("nope"))
    assert h.state == before
