"""Moves through lanes.services.tasks on a real database: withdraw, return, reject, jump,
add/remove signer, CC, urge and comments."""

from __future__ import annotations

import pytest

from lanes.services import instances, tasks
from lanes.services.context import Services
from lanes.services.errors import Conflict, Forbidden, Invalid, NotFound
from lanes.services.views import TaskView

from .helpers import (
    ADMIN,
    APPROVAL,
    COUNTERSIGN,
    deploy,
    leave_xml,
    open_nodes,
    open_tasks,
    operation_names,
    start,
    task_at,
    task_row,
    user,
    visited,
)

ANN = user("ann")
BOB = user("bob")
RITA = user("rita")
BOSS = user("boss")


@pytest.fixture
def drafted(services: Services) -> TaskView:
    """An approval case by ann whose draft ann has completed; review waits for rita."""
    deploy(services, APPROVAL)
    case = start(services, "approval", ANN)
    return tasks.complete(services, ANN, task_at(services, case.id, "draft").id).task


# -- withdraw ---------------------------------------------------------------------------------


def test_withdraw_reopens_the_completed_task_for_its_completer(
    services: Services, drafted: TaskView
) -> None:
    review = task_at(services, drafted.instance_id, "review")
    (reopened,) = tasks.withdraw(services, ANN, drafted.id)
    assert (reopened.node_id, reopened.assignee, reopened.ended_at) == ("draft", "ann", None)
    assert reopened.id != drafted.id
    assert open_nodes(services, drafted.instance_id) == ["draft"]
    cancelled = tasks.get_task(services, ADMIN, review.id)
    assert cancelled.ended_at is not None
    assert cancelled.end_reason == "withdrawn"
    assert tasks.todo(services, RITA).total == 0
    assert operation_names(services, task_id=drafted.id) == ["complete", "withdraw"]
    tasks.complete(services, ANN, reopened.id)
    assert open_nodes(services, drafted.instance_id) == ["review"]


def test_withdraw_is_refused_to_anyone_but_the_completer(
    services: Services, drafted: TaskView
) -> None:
    for other in (RITA, BOB):
        with pytest.raises(Forbidden, match="only ann"):
            tasks.withdraw(services, other, drafted.id)
    assert open_nodes(services, drafted.instance_id) == ["review"]
    assert len(tasks.withdraw(services, ADMIN, drafted.id)) == 1  # admins may


def test_withdraw_is_refused_once_the_next_task_was_claimed(
    services: Services, drafted: TaskView
) -> None:
    tasks.claim(services, RITA, task_at(services, drafted.instance_id, "review").id)
    with pytest.raises(Conflict, match="cannot be withdrawn"):
        tasks.withdraw(services, ANN, drafted.id)
    assert open_nodes(services, drafted.instance_id) == ["review"]
    assert operation_names(services, task_id=drafted.id) == ["complete"]


def test_withdraw_is_refused_once_the_next_task_was_completed(
    services: Services, drafted: TaskView
) -> None:
    tasks.complete(services, RITA, task_at(services, drafted.instance_id, "review").id)
    with pytest.raises(Conflict):
        tasks.withdraw(services, ANN, drafted.id)
    assert open_nodes(services, drafted.instance_id) == ["sign"]


def test_withdraw_of_an_open_task_or_twice_is_a_conflict(
    services: Services, drafted: TaskView
) -> None:
    review = task_at(services, drafted.instance_id, "review")
    with pytest.raises(Conflict, match="still open"):
        tasks.withdraw(services, ADMIN, review.id)
    tasks.withdraw(services, ANN, drafted.id)
    with pytest.raises(Conflict):
        tasks.withdraw(services, ANN, drafted.id)
    assert open_nodes(services, drafted.instance_id) == ["draft"]
    with pytest.raises(NotFound):
        tasks.withdraw(services, ANN, 424242)


# -- return ---------------------------------------------------------------------------------


def test_return_to_an_earlier_task(services: Services, drafted: TaskView) -> None:
    review = task_at(services, drafted.instance_id, "review")
    (again,) = tasks.return_to(services, RITA, review.id, "draft", comment="add the receipts")
    assert (again.node_id, again.assignee) == ("draft", "ann")
    assert tasks.get_task(services, ADMIN, review.id).end_reason == "returned"
    assert open_nodes(services, drafted.instance_id) == ["draft"]
    (note,) = tasks.comments(services, ADMIN, review.id)
    assert (note.kind, note.message, note.user_id) == ("return", "add the receipts", "rita")
    assert operation_names(services, task_id=review.id) == ["return"]
    tasks.complete(services, ANN, again.id)
    assert open_nodes(services, drafted.instance_id) == ["review"]
    assert visited(services, drafted.instance_id) == [
        "start",
        "draft",
        "review",
        "draft",
        "review",
    ]


@pytest.mark.parametrize("move", ["return", "reject"])
def test_the_candidate_who_returned_or_rejected_a_task_still_sees_it(
    services: Services, drafted: TaskView, move: str
) -> None:
    review = task_at(services, drafted.instance_id, "review")
    if move == "return":
        tasks.return_to(services, RITA, review.id, "draft", comment="why")
    else:
        tasks.reject(services, RITA, review.id, comment="why")
    assert tasks.get_task(services, RITA, review.id).ended_by == "rita"
    assert [c.message for c in tasks.comments(services, RITA, review.id)] == ["why"]
    assert instances.get_instance(services, RITA, drafted.instance_id).id == drafted.instance_id


def test_return_from_a_parallel_branch_cancels_every_branch(services: Services) -> None:
    deploy(services, leave_xml())
    case = start(services, "leave", ANN, variables={"days": 5})
    tasks.complete(services, ANN, task_at(services, case.id, "fill_form").id)
    manager = task_at(services, case.id, "manager_long")
    hr = task_at(services, case.id, "hr")
    (again,) = tasks.return_to(services, user("mia", "managers"), manager.id, "fill_form")
    assert open_nodes(services, case.id) == ["fill_form"]
    assert tasks.get_task(services, ADMIN, hr.id).ended_at is not None
    tasks.complete(services, ANN, again.id, {"days": 2})
    assert open_nodes(services, case.id) == ["manager_short"]
    tasks.complete(
        services, user("mia", "managers"), task_at(services, case.id, "manager_short").id
    )
    assert instances.get_instance(services, ADMIN, case.id).status == "completed"


def test_return_errors(services: Services, drafted: TaskView) -> None:
    review = task_at(services, drafted.instance_id, "review")
    with pytest.raises(Forbidden):
        tasks.return_to(services, BOB, review.id, "draft")
    with pytest.raises(Conflict, match="not been reached"):
        tasks.return_to(services, RITA, review.id, "sign")
    with pytest.raises(Invalid):
        tasks.return_to(services, RITA, review.id, "no_such_node")
    assert open_nodes(services, drafted.instance_id) == ["review"]


# -- reject -----------------------------------------------------------------------------------


def test_reject_ends_the_case_as_rejected(services: Services, drafted: TaskView) -> None:
    review = task_at(services, drafted.instance_id, "review")
    tasks.reject(services, RITA, review.id, comment="no budget")
    case = instances.get_instance(services, ANN, drafted.instance_id)
    assert (case.status, case.end_reason, case.active_nodes) == ("terminated", "rejected", [])
    row = task_row(services, review.id)
    assert row.outcome == "rejected"
    assert row.ended_at is not None
    (note,) = tasks.comments(services, ADMIN, review.id)
    assert (note.kind, note.message) == ("reject", "no budget")
    assert operation_names(services, instance_id=drafted.instance_id)[-1] == "reject"
    assert tasks.todo(services, RITA).total == 0
    with pytest.raises(Conflict):
        tasks.complete(services, ADMIN, review.id)


def test_reject_errors(services: Services, drafted: TaskView) -> None:
    review = task_at(services, drafted.instance_id, "review")
    with pytest.raises(Forbidden):
        tasks.reject(services, BOB, review.id)
    instances.set_suspended(services, ADMIN, drafted.instance_id, True)
    with pytest.raises(Conflict, match="suspended"):
        tasks.reject(services, RITA, review.id)
    assert instances.get_instance(services, ADMIN, drafted.instance_id).status == "active"


# -- jump ----------------------------------------------------------------------------------------


def test_jump_moves_the_token_anywhere_for_admins(services: Services, drafted: TaskView) -> None:
    review = task_at(services, drafted.instance_id, "review")
    (sign,) = tasks.jump(services, ADMIN, review.id, "sign")
    assert (sign.node_id, sign.assignee) == ("sign", "boss")
    assert tasks.get_task(services, ADMIN, review.id).ended_at is not None
    assert open_nodes(services, drafted.instance_id) == ["sign"]
    (draft,) = tasks.jump(services, ADMIN, sign.id, "draft")  # backwards too
    assert draft.assignee == "ann"
    assert operation_names(services, instance_id=drafted.instance_id)[-2:] == ["jump", "jump"]


def test_jump_errors(services: Services, drafted: TaskView) -> None:
    review = task_at(services, drafted.instance_id, "review")
    for who in (RITA, ANN):
        with pytest.raises(Forbidden):
            tasks.jump(services, who, review.id, "sign")
    with pytest.raises(Invalid):
        tasks.jump(services, ADMIN, review.id, "no_such_node")
    assert open_nodes(services, drafted.instance_id) == ["review"]


# -- add / remove signer ---------------------------------------------------------------------


@pytest.fixture
def countersign(services: Services) -> int:
    """A countersign case for s1 and s2, both tasks open."""
    deploy(services, COUNTERSIGN)
    return start(services, "cosign", variables={"signers": ["s1", "s2"]}).id


def signer_task(services: Services, case: int, signer: str) -> TaskView:
    (found,) = [t for t in open_tasks(services, case) if t.assignee == signer]
    return found


def test_add_signer_adds_an_instance_everyone_must_sign(
    services: Services, countersign: int
) -> None:
    (added,) = tasks.add_signer(
        services, user("s1"), signer_task(services, countersign, "s1").id, "s3"
    )
    assert (added.node_id, added.assignee) == ("countersign", "s3")
    assert sorted(t.assignee or "" for t in open_tasks(services, countersign)) == ["s1", "s2", "s3"]
    for signer in ("s1", "s2"):
        tasks.complete(services, user(signer), signer_task(services, countersign, signer).id)
    assert open_nodes(services, countersign) == ["countersign"]
    tasks.complete(services, user("s3"), added.id)
    assert open_nodes(services, countersign) == ["archive"]
    assert visited(services, countersign).count("countersign") == 3
    assert "add-signer" in operation_names(services, instance_id=countersign)


def test_remove_signer_drops_a_pending_instance(services: Services, countersign: int) -> None:
    (added,) = tasks.add_signer(services, ADMIN, signer_task(services, countersign, "s1").id, "s3")
    with pytest.raises(Forbidden):
        tasks.remove_signer(services, user("s1"), added.id)
    tasks.remove_signer(services, ADMIN, added.id)
    assert tasks.get_task(services, ADMIN, added.id).ended_at is not None
    assert tasks.todo(services, user("s3")).total == 0
    for signer in ("s1", "s2"):
        tasks.complete(services, user(signer), signer_task(services, countersign, signer).id)
    assert open_nodes(services, countersign) == ["archive"]
    assert "remove-signer" in operation_names(services, instance_id=countersign)


def test_removing_the_last_pending_signer_ends_the_countersign(
    services: Services, countersign: int
) -> None:
    tasks.complete(services, user("s1"), signer_task(services, countersign, "s1").id)
    tasks.remove_signer(services, user("s2"), signer_task(services, countersign, "s2").id)
    assert open_nodes(services, countersign) == ["archive"]


def test_signer_errors(services: Services, countersign: int, drafted: TaskView) -> None:
    s1_task = signer_task(services, countersign, "s1")
    with pytest.raises(Forbidden):
        tasks.add_signer(services, user("s2"), s1_task.id, "s3")
    with pytest.raises(Invalid):
        tasks.add_signer(services, user("s1"), s1_task.id, "")
    review = task_at(services, drafted.instance_id, "review")
    with pytest.raises((Conflict, Invalid), match="multi-instance"):
        tasks.add_signer(services, RITA, review.id, "s3")
    with pytest.raises((Conflict, Invalid), match="multi-instance"):
        tasks.remove_signer(services, ADMIN, review.id)
    tasks.remove_signer(services, ADMIN, s1_task.id)
    with pytest.raises(Conflict, match="only instance left"):
        tasks.remove_signer(services, ADMIN, signer_task(services, countersign, "s2").id)
    assert open_nodes(services, countersign) == ["countersign"]


# -- CC, urge, comments --------------------------------------------------------------------------


def test_cc_writes_a_row_per_user_and_lets_them_read_the_case(
    services: Services, drafted: TaskView
) -> None:
    review = task_at(services, drafted.instance_id, "review")
    tasks.carbon_copy(services, RITA, review.id, ["carl", "dina", "carl"], "for your files")
    copies = [c for c in tasks.comments(services, RITA, review.id) if c.kind == "cc"]
    assert sorted(c.user_id or "" for c in copies) == ["carl", "dina"]
    assert {c.message for c in copies} == {"for your files"}
    assert operation_names(services, task_id=review.id) == ["cc"]
    assert instances.get_instance(services, user("carl"), drafted.instance_id).id == (
        drafted.instance_id
    )


def test_cc_errors(services: Services, drafted: TaskView) -> None:
    review = task_at(services, drafted.instance_id, "review")
    with pytest.raises(Invalid):
        tasks.carbon_copy(services, RITA, review.id, [])
    with pytest.raises(Invalid):
        tasks.carbon_copy(services, RITA, review.id, ["carl", " "])
    with pytest.raises(Forbidden):
        tasks.carbon_copy(services, BOB, review.id, ["carl"])
    assert tasks.comments(services, RITA, review.id) == []


def test_urge_records_a_reminder(services: Services, drafted: TaskView) -> None:
    review = task_at(services, drafted.instance_id, "review")
    tasks.urge(services, ANN, review.id)
    tasks.urge(services, ANN, review.id, "today please")
    urges = tasks.comments(services, RITA, review.id)
    assert [(c.kind, c.user_id) for c in urges] == [("urge", "ann"), ("urge", "ann")]
    assert urges[0].message  # a default reminder text
    assert urges[1].message == "today please"
    assert operation_names(services, task_id=review.id) == ["urge", "urge"]
    assert task_at(services, drafted.instance_id, "review") == review  # nothing else changed


def test_urge_errors(services: Services, drafted: TaskView) -> None:
    review = task_at(services, drafted.instance_id, "review")
    with pytest.raises(Forbidden):
        tasks.urge(services, BOB, review.id)
    tasks.complete(services, RITA, review.id)
    with pytest.raises(Conflict):
        tasks.urge(services, ANN, review.id)


def test_comments_add_and_list_in_order(services: Services, drafted: TaskView) -> None:
    review = task_at(services, drafted.instance_id, "review")
    first = tasks.add_comment(services, RITA, review.id, "Checking the numbers")
    assert (first.user_id, first.kind, first.message) == ("rita", "comment", "Checking the numbers")
    assert (first.task_id, first.instance_id) == (review.id, drafted.instance_id)
    second = tasks.add_comment(services, ADMIN, review.id, "Thanks")
    assert [c.id for c in tasks.comments(services, RITA, review.id)] == [first.id, second.id]
    tasks.complete(services, RITA, review.id)
    third = tasks.add_comment(services, RITA, review.id, "Done, see above")
    assert [c.id for c in tasks.comments(services, RITA, review.id)][-1] == third.id
    assert operation_names(services, task_id=review.id) == [
        "comment",
        "comment",
        "complete",
        "comment",
    ]


def test_comment_errors(services: Services, drafted: TaskView) -> None:
    review = task_at(services, drafted.instance_id, "review")
    with pytest.raises(Invalid):
        tasks.add_comment(services, RITA, review.id, "   ")
    with pytest.raises(Forbidden):
        tasks.add_comment(services, BOB, review.id, "hello")
    with pytest.raises(Forbidden):
        tasks.comments(services, BOB, review.id)
    with pytest.raises(NotFound):
        tasks.add_comment(services, ADMIN, 424242, "hello")
    with pytest.raises(NotFound):
        tasks.comments(services, ADMIN, 424242)
    assert tasks.comments(services, RITA, review.id) == []
