"""Start, end, intermediate and boundary events (engine/event_nodes.py, triggers.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from lanes.embedded import EngineError
from lanes.engine import commands as cmd
from lanes.engine import events as ev

from .bpmn_builder import (
    T0,
    Harness,
    chain,
    complete_at,
    deploy,
    linear,
    model_xml,
    of_type,
    open_nodes,
    start,
    task_at,
    tasks_at,
    user_tasks,
)


def timer(kind: str, value: str) -> str:
    return f"<timerEventDefinition><{kind}>{value}</{kind}></timerEventDefinition>"


# -- end events ---------------------------------------------------------------------------


def test_none_end_completes_the_instance() -> None:
    h = Harness(linear("a"))
    h.send(cmd.StartInstance())
    events = h.send(cmd.CompleteTask(h.task_id("a")))
    ended = of_type(events, ev.InstanceEnded)
    assert [(e.state, e.instance_id) for e in ended] == [("completed", "i")]
    assert h.state["status"] == "completed"
    assert h.state["visited"] == ["start", "a", "end"]


def test_terminate_end_cancels_every_other_token_of_the_instance() -> None:
    body = (
        '<startEvent id="start"/><parallelGateway id="fork"/>'
        + user_tasks("a", "b")
        + '<endEvent id="kill"><terminateEventDefinition/></endEvent><endEvent id="end"/>'
        + chain("start", "fork")
        + chain("fork", "a", "kill")
        + chain("fork", "b", "end")
    )
    h = Harness(body)
    h.send(cmd.StartInstance())
    b_task = h.task_id("b")
    events = h.send(cmd.CompleteTask(h.task_id("a")))
    ended = [(e.task_id, e.reason) for e in of_type(events, ev.TaskEnded)]
    assert ended[-1][0] == b_task
    assert ended[-1][1] != "completed"
    assert of_type(events, ev.InstanceEnded)[0].end_node == "kill"
    assert h.state["status"] == "completed"
    assert h.state["tasks"] == {}


def test_terminate_end_in_a_subprocess_ends_only_the_subprocess() -> None:
    body = (
        '<startEvent id="start"/>'
        '<subProcess id="sub">'
        '<startEvent id="s_start"/><parallelGateway id="s_fork"/>'
        + user_tasks("a", "b")
        + '<endEvent id="s_kill"><terminateEventDefinition/></endEvent><endEvent id="s_end"/>'
        + chain("s_start", "s_fork")
        + chain("s_fork", "a", "s_kill")
        + chain("s_fork", "b", "s_end")
        + "</subProcess>"
        + user_tasks("after")
        + '<endEvent id="end"/>'
        + chain("start", "sub", "after", "end")
    )
    _, inst = start(body)
    assert open_nodes(inst) == ["a", "b"]
    complete_at(inst, "a")
    assert not inst.ended
    assert open_nodes(inst) == ["after"]
    assert "s_end" not in inst.visited


def test_terminate_end_in_a_nested_subprocess_ends_only_the_innermost_one() -> None:
    body = (
        '<startEvent id="start"/>'
        '<subProcess id="outer"><startEvent id="o_start"/><parallelGateway id="o_fork"/>'
        '<userTask id="keep"/><endEvent id="o_end"/>'
        '<subProcess id="inner"><startEvent id="i_start"/><parallelGateway id="i_fork"/>'
        + user_tasks("x", "y")
        + '<endEvent id="kill"><terminateEventDefinition/></endEvent><endEvent id="i_end"/>'
        + chain("i_start", "i_fork")
        + chain("i_fork", "x", "kill")
        + chain("i_fork", "y", "i_end")
        + "</subProcess>"
        + chain("o_start", "o_fork")
        + chain("o_fork", "keep", "o_end")
        + chain("o_fork", "inner", "o_end")
        + "</subProcess>"
        + user_tasks("after")
        + '<endEvent id="end"/>'
        + chain("start", "outer", "after", "end")
    )
    _, inst = start(body)
    assert open_nodes(inst) == ["keep", "x", "y"]
    complete_at(inst, "x")
    assert open_nodes(inst) == ["keep"]
    complete_at(inst, "keep")
    assert open_nodes(inst) == ["after"]


def test_error_end_in_a_subprocess_is_caught_by_a_boundary_on_the_subprocess() -> None:
    body = (
        '<startEvent id="start"/>'
        '<subProcess id="sub"><startEvent id="s_start"/><userTask id="work"/>'
        '<endEvent id="fail"><errorEventDefinition errorRef="err"/></endEvent>'
        + chain("s_start", "work", "fail")
        + "</subProcess>"
        '<boundaryEvent id="caught" attachedToRef="sub"><errorEventDefinition errorRef="err"/>'
        "</boundaryEvent>"
        + user_tasks("after", "handle")
        + '<endEvent id="end"/>'
        + chain("start", "sub", "after", "end")
        + chain("caught", "handle", "end")
    )
    _, inst = start(body, header='<error id="err" errorCode="E1"/>')
    complete_at(inst, "work")
    assert open_nodes(inst) == ["handle"]
    assert "after" not in inst.visited
    assert inst.active_nodes() == ["handle"]


def test_error_end_is_caught_by_an_error_event_subprocess() -> None:
    body = (
        '<startEvent id="start"/>'
        + user_tasks("work")
        + '<endEvent id="fail"><errorEventDefinition errorRef="err"/></endEvent>'
        + chain("start", "work", "fail")
        + '<subProcess id="on_error" triggeredByEvent="true">'
        '<startEvent id="e_start"><errorEventDefinition errorRef="err"/></startEvent>'
        '<userTask id="repair"/><endEvent id="e_end"/>'
        + chain("e_start", "repair", "e_end")
        + "</subProcess>"
    )
    _, inst = start(body, header='<error id="err" errorCode="E1"/>')
    complete_at(inst, "work")
    assert open_nodes(inst) == ["repair"]
    assert not inst.ended
    complete_at(inst, "repair")
    assert inst.ended


def test_uncaught_error_end_ends_only_that_token() -> None:
    body = (
        '<startEvent id="start"/><parallelGateway id="fork"/>'
        + user_tasks("a", "b")
        + '<endEvent id="fail"><errorEventDefinition errorRef="err"/></endEvent>'
        '<endEvent id="end"/>'
        + chain("start", "fork")
        + chain("fork", "a", "fail")
        + chain("fork", "b", "end")
    )
    h = Harness(body, header='<error id="err" errorCode="E1"/>')
    h.send(cmd.StartInstance())
    events = h.send(cmd.CompleteTask(h.task_id("a")))
    assert [(e.code, e.node_id) for e in of_type(events, ev.ErrorNotCaught)] == [("E1", "fail")]
    assert h.state["status"] == "active"
    assert [t["node"] for t in h.state["tasks"].values()] == ["b"]
    h.send(cmd.CompleteTask(h.task_id("b")))
    assert h.state["status"] == "completed"


# -- start events ---------------------------------------------------------------------------


def test_message_start_event_starts_an_instance_with_the_message_variables() -> None:
    body = (
        '<startEvent id="on_order"><messageEventDefinition messageRef="m"/></startEvent>'
        + user_tasks("a")
        + '<endEvent id="end"/>'
        + chain("on_order", "a", "end")
    )
    engine = deploy(model_xml(body, header='<message id="m" name="newOrder"/>'))
    inst = engine.start_by_message("newOrder", {"order": 7})
    assert inst.visited == ["on_order", "a"]
    assert inst.variables == {"order": 7}


def test_message_start_for_an_unknown_message_is_refused() -> None:
    engine = deploy(model_xml(linear("a")))
    with pytest.raises(EngineError):
        engine.start_by_message("nobody-listens")


def test_timer_start_event_starts_an_instance_when_the_clock_reaches_it() -> None:
    body = (
        f'<startEvent id="tick">{timer("timeDate", "2026-03-03T09:00:00Z")}</startEvent>'
        + user_tasks("a")
        + '<endEvent id="end"/>'
        + chain("tick", "a", "end")
    )
    engine = deploy(model_xml(body))
    assert engine.instances() == []
    engine.advance_clock(timedelta(hours=23))
    assert engine.instances() == []
    engine.advance_clock(timedelta(hours=1))
    (inst,) = engine.instances()
    assert inst.visited == ["tick", "a"]
    engine.advance_clock(timedelta(days=3))
    assert len(engine.instances()) == 1


def test_timer_start_cycle_starts_one_instance_per_firing() -> None:
    body = (
        f'<startEvent id="tick">{timer("timeCycle", "R2/PT1H")}</startEvent>'
        + user_tasks("a")
        + '<endEvent id="end"/>'
        + chain("tick", "a", "end")
    )
    engine = deploy(model_xml(body))
    engine.advance_clock(timedelta(hours=5))
    assert len(engine.instances()) == 2


def test_signal_start_event_starts_an_instance_on_broadcast() -> None:
    body = (
        '<startEvent id="on_alert"><signalEventDefinition signalRef="s"/></startEvent>'
        + user_tasks("a")
        + '<endEvent id="end"/>'
        + chain("on_alert", "a", "end")
    )
    engine = deploy(model_xml(body, header='<signal id="s" name="alert"/>'))
    engine.signal("alert", {"level": 3})
    (inst,) = engine.instances()
    assert inst.visited == ["on_alert", "a"]
    assert inst.variables == {"level": 3}


def test_instance_initiator_is_stored_in_the_start_event_variable() -> None:
    body = (
        '<startEvent id="start" flowable:initiator="starter"/>'
        + user_tasks("a")
        + '<endEvent id="end"/>'
        + chain("start", "a", "end")
    )
    _, inst = start(body, user="alice")
    assert inst.variables["starter"] == "alice"


# -- intermediate catch events --------------------------------------------------------------


def wait_body(definition: str) -> str:
    return (
        '<startEvent id="start"/>'
        f'<intermediateCatchEvent id="wait">{definition}</intermediateCatchEvent>'
        + user_tasks("after")
        + '<endEvent id="end"/>'
        + chain("start", "wait", "after", "end")
    )


@pytest.mark.parametrize(
    ("definition", "variables", "due"),
    [
        (timer("timeDuration", "PT2H"), {}, T0 + timedelta(hours=2)),
        (timer("timeDate", "2026-03-02T11:00:00Z"), {}, T0 + timedelta(hours=2)),
        (timer("timeCycle", "R1/PT2H"), {}, T0 + timedelta(hours=2)),
        (timer("timeDuration", "${wait}"), {"wait": "PT2H"}, T0 + timedelta(hours=2)),
    ],
    ids=["duration", "date", "cycle", "expression"],
)
def test_intermediate_timer_fires_at_its_due_time(
    definition: str, variables: dict[str, str], due: object
) -> None:
    h = Harness(wait_body(definition))
    events = h.send(cmd.StartInstance(variables))
    (job,) = of_type(events, ev.JobScheduled)
    assert (job.kind, job.node_id, job.due) == ("timer", "wait", "2026-03-02T11:00:00Z")

    engine, inst = start(wait_body(definition), variables)
    engine.advance_clock(timedelta(hours=1, minutes=59))
    assert open_nodes(inst) == []
    engine.advance_clock(timedelta(minutes=1))
    assert open_nodes(inst) == ["after"]
    assert inst.state["subs"] == {}


def test_intermediate_timer_date_already_past_fires_at_the_next_clock_tick() -> None:
    engine, inst = start(wait_body(timer("timeDate", "2020-01-01T00:00:00Z")))
    assert open_nodes(inst) == []
    engine.advance_clock(timedelta(0))
    assert open_nodes(inst) == ["after"]


def test_intermediate_timer_with_a_bad_value_raises_an_incident() -> None:
    _, inst = start(wait_body(timer("timeDuration", "${wait}")), {"wait": "soon"})
    assert [i.node_id for i in inst.incidents] == ["wait"]


def test_intermediate_message_catch_waits_for_its_message() -> None:
    _, inst = start(
        wait_body('<messageEventDefinition messageRef="m"/>'),
        header='<message id="m" name="paid"/>',
    )
    assert inst.active_nodes() == ["wait"]
    inst.trigger_message("paid", {"amount": 10})
    assert open_nodes(inst) == ["after"]
    assert inst.variables == {"amount": 10}


def test_intermediate_message_catch_refuses_another_message() -> None:
    _, inst = start(
        wait_body('<messageEventDefinition messageRef="m"/>'),
        header='<message id="m" name="paid"/>',
    )
    with pytest.raises(EngineError):
        inst.trigger_message("refunded")
    assert inst.active_nodes() == ["wait"]


def test_intermediate_signal_catch_continues_on_broadcast() -> None:
    engine, inst = start(
        wait_body('<signalEventDefinition signalRef="s"/>'), header='<signal id="s" name="go"/>'
    )
    engine.signal("other")
    assert inst.active_nodes() == ["wait"]
    engine.signal("go")
    assert open_nodes(inst) == ["after"]


def test_correlating_a_message_by_business_key_reaches_only_that_instance() -> None:
    engine = deploy(
        model_xml(
            wait_body('<messageEventDefinition messageRef="m"/>'),
            header='<message id="m" name="paid"/>',
        )
    )
    first = engine.start("p", business_key="A")
    second = engine.start("p", business_key="B")
    assert engine.correlate_message("paid", {"v": 1}, business_key="B") is second
    assert open_nodes(second) == ["after"]
    assert open_nodes(first) == []


def test_a_signal_sent_to_one_instance_is_not_broadcast() -> None:
    engine = deploy(
        model_xml(
            wait_body('<signalEventDefinition signalRef="s"/>'), header='<signal id="s" name="go"/>'
        )
    )
    first = engine.start("p")
    second = engine.start("p")
    first.signal("go")
    assert open_nodes(first) == ["after"]
    assert open_nodes(second) == []


def test_broadcast_signal_variables_reach_the_catching_instance() -> None:
    engine, inst = start(
        wait_body('<signalEventDefinition signalRef="s"/>'), header='<signal id="s" name="go"/>'
    )
    engine.signal("go", {"k": 2})
    assert inst.variables == {"k": 2}


def test_intermediate_conditional_catch_fires_when_variables_make_it_true() -> None:
    body = wait_body(
        '<conditionalEventDefinition><condition xsi:type="tFormalExpression">'
        "${ready == true}</condition></conditionalEventDefinition>"
    )
    _, inst = start(body, {"ready": False})
    assert inst.active_nodes() == ["wait"]
    inst.set_variables({"ready": True})
    assert open_nodes(inst) == ["after"]


def test_intermediate_conditional_catch_passes_at_once_when_already_true() -> None:
    body = wait_body(
        '<conditionalEventDefinition><condition xsi:type="tFormalExpression">'
        "${ready}</condition></conditionalEventDefinition>"
    )
    _, inst = start(body, {"ready": True})
    assert open_nodes(inst) == ["after"]


# -- throw events ---------------------------------------------------------------------------


def test_signal_throw_event_reaches_a_catch_in_another_instance() -> None:
    header = '<signal id="s" name="go"/>'
    catcher = wait_body('<signalEventDefinition signalRef="s"/>')
    thrower = (
        '<startEvent id="t_start"/>'
        '<intermediateThrowEvent id="shout"><signalEventDefinition signalRef="s"/>'
        '</intermediateThrowEvent><endEvent id="t_end"/>' + chain("t_start", "shout", "t_end")
    )
    engine = deploy(
        model_xml(catcher, header=header), model_xml(thrower, process_id="q", header=header)
    )
    waiting = engine.start("p")
    shouting = engine.start("q")
    assert shouting.ended
    assert open_nodes(waiting) == ["after"]


def test_message_throw_event_emits_the_message_with_the_variables() -> None:
    body = (
        '<startEvent id="start"/>'
        '<intermediateThrowEvent id="send"><messageEventDefinition messageRef="m"/>'
        "</intermediateThrowEvent>"
        + user_tasks("after")
        + '<endEvent id="end"/>'
        + chain("start", "send", "after", "end")
    )
    h = Harness(body, header='<message id="m" name="notify"/>')
    events = h.send(cmd.StartInstance({"x": 1}))
    thrown = of_type(events, ev.MessageThrown)
    assert [(m.name, m.node_id, m.variables) for m in thrown] == [("notify", "send", {"x": 1})]
    assert [t["node"] for t in h.state["tasks"].values()] == ["after"]


# -- boundary events ------------------------------------------------------------------------


def boundary_body(definition: str, interrupting: bool = True) -> str:
    cancel = "true" if interrupting else "false"
    return (
        '<startEvent id="start"/>'
        + user_tasks("work", "next", "escape")
        + f'<boundaryEvent id="edge" attachedToRef="work" cancelActivity="{cancel}">'
        + definition
        + "</boundaryEvent>"
        '<endEvent id="end"/><endEvent id="escaped"/>'
        + chain("start", "work", "next", "end")
        + chain("edge", "escape", "escaped")
    )


def test_interrupting_boundary_timer_cancels_the_task_and_takes_the_boundary_path() -> None:
    h = Harness(boundary_body(timer("timeDuration", "PT1H")))
    events = h.send(cmd.StartInstance())
    work = h.task_id("work")
    (job,) = of_type(events, ev.JobScheduled)
    events = h.send(cmd.FireJob(job.job_id))
    assert [(e.task_id, e.reason) for e in of_type(events, ev.TaskEnded)] == [(work, "interrupted")]
    assert [t["node"] for t in h.state["tasks"].values()] == ["escape"]


def test_interrupting_boundary_timer_through_the_clock() -> None:
    engine, inst = start(boundary_body(timer("timeDuration", "PT1H")))
    engine.advance_clock(timedelta(hours=1))
    assert open_nodes(inst) == ["escape"]
    assert inst.visited == ["start", "work", "edge", "escape"]


def test_boundary_timer_is_cancelled_when_the_task_completes_first() -> None:
    h = Harness(boundary_body(timer("timeDuration", "PT1H")))
    h.send(cmd.StartInstance())
    events = h.send(cmd.CompleteTask(h.task_id("work")))
    assert len(of_type(events, ev.JobCancelled)) == 1
    assert h.state["subs"] == {}


def test_non_interrupting_boundary_timer_keeps_the_task_and_adds_a_branch() -> None:
    engine, inst = start(boundary_body(timer("timeDuration", "PT1H"), interrupting=False))
    engine.advance_clock(timedelta(hours=1))
    assert open_nodes(inst) == ["escape", "work"]
    complete_at(inst, "work")
    assert open_nodes(inst) == ["escape", "next"]


def test_non_interrupting_boundary_timer_cycle_fires_once_per_period() -> None:
    engine, inst = start(boundary_body(timer("timeCycle", "R3/PT1H"), interrupting=False))
    for _ in range(5):
        engine.advance_clock(timedelta(hours=1))
    assert open_nodes(inst) == ["escape", "escape", "escape", "work"]


def test_advancing_the_clock_past_several_cycle_firings_fires_each_of_them() -> None:
    engine, inst = start(boundary_body(timer("timeCycle", "R3/PT1H"), interrupting=False))
    engine.advance_clock(timedelta(hours=5))
    assert open_nodes(inst) == ["escape", "escape", "escape", "work"]


def test_interrupting_boundary_message_cancels_the_task() -> None:
    _, inst = start(
        boundary_body('<messageEventDefinition messageRef="m"/>'),
        header='<message id="m" name="cancelRequest"/>',
    )
    inst.trigger_message("cancelRequest")
    assert open_nodes(inst) == ["escape"]


def test_non_interrupting_boundary_message_keeps_the_task() -> None:
    _, inst = start(
        boundary_body('<messageEventDefinition messageRef="m"/>', interrupting=False),
        header='<message id="m" name="ping"/>',
    )
    inst.trigger_message("ping")
    assert open_nodes(inst) == ["escape", "work"]


def test_interrupting_boundary_signal_cancels_the_task() -> None:
    engine, inst = start(
        boundary_body('<signalEventDefinition signalRef="s"/>'),
        header='<signal id="s" name="halt"/>',
    )
    engine.signal("halt")
    assert open_nodes(inst) == ["escape"]


def test_non_interrupting_escalation_boundary_adds_a_branch_when_escalated() -> None:
    _, inst = start(
        boundary_body('<escalationEventDefinition escalationRef="esc"/>', interrupting=False),
        header='<escalation id="esc" escalationCode="LATE"/>',
    )
    inst.escalate(task_at(inst, "work").id, "LATE")
    assert open_nodes(inst) == ["escape", "work"]


def test_escalation_without_a_catcher_is_refused() -> None:
    _, inst = start(
        boundary_body('<escalationEventDefinition escalationRef="esc"/>', interrupting=False),
        header='<escalation id="esc" escalationCode="LATE"/>',
    )
    with pytest.raises(EngineError):
        inst.escalate(task_at(inst, "work").id, "OTHER")
    assert open_nodes(inst) == ["work"]


def test_boundary_timer_duration_from_an_expression() -> None:
    engine, inst = start(boundary_body(timer("timeDuration", "${limit}")), {"limit": "PT3H"})
    engine.advance_clock(timedelta(hours=2))
    assert open_nodes(inst) == ["work"]
    engine.advance_clock(timedelta(hours=1))
    assert open_nodes(inst) == ["escape"]


def test_interrupting_escalation_boundary_cancels_the_task() -> None:
    _, inst = start(
        boundary_body('<escalationEventDefinition escalationRef="esc"/>'),
        header='<escalation id="esc" escalationCode="LATE"/>',
    )
    inst.escalate(task_at(inst, "work").id, "LATE")
    assert open_nodes(inst) == ["escape"]


def test_escalation_from_a_task_inside_a_subprocess_reaches_a_boundary_on_it() -> None:
    body = (
        '<startEvent id="start"/>'
        '<subProcess id="sub"><startEvent id="s_start"/><userTask id="w"/><endEvent id="s_end"/>'
        + chain("s_start", "w", "s_end")
        + "</subProcess>"
        '<boundaryEvent id="noted" attachedToRef="sub" cancelActivity="false">'
        '<escalationEventDefinition escalationRef="esc"/></boundaryEvent>'
        + user_tasks("after", "note")
        + '<endEvent id="end"/>'
        + chain("start", "sub", "after", "end")
        + chain("noted", "note", "end")
    )
    _, inst = start(body, header='<escalation id="esc" escalationCode="X"/>')
    inst.escalate(task_at(inst, "w").id, "X")
    assert open_nodes(inst) == ["note", "w"]
    complete_at(inst, "w")
    assert open_nodes(inst) == ["after", "note"]


def test_error_boundary_catches_an_error_thrown_from_the_task() -> None:
    _, inst = start(
        boundary_body('<errorEventDefinition errorRef="err"/>'),
        header='<error id="err" errorCode="REJECTED"/>',
    )
    inst.throw_error(task_at(inst, "work").id, "REJECTED", {"why": "bad"})
    assert open_nodes(inst) == ["escape"]
    assert inst.variables == {"why": "bad"}


def test_error_boundary_without_a_code_catches_every_error() -> None:
    _, inst = start(boundary_body("<errorEventDefinition/>"))
    inst.throw_error(task_at(inst, "work").id, "ANYTHING")
    assert open_nodes(inst) == ["escape"]


def test_error_with_no_catcher_is_refused_and_the_task_stays() -> None:
    _, inst = start(
        boundary_body('<errorEventDefinition errorRef="err"/>'),
        header='<error id="err" errorCode="REJECTED"/>',
    )
    with pytest.raises(EngineError):
        inst.throw_error(task_at(inst, "work").id, "OTHER")
    assert open_nodes(inst) == ["work"]


def test_boundary_on_a_subprocess_cancels_every_token_inside() -> None:
    body = (
        '<startEvent id="start"/>'
        '<subProcess id="sub"><startEvent id="s_start"/><parallelGateway id="s_fork"/>'
        + user_tasks("a", "b")
        + '<endEvent id="s_end"/>'
        + chain("s_start", "s_fork")
        + chain("s_fork", "a", "s_end")
        + chain("s_fork", "b", "s_end")
        + "</subProcess>"
        + f'<boundaryEvent id="late" attachedToRef="sub">{timer("timeDuration", "PT1H")}'
        "</boundaryEvent>"
        + user_tasks("escape")
        + '<endEvent id="end"/>'
        + chain("start", "sub", "end")
        + chain("late", "escape", "end")
    )
    engine, inst = start(body)
    assert open_nodes(inst) == ["a", "b"]
    engine.advance_clock(timedelta(hours=1))
    assert open_nodes(inst) == ["escape"]
    assert inst.active_nodes() == ["escape"]


def test_error_end_in_a_subprocess_is_caught_by_an_event_subprocess_of_the_process() -> None:
    body = (
        '<startEvent id="start"/>'
        '<subProcess id="sub"><startEvent id="s_start"/><userTask id="work"/>'
        '<endEvent id="fail"><errorEventDefinition errorRef="err"/></endEvent>'
        + chain("s_start", "work", "fail")
        + "</subProcess>"
        + user_tasks("after")
        + '<endEvent id="end"/>'
        + chain("start", "sub", "after", "end")
        + '<subProcess id="on_error" triggeredByEvent="true">'
        '<startEvent id="e_start"><errorEventDefinition errorRef="err"/></startEvent>'
        '<userTask id="repair"/><endEvent id="e_end"/>'
        + chain("e_start", "repair", "e_end")
        + "</subProcess>"
    )
    _, inst = start(body, header='<error id="err" errorCode="E1"/>')
    complete_at(inst, "work")
    assert open_nodes(inst) == ["repair"]
    complete_at(inst, "repair")
    assert inst.ended
    assert "after" not in inst.visited


def test_escalation_end_in_a_subprocess_fires_a_non_interrupting_boundary() -> None:
    body = (
        '<startEvent id="start"/>'
        '<subProcess id="sub"><startEvent id="s_start"/><parallelGateway id="s_fork"/>'
        + user_tasks("w", "x")
        + '<endEvent id="s_esc"><escalationEventDefinition escalationRef="esc"/></endEvent>'
        '<endEvent id="s_end"/>'
        + chain("s_start", "s_fork")
        + chain("s_fork", "w", "s_esc")
        + chain("s_fork", "x", "s_end")
        + "</subProcess>"
        '<boundaryEvent id="caught" attachedToRef="sub" cancelActivity="false">'
        '<escalationEventDefinition escalationRef="esc"/></boundaryEvent>'
        + user_tasks("after", "notice")
        + '<endEvent id="end"/>'
        + chain("start", "sub", "after", "end")
        + chain("caught", "notice", "end")
    )
    _, inst = start(body, header='<escalation id="esc" escalationCode="LATE"/>')
    complete_at(inst, "w")
    assert open_nodes(inst) == ["notice", "x"]
    complete_at(inst, "x")
    assert open_nodes(inst) == ["after", "notice"]


def test_non_interrupting_message_event_subprocess_runs_once_per_message() -> None:
    body = (
        '<startEvent id="start"/>'
        + user_tasks("work")
        + '<endEvent id="end"/>'
        + chain("start", "work", "end")
        + '<subProcess id="esp" triggeredByEvent="true">'
        '<startEvent id="esp_start" isInterrupting="false">'
        '<messageEventDefinition messageRef="m"/></startEvent>'
        + user_tasks("handle")
        + '<endEvent id="esp_end"/>'
        + chain("esp_start", "handle", "esp_end")
        + "</subProcess>"
    )
    _, inst = start(body, header='<message id="m" name="info"/>')
    inst.trigger_message("info")
    inst.trigger_message("info")
    assert open_nodes(inst) == ["handle", "handle", "work"]
    for task in tasks_at(inst, "handle"):
        inst.complete(task.id)
    complete_at(inst, "work")
    assert inst.ended


def test_conditional_boundary_event_fires_when_variables_change() -> None:
    _, inst = start(
        boundary_body(
            '<conditionalEventDefinition><condition xsi:type="tFormalExpression">'
            "${urgent}</condition></conditionalEventDefinition>"
        ),
        {"urgent": False},
    )
    inst.set_variables({"other": 1})
    assert open_nodes(inst) == ["work"]
    inst.set_variables({"urgent": True})
    assert open_nodes(inst) == ["escape"]


def test_interrupting_boundary_timer_on_a_receive_task() -> None:
    body = (
        '<startEvent id="start"/><receiveTask id="wait"/>'
        '<boundaryEvent id="late" attachedToRef="wait">'
        + timer("timeDuration", "PT1H")
        + "</boundaryEvent>"
        + user_tasks("after", "escape")
        + '<endEvent id="end"/>'
        + chain("start", "wait", "after", "end")
        + chain("late", "escape", "end")
    )
    engine, inst = start(body)
    engine.advance_clock(timedelta(hours=1))
    assert open_nodes(inst) == ["escape"]
    with pytest.raises(EngineError):
        inst.trigger("wait")


def test_link_throw_continues_at_the_link_catch_of_the_same_name() -> None:
    body = (
        '<startEvent id="start"/>'
        '<intermediateThrowEvent id="jump"><linkEventDefinition name="L"/>'
        "</intermediateThrowEvent>"
        '<intermediateCatchEvent id="land"><linkEventDefinition name="L"/>'
        "</intermediateCatchEvent>"
        + user_tasks("a")
        + '<endEvent id="end"/>'
        + chain("start", "jump")
        + chain("land", "a", "end")
    )
    _, inst = start(body)
    assert open_nodes(inst) == ["a"]


def test_signal_end_event_reaches_a_catch_in_another_instance() -> None:
    header = '<signal id="s" name="done"/>'
    catcher = wait_body('<signalEventDefinition signalRef="s"/>')
    thrower = (
        '<startEvent id="t_start"/><endEvent id="t_end"><signalEventDefinition signalRef="s"/>'
        "</endEvent>" + chain("t_start", "t_end")
    )
    engine = deploy(
        model_xml(catcher, header=header), model_xml(thrower, process_id="q", header=header)
    )
    waiting = engine.start("p")
    assert engine.start("q").ended
    assert open_nodes(waiting) == ["after"]


def test_message_end_event_emits_its_message_and_ends() -> None:
    body = (
        '<startEvent id="start"/><endEvent id="bye"><messageEventDefinition messageRef="m"/>'
        "</endEvent>" + chain("start", "bye")
    )
    h = Harness(body, header='<message id="m" name="farewell"/>')
    events = h.send(cmd.StartInstance({"k": 1}))
    assert [(m.name, m.node_id) for m in of_type(events, ev.MessageThrown)] == [("farewell", "bye")]
    assert h.state["status"] == "completed"
