"""lanes.embedded: the in-memory Engine / Instance API as documented in docs/embedding.md."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import orjson
import pytest

from lanes.bpmn import BpmnError
from lanes.embedded import Engine, EngineError, TaskNotFound

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
NS = 'xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:flowable="http://flowable.org/bpmn"'


def doc(body: str, pid: str = "p", extra: str = "") -> bytes:
    return f'<definitions {NS}>{extra}<process id="{pid}">{body}</process></definitions>'.encode()


TWO_TASKS = doc(
    '<startEvent id="s"/><userTask id="a" flowable:assignee="${initiator}"/>'
    '<userTask id="b" flowable:candidateGroups="hr, managers"/><endEvent id="e"/>'
    '<sequenceFlow id="f1" sourceRef="s" targetRef="a"/>'
    '<sequenceFlow id="f2" sourceRef="a" targetRef="b"/>'
    '<sequenceFlow id="f3" sourceRef="b" targetRef="e"/>'
).replace(b'<startEvent id="s"/>', b'<startEvent id="s" flowable:initiator="initiator"/>')


def engine() -> Engine:
    return Engine(clock=lambda: T0)


def test_deploy_returns_the_process_keys_and_refuses_bad_xml() -> None:
    eng = engine()
    assert eng.deploy(TWO_TASKS) == ["p"]
    with pytest.raises(BpmnError):
        eng.deploy(b"not xml")


def test_start_complete_and_end_records_the_path_and_variables() -> None:
    eng = engine()
    eng.deploy(TWO_TASKS)
    inst = eng.start("p", {"days": 5}, user="alice", business_key="BK-1")
    [task] = inst.tasks()
    assert (task.node_id, task.assignee) == ("a", "alice")
    inst.complete(task.id, {"approved": True})
    [task] = inst.tasks()
    assert task.candidate_groups == ("hr", "managers")
    inst.complete(task.id)
    assert inst.ended
    assert inst.visited == ["s", "a", "b", "e"]
    assert inst.variables == {"days": 5, "initiator": "alice", "approved": True}
    assert inst.business_key == "BK-1"


def test_state_is_plain_json_and_restore_gives_the_same_instance() -> None:
    eng = engine()
    eng.deploy(TWO_TASKS)
    inst = eng.start("p", user="bob")
    data = inst.to_json()
    assert orjson.loads(data) == inst.state
    again = eng.restore(data)
    assert again.to_json() == data
    again.complete(again.tasks()[0].id)
    assert [t.node_id for t in again.tasks()] == ["b"]


def test_mid_flight_state_of_a_small_process_is_small() -> None:
    eng = engine()
    eng.deploy(TWO_TASKS)
    inst = eng.start("p", {"days": 5}, user="bob")
    inst.complete(inst.tasks()[0].id)
    assert len(inst.to_json()) < 2048


def test_unknown_key_task_and_ended_instance_are_engine_errors() -> None:
    eng = engine()
    eng.deploy(TWO_TASKS)
    with pytest.raises(EngineError):
        eng.start("nope")
    inst = eng.start("p")
    before = inst.to_json()
    with pytest.raises(TaskNotFound):
        inst.complete("no-such-task")
    assert inst.to_json() == before
    inst.cancel("test")
    assert inst.ended and inst.status == "terminated"
    with pytest.raises(EngineError):
        inst.complete(inst.state.get("tasks", {}).get("x", "x"))


def test_advance_clock_fires_due_timers_in_order() -> None:
    eng = engine()
    eng.deploy(
        doc(
            '<startEvent id="s"/><parallelGateway id="fork"/>'
            '<intermediateCatchEvent id="t1"><timerEventDefinition><timeDuration>PT2H'
            "</timeDuration></timerEventDefinition></intermediateCatchEvent>"
            '<intermediateCatchEvent id="t2"><timerEventDefinition><timeDuration>PT1H'
            "</timeDuration></timerEventDefinition></intermediateCatchEvent>"
            '<endEvent id="e1"/><endEvent id="e2"/>'
            '<sequenceFlow id="f0" sourceRef="s" targetRef="fork"/>'
            '<sequenceFlow id="f1" sourceRef="fork" targetRef="t1"/>'
            '<sequenceFlow id="f2" sourceRef="fork" targetRef="t2"/>'
            '<sequenceFlow id="f3" sourceRef="t1" targetRef="e1"/>'
            '<sequenceFlow id="f4" sourceRef="t2" targetRef="e2"/>'
        )
    )
    inst = eng.start("p")
    eng.advance_clock(timedelta(minutes=30))
    assert not inst.ended
    eng.advance_clock(T0 + timedelta(hours=3))
    assert inst.ended
    assert inst.visited == ["s", "fork", "t1", "t2", "e2", "e1"]  # t2 is due first


def test_messages_correlate_to_the_waiting_instance_or_start_a_new_one() -> None:
    eng = engine()
    messages = '<message id="m1" name="paid"/><message id="m2" name="order"/>'
    eng.deploy(
        doc(
            '<startEvent id="s"><messageEventDefinition messageRef="m2"/></startEvent>'
            '<receiveTask id="wait" messageRef="m1"/><endEvent id="e"/>'
            '<sequenceFlow id="f1" sourceRef="s" targetRef="wait"/>'
            '<sequenceFlow id="f2" sourceRef="wait" targetRef="e"/>',
            extra=messages,
        )
    )
    first = eng.correlate_message("order", {"n": 1}, business_key="A")
    second = eng.start_by_message("order", {"n": 2}, business_key="B")
    assert eng.correlate_message("paid", {"ok": True}, business_key="B") is second
    assert second.ended and not first.ended
    assert second.variables == {"n": 2, "ok": True}


def test_signal_broadcast_reaches_every_waiting_instance() -> None:
    eng = engine()
    eng.deploy(
        doc(
            '<startEvent id="s"/><intermediateCatchEvent id="c">'
            '<signalEventDefinition signalRef="sig"/></intermediateCatchEvent><endEvent id="e"/>'
            '<sequenceFlow id="f1" sourceRef="s" targetRef="c"/>'
            '<sequenceFlow id="f2" sourceRef="c" targetRef="e"/>',
            extra='<signal id="sig" name="alert"/>',
        )
    )
    waiting = [eng.start("p") for _ in range(3)]
    eng.signal("alert")
    assert all(i.ended for i in waiting)


def test_call_activity_runs_the_child_and_resumes_the_parent() -> None:
    eng = engine()
    eng.deploy(
        doc(
            '<startEvent id="s"/><userTask id="work"/><endEvent id="e"/>'
            '<sequenceFlow id="f1" sourceRef="s" targetRef="work"/>'
            '<sequenceFlow id="f2" sourceRef="work" targetRef="e"/>',
            pid="child",
        )
    )
    eng.deploy(
        doc(
            '<startEvent id="s"/><callActivity id="call" calledElement="child">'
            '<extensionElements><flowable:in source="x" target="y"/>'
            '<flowable:out source="result" target="answer"/></extensionElements>'
            '</callActivity><endEvent id="e"/>'
            '<sequenceFlow id="f1" sourceRef="s" targetRef="call"/>'
            '<sequenceFlow id="f2" sourceRef="call" targetRef="e"/>',
            pid="parent",
        )
    )
    parent = eng.start("parent", {"x": 7})
    [child] = parent.children()
    assert child.variables == {"y": 7}
    child.complete(child.tasks()[0].id, {"result": 42})
    assert child.ended and parent.ended
    assert parent.variables == {"x": 7, "answer": 42}


def test_incidents_are_visible_and_retry_reruns_the_node() -> None:
    eng = engine()
    eng.deploy(
        doc(
            '<startEvent id="s"/><exclusiveGateway id="g"/><endEvent id="e"/>'
            '<sequenceFlow id="f1" sourceRef="s" targetRef="g"/>'
            '<sequenceFlow id="f2" sourceRef="g" targetRef="e">'
            "<conditionExpression>${go}</conditionExpression></sequenceFlow>"
        )
    )
    inst = eng.start("p")
    [incident] = inst.incidents
    assert incident.node_id == "g" and "go" in incident.message
    inst.set_variables({"go": True})
    inst.retry(incident.id)
    assert inst.ended and inst.incidents == []
