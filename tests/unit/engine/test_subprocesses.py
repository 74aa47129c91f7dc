"""Embedded and event subprocesses (engine/activities.py sub_process, triggers.py)."""

from __future__ import annotations

from datetime import timedelta

from lanes.engine import commands as cmd
from lanes.engine import events as ev

from .bpmn_builder import (
    Harness,
    chain,
    complete_at,
    flow,
    of_type,
    open_nodes,
    start,
    task_at,
    user_tasks,
)


def embedded(inner: str, sub_attributes: str = "") -> str:
    """start -> subProcess `sub` (holding `inner`) -> userTask `after` -> end."""
    return (
        f'<startEvent id="start"/><subProcess id="sub" {sub_attributes}>{inner}</subProcess>'
        + user_tasks("after")
        + '<endEvent id="end"/>'
        + chain("start", "sub", "after", "end")
    )


def test_embedded_subprocess_runs_its_inner_flow_then_continues() -> None:
    inner = '<startEvent id="s_start"/>' + user_tasks("a", "b") + '<endEvent id="s_end"/>'
    _, inst = start(embedded(inner + chain("s_start", "a", "b", "s_end")))
    assert inst.visited == ["start", "sub", "s_start", "a"]
    complete_at(inst, "a")
    complete_at(inst, "b")
    assert open_nodes(inst) == ["after"]
    assert inst.visited[-3:] == ["b", "s_end", "after"]


def test_embedded_subprocess_sees_the_process_variables() -> None:
    inner = (
        '<startEvent id="s_start"/><exclusiveGateway id="s_gw" default="s_gw-b"/>'
        '<userTask id="a" flowable:assignee="${owner}"/><userTask id="b"/><endEvent id="s_end"/>'
        + flow("s_start", "s_gw")
        + flow("s_gw", "a", "${amount > 100}")
        + flow("s_gw", "b")
        + chain("a", "s_end")
        + chain("b", "s_end")
    )
    _, inst = start(embedded(inner), {"owner": "olga", "amount": 500})
    assert task_at(inst, "a").assignee == "olga"


def test_variables_set_inside_an_embedded_subprocess_are_visible_after_it() -> None:
    inner = '<startEvent id="s_start"/><userTask id="a"/><endEvent id="s_end"/>'
    body = (
        '<startEvent id="start"/><subProcess id="sub">'
        + inner
        + chain("s_start", "a", "s_end")
        + '</subProcess><exclusiveGateway id="gw"/>'
        + user_tasks("yes", "no")
        + '<endEvent id="end"/>'
        + chain("start", "sub", "gw")
        + flow("gw", "yes", "${decision == 'ok'}")
        + flow("gw", "no", "${decision != 'ok'}")
        + chain("yes", "end")
        + chain("no", "end")
    )
    _, inst = start(body)
    complete_at(inst, "a", {"decision": "ok"})
    assert open_nodes(inst) == ["yes"]
    assert inst.variables == {"decision": "ok"}


def test_parallel_gateway_inside_a_subprocess_joins_before_leaving_it() -> None:
    inner = (
        '<startEvent id="s_start"/><parallelGateway id="s_fork"/><parallelGateway id="s_join"/>'
        + user_tasks("a", "b")
        + '<endEvent id="s_end"/>'
        + chain("s_start", "s_fork")
        + chain("s_fork", "a", "s_join")
        + chain("s_fork", "b", "s_join")
        + chain("s_join", "s_end")
    )
    _, inst = start(embedded(inner))
    assert open_nodes(inst) == ["a", "b"]
    complete_at(inst, "b")
    assert open_nodes(inst) == ["a"]
    complete_at(inst, "a")
    assert open_nodes(inst) == ["after"]
    assert inst.visited.count("s_end") == 1


def test_subprocess_with_two_end_events_waits_for_both_branches() -> None:
    inner = (
        '<startEvent id="s_start"/><parallelGateway id="s_fork"/>'
        + user_tasks("a", "b")
        + '<endEvent id="s_end1"/><endEvent id="s_end2"/>'
        + chain("s_start", "s_fork")
        + chain("s_fork", "a", "s_end1")
        + chain("s_fork", "b", "s_end2")
    )
    _, inst = start(embedded(inner))
    complete_at(inst, "a")
    assert open_nodes(inst) == ["b"]
    complete_at(inst, "b")
    assert open_nodes(inst) == ["after"]


def event_subprocess(start_definition: str, interrupting: bool) -> str:
    flag = "true" if interrupting else "false"
    return (
        '<startEvent id="start"/>'
        + user_tasks("work")
        + '<endEvent id="end"/>'
        + chain("start", "work", "end")
        + '<subProcess id="esp" triggeredByEvent="true">'
        f'<startEvent id="esp_start" isInterrupting="{flag}">{start_definition}</startEvent>'
        + user_tasks("handle")
        + '<endEvent id="esp_end"/>'
        + chain("esp_start", "handle", "esp_end")
        + "</subProcess>"
    )


def test_interrupting_message_event_subprocess_cancels_the_main_flow() -> None:
    body = event_subprocess('<messageEventDefinition messageRef="m"/>', interrupting=True)
    h = Harness(body, header='<message id="m" name="abort"/>')
    h.send(cmd.StartInstance())
    work = h.task_id("work")
    events = h.send(cmd.CorrelateMessage("abort", {"why": "customer"}))
    assert [(e.task_id, e.reason) for e in of_type(events, ev.TaskEnded)] == [(work, "interrupted")]
    assert [t["node"] for t in h.state["tasks"].values()] == ["handle"]
    assert h.state["ex"]["i"]["vars"] == {"why": "customer"}
    h.send(cmd.CompleteTask(h.task_id("handle")))
    assert h.state["status"] == "completed"


def test_non_interrupting_timer_event_subprocess_runs_beside_the_main_flow() -> None:
    body = event_subprocess(
        "<timerEventDefinition><timeDuration>PT1H</timeDuration></timerEventDefinition>",
        interrupting=False,
    )
    engine, inst = start(body)
    engine.advance_clock(timedelta(hours=1))
    assert open_nodes(inst) == ["handle", "work"]
    complete_at(inst, "handle")
    assert open_nodes(inst) == ["work"]
    assert not inst.ended
    complete_at(inst, "work")
    assert inst.ended


def test_correlating_a_message_starts_the_event_subprocess_of_the_waiting_instance() -> None:
    body = event_subprocess('<messageEventDefinition messageRef="m"/>', interrupting=True)
    engine, inst = start(body, header='<message id="m" name="abort"/>')
    assert engine.correlate_message("abort") is inst
    assert open_nodes(inst) == ["handle"]


def test_non_interrupting_timer_cycle_event_subprocess_starts_once_per_firing() -> None:
    body = event_subprocess(
        "<timerEventDefinition><timeCycle>R2/PT1H</timeCycle></timerEventDefinition>",
        interrupting=False,
    )
    engine, inst = start(body)
    engine.advance_clock(timedelta(hours=5))
    assert open_nodes(inst) == ["handle", "handle", "work"]


def test_event_subprocess_trigger_closes_when_the_instance_ends() -> None:
    body = event_subprocess('<messageEventDefinition messageRef="m"/>', interrupting=True)
    h = Harness(body, header='<message id="m" name="abort"/>')
    events = h.send(cmd.StartInstance())
    assert [s.name for s in of_type(events, ev.SubscriptionOpened)] == ["abort"]
    events = h.send(cmd.CompleteTask(h.task_id("work")))
    assert len(of_type(events, ev.SubscriptionClosed)) == 1
    assert h.state["subs"] == {}
    assert h.state["status"] == "completed"


def test_event_subprocess_inside_an_embedded_subprocess_interrupts_only_that_scope() -> None:
    inner = (
        '<startEvent id="s_start"/><userTask id="a"/><endEvent id="s_end"/>'
        + chain("s_start", "a", "s_end")
        + '<subProcess id="esp" triggeredByEvent="true">'
        '<startEvent id="esp_start"><signalEventDefinition signalRef="s"/></startEvent>'
        '<userTask id="handle"/><endEvent id="esp_end"/>'
        + chain("esp_start", "handle", "esp_end")
        + "</subProcess>"
    )
    engine, inst = start(embedded(inner), header='<signal id="s" name="reset"/>')
    engine.signal("reset")
    assert open_nodes(inst) == ["handle"]
    complete_at(inst, "handle")
    assert open_nodes(inst) == ["after"]


def test_interrupting_message_event_subprocess_inside_an_embedded_subprocess() -> None:
    inner = (
        '<startEvent id="s_start"/><userTask id="a"/><endEvent id="s_end"/>'
        + chain("s_start", "a", "s_end")
        + '<subProcess id="esp" triggeredByEvent="true">'
        '<startEvent id="esp_start"><messageEventDefinition messageRef="m"/></startEvent>'
        '<userTask id="handle"/><endEvent id="esp_end"/>'
        + chain("esp_start", "handle", "esp_end")
        + "</subProcess>"
    )
    _, inst = start(embedded(inner), header='<message id="m" name="stop"/>')
    inst.trigger_message("stop")
    assert open_nodes(inst) == ["handle"]
    complete_at(inst, "handle")
    assert open_nodes(inst) == ["after"]
