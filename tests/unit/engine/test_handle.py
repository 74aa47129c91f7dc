"""The entry point handle(model, state, command, ctx): refusals leave the state alone,
ended instances refuse everything, and the state is plain JSON between commands."""

from __future__ import annotations

import json

import pytest

from lanes.engine import commands as cmd
from lanes.engine import events as ev
from lanes.engine.errors import EngineError, InstanceEnded, InvalidMove, TaskNotFound

from .bpmn_builder import Harness, chain, deploy, linear, model_xml, of_type, user_tasks

HEADER = '<message id="m" name="go"/><error id="err" errorCode="E1"/>'

# start -> fork -> [a (MI x2) | sub(b, timer boundary) | message wait] -> join -> c -> end
BUSY = (
    '<startEvent id="start"/><parallelGateway id="fork"/><parallelGateway id="join"/>'
    '<userTask id="a" flowable:candidateUsers="bob,carol">'
    '<multiInstanceLoopCharacteristics isSequential="false">'
    "<loopCardinality>2</loopCardinality></multiInstanceLoopCharacteristics></userTask>"
    '<subProcess id="sub"><startEvent id="s_start"/><userTask id="b"/><endEvent id="s_end"/>'
    + chain("s_start", "b", "s_end")
    + "</subProcess>"
    '<boundaryEvent id="late" attachedToRef="sub" cancelActivity="false"><timerEventDefinition>'
    "<timeDuration>PT1H</timeDuration></timerEventDefinition></boundaryEvent>"
    '<intermediateCatchEvent id="wait"><messageEventDefinition messageRef="m"/>'
    "</intermediateCatchEvent>"
    + user_tasks("c", "reminder")
    + '<endEvent id="end"/><endEvent id="r_end"/>'
    + chain("start", "fork")
    + chain("fork", "a", "join")
    + chain("fork", "sub", "join")
    + chain("fork", "wait", "join")
    + chain("join", "c", "end")
    + chain("late", "reminder", "r_end")
)


def dump(h: Harness) -> str:
    return json.dumps(h.state, sort_keys=True)


def test_state_survives_a_json_round_trip_after_every_command() -> None:
    h = Harness(BUSY, header=HEADER)  # Harness.send checks the round trip each time
    events = h.send(cmd.StartInstance({"n": 1}, user="alice"))
    job = of_type(events, ev.JobScheduled)[0].job_id
    a1, a2 = sorted(t["id"] for t in h.state["tasks"].values() if t["node"] == "a")
    h.send(cmd.ClaimTask(a1, "bob"))
    h.send(cmd.DelegateTask(a1, "dora"))
    h.send(cmd.ResolveTask(a1, {"note": "ok"}))
    h.send(cmd.CompleteTask(a1, {"x": 1}))
    h.send(cmd.SetVariables({"y": [1, {"z": None}]}))
    h.send(cmd.FireJob(job))
    h.send(cmd.CompleteTask(h.task_id("reminder")))
    h.send(cmd.AssignNode("c", "carl"))
    h.send(cmd.CorrelateMessage("go", {"m": "hello"}))
    h.send(cmd.CompleteTask(a2))
    h.send(cmd.CompleteTask(h.task_id("b")))
    assert h.state["tasks"][h.task_id("c")]["assignee"] == "carl"
    h.send(cmd.CompleteTask(h.task_id("c")))
    assert h.state["status"] == "completed"


def test_event_stream_of_starting_and_completing_a_one_task_process() -> None:
    h = Harness(linear("a"))
    events = h.send(cmd.StartInstance({"x": 1}, user="al"))
    assert [type(e).__name__ for e in events] == [
        "InstanceStarted",
        "VariablesChanged",
        "ActivityEntered",
        "ActivityLeft",
        "FlowTaken",
        "ActivityEntered",
        "TaskCreated",
    ]
    assert [e.node_id for e in of_type(events, ev.ActivityEntered)] == ["start", "a"]
    task_id = h.task_id("a")
    events = h.send(cmd.CompleteTask(task_id, user="al"))
    assert events[0] == ev.TaskEnded(task_id, "a", "2026-03-02T09:00:00Z", "completed", "al", {})
    assert [type(e).__name__ for e in events][-3:] == [
        "ActivityEntered",
        "ActivityLeft",
        "InstanceEnded",
    ]


def test_instance_ended_names_the_none_end_event_that_ended_it() -> None:
    body = (
        '<startEvent id="start"/><userTask id="a"/><exclusiveGateway id="gw"/>'
        '<endEvent id="approved"/><endEvent id="rejected"/>'
        + chain("start", "a", "gw")
        + '<sequenceFlow id="yes" sourceRef="gw" targetRef="approved">'
        '<conditionExpression xsi:type="tFormalExpression">${ok}</conditionExpression>'
        "</sequenceFlow>"
        '<sequenceFlow id="no" sourceRef="gw" targetRef="rejected">'
        '<conditionExpression xsi:type="tFormalExpression">${!ok}</conditionExpression>'
        "</sequenceFlow>"
    )
    h = Harness(body)
    h.send(cmd.StartInstance())
    events = h.send(cmd.CompleteTask(h.task_id("a"), {"ok": False}))
    (ended,) = of_type(events, ev.InstanceEnded)
    assert (ended.state, ended.end_node) == ("completed", "rejected")


def test_the_same_commands_give_the_same_events_and_state() -> None:
    def replay() -> tuple[list[ev.Event], str]:
        h = Harness(BUSY, header=HEADER)
        h.send(cmd.StartInstance({"n": 1}))
        for task_id in sorted(t["id"] for t in h.state["tasks"].values()):
            h.send(cmd.CompleteTask(task_id))
        h.send(cmd.CorrelateMessage("go"))
        return h.events, dump(h)

    assert replay() == replay()


def test_an_ended_instance_refuses_every_command() -> None:
    h = Harness(linear("a"))
    h.send(cmd.StartInstance())
    task_id = h.task_id("a")
    h.send(cmd.CompleteTask(task_id))
    before = dump(h)
    for command in (
        cmd.CompleteTask(task_id),
        cmd.SetVariables({"x": 1}),
        cmd.CancelInstance(),
        cmd.CorrelateMessage("go"),
    ):
        with pytest.raises(InstanceEnded):
            h.send(command)
    assert dump(h) == before


def test_a_cancelled_instance_refuses_further_commands() -> None:
    h = Harness(linear("a"))
    h.send(cmd.StartInstance())
    task_id = h.task_id("a")
    events = h.send(cmd.CancelInstance("stop"))
    assert [(e.state, e.reason) for e in of_type(events, ev.InstanceEnded)] == [
        ("terminated", "stop")
    ]
    assert h.state["tasks"] == {}
    with pytest.raises(InstanceEnded):
        h.send(cmd.CompleteTask(task_id))


def test_cancelling_ends_open_tasks_and_cancels_pending_timers() -> None:
    body = (
        '<startEvent id="start"/><parallelGateway id="fork"/><userTask id="a"/>'
        '<intermediateCatchEvent id="wait"><timerEventDefinition>'
        "<timeDuration>PT1H</timeDuration></timerEventDefinition></intermediateCatchEvent>"
        '<endEvent id="end"/>'
        + chain("start", "fork")
        + chain("fork", "a", "end")
        + chain("fork", "wait", "end")
    )
    h = Harness(body)
    h.send(cmd.StartInstance())
    a = h.task_id("a")
    events = h.send(cmd.CancelInstance("withdrawn by applicant"))
    assert [e.task_id for e in of_type(events, ev.TaskEnded)] == [a]
    assert len(of_type(events, ev.JobCancelled)) == 1
    assert (h.state["status"], h.state["tasks"], h.state["subs"]) == ("terminated", {}, {})


@pytest.mark.parametrize(
    "command",
    [
        cmd.CompleteTask("no-such-task", {"x": 1}),
        cmd.ClaimTask("no-such-task", "bob"),
        cmd.FireJob("no-such-job"),
        cmd.CompleteExternalTask("no-such-task"),
        cmd.RetryIncident("no-such-incident"),
        cmd.Trigger("c"),
        cmd.SetVariables({"x": 1}, execution_id="no-such-execution"),
        cmd.ThrowError("no-such-task", "E1"),
        cmd.ReturnTo("no-such-task", "start"),
        cmd.AddInstance("no-such-task"),
    ],
    ids=lambda c: type(c).__name__,
)
def test_an_unknown_id_raises_task_not_found_and_leaves_the_state_unchanged(
    command: cmd.Command,
) -> None:
    h = Harness(BUSY, header=HEADER)
    h.send(cmd.StartInstance())
    before = dump(h)
    with pytest.raises(TaskNotFound):
        h.send(command)
    assert dump(h) == before


@pytest.mark.parametrize(
    "command",
    [
        cmd.CorrelateMessage("nobody-waits"),
        cmd.Withdraw("no-such-task"),
        cmd.Jump("c", "b"),
        cmd.StartInstance(),
    ],
    ids=lambda c: type(c).__name__,
)
def test_a_command_that_does_not_apply_leaves_the_state_unchanged(command: cmd.Command) -> None:
    h = Harness(BUSY, header=HEADER)
    h.send(cmd.StartInstance())
    before = dump(h)
    with pytest.raises(EngineError):
        h.send(command)
    assert dump(h) == before


def test_a_refused_error_throw_leaves_the_state_unchanged() -> None:
    h = Harness(BUSY, header=HEADER)
    h.send(cmd.StartInstance())
    before = dump(h)
    with pytest.raises(EngineError):
        h.send(cmd.ThrowError(h.task_id("b"), "NOT_CAUGHT_ANYWHERE"))
    assert dump(h) == before


def test_a_withdraw_that_is_refused_is_an_invalid_move() -> None:
    h = Harness(linear("a", "b"))
    h.send(cmd.StartInstance())
    with pytest.raises(InvalidMove):
        h.send(cmd.Withdraw("never-completed"))


def test_a_state_of_another_schema_version_is_rejected() -> None:
    h = Harness(linear("a"))
    h.send(cmd.StartInstance())
    h.state["v"] = 99
    with pytest.raises(ValueError):
        h.send(cmd.SetVariables({"x": 1}))


def test_starting_at_something_that_is_not_a_start_event_is_refused() -> None:
    h = Harness(linear("a"))
    with pytest.raises(EngineError):
        h.send(cmd.StartInstance(start_node="a"))
    assert h.state["visited"] == []


def test_a_process_with_only_a_message_start_cannot_be_started_plainly() -> None:
    body = (
        '<startEvent id="on_go"><messageEventDefinition messageRef="m"/></startEvent>'
        + user_tasks("a")
        + '<endEvent id="end"/>'
        + chain("on_go", "a", "end")
    )
    h = Harness(body, header=HEADER)
    with pytest.raises(EngineError):
        h.send(cmd.StartInstance())
    h.send(cmd.StartInstance(start_node="on_go"))
    assert h.state["visited"] == ["on_go", "a"]


def test_an_instance_restored_from_json_behaves_the_same() -> None:
    engine = deploy(model_xml(BUSY, header=HEADER))
    inst = engine.start("p")
    data = inst.to_json()
    twin_engine = deploy(model_xml(BUSY, header=HEADER))
    twin = twin_engine.restore(data)
    for one in (inst, twin):
        for task in sorted(one.tasks(), key=lambda t: t.id):
            one.complete(task.id)
        one.trigger_message("go")
    assert inst.to_json() == twin.to_json()
    assert [t.node_id for t in twin.tasks()] == ["c"]
