"""Multi-instance activities (engine/multi_instance.py): parallel and sequential."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from lanes.embedded import Instance
from lanes.engine import commands as cmd
from lanes.engine import events as ev

from .bpmn_builder import (
    Harness,
    chain,
    of_type,
    open_nodes,
    start,
    tasks_at,
    user_tasks,
)


def mi_task(loop: str, sequential: bool = False, task_attributes: str = "") -> str:
    """start -> multi-instance userTask `sign` -> userTask `after` -> end."""
    seq = "true" if sequential else "false"
    return (
        '<startEvent id="start"/>'
        f'<userTask id="sign" {task_attributes}>'
        f'<multiInstanceLoopCharacteristics isSequential="{seq}" {loop}'
        "</multiInstanceLoopCharacteristics></userTask>"
        + user_tasks("after")
        + '<endEvent id="end"/>'
        + chain("start", "sign", "after", "end")
    )


def cardinality(n: int | str) -> str:
    return f"><loopCardinality>{n}</loopCardinality>"


def body_counters(inst: Instance, node_id: str = "sign") -> dict[str, Any]:
    (body,) = [e for e in inst.state["ex"].values() if e["status"] == "mi" and e["node"] == node_id]
    return {k: v for k, v in body["vars"].items() if k.startswith("nrOf")}


def complete_all(inst: Instance, node_id: str) -> None:
    for task in tasks_at(inst, node_id):
        inst.complete(task.id)


def test_parallel_multi_instance_opens_every_instance_at_once() -> None:
    _, inst = start(mi_task(cardinality(3)))
    tasks = tasks_at(inst, "sign")
    assert len(tasks) == 3
    assert sorted(t.variables["loopCounter"] for t in tasks) == [0, 1, 2]
    assert body_counters(inst) == {
        "nrOfInstances": 3,
        "nrOfActiveInstances": 3,
        "nrOfCompletedInstances": 0,
    }


def test_parallel_multi_instance_leaves_after_the_last_instance() -> None:
    _, inst = start(mi_task(cardinality(3)))
    first, second, third = tasks_at(inst, "sign")
    inst.complete(first.id)
    inst.complete(second.id)
    assert body_counters(inst) == {
        "nrOfInstances": 3,
        "nrOfActiveInstances": 1,
        "nrOfCompletedInstances": 2,
    }
    assert open_nodes(inst) == ["sign"]
    inst.complete(third.id)
    assert open_nodes(inst) == ["after"]
    assert "nrOfInstances" not in inst.variables


def test_sequential_multi_instance_opens_one_instance_at_a_time_counting_up() -> None:
    _, inst = start(mi_task(cardinality(3), sequential=True))
    counters = []
    for _ in range(3):
        (task,) = tasks_at(inst, "sign")
        counters.append(task.variables["loopCounter"])
        assert body_counters(inst)["nrOfActiveInstances"] == 1
        inst.complete(task.id)
    assert counters == [0, 1, 2]
    assert open_nodes(inst) == ["after"]


def test_loop_cardinality_from_an_expression() -> None:
    _, inst = start(mi_task(cardinality("${n}")), {"n": 2})
    assert len(tasks_at(inst, "sign")) == 2


def test_collection_given_as_a_bare_variable_name_sets_the_element_variable() -> None:
    loop = 'flowable:collection="signers" flowable:elementVariable="user">'
    _, inst = start(
        mi_task(loop, task_attributes='flowable:assignee="${user}"'),
        {"signers": ["ann", "bob", "cy"]},
    )
    assert sorted(t.assignee for t in tasks_at(inst, "sign")) == ["ann", "bob", "cy"]
    assert sorted(t.variables["user"] for t in tasks_at(inst, "sign")) == ["ann", "bob", "cy"]


def test_collection_given_as_an_expression() -> None:
    loop = 'flowable:collection="${signers}" flowable:elementVariable="user">'
    _, inst = start(
        mi_task(loop, sequential=True, task_attributes='flowable:assignee="${user}"'),
        {"signers": ["ann", "bob"]},
    )
    seen = []
    for _ in range(2):
        (task,) = tasks_at(inst, "sign")
        seen.append(task.assignee)
        inst.complete(task.id)
    assert seen == ["ann", "bob"]
    assert open_nodes(inst) == ["after"]


def test_collection_given_as_loop_data_input_ref_with_an_input_data_item() -> None:
    loop = '><loopDataInputRef>signers</loopDataInputRef><inputDataItem name="user"/>'
    _, inst = start(
        mi_task(loop, task_attributes='camunda:assignee="${user}"'), {"signers": ["ann", "bob"]}
    )
    assert sorted(t.assignee for t in tasks_at(inst, "sign")) == ["ann", "bob"]


def test_element_variable_is_local_to_each_instance() -> None:
    loop = 'flowable:collection="signers" flowable:elementVariable="user">'
    _, inst = start(mi_task(loop), {"signers": ["ann", "bob"]})
    assert "user" not in inst.variables
    assert "loopCounter" not in inst.variables


def test_completion_condition_ends_the_activity_early_and_cancels_the_rest() -> None:
    loop = (
        "><loopCardinality>4</loopCardinality>"
        "<completionCondition>${nrOfCompletedInstances / nrOfInstances >= 0.5}"
        "</completionCondition>"
    )
    h = Harness(mi_task(loop))
    h.send(cmd.StartInstance())
    sign_tasks = sorted(t["id"] for t in h.state["tasks"].values() if t["node"] == "sign")
    assert len(sign_tasks) == 4
    h.send(cmd.CompleteTask(sign_tasks[0]))
    assert len(h.state["tasks"]) == 3
    events = h.send(cmd.CompleteTask(sign_tasks[1]))
    cancelled = [e.task_id for e in of_type(events, ev.TaskEnded) if e.reason != "completed"]
    assert sorted(cancelled) == sign_tasks[2:]
    assert [t["node"] for t in h.state["tasks"].values()] == ["after"]
    assert not any(e["status"] == "mi" for e in h.state["ex"].values())


def test_completion_condition_on_a_variable_set_by_an_instance() -> None:
    loop = (
        "><loopCardinality>3</loopCardinality>"
        "<completionCondition>${approved == false}</completionCondition>"
    )
    _, inst = start(mi_task(loop, sequential=True), {"approved": True})
    (task,) = tasks_at(inst, "sign")
    inst.complete(task.id, {"approved": True})
    (task,) = tasks_at(inst, "sign")
    inst.complete(task.id, {"approved": False})
    assert open_nodes(inst) == ["after"]


def test_element_variable_can_be_a_record_read_with_dotted_access() -> None:
    loop = 'flowable:collection="people" flowable:elementVariable="u">'
    _, inst = start(
        mi_task(loop, task_attributes='flowable:assignee="${u.name}"'),
        {"people": [{"name": "ann"}, {"name": "bob"}]},
    )
    assert sorted(t.assignee for t in tasks_at(inst, "sign")) == ["ann", "bob"]


def test_completion_condition_on_the_loop_counter_of_a_sequential_activity() -> None:
    loop = (
        "><loopCardinality>5</loopCardinality>"
        "<completionCondition>${loopCounter >= 1}</completionCondition>"
    )
    _, inst = start(mi_task(loop, sequential=True))
    (task,) = tasks_at(inst, "sign")
    inst.complete(task.id)
    (task,) = tasks_at(inst, "sign")
    inst.complete(task.id)
    assert open_nodes(inst) == ["after"]


def test_nested_multi_instance_subprocess_with_multi_instance_task_inside() -> None:
    body = (
        '<startEvent id="start"/>'
        '<subProcess id="dept">'
        '<multiInstanceLoopCharacteristics isSequential="false" flowable:collection="depts" '
        'flowable:elementVariable="dept"/>'
        '<startEvent id="d_start"/>'
        '<userTask id="sign" flowable:assignee="${dept}-${member}">'
        '<multiInstanceLoopCharacteristics isSequential="false" flowable:collection="members" '
        'flowable:elementVariable="member"/></userTask>'
        '<endEvent id="d_end"/>'
        + chain("d_start", "sign", "d_end")
        + "</subProcess>"
        + user_tasks("after")
        + '<endEvent id="end"/>'
        + chain("start", "dept", "after", "end")
    )
    _, inst = start(body, {"depts": ["hr", "it"], "members": ["a", "b"]})
    assert sorted(t.assignee for t in tasks_at(inst, "sign")) == ["hr-a", "hr-b", "it-a", "it-b"]
    tasks = sorted(tasks_at(inst, "sign"), key=lambda t: t.assignee or "")
    for task in tasks[:3]:
        inst.complete(task.id)
    assert open_nodes(inst) == ["sign"]
    inst.complete(tasks[3].id)
    assert open_nodes(inst) == ["after"]


def test_multi_instance_with_zero_instances_passes_straight_through() -> None:
    loop = 'flowable:collection="signers" flowable:elementVariable="user">'
    _, inst = start(mi_task(loop), {"signers": []})
    assert open_nodes(inst) == ["after"]
    assert inst.visited == ["start", "sign", "after"]


def test_zero_loop_cardinality_passes_straight_through() -> None:
    _, inst = start(mi_task(cardinality(0), sequential=True))
    assert open_nodes(inst) == ["after"]


def test_null_collection_raises_an_incident() -> None:
    loop = 'flowable:collection="signers" flowable:elementVariable="user">'
    _, inst = start(mi_task(loop), {"signers": None})
    assert [i.node_id for i in inst.incidents] == ["sign"]


def test_boundary_timer_on_a_multi_instance_activity_cancels_every_instance() -> None:
    body = (
        '<startEvent id="start"/>'
        '<userTask id="sign"><multiInstanceLoopCharacteristics isSequential="false">'
        "<loopCardinality>3</loopCardinality></multiInstanceLoopCharacteristics></userTask>"
        '<boundaryEvent id="late" attachedToRef="sign"><timerEventDefinition>'
        "<timeDuration>PT1H</timeDuration></timerEventDefinition></boundaryEvent>"
        + user_tasks("after", "escalated")
        + '<endEvent id="end"/>'
        + chain("start", "sign", "after", "end")
        + chain("late", "escalated", "end")
    )
    h = Harness(body)
    events = h.send(cmd.StartInstance())
    jobs = of_type(events, ev.JobScheduled)
    assert len(jobs) == 1
    inst_tasks = sorted(t["id"] for t in h.state["tasks"].values())
    h.send(cmd.CompleteTask(inst_tasks[0]))
    events = h.send(cmd.FireJob(jobs[0].job_id))
    assert sorted(e.task_id for e in of_type(events, ev.TaskEnded)) == inst_tasks[1:]
    assert [t["node"] for t in h.state["tasks"].values()] == ["escalated"]
    assert not any(e["node"] == "sign" for e in h.state["ex"].values())

    engine, inst = start(body)
    engine.advance_clock(timedelta(hours=1))
    assert open_nodes(inst) == ["escalated"]


def test_error_thrown_from_one_instance_takes_the_boundary_of_the_whole_activity() -> None:
    body = (
        '<startEvent id="start"/>'
        '<userTask id="sign"><multiInstanceLoopCharacteristics isSequential="false">'
        "<loopCardinality>3</loopCardinality></multiInstanceLoopCharacteristics></userTask>"
        '<boundaryEvent id="caught" attachedToRef="sign"><errorEventDefinition errorRef="err"/>'
        "</boundaryEvent>"
        + user_tasks("after", "recover")
        + '<endEvent id="end"/>'
        + chain("start", "sign", "after", "end")
        + chain("caught", "recover", "end")
    )
    _, inst = start(body, header='<error id="err" errorCode="VETO"/>')
    inst.throw_error(tasks_at(inst, "sign")[1].id, "VETO")
    assert open_nodes(inst) == ["recover"]
    assert inst.active_nodes() == ["recover"]


def test_multi_instance_subprocess_gives_each_instance_its_own_scope() -> None:
    body = (
        '<startEvent id="start"/>'
        '<subProcess id="review">'
        '<multiInstanceLoopCharacteristics isSequential="false">'
        "<loopCardinality>2</loopCardinality></multiInstanceLoopCharacteristics>"
        '<startEvent id="r_start"/>'
        + user_tasks("r1", "r2")
        + '<endEvent id="r_end"/>'
        + chain("r_start", "r1", "r2", "r_end")
        + "</subProcess>"
        + user_tasks("after")
        + '<endEvent id="end"/>'
        + chain("start", "review", "after", "end")
    )
    _, inst = start(body)
    assert open_nodes(inst) == ["r1", "r1"]
    first = tasks_at(inst, "r1")[0]
    inst.complete(first.id)
    assert open_nodes(inst) == ["r1", "r2"]
    complete_all(inst, "r1")
    complete_all(inst, "r2")
    assert open_nodes(inst) == ["after"]


def mi_subprocess(inner: str, boundary: str = "") -> str:
    """start -> subProcess `sub` x2 (holding `inner`) -> after -> end; `caught` -> recover."""
    return (
        '<startEvent id="start"/><subProcess id="sub">'
        '<multiInstanceLoopCharacteristics isSequential="false">'
        "<loopCardinality>2</loopCardinality></multiInstanceLoopCharacteristics>"
        + inner
        + "</subProcess>"
        + boundary
        + user_tasks("after", "recover")
        + '<endEvent id="end"/>'
        + chain("start", "sub", "after", "end")
        + (chain("caught", "recover", "end") if boundary else "")
    )


def test_error_in_one_instance_is_caught_by_a_boundary_on_the_multi_instance_subprocess() -> None:
    inner = (
        '<startEvent id="s_start"/><userTask id="w"/>'
        '<endEvent id="s_fail"><errorEventDefinition errorRef="err"/></endEvent>'
        + chain("s_start", "w", "s_fail")
    )
    boundary = (
        '<boundaryEvent id="caught" attachedToRef="sub">'
        '<errorEventDefinition errorRef="err"/></boundaryEvent>'
    )
    _, inst = start(mi_subprocess(inner, boundary), header='<error id="err" errorCode="E"/>')
    assert open_nodes(inst) == ["w", "w"]
    inst.complete(tasks_at(inst, "w")[0].id)
    assert open_nodes(inst) == ["recover"]
    assert inst.active_nodes() == ["recover"]


def test_terminate_end_in_one_instance_ends_only_that_instance() -> None:
    inner = (
        '<startEvent id="s_start"/><parallelGateway id="s_fork"/>'
        + user_tasks("w", "x")
        + '<endEvent id="kill"><terminateEventDefinition/></endEvent><endEvent id="s_end"/>'
        + chain("s_start", "s_fork")
        + chain("s_fork", "w", "kill")
        + chain("s_fork", "x", "s_end")
    )
    _, inst = start(mi_subprocess(inner))
    assert open_nodes(inst) == ["w", "w", "x", "x"]
    inst.complete(tasks_at(inst, "w")[0].id)
    assert open_nodes(inst) == ["w", "x"]
    assert body_counters(inst, "sub")["nrOfCompletedInstances"] == 1
    inst.complete(tasks_at(inst, "w")[0].id)
    assert open_nodes(inst) == ["after"]
