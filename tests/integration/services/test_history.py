"""Task history and what a completion did (services/history.py)."""

from __future__ import annotations

import pytest

from lanes.services import (
    history,
    tasks,
)
from lanes.services.context import Services
from lanes.services.errors import Forbidden, NotFound

from .helpers import (
    APPROVAL,
    deploy,
    start,
    task_at,
    user,
)

ANN = user("ann")
BOB = user("bob")


def test_history_and_completion_of_a_task(services: Services) -> None:
    deploy(services, APPROVAL)
    case = start(services, "approval", ANN)
    draft = task_at(services, case.id, "draft")
    done = tasks.complete(services, ANN, draft.id, {"x": 1}, "looks fine", "ok").task
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
