"""To-do and done lists, and reading one task, through /api/v1/tasks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from tests.e2e.support import Api, Headers, error_of, one_task


@pytest.fixture
def people(api: Api) -> dict[str, Headers]:
    api.deploy_leave()
    return {
        "ann": api.user("ann"),
        "bob": api.user("bob"),
        "mia": api.user("mia", ["managers"]),
        "hal": api.user("hal", ["hr"]),
    }


def fill(api: Api, who: Headers, instance: dict[str, Any]) -> None:
    api.complete(api.open_task(instance["id"], "fill_form")["id"], who)


def test_the_to_do_list_holds_assigned_and_candidate_tasks(
    api: Api, people: dict[str, Headers]
) -> None:
    ann, mia, hal = people["ann"], people["mia"], people["hal"]
    instance = api.start("leave", ann, variables={"days": 5})
    [own] = api.todo(ann)
    assert (own["node_id"], own["assignee"]) == ("fill_form", "ann")
    assert api.todo(mia) == []
    fill(api, ann, instance)
    [manager] = api.todo(mia)
    assert manager["node_id"] == "manager_long"
    assert manager["assignee"] is None
    assert manager["candidate_groups"] == ["managers"]
    assert [t["node_id"] for t in api.todo(hal)] == ["hr"]
    assert api.todo(ann) == []
    assert api.todo(people["bob"]) == []


def test_a_claimed_task_leaves_the_other_candidates_lists(
    api: Api, people: dict[str, Headers]
) -> None:
    other = api.user("max", ["managers"])
    instance = api.start("leave", people["ann"], variables={"days": 1})
    fill(api, people["ann"], instance)
    [task] = api.todo(other)
    api.post(f"/tasks/{task['id']}/claim", people["mia"])
    assert api.todo(other) == []
    assert [t["id"] for t in api.todo(people["mia"])] == [task["id"]]


def test_an_admin_reads_anyones_list_or_every_open_task(
    api: Api, people: dict[str, Headers]
) -> None:
    api.start("leave", people["ann"])
    api.start("leave", people["bob"])
    anns = api.todo(api.admin, user_id="ann")
    assert [t["assignee"] for t in anns] == ["ann"]
    every = api.get("/tasks", api.admin, params={"user_id": "*"}).json()
    assert every["total"] == 2
    assert api.todo(api.admin) == []  # the admin's own list


def test_an_admin_reads_a_users_candidate_tasks_too(api: Api, people: dict[str, Headers]) -> None:
    instance = api.start("leave", people["ann"], variables={"days": 1})
    fill(api, people["ann"], instance)
    mias = api.todo(api.admin, user_id="mia")
    assert [t["node_id"] for t in mias] == ["manager_short"]


def test_a_user_cannot_read_someone_elses_list(api: Api, people: dict[str, Headers]) -> None:
    for path in ("/tasks", "/tasks/done"):
        response = api.get(path, people["bob"], params={"user_id": "ann"})
        assert response.status_code == 403, path
        assert error_of(response)["code"] == "forbidden"
        assert api.get(path, people["bob"], params={"user_id": "bob"}).status_code == 200
        assert api.get(path).status_code == 401


def test_the_to_do_list_filters(api: Api, people: dict[str, Headers]) -> None:
    ann = people["ann"]
    api.deploy(one_task("review"))
    first = api.start("leave", ann, business_key="LR-1")
    api.start("leave", ann, business_key="LR-2")
    api.start("review", ann, business_key="RV-1")

    def keys(**params: Any) -> list[str]:
        return sorted(t["business_key"] for t in api.todo(ann, **params))

    assert keys() == ["LR-1", "LR-2", "RV-1"]
    assert keys(process_key="leave") == ["LR-1", "LR-2"]
    assert keys(process_instance_id=first["id"]) == ["LR-1"]
    assert keys(business_key="RV-1") == ["RV-1"]
    assert keys(name="leave form") == ["LR-1", "LR-2"]
    assert keys(name="100%_") == []
    assert keys(node_id="work") == ["RV-1"]
    now = datetime.now(UTC)
    assert keys(created_after=(now - timedelta(hours=1)).isoformat()) == ["LR-1", "LR-2", "RV-1"]
    assert keys(created_after=(now + timedelta(hours=1)).isoformat()) == []
    assert keys(created_before=(now - timedelta(hours=1)).isoformat()) == []
    in_another_zone = (now + timedelta(hours=1)).astimezone(timezone(timedelta(hours=5)))
    assert keys(created_before=in_another_zone.isoformat()) == ["LR-1", "LR-2", "RV-1"]


def test_the_to_do_list_sorts_and_pages(api: Api, people: dict[str, Headers]) -> None:
    ann = people["ann"]
    for n in range(5):
        api.start("leave", ann, business_key=f"LR-{n}")
    newest_first = [t["business_key"] for t in api.todo(ann)]
    assert newest_first == ["LR-4", "LR-3", "LR-2", "LR-1", "LR-0"]
    oldest_first = [t["business_key"] for t in api.todo(ann, order="asc")]
    assert oldest_first == list(reversed(newest_first))
    page = api.get("/tasks", ann, params={"offset": 1, "limit": 2, "order": "asc"}).json()
    assert (page["total"], page["offset"], page["limit"]) == (5, 1, 2)
    assert [t["business_key"] for t in page["items"]] == ["LR-1", "LR-2"]
    by_name = api.todo(ann, sort="name", order="asc")
    assert len(by_name) == 5


def test_list_parameters_are_checked(api: Api, people: dict[str, Headers]) -> None:
    ann = people["ann"]
    for params in (
        {"sort": "colour"},
        {"order": "sideways"},
        {"limit": 0},
        {"limit": 5000},
        {"offset": -3},
        {"process_instance_id": "abc"},
        {"created_after": "last tuesday"},
        {"created_after": "0001-01-01T00:00:00+14:00"},
    ):
        for path in ("/tasks", "/tasks/done"):
            if path == "/tasks/done" and "created_after" in params:
                continue
            response = api.get(path, ann, params=params)
            assert response.status_code == 422, (path, params)
            assert error_of(response)["code"] == "validation_failed"


def test_the_done_list_holds_what_the_user_completed(api: Api, people: dict[str, Headers]) -> None:
    ann, mia = people["ann"], people["mia"]
    instance = api.start("leave", ann, variables={"days": 1}, business_key="LR-9")
    fill(api, ann, instance)
    done = api.get("/tasks/done", ann).json()
    assert done["total"] == 1
    [task] = done["items"]
    assert (task["node_id"], task["ended_by"], task["end_reason"]) == (
        "fill_form",
        "ann",
        "completed",
    )
    assert api.get("/tasks/done", mia).json()["total"] == 0
    by_admin = api.get("/tasks/done", api.admin, params={"user_id": "ann"}).json()
    assert by_admin["total"] == 1
    filtered = api.get(
        "/tasks/done", ann, params={"business_key": "LR-0", "process_key": "leave"}
    ).json()
    assert filtered["total"] == 0
    oldest = api.get("/tasks/done", ann, params={"sort": "created", "order": "asc"}).json()
    assert oldest["total"] == 1


def test_a_task_is_read_by_its_assignee_candidates_and_admins(
    api: Api, people: dict[str, Headers]
) -> None:
    ann, mia, bob = people["ann"], people["mia"], people["bob"]
    instance = api.start("leave", ann, variables={"days": 1})
    own = api.open_task(instance["id"], "fill_form")
    assert api.get(f"/tasks/{own['id']}", ann).json() == own
    assert api.get(f"/tasks/{own['id']}", bob).status_code == 403
    fill(api, ann, instance)
    assert api.get(f"/tasks/{own['id']}", ann).json()["ended_by"] == "ann"  # still readable
    offered = api.open_task(instance["id"], "manager_short")
    assert api.get(f"/tasks/{offered['id']}", mia).status_code == 200
    assert api.get(f"/tasks/{offered['id']}", api.admin).status_code == 200
    assert api.get(f"/tasks/{offered['id']}", bob).status_code == 403
    assert api.get(f"/tasks/{offered['id']}").status_code == 401
    assert api.get("/tasks/999999", api.admin).status_code == 404
    assert api.get("/tasks/abc", api.admin).status_code == 422
