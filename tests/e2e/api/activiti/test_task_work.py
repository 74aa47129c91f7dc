"""Working tasks through /todo-task: lists and paging, completing one or many,
delegating, reading a task and its definition."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.api.activiti.helpers import Act, error, ok_data, ok_list
from tests.e2e.support import one_task, two_tasks


def _todo(act: Act, headers: dict[str, str], query: str = "", **body: Any) -> Any:
    return ok_list(act.client.post(f"/todo-task{query}", headers=headers, json=body))


def test_todo_search_sees_candidate_group_tasks_and_filters(act: Act) -> None:
    ann = act.user("ann")
    cora = act.user("cora", ("checkers",))
    act.deploy(two_tasks())
    case = act.start("chain", ann, businessKey="K-1")
    act.complete(case["tasks"][0]["id"], ann)
    (task,) = _todo(act, cora)["data"]
    assert task["taskDefKey"] == "second" and task["candidateGroups"] == ["checkers"]
    assert "assignee" not in task
    assert _todo(act, cora, businessKey="K-1")["meta"]["count"] == 1
    assert _todo(act, cora, businessKey="other")["meta"]["count"] == 0
    assert _todo(act, cora, taskName="eco")["meta"]["count"] == 1
    assert _todo(act, cora, procInstId=case["procInstId"])["meta"]["count"] == 1
    assert _todo(act, ann)["meta"]["count"] == 0
    # another user's list is for administrators
    error(act.client.post("/todo-task", headers=ann, json={"userId": "cora"}), 403)
    assert _todo(act, act.admin, userId="cora")["meta"]["count"] == 1


@pytest.mark.parametrize(
    ("count", "size", "number", "rows", "pages"),
    [
        (0, 2, 1, 0, 0),  # empty
        (4, 2, 2, 2, 2),  # an exact multiple, last page
        (5, 2, 3, 1, 3),  # a short last page
        (5, 2, 1, 2, 3),  # the first of several
        (3, 2, 5, 0, 2),  # beyond the end
    ],
)
def test_paging_meta_and_links_agree_at_the_edges(
    act: Act, count: int, size: int, number: int, rows: int, pages: int
) -> None:
    ann = act.user("ann")
    act.deploy(one_task())
    for _ in range(count):
        act.start("review", ann)
    body = _todo(act, ann, f"?page.no={number}&page.size={size}")
    meta, links = body["meta"], body["links"]
    assert len(body["data"]) == rows
    assert meta == {
        "count": count,
        "pages": pages,
        "pageNo": number,
        "pageSize": size,
        "isFirstPage": number == 1,
        "hasPreviousPage": number > 1,
        "hasNextPage": number < pages,
        "isLastPage": number >= pages,
    }
    assert f"page.no={number}" in links["self"] and f"page.size={size}" in links["self"]
    assert "page.no=1" in links["first"]
    assert f"page.no={max(pages, 1)}" in links["last"]
    assert ("next" in links) == (number < pages)
    assert ("previous" in links) == (number > 1)
    # the body's paging wins over the query's
    same = _todo(act, ann, "?page.no=9&page.size=9", pageNo=number, pageSize=size)
    assert same["meta"] == meta


def test_pages_do_not_overlap_and_cover_the_list(act: Act) -> None:
    ann = act.user("ann")
    act.deploy(one_task())
    for _ in range(5):
        act.start("review", ann)
    seen = []
    for number in (1, 2, 3):
        seen += [t["id"] for t in _todo(act, ann, pageNo=number, pageSize=2)["data"]]
    assert len(seen) == len(set(seen)) == 5
    oldest_first = [t["id"] for t in _todo(act, ann, sort="createTime")["data"]]
    newest_first = [t["id"] for t in _todo(act, ann, sort="-createTime")["data"]]
    assert oldest_first == list(reversed(newest_first))


def test_batch_complete_reports_each_task_and_does_the_valid_ones(act: Act) -> None:
    ann, bob = act.user("ann"), act.user("bob")
    act.deploy(one_task())
    mine = [act.start("review", ann)["tasks"][0]["id"] for _ in range(2)]
    done_before = act.start("review", ann)["tasks"][0]["id"]
    act.complete(done_before, ann)
    foreign = act.start("review", bob)["tasks"][0]["id"]
    ids = [mine[0], done_before, foreign, "424242", mine[1]]
    response = act.client.post(
        "/todo-task/complete-batch",
        headers=ann,
        json={"taskIds": ids, "comment": "all good", "variables": {"ok": True}},
    )
    results = ok_list(response)["data"]
    assert [r["taskId"] for r in results] == ids
    by_id = {r["taskId"]: r for r in results}
    assert by_id[mine[0]]["success"] is True and by_id[mine[1]]["success"] is True
    assert "error" not in by_id[mine[0]] and by_id[mine[0]]["procInstId"]
    assert by_id[done_before]["error"]["code"] == "error.conflict"
    assert by_id[foreign]["error"]["code"] == "error.no-privilege"
    assert by_id["424242"]["error"]["code"] == "error.not-found"
    assert all(by_id[i]["success"] is False for i in (done_before, foreign, "424242"))
    done = _todo(act, ann)["data"]
    assert {t["id"] for t in done}.isdisjoint(mine)
    still = act.client.get(f"/todo-task/{foreign}", headers=bob)
    assert ok_data(still)["assignee"] == "bob"
    listed = ok_list(act.client.post("/todo-task/completed", headers=ann, json={}))["data"]
    assert {t["id"] for t in listed} == {*mine, done_before}
    assert all("deleteReason" not in t and t["duration"] >= 0 for t in listed)


def test_batch_complete_needs_one_to_five_hundred_ids(act: Act) -> None:
    for ids in ([], [str(i) for i in range(1, 502)], ["x"]):
        response = act.client.post(
            "/todo-task/complete-batch", headers=act.admin, json={"taskIds": ids}
        )
        error(response, 400, "error.validation")


def test_complete_answers_the_next_tasks_and_the_completed_node_reads_it_back(
    act: Act,
) -> None:
    ann = act.user("ann")
    act.deploy(two_tasks())
    case = act.start("chain", ann)
    first = case["tasks"][0]["id"]
    data = act.complete(first, ann, comment="fine", outcome="approve", command={"n": 1})
    assert data["taskId"] == first and data["taskDefKey"] == "first"
    assert data["comment"] == "fine" and data["outcome"] == "approve"
    assert data["variables"] == {"n": 1} and data["ended"] is False
    (nxt,) = data["nextTasks"]
    assert nxt["taskDefKey"] == "second"
    path = f"/todo-task/proc-inst/{case['procInstId']}/task/first"
    again = ok_data(act.client.get(path, headers=ann))
    assert again["taskId"] == first and again["comment"] == "fine"
    assert again["variables"] == {"n": 1} and again["nextTasks"][0]["id"] == nxt["id"]
    missing = f"/todo-task/proc-inst/{case['procInstId']}/task/second"
    error(act.client.get(missing, headers=ann), 404, "error.not-found")
    # completing again is a conflict; a finished task is no longer a running one
    error(act.client.post(f"/todo-task/{first}/complete", headers=ann, json={}), 409)
    error(act.client.get(f"/todo-task/{first}", headers=ann), 404, "error.not-found")


def test_a_delegated_task_completed_by_the_delegate_goes_back_to_its_owner(act: Act) -> None:
    ann, dan = act.user("ann"), act.user("dan")
    act.deploy(one_task())
    case = act.start("review", ann)
    task = case["tasks"][0]["id"]
    delegated = ok_data(act.client.get(f"/todo-task/{task}/delegate/dan", headers=ann))
    assert delegated == {"taskId": task, "owner": "ann", "assignee": "dan", "delegation": "PENDING"}
    error(act.client.post(f"/todo-task/{task}/complete", headers=ann, json={}), 403)
    resolved = act.complete(task, dan, variables={"checked": True})
    assert resolved["ended"] is False and "endTime" not in resolved
    (back,) = resolved["nextTasks"]
    assert back["id"] == task and back["assignee"] == "ann" and back["delegation"] == "RESOLVED"
    assert act.complete(task, ann)["ended"] is True
    # POST delegates too
    other = act.start("review", ann)["tasks"][0]["id"]
    posted = ok_data(act.client.post(f"/todo-task/{other}/delegate/dan", headers=ann))
    assert posted["assignee"] == "dan"


def test_a_task_and_its_definition_are_for_those_who_may_see_it(act: Act) -> None:
    ann, bob = act.user("ann"), act.user("bob")
    deployed = act.deploy(one_task())["processDefinitions"][0]
    task = act.start("review", ann)["tasks"][0]["id"]
    found = ok_data(act.client.get(f"/todo-task/{task}", headers=ann))
    assert found["id"] == task and found["procDefId"] == deployed["id"]
    definition = ok_data(act.client.get(f"/todo-task/{task}/process-definition", headers=ann))
    assert definition["id"] == deployed["id"] and definition["key"] == "review"
    assert definition["version"] == 1 and definition["suspensionState"] == 1
    assert definition["hasGraphicalNotation"] is False and "dgrmResourceName" not in definition
    for path in ("", "/process-definition", "/gateway", "/next-node"):
        error(act.client.get(f"/todo-task/{task}{path}", headers=bob), 403, "error.no-privilege")
        error(act.client.get(f"/todo-task/424242{path}", headers=ann), 404, "error.not-found")


def test_a_candidate_of_an_unassigned_task_may_delegate_it_and_becomes_its_owner(
    act: Act,
) -> None:
    ann = act.user("ann")
    cora, olga = act.user("cora", ("checkers",)), act.user("olga")
    act.deploy(two_tasks())
    case = act.start("chain", ann)
    act.complete(case["tasks"][0]["id"], ann)
    second = act.task_at(case["procInstId"], "second")["id"]
    error(act.client.get(f"/todo-task/{second}/delegate/dan", headers=olga), 403)
    delegated = ok_data(act.client.get(f"/todo-task/{second}/delegate/dan", headers=cora))
    assert delegated["owner"] == "cora" and delegated["assignee"] == "dan"
    dan = act.user("dan")
    (back,) = act.complete(second, dan)["nextTasks"]
    assert back["assignee"] == "cora"
