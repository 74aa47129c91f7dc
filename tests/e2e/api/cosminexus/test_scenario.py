"""A quotation's whole life through the work-item dialect alone: started by message,
allocated, reassigned (the seed's example), performed, completed with data, found by a
filter, and deleted."""

from __future__ import annotations

from fastapi import FastAPI

from tests.e2e.api.cosminexus.conftest import People, operations
from tests.e2e.api.cosminexus.support import Cosminexus, list_of


def test_a_quotation_from_message_to_deletion(
    app: FastAPI, cx: Cosminexus, people: People, fmt: str
) -> None:
    # started by the QuoteRequested message start event; named from its start time
    body = {
        "DefinitionName": "Quotation",
        "MessageRef": "QuoteRequested",
        "UserDescription": "shop",
    }
    started = cx.call(
        "POST", "/process-instance/create-and-start-message", people.user002, fmt, body
    )
    assert started.status_code == 200, started.text
    case = cx.fields(started, fmt)
    case_id = case["ID"]
    assert case["StateCode"] == "d" and case["Name"].startswith("案件")

    # User001 allocates the work the model gave them
    allocate = {"Filter": f"ProcessInstanceID = {case_id} AND StateCode = 'j'", "FetchCount": "-1"}
    allocated = list_of(
        cx.call("PUT", "/work-item/allocate", people.user001, fmt, allocate),
        fmt,
        "WorkItemList",
        "WorkItem",
    )
    assert [(w["WorkDefinitionName"], w["StateCode"], w["Participant"]) for w in allocated] == [
        ("QuotationHandling_UTask1", "f", "User001")
    ]
    work_id = allocated[0]["ID"]
    assert allocated[0]["ProcessInstanceName"] == case["Name"]
    item = f"/work-item/{case_id}/{work_id}"

    # reassigned as in the seed: User001 -> User002, still being performed
    seed = {"UserDescription": "csciwuser", "Source": "User001", "Target": "User002"}
    moved = cx.fields(cx.call("PUT", item + "/reassign", people.user001, fmt, seed), fmt)
    assert (moved["Participant"], moved["StateCode"]) == ("User002", "f")

    # User002 gives it back, then performs it again through reassign-and-perform
    freed = cx.fields(cx.call("PUT", item + "/free", people.user002, fmt), fmt)
    assert (freed["Participant"], freed["StateCode"]) == ("", "j")
    performing = cx.fields(
        cx.call("PUT", item + "/reassign-and-perform", people.user002, fmt, {"Target": "User002"}),
        fmt,
    )
    assert performing["StateCode"] == "f"

    # completed with data; the manager's work item appears
    data = {
        "ProcessDataList": [("price", "98000"), ("currency", "JPY")],
        "UserDescription": "quoted",
    }
    done = cx.fields(cx.call("PUT", item + "/complete", people.user002, fmt, data), fmt)
    assert done["StateCode"] == "o"

    listed = cx.call(
        "GET",
        "/activity-instance",
        people.admin,
        fmt,
        params={
            "filter": f"ProcessInstanceID = {case_id} AND (Name = 'Approve' OR StateCode = 'o')",
            "sort": "Name DESC",
        },
    )
    steps = list_of(listed, fmt, "ActivityInstanceList", "ActivityInstance")
    assert [(s["Name"], s["StateCode"]) for s in steps] == [
        ("start", "o"),
        ("QuotationHandling_UTask1", "o"),
        ("Approve", "d"),
    ]
    assert steps[1]["ID"] == work_id

    described = [(r.operation, r.user_description) for r in operations(app, case_id)]
    assert ("reassign", "csciwuser") in described and ("complete", "quoted") in described

    # deleted; and deleting it again is fine
    assert cx.call("DELETE", f"/process-instance/{case_id}", people.admin, fmt).status_code == 204
    assert cx.call("GET", item, people.admin, fmt).status_code == 404
    gone = cx.call(
        "GET",
        "/activity-instance",
        people.admin,
        fmt,
        params={"filter": f"ProcessInstanceID = {case_id}"},
    )
    assert list_of(gone, fmt, "ActivityInstanceList", "ActivityInstance") == []
    assert cx.call("DELETE", f"/process-instance/{case_id}", people.admin, fmt).status_code == 204
