"""Work items through the services: idempotent repeats (also when they race), the
reassign rules in their order, case names generated at start, and deleting a case."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import partial

import pytest

from lanes.services import instances, work_items
from lanes.services.context import Services
from lanes.services.errors import Forbidden, Invalid, NotFound
from lanes.services.query_filter import Comparison

from .helpers import (
    ADMIN,
    APPROVAL,
    deploy,
    model_xml,
    operation_names,
    operations,
    run_together,
    start,
    task_at,
    user,
)

QUOTE = model_xml(
    '<startEvent id="start"><messageEventDefinition messageRef="m"/></startEvent>'
    '<userTask id="handle" flowable:assignee="ann"/>'
    '<callActivity id="sub" calledElement="approval"/>'
    '<endEvent id="end"/>'
    '<sequenceFlow id="a" sourceRef="start" targetRef="handle"/>'
    '<sequenceFlow id="b" sourceRef="handle" targetRef="sub"/>'
    '<sequenceFlow id="c" sourceRef="sub" targetRef="end"/>',
    "quote",
    header='<message id="m" name="QuoteRequested"/>',
)
ANN, BOB = user("ann"), user("bob")


@pytest.fixture
def draft(services: Services) -> tuple[int, int]:
    """(case, its draft work item held by ann)."""
    deploy(services, APPROVAL)
    case = start(services, "approval", ANN)
    return case.id, task_at(services, case.id, "draft").id


def test_completing_from_eight_threads_answers_all_and_completes_once(
    services: Services, draft: tuple[int, int]
) -> None:
    case, task_id = draft
    done, errors = run_together(
        [partial(work_items.complete, services, ANN, case, task_id) for _ in range(8)]
    )
    assert errors == []
    assert {item.task.end_reason for item in done} == {"completed"}
    assert operation_names(services, task_id=task_id).count("complete") == 1
    assert task_at(services, case, "review") is not None


def test_reassign_checks_in_order(services: Services, draft: tuple[int, int]) -> None:
    case, task_id = draft
    with pytest.raises(NotFound):
        work_items.reassign(services, ANN, case + 1, task_id, "bob")
    with pytest.raises(Forbidden):
        work_items.reassign(services, BOB, case, task_id, "bob")
    with pytest.raises(Invalid, match="held by ann, not cy"):
        work_items.reassign(services, ANN, case, task_id, "bob", "cy")
    moved = work_items.reassign(services, ANN, case, task_id, "bob", "ann", "because")
    assert moved.task.assignee == "bob"
    rows = operations(services, task_id=task_id)
    assert [(r.operation, r.user_description) for r in rows] == [("reassign", "because")]
    # already done: bob asks again, with a Source that no longer fits: nothing happens
    again = work_items.reassign(services, BOB, case, task_id, "bob", "ann")
    assert again.task == moved.task
    assert len(operations(services, task_id=task_id)) == 1
    work_items.complete(services, BOB, case, task_id)
    with pytest.raises(Invalid, match="completed by bob"):
        work_items.reassign(services, ADMIN, case, task_id, "cy")


def test_allocate_takes_ready_items_once(services: Services, draft: tuple[int, int]) -> None:
    case, task_id = draft
    where = Comparison("instance_id", "=", case)
    taken = work_items.allocate(services, ANN, "ann", where, [], None)
    assert [(i.task.id, i.task.claimed_at is not None) for i in taken] == [(task_id, True)]
    assert work_items.allocate(services, ANN, "ann", where, [], None) == []
    with pytest.raises(Forbidden):
        work_items.allocate(services, ANN, "bob", where, [], None)


def test_cases_started_by_message_get_a_name_from_their_start_time(services: Services) -> None:
    services.clock = lambda: datetime(2016, 6, 9, 10, 32, 56, 259000, tzinfo=UTC)
    deploy(services, APPROVAL)
    deploy(services, QUOTE)

    def name(at: datetime) -> str:
        return f"case-{at:%H%M%S}-{at.microsecond // 1000}"

    case = instances.start_by_message(services, ANN, "quote", "QuoteRequested", name_case=name)
    assert case.business_key == "case-103256-259"
    named = instances.start_by_message(
        services, ANN, "quote", "QuoteRequested", business_key="Q-1", name_case=name
    )
    assert named.business_key == "Q-1"
    with pytest.raises(Invalid, match="no message start event"):
        instances.start_by_message(services, ANN, "quote", "Other")
    with pytest.raises(NotFound):
        instances.start_by_message(services, ANN, "nothing", "QuoteRequested")


def test_deleting_a_case_deletes_the_cases_it_called(services: Services) -> None:
    deploy(services, APPROVAL)
    deploy(services, QUOTE)
    case = instances.start_by_message(services, ANN, "quote", "QuoteRequested")
    work_items.complete(services, ANN, case.id, task_at(services, case.id, "handle").id)
    listed = instances.list_instances(services, ADMIN)
    assert len(listed.items) == 2  # the quote and the approval it called
    with pytest.raises(Forbidden):
        instances.delete_instance(services, ANN, case.id)
    assert instances.delete_instance(services, ADMIN, case.id, "cleanup") is True
    assert instances.list_instances(services, ADMIN).items == []
    assert instances.delete_instance(services, ADMIN, case.id) is False
    assert [(r.operation, r.user_description) for r in operations(services, instance_id=case.id)][
        -1
    ] == ("delete", "cleanup")
