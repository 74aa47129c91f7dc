"""Withdraw by case and user (services/withdrawals.py)."""

from __future__ import annotations

import pytest

from lanes.services import (
    tasks,
    withdrawals,
)
from lanes.services.context import Services
from lanes.services.errors import Conflict

from .helpers import (
    ADMIN,
    APPROVAL,
    deploy,
    open_nodes,
    start,
    task_at,
    user,
)

ANN = user("ann")
RITA = user("rita")


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
