"""lanes.services.tasks on a real database: to-do and done lists, visibility, and the
operations that change who holds a task (claim, complete, delegate, assign, reassign)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from lanes.services import deployments, instances, tasks
from lanes.services.actor import Actor
from lanes.services.context import Services
from lanes.services.errors import Conflict, Forbidden, Invalid, NotFound
from lanes.services.views import Page, TaskFilter, TaskView

from .helpers import (
    ADMIN,
    APPROVAL,
    deploy,
    flows,
    model_xml,
    open_nodes,
    operation_names,
    operations,
    start,
    task_at,
    task_row,
    user,
)

ANN = user("ann")
BOB = user("bob")
RITA = user("rita")
RON = user("ron", "reviewers")
DAVE = user("dave")

# one task for ann, named after nothing in particular
SIMPLE = model_xml(
    '<startEvent id="start"/><userTask id="work" name="Work" flowable:assignee="ann"/>'
    '<endEvent id="end"/>' + flows("start", "work", "end"),
    "simple",
)

# three tasks for ann at once, with names and priorities that sort differently
TRIPLE = model_xml(
    '<startEvent id="start"/><parallelGateway id="fork"/>'
    '<userTask id="t_b" name="Bravo" flowable:assignee="ann" flowable:priority="10"/>'
    '<userTask id="t_a" name="Alpha" flowable:assignee="ann" flowable:priority="90"/>'
    '<userTask id="t_c" name="Charlie 50%_off" flowable:assignee="ann" flowable:priority="50"/>'
    '<parallelGateway id="join"/><endEvent id="end"/>'
    + flows("start", "fork")
    + flows("fork", "t_b", "join")
    + flows("fork", "t_a", "join")
    + flows("fork", "t_c", "join")
    + flows("join", "end"),
    "triple",
)

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, now: datetime = T0) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def ids(page: Page[TaskView]) -> list[int]:
    return [task.id for task in page.items]


@pytest.fixture
def review(services: Services) -> TaskView:
    """An approval case by ann, drafted: its review task is offered to rita and reviewers."""
    deploy(services, APPROVAL)
    case = start(services, "approval", ANN, business_key="CASE-1")
    tasks.complete(services, ANN, task_at(services, case.id, "draft").id)
    return task_at(services, case.id, "review")


# -- to-do lists -----------------------------------------------------------------------------


def test_todo_lists_the_tasks_assigned_to_the_user(services: Services) -> None:
    deploy(services, SIMPLE)
    case = start(services, "simple", BOB, business_key="B-1")
    page = tasks.todo(services, ANN)
    assert (page.total, page.offset, page.limit) == (1, 0, 20)
    (task,) = page.items
    assert (task.instance_id, task.node_id, task.name, task.assignee) == (
        case.id,
        "work",
        "Work",
        "ann",
    )
    assert (task.process_key, task.business_key, task.ended_at) == ("simple", "B-1", None)
    assert tasks.todo(services, BOB).total == 0


def test_todo_lists_an_unassigned_task_for_its_candidate_users_and_groups(
    services: Services, review: TaskView
) -> None:
    assert (review.assignee, review.candidate_users, review.candidate_groups) == (
        None,
        ["rita"],
        ["reviewers"],
    )
    assert ids(tasks.todo(services, RITA)) == [review.id]
    assert ids(tasks.todo(services, RON)) == [review.id]
    assert ids(tasks.todo(services, user("x", "other", "reviewers"))) == [review.id]
    assert tasks.todo(services, BOB).total == 0
    assert tasks.todo(services, user("y", "other")).total == 0


def test_a_claimed_task_leaves_the_other_candidates_lists(
    services: Services, review: TaskView
) -> None:
    tasks.claim(services, RON, review.id)
    assert ids(tasks.todo(services, RON)) == [review.id]
    assert tasks.todo(services, RITA).total == 0
    tasks.unclaim(services, RON, review.id)
    assert ids(tasks.todo(services, RITA)) == [review.id]


def test_admins_read_anyones_list_and_everyones(services: Services, review: TaskView) -> None:
    deploy(services, SIMPLE)
    start(services, "simple")
    assert ids(tasks.todo(services, ADMIN, user_id="rita")) == [review.id]
    assert tasks.todo(services, ADMIN, user_id="*").total == 2
    assert tasks.todo(services, ADMIN).total == 0  # the admin's own list
    with pytest.raises(Forbidden):
        tasks.todo(services, ANN, user_id="rita")
    with pytest.raises(Forbidden):
        tasks.done(services, ANN, user_id="rita")


@pytest.fixture
def spread(services: Services) -> tuple[Services, list[int]]:
    """Services on a hand-moved clock, and five tasks for ann created an hour apart from T0
    (process 'simple', business keys K0..K4), oldest first."""
    clock = Clock()
    timed = Services(services.db, clock=clock)
    deploy(timed, SIMPLE)
    made = []
    for n in range(5):
        case = start(timed, "simple", BOB, business_key=f"K{n}")
        made.append(task_at(timed, case.id, "work").id)
        clock.now += timedelta(hours=1)
    return timed, made


def test_todo_filters(services: Services, spread: tuple[Services, list[int]]) -> None:
    timed, made = spread
    deploy(timed, TRIPLE)
    triple = start(timed, "triple", BOB, business_key="K9")

    def mine(**filters: Any) -> list[int]:
        return sorted(ids(tasks.todo(timed, ANN, where=TaskFilter(**filters))))

    triple_ids = sorted(t.id for t in tasks.instance_tasks(timed, ADMIN, triple.id))
    assert mine(process_key="triple") == triple_ids
    assert mine(process_key="simple") == sorted(made)
    assert mine(instance_id=triple.id) == triple_ids
    assert mine(business_key="K2") == [made[2]]
    assert mine(name="Alpha") == [task_at(timed, triple.id, "t_a").id]
    assert mine(name="lph") == [task_at(timed, triple.id, "t_a").id]  # a substring
    assert mine(name="50%_") == [task_at(timed, triple.id, "t_c").id]  # wildcards are literal
    assert mine(name="0%") == [task_at(timed, triple.id, "t_c").id]
    assert mine(name="%") == [task_at(timed, triple.id, "t_c").id]
    assert mine(node_id="work") == sorted(made)
    assert mine(node_id="t_b", process_key="triple") == [task_at(timed, triple.id, "t_b").id]
    assert mine(node_id="t_b", process_key="simple") == []
    assert mine(business_key="nothing") == []


def test_todo_filters_by_created_range(spread: tuple[Services, list[int]]) -> None:
    timed, made = spread
    hour = timedelta(hours=1)

    def within(after: datetime | None, before: datetime | None) -> list[int]:
        where = TaskFilter(created_after=after, created_before=before)
        page = tasks.todo(timed, ANN, where=where, sort="created", descending=False)
        return ids(page)

    assert within(T0 + hour, T0 + 3 * hour) == made[1:3]  # after is inclusive, before is not
    assert within(T0 + 4 * hour, None) == made[4:]
    assert within(None, T0 + hour) == made[:1]
    assert within(T0 + 30 * timedelta(minutes=1), T0 + 90 * timedelta(minutes=1)) == [made[1]]
    assert within(T0 + 5 * hour, None) == []
    assert within(T0 + 2 * hour, T0 + 2 * hour) == []


@pytest.mark.parametrize("size", [1, 2, 3, 5])
def test_todo_pages_cover_every_task_once(spread: tuple[Services, list[int]], size: int) -> None:
    timed, made = spread
    seen: list[int] = []
    offset = 0
    while True:
        page = tasks.todo(timed, ANN, offset=offset, limit=size)
        assert page.total == 5
        assert (page.offset, page.limit) == (offset, size)
        if not page.items:
            break
        assert len(page.items) == min(size, 5 - offset)
        seen += ids(page)
        offset += size
    assert seen == list(reversed(made))  # newest first by default


def test_todo_paging_edges(spread: tuple[Services, list[int]]) -> None:
    timed, made = spread
    empty = tasks.todo(timed, RITA, limit=5)
    assert (empty.items, empty.total) == ([], 0)
    last = tasks.todo(timed, ANN, offset=4, limit=2, descending=False)
    assert (ids(last), last.total) == ([made[4]], 5)
    exact = tasks.todo(timed, ANN, offset=0, limit=5)
    assert (len(exact.items), exact.total) == (5, 5)
    after_exact = tasks.todo(timed, ANN, offset=5, limit=5)
    assert (after_exact.items, after_exact.total) == ([], 5)
    beyond = tasks.todo(timed, ANN, offset=100, limit=1000)
    assert (beyond.items, beyond.total) == ([], 5)
    # sorted otherwise than by creation: the other query, counted the same way
    sorted_last = tasks.todo(timed, ANN, offset=4, limit=2, sort="priority")
    assert (len(sorted_last.items), sorted_last.total) == (1, 5)
    sorted_beyond = tasks.todo(timed, ANN, offset=100, limit=5, sort="priority")
    assert (sorted_beyond.items, sorted_beyond.total) == ([], 5)


@pytest.mark.parametrize(
    ("paging", "field"),
    [
        ({"offset": -1}, "offset"),
        ({"limit": 0}, "limit"),
        ({"limit": 1001}, "limit"),
        ({"sort": "colour"}, "sort"),
    ],
)
def test_todo_and_done_refuse_bad_paging(
    services: Services, paging: dict[str, Any], field: str
) -> None:
    for read in (tasks.todo, tasks.done):
        with pytest.raises(Invalid) as refused:
            read(services, ANN, **paging)
        assert refused.value.details["field"] == field


def test_todo_sorts(services: Services) -> None:
    clock = Clock()
    timed = Services(services.db, clock=clock)
    deploy(timed, TRIPLE)
    first = start(timed, "triple", BOB)
    clock.now += timedelta(minutes=5)
    second = start(timed, "triple", BOB)

    def order(sort: str, descending: bool) -> list[tuple[int, str]]:
        page = tasks.todo(timed, ANN, sort=sort, descending=descending, limit=100)
        position = {first.id: 1, second.id: 2}
        return [(position[t.instance_id], t.node_id) for t in page.items]

    by_name = order("name", False)
    assert [node for _, node in by_name] == ["t_a", "t_a", "t_b", "t_b", "t_c", "t_c"]
    assert order("name", True) == list(reversed(by_name))
    assert [node for _, node in order("priority", True)] == [
        "t_a",
        "t_a",
        "t_c",
        "t_c",
        "t_b",
        "t_b",
    ]
    created = order("created", False)
    assert [case for case, _ in created] == [1, 1, 1, 2, 2, 2]
    assert [case for case, _ in order("created", True)] == [2, 2, 2, 1, 1, 1]
    assert order("created", True) == list(reversed(created))  # ties broken by id, both ways
    assert [case for case, _ in order("due", False)] in ([1, 1, 1, 2, 2, 2], [2, 2, 2, 1, 1, 1])


# -- done lists ------------------------------------------------------------------------------


def test_done_lists_what_the_user_completed_newest_first(services: Services) -> None:
    clock = Clock()
    timed = Services(services.db, clock=clock)
    deploy(timed, SIMPLE)
    deploy(timed, TRIPLE)
    finished = []
    for key in ("simple", "simple"):
        case = start(timed, key, BOB)
        clock.now += timedelta(minutes=1)
        finished.append(tasks.complete(timed, ANN, task_at(timed, case.id, "work").id).task.id)
    triple = start(timed, "triple", BOB)
    clock.now += timedelta(minutes=1)
    alpha = tasks.complete(timed, ANN, task_at(timed, triple.id, "t_a").id, outcome="ok").task
    page = tasks.done(timed, ANN)
    assert ids(page) == [alpha.id, finished[1], finished[0]]
    assert page.total == 3
    assert all(t.ended_by == "ann" and t.end_reason == "completed" for t in page.items)
    assert ids(tasks.done(timed, ANN, descending=False)) == [finished[0], finished[1], alpha.id]
    assert ids(tasks.done(timed, ANN, where=TaskFilter(process_key="triple"))) == [alpha.id]
    assert ids(tasks.done(timed, ANN, where=TaskFilter(instance_id=triple.id))) == [alpha.id]
    assert ids(tasks.done(timed, ANN, where=TaskFilter(node_id="work"), limit=1, offset=1)) == [
        finished[0]
    ]
    assert ids(tasks.done(timed, ANN, where=TaskFilter(name="Alp"))) == [alpha.id]
    assert tasks.done(timed, BOB).total == 0
    assert tasks.done(timed, ADMIN, user_id="ann").total == 3
    instances.terminate(timed, ADMIN, triple.id)
    assert tasks.done(timed, ANN).total == 3  # the cancelled siblings are not "done"
    assert tasks.done(timed, ADMIN, user_id="*").total == 3


# -- get_task -------------------------------------------------------------------------------


def test_get_task_for_candidates_assignee_owner_and_admins(
    services: Services, review: TaskView
) -> None:
    for who in (RITA, RON, ADMIN):
        assert tasks.get_task(services, who, review.id) == review
    for who in (BOB, DAVE, user("z", "other")):
        with pytest.raises(Forbidden):
            tasks.get_task(services, who, review.id)
    tasks.claim(services, RITA, review.id)
    tasks.delegate(services, RITA, review.id, "dave")
    assert tasks.get_task(services, DAVE, review.id).assignee == "dave"
    assert tasks.get_task(services, RITA, review.id).owner == "rita"  # the owner still sees it
    with pytest.raises(NotFound, match="424242"):
        tasks.get_task(services, ADMIN, 424242)


def test_get_task_for_the_completer_after_the_fact(services: Services, review: TaskView) -> None:
    tasks.complete(services, RON, review.id)
    done = tasks.get_task(services, RON, review.id)
    assert (done.ended_by, done.end_reason) == ("ron", "completed")
    assert done.ended_at is not None


# -- claim / unclaim -------------------------------------------------------------------------


def test_claim_makes_the_candidate_the_assignee(services: Services, review: TaskView) -> None:
    claimed = tasks.claim(services, RITA, review.id)
    assert (claimed.assignee, claimed.ended_at) == ("rita", None)
    assert claimed.claimed_at is not None
    assert tasks.get_task(services, ADMIN, review.id) == claimed
    assert operation_names(services, task_id=review.id) == ["claim"]


def test_claim_by_another_when_claimed_is_a_conflict(services: Services, review: TaskView) -> None:
    tasks.claim(services, RITA, review.id)
    with pytest.raises(Conflict, match="already claimed by rita"):
        tasks.claim(services, RON, review.id)
    assert tasks.get_task(services, ADMIN, review.id).assignee == "rita"


def test_claiming_a_task_one_already_holds_changes_nothing(
    services: Services, review: TaskView
) -> None:
    tasks.claim(services, RITA, review.id)
    assert tasks.claim(services, RITA, review.id).assignee == "rita"


def test_claim_by_a_non_candidate_is_forbidden(services: Services, review: TaskView) -> None:
    with pytest.raises(Forbidden):
        tasks.claim(services, BOB, review.id)
    assert tasks.get_task(services, ADMIN, review.id).assignee is None
    with pytest.raises(NotFound):
        tasks.claim(services, RITA, 424242)


def test_unclaim_gives_the_task_back_to_the_candidates(
    services: Services, review: TaskView
) -> None:
    tasks.claim(services, RITA, review.id)
    with pytest.raises(Forbidden):
        tasks.unclaim(services, RON, review.id)
    back = tasks.unclaim(services, RITA, review.id)
    assert (back.assignee, back.claimed_at) == (None, None)
    assert tasks.claim(services, RON, review.id).assignee == "ron"
    assert operation_names(services, task_id=review.id) == ["claim", "unclaim", "claim"]


# -- complete --------------------------------------------------------------------------------


def test_complete_answers_with_the_tasks_it_opened(services: Services, review: TaskView) -> None:
    completed = tasks.complete(services, RITA, review.id)
    assert completed.next_tasks == tasks.instance_tasks(services, ANN, review.instance_id, True)
    assert [t.node_id for t in completed.next_tasks] == ["sign"]
    last = tasks.complete(services, ADMIN, completed.next_tasks[0].id)
    assert last.next_tasks == []


def test_complete_with_variables_comment_and_outcome(services: Services, review: TaskView) -> None:
    done = tasks.complete(
        services, RITA, review.id, {"approved": True, "note": "fine"}, "Looks good", "approve"
    ).task
    assert (done.ended_by, done.end_reason) == ("rita", "completed")
    assert done.ended_at is not None
    assert task_row(services, review.id).outcome == "approve"
    variables = instances.get_variables(services, ANN, review.instance_id)
    assert (variables["approved"], variables["note"]) == (True, "fine")
    (comment,) = tasks.comments(services, RITA, review.id)
    assert (comment.user_id, comment.kind, comment.message) == ("rita", "comment", "Looks good")
    assert (comment.task_id, comment.instance_id) == (review.id, review.instance_id)
    assert open_nodes(services, review.instance_id) == ["sign"]
    assert done == tasks.get_task(services, ADMIN, review.id)
    (logged,) = operations(services, task_id=review.id)
    assert (logged.operation, logged.user_id, logged.instance_id) == (
        "complete",
        "rita",
        review.instance_id,
    )
    assert logged.details == {"variables": ["approved", "note"], "outcome": "approve"}


def test_a_candidate_by_group_completes_an_unassigned_task(
    services: Services, review: TaskView
) -> None:
    assert tasks.complete(services, RON, review.id).task.ended_by == "ron"


def test_complete_by_a_non_candidate_is_forbidden(services: Services, review: TaskView) -> None:
    with pytest.raises(Forbidden):
        tasks.complete(services, BOB, review.id)
    tasks.claim(services, RITA, review.id)
    with pytest.raises(Forbidden):  # a candidate, but rita holds it now
        tasks.complete(services, RON, review.id)
    assert open_nodes(services, review.instance_id) == ["review"]
    assert operation_names(services, task_id=review.id) == ["claim"]


def test_complete_of_an_unknown_task_is_not_found(services: Services) -> None:
    with pytest.raises(NotFound):
        tasks.complete(services, ADMIN, 424242)


def test_completing_twice_is_a_conflict_naming_the_completer(
    services: Services, review: TaskView
) -> None:
    tasks.claim(services, RITA, review.id)
    tasks.complete(services, RITA, review.id)
    with pytest.raises(Conflict, match="completed by rita"):
        tasks.complete(services, RITA, review.id)
    assert open_nodes(services, review.instance_id) == ["sign"]


def test_a_candidate_completing_a_task_another_candidate_completed_is_a_conflict(
    services: Services, review: TaskView
) -> None:
    tasks.complete(services, RITA, review.id)
    with pytest.raises(Conflict, match="completed by rita"):
        tasks.complete(services, RON, review.id)
    with pytest.raises(Conflict, match="completed by rita"):
        tasks.claim(services, RON, review.id)


def test_an_admin_completes_any_task(services: Services, review: TaskView) -> None:
    assert tasks.complete(services, ADMIN, review.id).task.ended_by == "root"


# -- delegate / resolve ----------------------------------------------------------------------


def test_delegate_then_complete_resolves_back_to_the_owner(
    services: Services, review: TaskView
) -> None:
    tasks.claim(services, RITA, review.id)
    delegated = tasks.delegate(services, RITA, review.id, "dave")
    assert (delegated.assignee, delegated.owner, delegated.delegation) == (
        "dave",
        "rita",
        "pending",
    )
    assert ids(tasks.todo(services, DAVE)) == [review.id]
    assert tasks.todo(services, RITA).total == 0
    resolution = tasks.complete(services, DAVE, review.id, {"checked": "yes"})
    resolved = resolution.task
    assert resolution.next_tasks == [resolved]  # back with its owner: the next task is itself
    assert (resolved.assignee, resolved.owner, resolved.delegation) == (
        "rita",
        "rita",
        "resolved",
    )
    assert resolved.ended_at is None
    assert open_nodes(services, review.instance_id) == ["review"]
    assert instances.get_variables(services, ANN, review.instance_id)["checked"] == "yes"
    assert ids(tasks.todo(services, RITA)) == [review.id]
    assert tasks.todo(services, DAVE).total == 0
    finished = tasks.complete(services, RITA, review.id).task
    assert finished.ended_by == "rita"
    assert open_nodes(services, review.instance_id) == ["sign"]
    assert operation_names(services, task_id=review.id) == [
        "claim",
        "delegate",
        "complete",
        "complete",
    ]


def test_resolve_hands_a_delegated_task_back(services: Services, review: TaskView) -> None:
    tasks.claim(services, RITA, review.id)
    with pytest.raises(Conflict, match="not delegated"):
        tasks.resolve(services, RITA, review.id)
    tasks.delegate(services, RITA, review.id, "dave")
    with pytest.raises(Forbidden):
        tasks.resolve(services, RITA, review.id)  # the owner waits for dave
    back = tasks.resolve(services, DAVE, review.id, {"seen": 1})
    assert (back.assignee, back.delegation) == ("rita", "resolved")
    assert operation_names(services, task_id=review.id)[-1] == "resolve"


def test_delegate_errors(services: Services, review: TaskView) -> None:
    with pytest.raises(Forbidden):
        tasks.delegate(services, BOB, review.id, "dave")
    with pytest.raises(Invalid):
        tasks.delegate(services, ADMIN, review.id, " ")
    with pytest.raises(NotFound):
        tasks.delegate(services, ADMIN, 424242, "dave")


# -- assign / reassign / assign_node ---------------------------------------------------------


def test_assign_transfers_the_task_for_good(services: Services, review: TaskView) -> None:
    tasks.claim(services, RITA, review.id)
    moved = tasks.assign(services, RITA, review.id, "bob")
    assert (moved.assignee, moved.owner, moved.delegation) == ("bob", None, None)
    assert ids(tasks.todo(services, BOB)) == [review.id]
    assert tasks.todo(services, RITA).total == 0
    with pytest.raises(Forbidden):
        tasks.complete(services, RITA, review.id)
    assert tasks.complete(services, BOB, review.id).task.ended_by == "bob"
    (logged,) = [r for r in operations(services, task_id=review.id) if r.operation == "assign"]
    assert (logged.user_id, logged.details) == ("rita", {"to": "bob"})


def test_assign_to_nobody_offers_the_task_to_its_candidates_again(
    services: Services, review: TaskView
) -> None:
    tasks.assign(services, ADMIN, review.id, "bob")
    assert tasks.todo(services, RITA).total == 0
    assert tasks.assign(services, ADMIN, review.id, None).assignee is None
    assert ids(tasks.todo(services, RITA)) == [review.id]


def test_assign_errors(services: Services, review: TaskView) -> None:
    with pytest.raises(Forbidden):
        tasks.assign(services, RITA, review.id, "bob")  # a candidate, not the holder
    with pytest.raises(Invalid):
        tasks.assign(services, ADMIN, review.id, "")
    with pytest.raises(NotFound):
        tasks.assign(services, ADMIN, 424242, "bob")
    tasks.complete(services, RITA, review.id)
    with pytest.raises(Conflict):
        tasks.assign(services, ADMIN, review.id, "bob")


def test_reassign_changes_the_participant(services: Services, review: TaskView) -> None:
    tasks.claim(services, RITA, review.id)
    view, changed = tasks.reassign(
        services, RITA, review.id, "bob", source="rita", description="on leave"
    )
    assert (view.assignee, changed) == ("bob", True)
    (logged,) = [r for r in operations(services, task_id=review.id) if r.operation == "reassign"]
    assert logged.user_description == "on leave"
    assert logged.details == {"from": "rita", "to": "bob"}


def test_reassign_to_the_current_holder_is_idempotent(services: Services, review: TaskView) -> None:
    tasks.assign(services, ADMIN, review.id, "bob")
    before = operation_names(services, task_id=review.id)
    view, changed = tasks.reassign(services, BOB, review.id, "bob", source="rita")
    assert (view.assignee, changed) == ("bob", False)
    assert operation_names(services, task_id=review.id) == before


def test_reassign_with_the_wrong_source_is_invalid(services: Services, review: TaskView) -> None:
    tasks.assign(services, ADMIN, review.id, "bob")
    with pytest.raises(Invalid, match="held by bob, not rita") as refused:
        tasks.reassign(services, ADMIN, review.id, "dave", source="rita")
    assert refused.value.details == {"field": "source"}
    assert tasks.get_task(services, ADMIN, review.id).assignee == "bob"


def test_reassign_errors(services: Services, review: TaskView) -> None:
    with pytest.raises(NotFound):
        tasks.reassign(services, ADMIN, 424242, "bob")
    with pytest.raises(Invalid):
        tasks.reassign(services, ADMIN, review.id, "")
    with pytest.raises(Forbidden):
        tasks.reassign(services, DAVE, review.id, "dave")
    tasks.complete(services, RITA, review.id)
    with pytest.raises(Conflict):
        tasks.reassign(services, ADMIN, review.id, "bob")


def test_assign_node_ahead_of_time(services: Services) -> None:
    deploy(services, APPROVAL)
    case = start(services, "approval", ANN)
    tasks.assign_node(services, ADMIN, case.id, "sign", "zoe")
    tasks.complete(services, ANN, task_at(services, case.id, "draft").id)
    tasks.complete(services, RITA, task_at(services, case.id, "review").id)
    assert task_at(services, case.id, "sign").assignee == "zoe"  # not boss
    assert operation_names(services, instance_id=case.id)[:2] == ["start", "assign-node"]


def test_assign_node_of_a_waiting_task_reassigns_it(services: Services, review: TaskView) -> None:
    tasks.assign_node(services, ADMIN, review.instance_id, "review", "dave")
    assert tasks.get_task(services, ADMIN, review.id).assignee == "dave"
    assert ids(tasks.todo(services, DAVE)) == [review.id]


def test_assign_node_errors(services: Services, review: TaskView) -> None:
    with pytest.raises(Forbidden):
        tasks.assign_node(services, ANN, review.instance_id, "sign", "zoe")
    with pytest.raises(NotFound):
        tasks.assign_node(services, ADMIN, 424242, "sign", "zoe")
    with pytest.raises(Invalid):
        tasks.assign_node(services, ADMIN, review.instance_id, "no_such_node", "zoe")
    instances.set_suspended(services, ADMIN, review.instance_id, True)
    with pytest.raises(Conflict):
        tasks.assign_node(services, ADMIN, review.instance_id, "sign", "zoe")
    instances.set_suspended(services, ADMIN, review.instance_id, False)
    deployments.set_definition_suspended(services, ADMIN, review.definition_id, True)
    with pytest.raises(Conflict, match="suspended"):
        tasks.assign_node(services, ADMIN, review.instance_id, "sign", "zoe")


# -- the operation log -----------------------------------------------------------------------


def test_every_state_change_writes_one_log_row_and_refusals_none(
    services: Services, review: TaskView
) -> None:
    steps: list[tuple[Actor, Callable[[], object], str]] = [
        (RITA, lambda: tasks.claim(services, RITA, review.id), "claim"),
        (RITA, lambda: tasks.unclaim(services, RITA, review.id), "unclaim"),
        (ADMIN, lambda: tasks.assign(services, ADMIN, review.id, "rita"), "assign"),
        (RITA, lambda: tasks.delegate(services, RITA, review.id, "dave"), "delegate"),
        (DAVE, lambda: tasks.resolve(services, DAVE, review.id), "resolve"),
        (RITA, lambda: tasks.reassign(services, RITA, review.id, "ron"), "reassign"),
        (RON, lambda: tasks.complete(services, RON, review.id), "complete"),
    ]
    for actor, step, name in steps:
        with pytest.raises((Forbidden, Conflict)):
            tasks.complete(services, BOB, review.id)
        with pytest.raises((Forbidden, Conflict)):
            tasks.claim(services, BOB, review.id)
        step()
        row = operations(services, task_id=review.id)[-1]
        assert (row.operation, row.user_id) == (name, actor.user_id)
        assert (row.task_id, row.instance_id) == (review.id, review.instance_id)
        assert row.at is not None
    assert operation_names(services, task_id=review.id) == [name for _, _, name in steps]


# -- times ---------------------------------------------------------------------------------


def test_times_come_back_as_the_clock_gave_them_timezone_aware(services: Services) -> None:
    clock = Clock()
    timed = Services(services.db, clock=clock)
    deploy(timed, SIMPLE)
    case = start(timed, "simple", BOB)
    clock.now = T0 + timedelta(minutes=5)
    done = tasks.complete(timed, ANN, task_at(timed, case.id, "work").id).task
    assert (done.created_at, done.ended_at) == (T0, T0 + timedelta(minutes=5))
    view = instances.get_instance(timed, BOB, case.id)
    assert (view.started_at, view.ended_at) == (T0, T0 + timedelta(minutes=5))
    assert all(a.started_at.tzinfo is not None for a in instances.history(timed, BOB, case.id))
