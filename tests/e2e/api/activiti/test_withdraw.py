"""Withdraw (撤回) through POST /activity-task/{id}/users/{user}/revocation."""

from __future__ import annotations

from tests.e2e.api.activiti.helpers import COUNTERSIGN, PARALLEL, Act, error, ok_data
from tests.e2e.support import two_tasks


def _history(act: Act, instance: str) -> list[dict[str, object]]:
    response = act.client.get(f"/activity-task/{instance}/history-tasks", headers=act.admin)
    data: list[dict[str, object]] = response.json()["data"]
    return data


def test_withdraw_across_a_parallel_split_cancels_every_branch_and_reopens_the_task(
    act: Act,
) -> None:
    ann = act.user("ann")
    act.deploy(PARALLEL)
    case = act.start("par", ann)
    instance, draft = case["procInstId"], case["tasks"][0]["id"]
    opened = act.complete(draft, ann)["nextTasks"]
    assert sorted(t["taskDefKey"] for t in opened) == ["a", "b"]
    data = ok_data(act.withdraw(instance, "ann", ann))
    assert data["revokedTaskId"] == draft
    assert sorted(data["cancelledTaskIds"]) == sorted(t["id"] for t in opened)
    (reopened,) = data["tasks"]
    assert reopened["taskDefKey"] == "draft" and reopened["assignee"] == "ann"
    assert [t["taskDefKey"] for t in act.running(instance)] == ["draft"]
    reasons = {t["taskId"]: t.get("deleteReason") for t in _history(act, instance)}
    assert all(reasons[t["id"]] == "withdrawn" for t in opened)
    revoked = [t for t in _history(act, instance) if t["taskId"] == draft]
    assert revoked[0]["revocation"] is True


def test_withdraw_from_inside_a_parallel_branch_leaves_the_other_branch(act: Act) -> None:
    ann, amy = act.user("ann"), act.user("amy")
    act.deploy(PARALLEL)
    case = act.start("par", ann)
    instance = case["procInstId"]
    act.complete(case["tasks"][0]["id"], ann)
    a = act.task_at(instance, "a")
    b = act.task_at(instance, "b")
    act.complete(a["id"], amy)
    a2 = act.task_at(instance, "a2")
    data = ok_data(act.withdraw(instance, "amy", amy))
    assert data["revokedTaskId"] == a["id"] and data["cancelledTaskIds"] == [a2["id"]]
    nodes = sorted(t["taskDefKey"] for t in act.running(instance))
    assert nodes == ["a", "b"]
    assert act.task_at(instance, "b")["id"] == b["id"]  # untouched


def test_withdraw_undoes_a_parallel_join_it_fired(act: Act) -> None:
    ann, amy, ben = act.user("ann"), act.user("amy"), act.user("ben")
    act.deploy(PARALLEL)
    case = act.start("par", ann)
    instance = case["procInstId"]
    act.complete(case["tasks"][0]["id"], ann)
    act.complete(act.task_at(instance, "a")["id"], amy)
    act.complete(act.task_at(instance, "b")["id"], ben)
    act.complete(act.task_at(instance, "a2")["id"], amy)  # fires the join
    assert [t["taskDefKey"] for t in act.running(instance)] == ["c"]
    ok_data(act.withdraw(instance, "amy", amy))
    assert [t["taskDefKey"] for t in act.running(instance)] == ["a2"]


def test_withdraw_out_of_a_countersign_reopens_only_the_signers_instance(act: Act) -> None:
    ann, sue = act.user("ann"), act.user("sue")
    act.deploy(COUNTERSIGN)
    case = act.start("cosign", ann, variables={"signers": ["sue", "sid"]})
    instance = case["procInstId"]
    act.complete(case["tasks"][0]["id"], ann)
    mine = next(t for t in act.running(instance) if t["assignee"] == "sue")
    act.complete(mine["id"], sue)
    assert [t["assignee"] for t in act.running(instance)] == ["sid"]
    data = ok_data(act.withdraw(instance, "sue", sue))
    assert data["revokedTaskId"] == mine["id"] and data["cancelledTaskIds"] == []
    assert sorted(t["assignee"] for t in act.running(instance)) == ["sid", "sue"]


def test_withdraw_is_refused_once_the_next_task_was_completed_claimed_or_delegated(
    act: Act,
) -> None:
    ann = act.user("ann")
    cora = act.user("cora", ("checkers",))
    act.deploy(two_tasks())
    # claimed
    case = act.start("chain", ann)
    act.complete(case["tasks"][0]["id"], ann)
    second = act.task_at(case["procInstId"], "second")
    claimed = act.api.post(f"/tasks/{second['id']}/claim", cora)
    assert claimed.status_code == 200, claimed.text
    err = error(act.withdraw(case["procInstId"], "ann", ann), 409, "error.conflict")
    assert "claimed" in err["message"]
    # delegated
    act.client.get(f"/todo-task/{second['id']}/delegate/dan", headers=cora)
    error(act.withdraw(case["procInstId"], "ann", ann), 409, "error.conflict")
    # completed (the case has ended, too)
    other = act.start("chain", ann)
    act.complete(other["tasks"][0]["id"], ann)
    act.complete(act.task_at(other["procInstId"], "second")["id"], cora)
    err = error(act.withdraw(other["procInstId"], "ann", ann), 409, "error.conflict")
    assert "ended" in err["message"]


def test_withdraw_is_refused_after_a_later_task_of_its_branch_was_completed(act: Act) -> None:
    ann, amy = act.user("ann"), act.user("amy")
    act.deploy(PARALLEL)
    case = act.start("par", ann)
    instance = case["procInstId"]
    act.complete(case["tasks"][0]["id"], ann)
    act.complete(act.task_at(instance, "a")["id"], amy)
    act.complete(act.task_at(instance, "a2")["id"], amy)  # waits at the join
    ok_data(act.withdraw(instance, "amy", amy))  # a2 comes back
    act.complete(act.task_at(instance, "a2")["id"], amy)
    err = error(act.withdraw(instance, "ann", ann), 409, "error.conflict")
    assert "cannot be withdrawn" in err["message"]


def test_withdraw_only_for_oneself_unless_admin_and_nothing_to_take_back(act: Act) -> None:
    ann, bob = act.user("ann"), act.user("bob")
    act.deploy(two_tasks())
    case = act.start("chain", ann)
    instance = case["procInstId"]
    error(act.withdraw(instance, "ann", ann), 409, "error.conflict")  # nothing completed yet
    act.complete(case["tasks"][0]["id"], ann)
    error(act.withdraw(instance, "ann", bob), 403, "error.no-privilege")
    error(act.withdraw("424242", "ann", act.admin), 404, "error.not-found")
    data = ok_data(act.withdraw(instance, "ann", act.admin))
    assert data["tasks"][0]["assignee"] == "ann"
