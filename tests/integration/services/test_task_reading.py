"""The services behind the Activiti dialect on a real database: starts by reference,
node assignment by key or name, withdraw by user, batch completion, task history,
navigation and diagrams."""

from __future__ import annotations

import pytest

from lanes.services import (
    assignments,
    batches,
    diagrams,
    history,
    navigation,
    starts,
    tasks,
    withdrawals,
)
from lanes.services.context import Services
from lanes.services.errors import Conflict, Forbidden, Invalid, NotFound

from .helpers import (
    ADMIN,
    APPROVAL,
    COUNTERSIGN,
    deploy,
    leave_xml,
    open_nodes,
    start,
    task_at,
    user,
)

ANN = user("ann")
BOB = user("bob")
RITA = user("rita")
BOSS = user("boss")


def test_start_case_resolves_key_version_and_id_and_starts_for_another_user_as_admin(
    services: Services,
) -> None:
    first = deploy(services, APPROVAL)
    case = starts.start_case(services, ADMIN, "approval:1", assignee="zoe")
    assert case.definition.id == first.id and case.instance.started_by == "zoe"
    assert case.instance.variables["assignee"] == "zoe"
    assert [t.assignee for t in case.tasks] == ["zoe"]
    assert starts.find_definition(services, str(first.id)).id == first.id
    own = starts.start_case(services, ANN, "approval", assignee="zoe")
    assert own.instance.started_by == "ann"  # a user starts as themself
    with pytest.raises(Forbidden):
        starts.start_case(services, ANN, "approval", starter="zoe")
    with pytest.raises(NotFound):
        starts.find_definition(services, "approval:7")
    with pytest.raises(Invalid):
        starts.find_definition(services, "")


def test_assign_node_finds_the_node_by_name_when_the_key_is_unknown(
    services: Services,
) -> None:
    deploy(services, APPROVAL)
    case = start(services, "approval", ANN)
    assert assignments.assign_node(services, ADMIN, case.id, "x", "Sign", "sam") == "sign"
    with pytest.raises(NotFound):
        assignments.assign_node(services, ADMIN, case.id, "x", "Nothing", "sam")
    with pytest.raises(Forbidden):
        assignments.assign_node(services, ANN, case.id, "sign", None, "sam")


def test_withdraw_latest_takes_back_the_users_newest_completion(services: Services) -> None:
    deploy(services, APPROVAL)
    case = start(services, "approval", ANN)
    draft = task_at(services, case.id, "draft")
    tasks.complete(services, ANN, draft.id)
    review = task_at(services, case.id, "review")
    done = withdrawals.withdraw_latest(services, ANN, case.id, "ann")
    assert done.revoked_task_id == draft.id and done.cancelled_task_ids == [review.id]
    assert open_nodes(services, case.id) == ["draft"]
    with pytest.raises(Conflict, match="no task"):
        withdrawals.withdraw_latest(services, ADMIN, case.id, "rita")


def test_withdraw_latest_refuses_after_a_later_task_was_claimed(services: Services) -> None:
    deploy(services, APPROVAL)
    case = start(services, "approval", ANN)
    tasks.complete(services, ANN, task_at(services, case.id, "draft").id)
    tasks.claim(services, RITA, task_at(services, case.id, "review").id)
    with pytest.raises(Conflict, match="claimed by rita"):
        withdrawals.withdraw_latest(services, ANN, case.id, "ann")


def test_batch_each_task_its_own_transaction(services: Services) -> None:
    deploy(services, COUNTERSIGN)
    case = start(services, "cosign", ADMIN, {"signers": ["ann", "bob"]})
    signing = tasks.instance_tasks(services, ADMIN, case.id, True)
    ann_task = next(t for t in signing if t.assignee == "ann")
    ids = [t.id for t in signing]
    results = batches.complete_each(services, ANN, [*ids, ann_task.id, 999_999])
    outcome = [(r.task_id, r.error.status if r.error else 200) for r in results]
    bob_task = next(t.id for t in signing if t.assignee == "bob")
    assert sorted(outcome) == sorted(
        [(ann_task.id, 200), (bob_task, 403), (ann_task.id, 409), (999_999, 404)]
    )
    assert open_nodes(services, case.id) == ["countersign"]  # bob's is still open
    with pytest.raises(Invalid):
        batches.complete_each(services, ANN, [])


def test_history_and_completion_of_a_task(services: Services) -> None:
    deploy(services, APPROVAL)
    case = start(services, "approval", ANN)
    draft = task_at(services, case.id, "draft")
    done = tasks.complete(services, ANN, draft.id, {"x": 1}, "looks fine", "ok")
    completion = history.completion_of(services, ANN, done, {"x": 1})
    assert [t.node_id for t in completion.next_tasks] == ["review"]
    assert completion.comment == "looks fine" and not completion.instance_ended
    again = history.latest_completion(services, ANN, case.id, "draft")
    assert again.variables == {"x": 1} and again.task.id == draft.id
    records = history.task_history(services, ANN, case.id)
    assert [r.task.node_id for r in records] == ["draft", "review"]
    with pytest.raises(NotFound):
        history.running_task(services, ANN, draft.id)
    with pytest.raises(Forbidden):
        history.task_history(services, BOB, case.id)


def test_next_step_follows_the_leave_model_with_overrides(services: Services) -> None:
    deploy(services, leave_xml())
    case = start(services, "leave", ANN, {"days": 1})
    form = task_at(services, case.id, "fill_form")
    predicted = navigation.next_step(services, ANN, form.id).predicted
    assert [n.id for n in predicted] == ["manager_short"]
    longer = navigation.next_step(services, ANN, form.id, {"days": 5}).predicted
    assert sorted(n.id for n in longer) == ["hr", "manager_long"]
    branches = navigation.gateways_after(services, ANN, form.id)
    assert [(b.flow_id, b.selected) for b in branches] == [("f3", True), ("f4", False)]
    assert navigation.parse_overrides({"a": "1", "b": "x", "c": "true"}) == {
        "a": 1,
        "b": "x",
        "c": True,
    }


def test_next_step_stops_at_a_join_other_branches_still_have_to_reach(
    services: Services,
) -> None:
    deploy(services, leave_xml())
    case = start(services, "leave", ANN, {"days": 5})
    tasks.complete(services, ANN, task_at(services, case.id, "fill_form").id)
    hr = task_at(services, case.id, "hr")
    assert navigation.next_step(services, ADMIN, hr.id).predicted == []


def test_an_instance_diagram_highlights_what_ran(services: Services) -> None:
    deploy(services, leave_xml())
    case = start(services, "leave", ANN, {"days": 1})
    tasks.complete(services, ANN, task_at(services, case.id, "fill_form").id)
    drawn = diagrams.instance_diagram(services, ANN, case.id)
    assert drawn.active == ["manager_short"]
    assert {"start", "fill_form", "how_long"} <= set(drawn.completed)
    assert drawn.taken == ["f1", "f2", "f3"]
    assert drawn.image.startswith(b"<svg") and drawn.name == "model.svg"
    with pytest.raises(Forbidden):
        diagrams.instance_diagram(services, BOSS, case.id)
