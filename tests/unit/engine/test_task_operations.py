"""Human-task operations (engine/handle.py): claim, unclaim, assign, delegate, resolve,
assign a node ahead of time."""

from __future__ import annotations

import pytest

from lanes.embedded import EngineError
from lanes.engine import commands as cmd
from lanes.engine import events as ev

from .bpmn_builder import Harness, chain, linear, of_type, open_nodes, start, task_at

CANDIDATES = (
    '<startEvent id="start"/>'
    '<userTask id="a" flowable:candidateUsers="bob,carol"/>'
    '<userTask id="b" flowable:assignee="ben"/>'
    '<endEvent id="end"/>' + chain("start", "a", "b", "end")
)


def test_claim_makes_the_candidate_the_assignee() -> None:
    h = Harness(CANDIDATES)
    h.send(cmd.StartInstance())
    task_id = h.task_id("a")
    events = h.send(cmd.ClaimTask(task_id, "bob"))
    (updated,) = of_type(events, ev.TaskUpdated)
    assert updated.task_id == task_id
    assert updated.changes["assignee"] == "bob"
    assert h.state["tasks"][task_id]["assignee"] == "bob"


def test_claim_by_someone_else_when_assigned_is_refused() -> None:
    _, inst = start(CANDIDATES)
    task = task_at(inst, "a")
    inst.claim(task.id, "bob")
    with pytest.raises(EngineError):
        inst.claim(task.id, "carol")
    assert task_at(inst, "a").assignee == "bob"


def test_claiming_again_by_the_same_user_is_harmless() -> None:
    _, inst = start(CANDIDATES)
    task = task_at(inst, "a")
    inst.claim(task.id, "bob")
    inst.claim(task.id, "bob")
    assert task_at(inst, "a").assignee == "bob"


def test_unclaim_gives_the_task_back_to_the_candidates() -> None:
    _, inst = start(CANDIDATES)
    task = task_at(inst, "a")
    inst.claim(task.id, "bob")
    inst.unclaim(task.id)
    assert task_at(inst, "a").assignee is None
    inst.claim(task.id, "carol")
    assert task_at(inst, "a").assignee == "carol"


def test_assign_transfers_the_task_for_good() -> None:
    _, inst = start(CANDIDATES)
    task = task_at(inst, "a")
    inst.claim(task.id, "bob")
    inst.assign(task.id, "dave")
    assert task_at(inst, "a").assignee == "dave"
    assert task_at(inst, "a").owner is None


def test_delegate_hands_the_task_over_and_keeps_the_owner() -> None:
    _, inst = start(CANDIDATES)
    task = task_at(inst, "a")
    inst.claim(task.id, "bob")
    inst.delegate(task.id, "dora")
    delegated = task_at(inst, "a")
    assert (delegated.assignee, delegated.owner) == ("dora", "bob")


def test_resolve_returns_a_delegated_task_to_its_owner() -> None:
    _, inst = start(CANDIDATES)
    task = task_at(inst, "a")
    inst.claim(task.id, "bob")
    inst.delegate(task.id, "dora")
    inst.resolve(task.id, {"advice": "approve"})
    resolved = task_at(inst, "a")
    assert (resolved.assignee, resolved.owner) == ("bob", "bob")
    assert inst.variables == {"advice": "approve"}
    inst.complete(task.id)
    assert open_nodes(inst) == ["b"]


def test_completing_a_task_while_its_delegation_is_pending_is_refused() -> None:
    _, inst = start(CANDIDATES)
    task = task_at(inst, "a")
    inst.claim(task.id, "bob")
    inst.delegate(task.id, "dora")
    with pytest.raises(EngineError):
        inst.complete(task.id)
    assert open_nodes(inst) == ["a"]


def test_resolving_a_task_that_is_not_delegated_is_refused() -> None:
    _, inst = start(CANDIDATES)
    with pytest.raises(EngineError):
        inst.resolve(task_at(inst, "a").id)


def test_assign_node_ahead_of_time_sets_the_assignee_when_the_task_is_reached() -> None:
    _, inst = start(CANDIDATES)
    inst.assign_node("b", "zed")
    inst.complete(task_at(inst, "a").id)
    assert task_at(inst, "b").assignee == "zed"


def test_assign_node_with_an_open_task_reassigns_it_now() -> None:
    _, inst = start(CANDIDATES)
    inst.assign_node("a", "zed")
    assert task_at(inst, "a").assignee == "zed"
    assert "ahead" not in inst.state or "a" not in inst.state["ahead"]


def test_assign_node_applies_only_to_the_next_time_the_node_is_reached() -> None:
    body = (
        '<startEvent id="start"/><userTask id="a"/><userTask id="b" flowable:assignee="ben"/>'
        '<exclusiveGateway id="again"/><endEvent id="end"/>'
        + chain("start", "a", "b", "again")
        + '<sequenceFlow id="again-a" sourceRef="again" targetRef="a">'
        '<conditionExpression xsi:type="tFormalExpression">${loop}</conditionExpression>'
        "</sequenceFlow>"
        '<sequenceFlow id="again-end" sourceRef="again" targetRef="end">'
        '<conditionExpression xsi:type="tFormalExpression">${!loop}</conditionExpression>'
        "</sequenceFlow>"
    )
    _, inst = start(body)
    inst.assign_node("b", "zed")
    inst.complete(task_at(inst, "a").id)
    assert task_at(inst, "b").assignee == "zed"
    inst.complete(task_at(inst, "b").id, {"loop": True})
    inst.complete(task_at(inst, "a").id)
    assert task_at(inst, "b").assignee == "ben"


def test_assign_node_on_something_that_is_not_a_user_task_is_refused() -> None:
    _, inst = start(linear("a"))
    with pytest.raises(EngineError):
        inst.assign_node("end", "zed")
    with pytest.raises(EngineError):
        inst.assign_node("nowhere", "zed")


@pytest.mark.parametrize(
    "command",
    [
        cmd.ClaimTask("missing", "bob"),
        cmd.UnclaimTask("missing"),
        cmd.AssignTask("missing", "bob"),
        cmd.DelegateTask("missing", "bob"),
        cmd.ResolveTask("missing"),
        cmd.CompleteTask("missing"),
    ],
    ids=lambda c: type(c).__name__,
)
def test_task_operations_on_an_unknown_task_are_refused(command: cmd.Command) -> None:
    h = Harness(CANDIDATES)
    h.send(cmd.StartInstance())
    with pytest.raises(EngineError):
        h.send(command)
