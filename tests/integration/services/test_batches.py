"""Completing many tasks, each on its own (services/batches.py)."""

from __future__ import annotations

import pytest

from lanes.services import (
    batches,
    tasks,
)
from lanes.services.context import Services
from lanes.services.errors import Invalid

from .helpers import (
    ADMIN,
    COUNTERSIGN,
    deploy,
    open_nodes,
    start,
    user,
)

ANN = user("ann")


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
