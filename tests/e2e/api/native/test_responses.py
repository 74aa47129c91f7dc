"""The busiest routes serialise the services' views directly: the JSON must be what
their response models would give."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from lanes.api.native.responses import json_of
from lanes.api.native.schemas import CompletedOut, StartedOut, TaskPage, flat
from lanes.services.views import InstanceView, Page, TaskView

NOW = datetime(2026, 11, 29, 22, 57, 50, 461512, tzinfo=UTC)


def task(task_id: int) -> TaskView:
    return TaskView(
        task_id, 7, 2, "leave", "BK-1", "review", "Review 審査", "ann", "bob", "pending",
        "form", 50, NOW, NOW, NOW, None, None, None, ["rita"], ["managers"], "ok",
    )  # fmt: skip


def test_a_completion_serialises_as_its_response_model_would() -> None:
    value = flat(task(1), next_tasks=[task(2), task(3)])
    response = json_of(value)
    assert response.status_code == 200
    assert response.media_type == "application/json"
    expected = CompletedOut.model_validate(value).model_dump(mode="json")
    assert json.loads(response.body) == expected


def test_a_start_serialises_as_its_response_model_would() -> None:
    instance = InstanceView(
        7, 2, "leave", None, "active", False, NOW, "ann", None, None, None, None,
        {"days": 5, "big": 2**62, "nested": {"list": [1.5, None, "ü"]}}, ["review"],
    )  # fmt: skip
    value = flat(instance, tasks=[task(2)])
    response = json_of(value, status_code=201)
    assert response.status_code == 201
    assert json.loads(response.body) == StartedOut.model_validate(value).model_dump(mode="json")


def test_a_to_do_page_serialises_as_its_response_model_would() -> None:
    page = Page([task(1), task(2)], 4000, 20, 2)
    response = json_of(page)
    assert json.loads(response.body) == TaskPage.model_validate(page).model_dump(mode="json")
