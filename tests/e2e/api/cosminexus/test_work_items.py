"""The work-item endpoints, each in XML and JSON: success, refusals, idempotent
repeats, and who may call them."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import select

from lanes.store import tables as t
from tests.e2e.api.cosminexus.conftest import Case, People, instance_version, operations
from tests.e2e.api.cosminexus.support import WORK_ITEM_FIELDS, Cosminexus, list_of
from tests.e2e.support import Api

SEED = {"UserDescription": "csciwuser", "Source": "User001", "Target": "User002"}


def _ok(cx: Cosminexus, response: Any, fmt: str) -> dict[str, str]:
    assert response.status_code == 200, response.text
    fields = cx.fields(response, fmt)
    assert list(fields) == WORK_ITEM_FIELDS
    return fields


def _refused(cx: Cosminexus, response: Any, fmt: str, status: int, words: str = "") -> str:
    assert response.status_code == status, response.text
    message = cx.error(response, fmt)["Message"]
    assert words in message, message
    return message


# -- GET -----------------------------------------------------------------------------------


def test_get_work_item(cx: Cosminexus, people: People, case: Case, fmt: str) -> None:
    fields = _ok(cx, cx.call("GET", case.path(), people.user001, fmt), fmt)
    assert fields["ID"] == case.work_id
    assert fields["Participant"] == "User001"
    assert fields["StateCode"] == "j"
    assert fields["Name"] == "Handle quotation"


def test_get_work_item_refusals(cx: Cosminexus, people: People, case: Case, fmt: str) -> None:
    _refused(cx, cx.call("GET", f"/work-item/{case.id}/999999", people.admin, fmt), fmt, 404)
    _refused(cx, cx.call("GET", f"/work-item/999999/{case.work_id}", people.admin, fmt), fmt, 404)
    _refused(cx, cx.call("GET", f"/work-item/abc/{case.work_id}", people.admin, fmt), fmt, 400)
    _refused(cx, cx.call("GET", f"/work-item/{case.id}/-1", people.admin, fmt), fmt, 400)
    _refused(cx, cx.call("GET", case.path(), people.outsider, fmt), fmt, 403)
    _refused(cx, cx.call("GET", case.path(), {}, fmt), fmt, 401)
    response = cx.call("GET", case.path() + "?userdescription=", people.admin, fmt)
    _refused(cx, response, fmt, 400, "userdescription")


# -- reassign ------------------------------------------------------------------------------


def test_reassign_changes_the_participant_and_logs_the_description(
    app: FastAPI, cx: Cosminexus, people: People, case: Case, fmt: str
) -> None:
    fields = _ok(cx, cx.call("PUT", case.path("reassign"), people.user001, fmt, SEED), fmt)
    assert (fields["Participant"], fields["StateCode"]) == ("User002", "j")
    logged = [r for r in operations(app, case.id) if r.operation == "reassign"]
    assert [(r.user_id, r.user_description, r.task_id) for r in logged] == [
        ("User001", "csciwuser", int(case.work_id))
    ]


def test_reassign_already_done_comes_first_whatever_source_says(
    app: FastAPI, cx: Cosminexus, people: People, case: Case, fmt: str
) -> None:
    _ok(cx, cx.call("PUT", case.path("reassign"), people.user001, fmt, SEED), fmt)
    rows, version = len(operations(app, case.id)), instance_version(app, case.id)
    # the very same request again (User001 no longer holds it), then with another Source
    for body in (SEED, {**SEED, "Source": "Somebody"}):
        fields = _ok(cx, cx.call("PUT", case.path("reassign"), people.user002, fmt, body), fmt)
        assert fields["Participant"] == "User002"
    assert len(operations(app, case.id)) == rows
    assert instance_version(app, case.id) == version


def test_reassign_with_a_wrong_source_is_400(
    app: FastAPI, cx: Cosminexus, people: People, case: Case, fmt: str
) -> None:
    body = {"Source": "User009", "Target": "User002"}
    _refused(
        cx, cx.call("PUT", case.path("reassign"), people.user001, fmt, body), fmt, 400, "User009"
    )
    assert (
        cx.fields(cx.call("GET", case.path(), people.admin, fmt), fmt)["Participant"] == "User001"
    )
    assert not [r for r in operations(app, case.id) if r.operation == "reassign"]


@pytest.mark.parametrize("field", ["UserDescription", "Source", "Target"])
def test_reassign_refuses_empty_strings(
    cx: Cosminexus, people: People, case: Case, fmt: str, field: str
) -> None:
    body = {**SEED, field: ""}
    _refused(cx, cx.call("PUT", case.path("reassign"), people.user001, fmt, body), fmt, 400, field)


def test_reassign_refuses_unknown_fields(
    cx: Cosminexus, people: People, case: Case, fmt: str
) -> None:
    body = {**SEED, "Targte": "x"}
    _refused(
        cx, cx.call("PUT", case.path("reassign"), people.user001, fmt, body), fmt, 400, "Targte"
    )


def test_reassign_of_an_ended_work_item_is_400_with_the_reason(
    cx: Cosminexus, people: People, case: Case, fmt: str
) -> None:
    _ok(cx, cx.call("PUT", case.path("complete"), people.user001, fmt), fmt)
    message = _refused(
        cx, cx.call("PUT", case.path("reassign"), people.admin, fmt, SEED), fmt, 400, "ended"
    )
    assert "completed by User001" in message


def test_reassign_refusals(cx: Cosminexus, people: People, case: Case, fmt: str) -> None:
    missing = f"/work-item/{case.id}/999999/reassign"
    _refused(cx, cx.call("PUT", missing, people.admin, fmt, SEED), fmt, 404)
    wrong_case = f"/work-item/999999/{case.work_id}/reassign"
    _refused(cx, cx.call("PUT", wrong_case, people.admin, fmt, SEED), fmt, 404)
    _refused(cx, cx.call("PUT", case.path("reassign"), {}, fmt, SEED), fmt, 401)
    _refused(cx, cx.call("PUT", case.path("reassign"), people.outsider, fmt, SEED), fmt, 403)
    # User002 is a candidate (sales) but User001 holds it
    _refused(cx, cx.call("PUT", case.path("reassign"), people.user002, fmt, SEED), fmt, 403)


def test_admin_may_reassign(cx: Cosminexus, people: People, case: Case, fmt: str) -> None:
    body = {"Target": "Mana"}
    assert (
        _ok(cx, cx.call("PUT", case.path("reassign"), people.admin, fmt, body), fmt)["Participant"]
        == "Mana"
    )


# -- reassign-and-perform, free ------------------------------------------------------------


def test_reassign_and_perform_starts_performing_and_sets_variables(
    api: Api, app: FastAPI, cx: Cosminexus, people: People, case: Case, fmt: str
) -> None:
    body = {"Target": "User002", "ProcessDataList": [("amount", "1200")]}
    fields = _ok(
        cx, cx.call("PUT", case.path("reassign-and-perform"), people.user001, fmt, body), fmt
    )
    assert (fields["Participant"], fields["StateCode"]) == ("User002", "f")
    assert fields["StartDate"]
    variables = api.get(f"/process-instances/{case.id}/variables", api.admin).json()
    assert variables["amount"] == "1200"
    rows = len(operations(app, case.id))
    again = _ok(
        cx, cx.call("PUT", case.path("reassign-and-perform"), people.user002, fmt, body), fmt
    )
    assert again == fields
    assert len(operations(app, case.id)) == rows


def test_reassign_and_perform_without_target_performs_for_the_caller(
    cx: Cosminexus, people: People, case: Case, fmt: str
) -> None:
    response = cx.call("PUT", case.path("reassign-and-perform"), people.user001, fmt)
    fields = _ok(cx, response, fmt)
    assert (fields["Participant"], fields["StateCode"]) == ("User001", "f")


def test_reassign_and_perform_refusals(
    cx: Cosminexus, people: People, case: Case, fmt: str
) -> None:
    path = case.path("reassign-and-perform")
    _refused(cx, cx.call("PUT", path, people.user001, fmt, {"Target": ""}), fmt, 400)
    _refused(
        cx, cx.call("PUT", path, people.user001, fmt, {"Source": "X", "Target": "Y"}), fmt, 400
    )
    bad_data = {"ProcessDataList": [("", "1")]}
    _refused(cx, cx.call("PUT", path, people.user001, fmt, bad_data), fmt, 400)
    _refused(
        cx,
        cx.call("PUT", f"/work-item/{case.id}/999999/reassign-and-perform", people.admin, fmt),
        fmt,
        404,
    )
    _refused(cx, cx.call("PUT", path, people.outsider, fmt), fmt, 403)
    _refused(cx, cx.call("PUT", path, {}, fmt), fmt, 401)


def test_free_gives_back_and_repeats_quietly(
    app: FastAPI, cx: Cosminexus, people: People, case: Case, fmt: str
) -> None:
    _ok(cx, cx.call("PUT", case.path("reassign-and-perform"), people.user001, fmt), fmt)
    fields = _ok(
        cx, cx.call("PUT", case.path("free"), people.user001, fmt, {"UserDescription": "back"}), fmt
    )
    assert (fields["Participant"], fields["StateCode"], fields["StartDate"]) == ("", "j", "")
    rows = len(operations(app, case.id))
    assert _ok(cx, cx.call("PUT", case.path("free"), people.user001, fmt), fmt) == fields
    assert len(operations(app, case.id)) == rows
    logged = [r.user_description for r in operations(app, case.id) if r.operation == "free"]
    assert logged == ["back"]


def test_free_refusals(cx: Cosminexus, people: People, case: Case, fmt: str) -> None:
    _ok(cx, cx.call("PUT", case.path("reassign-and-perform"), people.user001, fmt), fmt)
    _refused(cx, cx.call("PUT", case.path("free"), people.user002, fmt), fmt, 403)
    _refused(cx, cx.call("PUT", case.path("free"), people.outsider, fmt), fmt, 403)
    _refused(cx, cx.call("PUT", case.path("free"), {}, fmt), fmt, 401)
    _refused(
        cx,
        cx.call("PUT", case.path("free"), people.user001, fmt, {"UserDescription": ""}),
        fmt,
        400,
    )
    _refused(cx, cx.call("PUT", f"/work-item/{case.id}/999999/free", people.admin, fmt), fmt, 404)


# -- complete ------------------------------------------------------------------------------


def test_complete_twice_completes_once(
    api: Api, app: FastAPI, cx: Cosminexus, people: People, case: Case, fmt: str
) -> None:
    body = {"UserDescription": "done", "ProcessDataList": [("approved", "yes")]}
    first = _ok(cx, cx.call("PUT", case.path("complete"), people.user001, fmt, body), fmt)
    assert first["StateCode"] == "o" and first["ClosedDate"]
    rows = len(operations(app, case.id))
    second = _ok(cx, cx.call("PUT", case.path("complete"), people.user001, fmt, body), fmt)
    assert second == first
    assert len(operations(app, case.id)) == rows
    completions = [r for r in operations(app, case.id) if r.operation == "complete"]
    assert [r.user_description for r in completions] == ["done"]
    approve = api.open_task(int(case.id), "Approve")  # exactly one next task
    assert approve["candidate_groups"] == ["managers"]
    assert api.get(f"/process-instances/{case.id}/variables", api.admin).json()["approved"] == "yes"


def test_complete_refusals(cx: Cosminexus, people: People, case: Case, fmt: str) -> None:
    path = case.path("complete")
    _refused(cx, cx.call("PUT", path, people.outsider, fmt), fmt, 403)
    _refused(cx, cx.call("PUT", path, people.user002, fmt), fmt, 403)  # held by User001
    _refused(cx, cx.call("PUT", path, {}, fmt), fmt, 401)
    _refused(cx, cx.call("PUT", path, people.user001, fmt, {"UserDescription": ""}), fmt, 400)
    _refused(cx, cx.call("PUT", path, people.user001, fmt, {"Comment": "x"}), fmt, 400)
    _refused(
        cx, cx.call("PUT", f"/work-item/{case.id}/999999/complete", people.admin, fmt), fmt, 404
    )


# -- allocate ------------------------------------------------------------------------------


def test_allocate_takes_ready_items_matching_the_filter(
    cx: Cosminexus, people: People, fmt: str
) -> None:
    cases = [cx.start_quotation(people.user001) for _ in range(3)]
    body = {
        "Filter": "Participant = 'User001' AND WorkDefinitionName = 'QuotationHandling_UTask1'",
        "Sort": "ProcessInstanceID DESC",
        "FetchCount": "2",
        "Participant": "User001",
        "UserDescription": "morning",
    }
    response = cx.call("PUT", "/work-item/allocate", people.user001, fmt, body)
    assert response.status_code == 200, response.text
    items = list_of(response, fmt, "WorkItemList", "WorkItem")
    assert [i["ProcessInstanceID"] for i in items] == [cases[2]["ID"], cases[1]["ID"]]
    assert {(i["Participant"], i["StateCode"]) for i in items} == {("User001", "f")}
    # the same again: the third is the only ready one left
    again = list_of(
        cx.call("PUT", "/work-item/allocate", people.user001, fmt, body),
        fmt,
        "WorkItemList",
        "WorkItem",
    )
    assert [i["ProcessInstanceID"] for i in again] == [cases[0]["ID"]]
    none_left = cx.call("PUT", "/work-item/allocate", people.user001, fmt, body)
    assert list_of(none_left, fmt, "WorkItemList", "WorkItem") == []


def test_allocate_refusals(cx: Cosminexus, people: People, case: Case, fmt: str) -> None:
    path = "/work-item/allocate"
    _refused(cx, cx.call("PUT", path, people.user001, fmt, {"Participant": "User002"}), fmt, 403)
    _refused(cx, cx.call("PUT", path, {}, fmt, {"Participant": "User001"}), fmt, 401)
    message = _refused(
        cx, cx.call("PUT", path, people.user001, fmt, {"Filter": "Participant = "}), fmt, 400
    )
    assert "position 14" in message
    _refused(cx, cx.call("PUT", path, people.user001, fmt, {"Filter": "Age = 3"}), fmt, 400, "Age")
    _refused(cx, cx.call("PUT", path, people.user001, fmt, {"FetchCount": "0"}), fmt, 400)
    _refused(cx, cx.call("PUT", path, people.user001, fmt, {"FetchCount": "many"}), fmt, 400)
    _refused(cx, cx.call("PUT", path, people.user001, fmt, {"Sort": "ID SIDEWAYS"}), fmt, 400)


def test_outsider_allocates_nothing(cx: Cosminexus, people: People, case: Case, fmt: str) -> None:
    response = cx.call("PUT", "/work-item/allocate", people.outsider, fmt)
    assert list_of(response, fmt, "WorkItemList", "WorkItem") == []


# -- set-deadline --------------------------------------------------------------------------


def test_set_deadline_moves_the_timer(
    app: FastAPI, cx: Cosminexus, people: People, case: Case, fmt: str
) -> None:
    body = {"Deadline": "2031-04-01T09:00:00+09:00", "UserDescription": "later"}
    _ok(cx, cx.call("PUT", case.path("timer/set-deadline"), people.user001, fmt, body), fmt)
    assert _timer_dues(app, case.id) == [datetime(2031, 4, 1, 0, 0, tzinfo=UTC)]
    logged = [r.user_description for r in operations(app, case.id) if r.operation == "set-deadline"]
    assert logged == ["later"]
    rows = len(operations(app, case.id))
    again = cx.call("PUT", case.path("timer/set-deadline"), people.user001, fmt, body)
    assert again.status_code == 200
    assert len(operations(app, case.id)) == rows
    assert _timer_dues(app, case.id) == [datetime(2031, 4, 1, 0, 0, tzinfo=UTC)]


def _timer_dues(app: FastAPI, case_id: str) -> list[datetime]:
    with app.state.services.db.read() as conn:
        rows = conn.execute(
            select(t.job.c.due_at).where(
                t.job.c.instance_id == int(case_id), t.job.c.node_id == "late"
            )
        ).scalars()
        return list(rows)


def test_set_deadline_refusals(cx: Cosminexus, people: People, case: Case, fmt: str) -> None:
    path = case.path("timer/set-deadline")
    _refused(cx, cx.call("PUT", path, people.user001, fmt), fmt, 400, "Deadline")
    _refused(cx, cx.call("PUT", path, people.user001, fmt, {"Deadline": "tomorrow"}), fmt, 400)
    _refused(
        cx,
        cx.call("PUT", path, people.user001, fmt, {"Deadline": "2031-04-01T09:00:00"}),
        fmt,
        400,
        "offset",
    )
    body = {"Deadline": "2031-04-01T09:00:00+09:00"}
    _refused(cx, cx.call("PUT", path, people.outsider, fmt, body), fmt, 403)
    _refused(cx, cx.call("PUT", path, {}, fmt, body), fmt, 401)
    _refused(
        cx,
        cx.call("PUT", f"/work-item/{case.id}/999999/timer/set-deadline", people.admin, fmt, body),
        fmt,
        404,
    )
