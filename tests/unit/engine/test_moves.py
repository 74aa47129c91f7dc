"""Moves for approval flows (engine/moves.py): jump, return, withdraw, add/remove instance."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from lanes.embedded import EngineError, Instance, InvalidMove
from lanes.engine import commands as cmd
from lanes.engine import events as ev

from .bpmn_builder import (
    Harness,
    chain,
    complete_at,
    flow,
    linear,
    of_type,
    open_nodes,
    start,
    task_at,
    tasks_at,
    user_tasks,
)

# start -> a -> sub(s1 -> s2) -> after -> end
WITH_SUB = (
    '<startEvent id="start"/>'
    + user_tasks("a")
    + '<subProcess id="sub"><startEvent id="s_start"/>'
    + user_tasks("s1", "s2")
    + '<endEvent id="s_end"/>'
    + chain("s_start", "s1", "s2", "s_end")
    + "</subProcess>"
    + user_tasks("after")
    + '<endEvent id="end"/>'
    + chain("start", "a", "sub", "after", "end")
)

# start -> a -> fork -> (b | c) -> join -> d -> end
SPLIT = (
    '<startEvent id="start"/><parallelGateway id="fork"/><parallelGateway id="join"/>'
    + user_tasks("a", "b", "c", "d")
    + '<endEvent id="end"/>'
    + chain("start", "a", "fork")
    + chain("fork", "b", "join")
    + chain("fork", "c", "join")
    + chain("join", "d", "end")
)


def countersign(
    loop: str = "<loopCardinality>3</loopCardinality>", sequential: bool = False
) -> str:
    """start -> a -> sign (multi-instance) -> d -> end."""
    seq = "true" if sequential else "false"
    return (
        '<startEvent id="start"/>'
        + user_tasks("a")
        + '<userTask id="sign" flowable:assignee="${user}">'
        f'<multiInstanceLoopCharacteristics isSequential="{seq}" '
        f'flowable:collection="signers" flowable:elementVariable="user">'
        f"{loop}</multiInstanceLoopCharacteristics></userTask>"
        + user_tasks("d")
        + '<endEvent id="end"/>'
        + chain("start", "a", "sign", "d", "end")
    )


SIGNERS = {"signers": ["ann", "bob", "cy"]}


def counters(inst: Instance) -> dict[str, Any]:
    (body,) = [e for e in inst.state["ex"].values() if e["status"] == "mi"]
    return {k: v for k, v in body["vars"].items() if k.startswith("nrOf")}


def sign_by(inst: Instance, user: str) -> str:
    (task,) = [t for t in tasks_at(inst, "sign") if t.assignee == user]
    return task.id


# -- jump -----------------------------------------------------------------------------------


def test_jump_forward_in_the_same_scope_skips_the_nodes_between() -> None:
    h = Harness(linear("a", "b", "c"))
    h.send(cmd.StartInstance())
    a = h.task_id("a")
    events = h.send(cmd.Jump(a, "c"))
    assert [(e.task_id, e.reason) for e in of_type(events, ev.TaskEnded)] == [(a, "jumped")]
    assert [t["node"] for t in h.state["tasks"].values()] == ["c"]
    assert "b" not in h.state["visited"]


def test_jump_backward_in_the_same_scope() -> None:
    _, inst = start(linear("a", "b", "c"))
    complete_at(inst, "a")
    complete_at(inst, "b")
    inst.jump(task_at(inst, "c").id, "a")
    assert open_nodes(inst) == ["a"]
    complete_at(inst, "a")
    assert open_nodes(inst) == ["b"]


def test_jump_by_node_id_moves_the_token_waiting_there() -> None:
    _, inst = start(linear("a", "b", "c"))
    inst.jump("a", "c")
    assert open_nodes(inst) == ["c"]


def test_jump_from_a_node_without_a_token_is_refused() -> None:
    _, inst = start(linear("a", "b", "c"))
    with pytest.raises(InvalidMove):
        inst.jump("b", "c")
    with pytest.raises(InvalidMove):
        inst.jump(task_at(inst, "a").id, "nowhere")
    assert open_nodes(inst) == ["a"]


def test_jump_into_a_subprocess_opens_its_scope() -> None:
    _, inst = start(WITH_SUB)
    inst.jump(task_at(inst, "a").id, "s2")
    assert open_nodes(inst) == ["s2"]
    assert "sub" in inst.visited
    complete_at(inst, "s2")
    assert open_nodes(inst) == ["after"]
    complete_at(inst, "after")
    assert inst.ended


def test_jump_out_of_a_subprocess_closes_its_scope() -> None:
    _, inst = start(WITH_SUB)
    complete_at(inst, "a")
    inst.jump(task_at(inst, "s1").id, "after")
    assert open_nodes(inst) == ["after"]
    assert not any(e["node"] == "sub" for e in inst.state["ex"].values())
    complete_at(inst, "after")
    assert inst.ended


def test_jump_out_of_a_subprocess_back_to_before_it() -> None:
    _, inst = start(WITH_SUB)
    complete_at(inst, "a")
    inst.jump(task_at(inst, "s1").id, "a")
    assert open_nodes(inst) == ["a"]
    assert inst.active_nodes() == ["a"]
    complete_at(inst, "a")
    assert open_nodes(inst) == ["s1"]


def test_jump_from_one_countersign_task_moves_the_whole_countersign() -> None:
    _, inst = start(countersign(loop=""), SIGNERS)
    complete_at(inst, "a")
    inst.jump(sign_by(inst, "ann"), "d")
    assert open_nodes(inst) == ["d"]
    assert inst.active_nodes() == ["d"]


def test_jump_to_an_end_event_ends_the_instance() -> None:
    _, inst = start(linear("a", "b"))
    inst.jump(task_at(inst, "a").id, "end")
    assert inst.ended


# -- return ---------------------------------------------------------------------------------


def test_return_to_an_earlier_task_cancels_the_parallel_branches_in_between() -> None:
    _, inst = start(SPLIT)
    complete_at(inst, "a")
    complete_at(inst, "b")
    assert inst.active_nodes() == ["c", "join"]
    inst.return_to(task_at(inst, "c").id, "a")
    assert open_nodes(inst) == ["a"]
    assert inst.active_nodes() == ["a"]
    complete_at(inst, "a")
    complete_at(inst, "b")
    assert open_nodes(inst) == ["c"]
    complete_at(inst, "c")
    assert open_nodes(inst) == ["d"]


def test_return_to_emits_task_ended_returned_for_every_cancelled_task() -> None:
    h = Harness(SPLIT)
    h.send(cmd.StartInstance())
    h.send(cmd.CompleteTask(h.task_id("a")))
    b, c = h.task_id("b"), h.task_id("c")
    events = h.send(cmd.ReturnTo(c, "a"))
    assert sorted((e.task_id, e.reason) for e in of_type(events, ev.TaskEnded)) == sorted(
        [(b, "returned"), (c, "returned")]
    )
    assert [t["node"] for t in h.state["tasks"].values()] == ["a"]


def test_return_to_an_earlier_task_cancels_a_countersign_in_between() -> None:
    _, inst = start(countersign(loop=""), SIGNERS)
    complete_at(inst, "a")
    inst.complete(sign_by(inst, "ann"))
    inst.return_to(sign_by(inst, "bob"), "a")
    assert open_nodes(inst) == ["a"]
    assert not any(e["status"] == "mi" for e in inst.state["ex"].values())
    complete_at(inst, "a")
    assert counters(inst) == {
        "nrOfInstances": 3,
        "nrOfActiveInstances": 3,
        "nrOfCompletedInstances": 0,
    }
    assert sorted(t.assignee for t in tasks_at(inst, "sign")) == ["ann", "bob", "cy"]


def test_return_to_a_node_never_visited_is_refused() -> None:
    _, inst = start(linear("a", "b", "c"))
    complete_at(inst, "a")
    with pytest.raises(InvalidMove):
        inst.return_to(task_at(inst, "b").id, "c")
    assert open_nodes(inst) == ["b"]


def test_return_to_an_earlier_task_inside_a_subprocess() -> None:
    _, inst = start(WITH_SUB)
    complete_at(inst, "a")
    complete_at(inst, "s1")
    inst.return_to(task_at(inst, "s2").id, "s1")
    assert open_nodes(inst) == ["s1"]
    complete_at(inst, "s1")
    complete_at(inst, "s2")
    assert open_nodes(inst) == ["after"]


def test_return_from_inside_a_subprocess_to_before_it() -> None:
    _, inst = start(WITH_SUB)
    complete_at(inst, "a")
    inst.return_to(task_at(inst, "s1").id, "a")
    assert open_nodes(inst) == ["a"]
    assert inst.active_nodes() == ["a"]
    complete_at(inst, "a")
    assert open_nodes(inst) == ["s1"]


def test_return_within_one_branch_keeps_the_other_branch_waiting_at_the_join() -> None:
    body = (
        '<startEvent id="start"/><parallelGateway id="fork"/><parallelGateway id="join"/>'
        + user_tasks("b", "b2", "c", "d")
        + '<endEvent id="end"/>'
        + chain("start", "fork")
        + chain("fork", "b", "b2", "join")
        + chain("fork", "c", "join")
        + chain("join", "d", "end")
    )
    _, inst = start(body)
    complete_at(inst, "c")
    complete_at(inst, "b")
    assert inst.active_nodes() == ["b2", "join"]
    inst.return_to(task_at(inst, "b2").id, "b")
    assert open_nodes(inst) == ["b"]
    assert inst.active_nodes() == ["b", "join"]
    complete_at(inst, "b")
    complete_at(inst, "b2")
    assert open_nodes(inst) == ["d"]


def test_return_inside_one_instance_of_a_multi_instance_subprocess() -> None:
    body = (
        '<startEvent id="start"/><subProcess id="sub">'
        '<multiInstanceLoopCharacteristics isSequential="false">'
        "<loopCardinality>2</loopCardinality></multiInstanceLoopCharacteristics>"
        '<startEvent id="s_start"/>'
        + user_tasks("x", "y")
        + '<endEvent id="s_end"/>'
        + chain("s_start", "x", "y", "s_end")
        + "</subProcess>"
        + user_tasks("after")
        + '<endEvent id="end"/>'
        + chain("start", "sub", "after", "end")
    )
    _, inst = start(body)
    inst.complete(tasks_at(inst, "x")[0].id)
    inst.return_to(task_at(inst, "y").id, "x")
    assert open_nodes(inst) == ["x", "x"]
    for task in tasks_at(inst, "x"):
        inst.complete(task.id)
    for task in tasks_at(inst, "y"):
        inst.complete(task.id)
    assert open_nodes(inst) == ["after"]


def test_return_into_a_subprocess_that_has_finished_opens_it_again() -> None:
    _, inst = start(WITH_SUB)
    complete_at(inst, "a")
    complete_at(inst, "s1")
    complete_at(inst, "s2")
    inst.return_to(task_at(inst, "after").id, "s1")
    assert open_nodes(inst) == ["s1"]
    complete_at(inst, "s1")
    complete_at(inst, "s2")
    assert open_nodes(inst) == ["after"]


def test_return_from_after_a_join_to_one_branch_does_not_deadlock_the_join() -> None:
    _, inst = start(SPLIT)
    complete_at(inst, "a")
    complete_at(inst, "b")
    complete_at(inst, "c")
    inst.return_to(task_at(inst, "d").id, "b")
    assert open_nodes(inst) == ["b"]
    complete_at(inst, "b")
    assert open_nodes(inst) == ["d"]


# -- withdraw -------------------------------------------------------------------------------


def test_withdraw_after_a_sequential_step_reopens_the_task_for_its_completer() -> None:
    h = Harness(linear("a", "b", "c"))
    h.send(cmd.StartInstance())
    a = h.task_id("a")
    h.send(cmd.CompleteTask(a, user="alice"))
    b = h.task_id("b")
    events = h.send(cmd.Withdraw(a, user="alice"))
    assert [(e.task_id, e.reason) for e in of_type(events, ev.TaskEnded)] == [(b, "withdrawn")]
    (created,) = of_type(events, ev.TaskCreated)
    assert (created.node_id, created.assignee) == ("a", "alice")
    assert [t["node"] for t in h.state["tasks"].values()] == ["a"]


def test_withdraw_by_someone_other_than_the_completer_is_refused() -> None:
    _, inst = start(linear("a", "b"))
    a = task_at(inst, "a").id
    inst.complete(a, user="alice")
    with pytest.raises(InvalidMove):
        inst.withdraw(a, user="mallory")
    assert open_nodes(inst) == ["b"]


def test_withdraw_across_a_parallel_split_cancels_every_branch_task() -> None:
    _, inst = start(SPLIT)
    a = task_at(inst, "a").id
    inst.complete(a, user="alice")
    assert open_nodes(inst) == ["b", "c"]
    inst.withdraw(a)
    assert open_nodes(inst) == ["a"]
    assert inst.active_nodes() == ["a"]
    assert task_at(inst, "a").assignee == "alice"
    complete_at(inst, "a")
    assert open_nodes(inst) == ["b", "c"]


def test_withdraw_of_the_branch_that_fired_a_join_restores_the_other_arrival() -> None:
    _, inst = start(SPLIT)
    complete_at(inst, "a")
    complete_at(inst, "b")
    c = task_at(inst, "c").id
    inst.complete(c, user="carl")
    assert open_nodes(inst) == ["d"]
    inst.withdraw(c)
    assert open_nodes(inst) == ["c"]
    assert inst.active_nodes() == ["c", "join"]
    assert task_at(inst, "c").assignee == "carl"
    complete_at(inst, "c")
    assert open_nodes(inst) == ["d"]
    assert inst.active_nodes() == ["d"]
    assert inst.visited.count("d") == 2
    complete_at(inst, "d")
    assert inst.ended


def test_withdraw_out_of_a_running_countersign_restores_the_counters() -> None:
    _, inst = start(countersign(loop=""), SIGNERS)
    complete_at(inst, "a")
    ann = sign_by(inst, "ann")
    inst.complete(ann, user="ann")
    assert counters(inst)["nrOfCompletedInstances"] == 1
    inst.withdraw(ann)
    assert counters(inst) == {
        "nrOfInstances": 3,
        "nrOfActiveInstances": 3,
        "nrOfCompletedInstances": 0,
    }
    assert sorted(t.assignee for t in tasks_at(inst, "sign")) == ["ann", "bob", "cy"]
    reopened = next(t for t in tasks_at(inst, "sign") if t.assignee == "ann")
    assert reopened.variables["user"] == "ann"
    for user in ("ann", "bob", "cy"):
        inst.complete(sign_by(inst, user))
    assert open_nodes(inst) == ["d"]


def test_withdraw_of_the_completion_that_finished_a_countersign_reopens_it() -> None:
    _, inst = start(countersign(loop=""), SIGNERS)
    complete_at(inst, "a")
    inst.complete(sign_by(inst, "ann"))
    inst.complete(sign_by(inst, "bob"))
    cy = sign_by(inst, "cy")
    inst.complete(cy, user="cy")
    assert open_nodes(inst) == ["d"]
    inst.withdraw(cy)
    assert open_nodes(inst) == ["sign"]
    assert task_at(inst, "sign").assignee == "cy"
    assert counters(inst) == {
        "nrOfInstances": 3,
        "nrOfActiveInstances": 1,
        "nrOfCompletedInstances": 2,
    }
    inst.complete(task_at(inst, "sign").id)
    assert open_nodes(inst) == ["d"]


def test_withdraw_inside_a_sequential_countersign_gives_the_turn_back() -> None:
    _, inst = start(countersign(loop="", sequential=True), SIGNERS)
    complete_at(inst, "a")
    ann = task_at(inst, "sign").id
    inst.complete(ann, user="ann")
    assert task_at(inst, "sign").assignee == "bob"
    inst.withdraw(ann)
    assert task_at(inst, "sign").assignee == "ann"
    assert counters(inst) == {
        "nrOfInstances": 3,
        "nrOfActiveInstances": 1,
        "nrOfCompletedInstances": 0,
    }
    seen = []
    for _ in range(3):
        task = task_at(inst, "sign")
        seen.append(task.assignee)
        inst.complete(task.id)
    assert seen == ["ann", "bob", "cy"]
    assert open_nodes(inst) == ["d"]


def test_withdraw_of_a_branch_still_waiting_at_the_join() -> None:
    _, inst = start(SPLIT)
    complete_at(inst, "a")
    b = task_at(inst, "b").id
    inst.complete(b)
    inst.withdraw(b)
    assert inst.active_nodes() == ["b", "c"]
    complete_at(inst, "b")
    complete_at(inst, "c")
    assert open_nodes(inst) == ["d"]


def test_withdraw_of_a_completion_that_fired_an_inclusive_join() -> None:
    body = (
        '<startEvent id="start"/><inclusiveGateway id="split"/><inclusiveGateway id="merge"/>'
        + user_tasks("x", "y", "d")
        + '<endEvent id="end"/>'
        + flow("start", "split")
        + flow("split", "x", "${true}")
        + flow("split", "y", "${true}")
        + chain("x", "merge")
        + chain("y", "merge")
        + chain("merge", "d", "end")
    )
    _, inst = start(body)
    complete_at(inst, "x")
    y = task_at(inst, "y").id
    inst.complete(y)
    assert open_nodes(inst) == ["d"]
    inst.withdraw(y)
    assert inst.active_nodes() == ["merge", "y"]
    complete_at(inst, "y")
    assert open_nodes(inst) == ["d"]


def test_withdraw_while_the_next_step_is_a_timer_cancels_the_timer() -> None:
    body = (
        '<startEvent id="start"/><userTask id="a"/>'
        '<intermediateCatchEvent id="wait"><timerEventDefinition>'
        "<timeDuration>PT1H</timeDuration></timerEventDefinition></intermediateCatchEvent>"
        + user_tasks("b")
        + '<endEvent id="end"/>'
        + chain("start", "a", "wait", "b", "end")
    )
    engine, inst = start(body)
    a = task_at(inst, "a").id
    inst.complete(a)
    inst.withdraw(a)
    assert inst.state["subs"] == {}
    engine.advance_clock(timedelta(hours=2))
    assert open_nodes(inst) == ["a"]


def test_withdraw_into_a_subprocess_that_the_completion_left() -> None:
    _, inst = start(WITH_SUB)
    complete_at(inst, "a")
    complete_at(inst, "s1")
    s2 = task_at(inst, "s2").id
    inst.complete(s2, user="sam")
    assert open_nodes(inst) == ["after"]
    inst.withdraw(s2)
    assert open_nodes(inst) == ["s2"]
    assert task_at(inst, "s2").assignee == "sam"
    complete_at(inst, "s2")
    assert open_nodes(inst) == ["after"]


def test_withdraw_of_the_task_before_a_subprocess_closes_it_again() -> None:
    _, inst = start(WITH_SUB)
    a = task_at(inst, "a").id
    inst.complete(a)
    inst.withdraw(a)
    assert inst.active_nodes() == ["a"]
    complete_at(inst, "a")
    assert open_nodes(inst) == ["s1"]


def test_withdraw_before_a_countersign_cancels_all_its_instances() -> None:
    _, inst = start(countersign(loop=""), SIGNERS)
    a = task_at(inst, "a").id
    inst.complete(a, user="al")
    inst.withdraw(a)
    assert open_nodes(inst) == ["a"]
    assert inst.active_nodes() == ["a"]
    assert not any(e["status"] == "mi" for e in inst.state["ex"].values())


def test_withdraw_is_refused_after_one_countersign_instance_was_completed() -> None:
    _, inst = start(countersign(loop=""), SIGNERS)
    a = task_at(inst, "a").id
    inst.complete(a)
    inst.complete(sign_by(inst, "ann"))
    with pytest.raises(InvalidMove):
        inst.withdraw(a)


def test_withdraw_is_refused_after_one_countersign_instance_was_claimed() -> None:
    _, inst = start(countersign(loop=""), SIGNERS)
    a = task_at(inst, "a").id
    inst.complete(a)
    inst.claim(sign_by(inst, "ann"), "ann")
    with pytest.raises(InvalidMove):
        inst.withdraw(a)


def test_withdraw_is_refused_after_work_inside_the_following_subprocess() -> None:
    _, inst = start(WITH_SUB)
    a = task_at(inst, "a").id
    inst.complete(a)
    complete_at(inst, "s1")
    with pytest.raises(InvalidMove):
        inst.withdraw(a)
    assert open_nodes(inst) == ["s2"]


def test_withdraw_is_refused_after_a_boundary_fired_on_the_next_task() -> None:
    body = (
        '<startEvent id="start"/>'
        + user_tasks("a", "b", "late")
        + '<boundaryEvent id="remind" attachedToRef="b" cancelActivity="false">'
        "<timerEventDefinition><timeDuration>PT1H</timeDuration></timerEventDefinition>"
        '</boundaryEvent><endEvent id="end"/>'
        + chain("start", "a", "b", "end")
        + chain("remind", "late", "end")
    )
    engine, inst = start(body)
    a = task_at(inst, "a").id
    inst.complete(a)
    engine.advance_clock(timedelta(hours=1))
    assert open_nodes(inst) == ["b", "late"]
    with pytest.raises(InvalidMove):
        inst.withdraw(a)


def test_withdraw_is_refused_after_the_next_task_was_completed() -> None:
    _, inst = start(linear("a", "b", "c"))
    a = task_at(inst, "a").id
    inst.complete(a)
    complete_at(inst, "b")
    with pytest.raises(InvalidMove):
        inst.withdraw(a)
    assert open_nodes(inst) == ["c"]


def test_withdraw_is_refused_after_the_next_task_was_claimed() -> None:
    _, inst = start(linear("a", "b"))
    a = task_at(inst, "a").id
    inst.complete(a)
    inst.claim(task_at(inst, "b").id, "bob")
    with pytest.raises(InvalidMove):
        inst.withdraw(a)
    assert task_at(inst, "b").assignee == "bob"


def test_withdraw_is_refused_after_the_next_task_was_delegated() -> None:
    _, inst = start(linear("a", "b"))
    a = task_at(inst, "a").id
    inst.complete(a)
    inst.delegate(task_at(inst, "b").id, "dora")
    with pytest.raises(InvalidMove):
        inst.withdraw(a)
    assert open_nodes(inst) == ["b"]


def test_withdraw_is_refused_after_one_of_several_branch_tasks_was_completed() -> None:
    _, inst = start(SPLIT)
    a = task_at(inst, "a").id
    inst.complete(a)
    complete_at(inst, "b")
    with pytest.raises(InvalidMove):
        inst.withdraw(a)
    assert open_nodes(inst) == ["c"]


def test_withdraw_is_refused_when_the_instance_has_ended() -> None:
    _, inst = start(linear("a"))
    a = task_at(inst, "a").id
    inst.complete(a)
    assert inst.ended
    with pytest.raises(EngineError):
        inst.withdraw(a)


def test_withdraw_twice_is_refused() -> None:
    _, inst = start(linear("a", "b"))
    a = task_at(inst, "a").id
    inst.complete(a)
    inst.withdraw(a)
    with pytest.raises(InvalidMove):
        inst.withdraw(a)
    assert open_nodes(inst) == ["a"]


# -- add and remove instances ---------------------------------------------------------------


def test_add_instance_to_a_parallel_countersign() -> None:
    _, inst = start(countersign(loop=""), SIGNERS)
    complete_at(inst, "a")
    inst.add_instance(sign_by(inst, "ann"), element="dan")
    assert counters(inst) == {
        "nrOfInstances": 4,
        "nrOfActiveInstances": 4,
        "nrOfCompletedInstances": 0,
    }
    assert sorted(t.assignee for t in tasks_at(inst, "sign")) == ["ann", "bob", "cy", "dan"]
    for user in ("ann", "bob", "cy"):
        inst.complete(sign_by(inst, user))
    assert open_nodes(inst) == ["sign"]
    inst.complete(sign_by(inst, "dan"))
    assert open_nodes(inst) == ["d"]


def test_add_instance_to_a_sequential_countersign_runs_it_last() -> None:
    _, inst = start(countersign(loop="", sequential=True), {"signers": ["ann", "bob"]})
    complete_at(inst, "a")
    inst.add_instance(task_at(inst, "sign").id, element="dan")
    assert counters(inst)["nrOfInstances"] == 3
    seen = []
    for _ in range(3):
        task = task_at(inst, "sign")
        seen.append(task.assignee)
        inst.complete(task.id)
    assert seen == ["ann", "bob", "dan"]
    assert open_nodes(inst) == ["d"]


def test_add_instance_to_a_task_that_is_not_multi_instance_is_refused() -> None:
    _, inst = start(linear("a"))
    with pytest.raises(InvalidMove):
        inst.add_instance(task_at(inst, "a").id)


def test_remove_instance_drops_a_pending_signer() -> None:
    _, inst = start(countersign(loop=""), SIGNERS)
    complete_at(inst, "a")
    inst.remove_instance(sign_by(inst, "bob"))
    assert counters(inst)["nrOfInstances"] == 2
    assert sorted(t.assignee for t in tasks_at(inst, "sign")) == ["ann", "cy"]
    inst.complete(sign_by(inst, "ann"))
    inst.complete(sign_by(inst, "cy"))
    assert open_nodes(inst) == ["d"]


def test_removing_the_last_pending_instance_completes_the_countersign() -> None:
    _, inst = start(countersign(loop=""), SIGNERS)
    complete_at(inst, "a")
    inst.complete(sign_by(inst, "ann"))
    inst.complete(sign_by(inst, "bob"))
    inst.remove_instance(sign_by(inst, "cy"))
    assert open_nodes(inst) == ["d"]


def test_remove_instance_from_a_sequential_countersign_skips_the_current_signer() -> None:
    _, inst = start(countersign(loop="", sequential=True), SIGNERS)
    complete_at(inst, "a")
    inst.complete(task_at(inst, "sign").id)
    assert task_at(inst, "sign").assignee == "bob"
    inst.remove_instance(task_at(inst, "sign").id)
    assert counters(inst)["nrOfInstances"] == 2
    assert task_at(inst, "sign").assignee == "cy"
    inst.complete(task_at(inst, "sign").id)
    assert open_nodes(inst) == ["d"]


def test_remove_instance_from_a_sequential_activity_with_a_cardinality() -> None:
    body = (
        '<startEvent id="start"/><userTask id="sign">'
        '<multiInstanceLoopCharacteristics isSequential="true">'
        "<loopCardinality>3</loopCardinality></multiInstanceLoopCharacteristics></userTask>"
        + user_tasks("after")
        + '<endEvent id="end"/>'
        + chain("start", "sign", "after", "end")
    )
    _, inst = start(body)
    inst.remove_instance(task_at(inst, "sign").id)
    assert counters(inst)["nrOfInstances"] == 2
    complete_at(inst, "sign")
    assert open_nodes(inst) == ["sign"]
    complete_at(inst, "sign")
    assert open_nodes(inst) == ["after"]


def test_removing_the_only_instance_is_refused() -> None:
    _, inst = start(countersign(loop=""), {"signers": ["ann"]})
    complete_at(inst, "a")
    with pytest.raises(InvalidMove):
        inst.remove_instance(sign_by(inst, "ann"))
    assert open_nodes(inst) == ["sign"]
