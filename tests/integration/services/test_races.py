"""Callers racing on one case, on SQLite (a file, so connections really contend) and on
PostgreSQL: a lost race is a Conflict, never another error, never a double completion; work
on different parts of one case at the same moment all succeeds."""

from __future__ import annotations

from collections import Counter
from functools import partial

import pytest

from lanes.services import instances, tasks
from lanes.services.context import Services
from lanes.services.errors import Conflict, Forbidden

from .helpers import (
    ADMIN,
    APPROVAL,
    COUNTERSIGN,
    deploy,
    leave_xml,
    open_nodes,
    open_tasks,
    operation_names,
    run_together,
    start,
    task_at,
    user,
    visited,
)

RACERS = 8


def only_conflicts(errors: list[BaseException]) -> None:
    unexpected = [e for e in errors if not isinstance(e, Conflict)]
    assert not unexpected, f"losers must get Conflict, got {[repr(e) for e in unexpected]}"


@pytest.fixture
def review(services: Services) -> tuple[int, int]:
    """(instance id, review task id) of an approval case whose draft is done."""
    deploy(services, APPROVAL)
    case = start(services, "approval", user("ann"))
    tasks.complete(services, user("ann"), task_at(services, case.id, "draft").id)
    return case.id, task_at(services, case.id, "review").id


def test_the_assignee_completing_one_task_from_eight_threads_completes_it_once(
    services: Services, review: tuple[int, int]
) -> None:
    case, task_id = review
    rita = user("rita")
    tasks.claim(services, rita, task_id)
    done, errors = run_together(
        [partial(tasks.complete, services, rita, task_id, {"n": n}) for n in range(RACERS)]
    )
    assert len(done) == 1
    assert len(errors) == RACERS - 1
    only_conflicts(errors)
    assert visited(services, case) == ["start", "draft", "review", "sign"]
    assert open_nodes(services, case) == ["sign"]
    assert operation_names(services, task_id=task_id) == ["claim", "complete"]
    assert instances.get_variables(services, ADMIN, case)["n"] in range(RACERS)


def test_losers_of_a_completion_race_are_told_who_completed_it(
    services: Services, review: tuple[int, int]
) -> None:
    _, task_id = review
    rita = user("rita")
    tasks.claim(services, rita, task_id)
    _, errors = run_together([lambda: tasks.complete(services, rita, task_id)] * RACERS)
    assert [str(e) for e in errors] == [f"task {task_id} has already ended (completed by rita)"] * (
        RACERS - 1
    )


def test_candidates_completing_one_task_at_once_complete_it_once(
    services: Services, review: tuple[int, int]
) -> None:
    case, task_id = review
    racers = [user(f"r{n}", "reviewers") for n in range(RACERS)]
    done, errors = run_together([partial(tasks.complete, services, who, task_id) for who in racers])
    assert len(done) == 1
    only_conflicts(errors)
    assert len(errors) == RACERS - 1
    assert visited(services, case).count("sign") == 1
    assert open_nodes(services, case) == ["sign"]
    assert tasks.get_task(services, ADMIN, task_id).ended_by == done[0].task.ended_by


def test_eight_candidates_claiming_one_task_make_one_winner(
    services: Services, review: tuple[int, int]
) -> None:
    case, task_id = review
    racers = [user(f"r{n}", "reviewers") for n in range(RACERS)]
    won, errors = run_together([partial(tasks.claim, services, who, task_id) for who in racers])
    assert len(won) == 1
    only_conflicts(errors)
    assert len(errors) == RACERS - 1
    winner = won[0].assignee
    assert all(f"already claimed by {winner}" in str(e) for e in errors)
    assert tasks.get_task(services, ADMIN, task_id).assignee == winner
    assert operation_names(services, task_id=task_id) == ["claim"]
    assert open_nodes(services, case) == ["review"]


def test_claim_and_complete_racing_on_one_task(services: Services, review: tuple[int, int]) -> None:
    case, task_id = review
    racers = [user(f"r{n}", "reviewers") for n in range(RACERS)]
    work = [
        partial(tasks.claim if n % 2 else tasks.complete, services, who, task_id)
        for n, who in enumerate(racers)
    ]
    _, errors = run_together(work)
    # a completer that finds the task claimed by another is not its holder any more: 403
    unexpected = [e for e in errors if not isinstance(e, (Conflict, Forbidden))]
    assert not unexpected, [repr(e) for e in unexpected]
    row = tasks.get_task(services, ADMIN, task_id)
    assert visited(services, case).count("sign") == (0 if row.ended_at is None else 1)
    assert open_nodes(services, case) == (["review"] if row.ended_at is None else ["sign"])


def test_a_transfer_racing_a_completion_never_lets_both_through(services: Services) -> None:
    """Whoever goes second must see the first one's change: if the task went to bob first,
    rita may no longer complete it; if rita completed it first, it cannot be transferred."""
    deploy(services, APPROVAL)
    rita = user("rita")
    for _ in range(6):
        case = start(services, "approval", user("ann"))
        tasks.complete(services, user("ann"), task_at(services, case.id, "draft").id)
        task_id = task_at(services, case.id, "review").id
        tasks.claim(services, rita, task_id)
        done, errors = run_together(
            [
                partial(tasks.complete, services, rita, task_id),
                partial(tasks.assign, services, rita, task_id, "bob"),
            ]
        )
        assert len(done) == 1, f"both went through: {[(t.assignee, t.ended_by) for t in done]}"
        (error,) = errors
        assert isinstance(error, (Conflict, Forbidden)), repr(error)
        row = tasks.get_task(services, ADMIN, task_id)
        if row.ended_at is None:  # the transfer won
            assert (row.assignee, isinstance(error, Forbidden)) == ("bob", True)
        else:
            assert (row.ended_by, isinstance(error, Conflict)) == ("rita", True)


@pytest.mark.parametrize("round_", range(3))
def test_approvers_finishing_parallel_branches_at_once_both_succeed(
    services: Services, round_: int
) -> None:
    deploy(services, leave_xml())
    case = start(services, "leave", user("ann"), variables={"days": 5})
    tasks.complete(services, user("ann"), task_at(services, case.id, "fill_form").id)
    manager = task_at(services, case.id, "manager_long")
    hr = task_at(services, case.id, "hr")
    done, errors = run_together(
        [
            lambda: tasks.complete(services, user("mia", "managers"), manager.id, {"m": True}),
            lambda: tasks.complete(services, user("hal", "hr"), hr.id, {"h": True}),
        ]
    )
    assert errors == []
    assert len(done) == 2
    path = Counter(visited(services, case.id))
    assert (path["join"], path["end"]) == (2, 1)  # one arrival per branch, one firing
    view = instances.get_instance(services, ADMIN, case.id)
    assert (view.status, view.end_node) == ("completed", "end")
    assert (view.variables["m"], view.variables["h"]) == (True, True)
    history = Counter(a.node_id for a in instances.history(services, ADMIN, case.id))
    assert history["end"] == 1


def test_every_countersigner_signing_at_once_succeeds_and_the_case_moves_on_once(
    services: Services,
) -> None:
    deploy(services, COUNTERSIGN)
    signers = [f"s{n}" for n in range(RACERS)]
    case = start(services, "cosign", variables={"signers": signers}).id
    mine = {t.assignee: t.id for t in open_tasks(services, case)}
    done, errors = run_together(
        [partial(tasks.complete, services, user(s), mine[s]) for s in signers]
    )
    assert errors == []
    assert len(done) == RACERS
    assert open_nodes(services, case) == ["archive"]
    assert Counter(visited(services, case))["archive"] == 1


def test_separate_cases_completed_at_once_all_succeed(services: Services) -> None:
    deploy(services, APPROVAL)
    ann = user("ann")
    cases = [start(services, "approval", ann).id for _ in range(RACERS)]
    drafts = [task_at(services, case, "draft").id for case in cases]
    done, errors = run_together([partial(tasks.complete, services, ann, t) for t in drafts])
    assert errors == []
    assert len(done) == RACERS
    assert all(open_nodes(services, case) == ["review"] for case in cases)
