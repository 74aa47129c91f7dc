"""Cases, definitions and events: create-and-start-message, delete, send-message, one
process definition, and the two lists with filter, sort, offset and maxcount."""

from __future__ import annotations

import re

from fastapi import FastAPI

from tests.e2e.api.cosminexus.conftest import Case, People, operations
from tests.e2e.api.cosminexus.support import PAYMENT, QUOTATION, Cosminexus, list_of
from tests.e2e.support import Api

CASE_FIELDS = [
    "ClosedDate",
    "CreationDate",
    "Deadline",
    "ID",
    "Initiator",
    "Name",
    "Priority",
    "ProcessDefinitionID",
    "StateCode",
]
CREATE = "/process-instance/create-and-start-message"


def _start(cx: Cosminexus, people: People, fmt: str, **fields: str) -> dict[str, str]:
    body = {"DefinitionName": "Quotation", "MessageRef": "QuoteRequested", **fields}
    response = cx.call("POST", CREATE, people.user001, fmt, body)
    assert response.status_code == 200, response.text
    found = cx.fields(response, fmt)
    assert list(found) == CASE_FIELDS
    return found


# -- create-and-start-message --------------------------------------------------------------


def test_create_and_start_message_names_the_case(
    app: FastAPI, api: Api, cx: Cosminexus, people: People, fmt: str
) -> None:
    named = _start(cx, people, fmt, Name="Q-2016-0042", UserDescription="web shop")
    assert (named["Name"], named["StateCode"], named["Initiator"]) == (
        "Q-2016-0042",
        "d",
        "User001",
    )
    instance = api.get(f"/process-instances/{named['ID']}", api.admin).json()
    assert instance["business_key"] == "Q-2016-0042"
    logged = [(r.operation, r.user_description) for r in operations(app, named["ID"])]
    assert ("start", "web shop") in logged
    generated = _start(cx, people, fmt, ProcessDataList=[("customer", "ACME")])  # type: ignore[arg-type]
    assert re.fullmatch(r"案件\d{17}", generated["Name"])
    instance = api.get(f"/process-instances/{generated['ID']}", api.admin).json()
    assert instance["business_key"] == generated["Name"]  # generated at start, and kept
    assert instance["variables"] == {"customer": "ACME"}


def test_create_and_start_message_refusals(cx: Cosminexus, people: People, fmt: str) -> None:
    def refused(body: dict[str, str], status: int, words: str = "") -> None:
        response = cx.call("POST", CREATE, people.user001, fmt, body)
        assert response.status_code == status, response.text
        assert words in cx.error(response, fmt)["Message"]

    refused({"MessageRef": "QuoteRequested"}, 400, "DefinitionName")
    refused({"DefinitionName": "Quotation"}, 400, "MessageRef")
    refused({"DefinitionName": "Quotation", "MessageRef": "Nope"}, 400, "Nope")
    refused({"DefinitionName": "Nothing", "MessageRef": "QuoteRequested"}, 404)
    refused({"DefinitionName": "Quotation", "MessageRef": "QuoteRequested", "Name": ""}, 400)
    refused({"DefinitionName": "", "MessageRef": "QuoteRequested"}, 400)
    refused(
        {"DefinitionName": "Quotation", "MessageRef": "QuoteRequested", "Priority": "high"}, 400
    )
    response = cx.call("POST", CREATE, {}, fmt, {"DefinitionName": "Quotation"})
    assert response.status_code == 401


# -- delete --------------------------------------------------------------------------------


def test_delete_case_and_delete_again(
    api: Api, cx: Cosminexus, people: People, case: Case, fmt: str
) -> None:
    assert cx.call("DELETE", f"/process-instance/{case.id}", people.user001, fmt).status_code == 403
    response = cx.call(
        "DELETE", f"/process-instance/{case.id}?userdescription=cleanup", people.admin, fmt
    )
    assert response.status_code == 204 and response.content == b""
    assert api.get(f"/process-instances/{case.id}", api.admin).status_code == 404
    assert cx.call("GET", case.path(), people.admin, fmt).status_code == 404
    assert cx.call("DELETE", f"/process-instance/{case.id}", people.admin, fmt).status_code == 204
    assert cx.call("DELETE", "/process-instance/424242", people.admin, fmt).status_code == 204
    assert cx.call("DELETE", f"/process-instance/{case.id}", {}, fmt).status_code == 401
    bad = cx.call("DELETE", "/process-instance/x", people.admin, fmt)
    assert bad.status_code == 400
    cx.error(bad, fmt)


# -- send-message --------------------------------------------------------------------------


def test_send_message_moves_the_waiting_case(
    app: FastAPI, api: Api, cx: Cosminexus, people: People, fmt: str
) -> None:
    api.deploy(PAYMENT, "payment.bpmn")
    started = api.start("Payment", people.user001)
    path = f"/event/send-message/{started['id']}"
    body = {
        "MessageRef": "PaymentReceived",
        "ProcessDataList": [("paid", "100")],
        "UserDescription": "bank",
    }
    response = cx.call("POST", path, people.user001, fmt, body)
    assert response.status_code == 200, response.text
    assert cx.fields(response, fmt)["ID"] == str(started["id"])
    assert api.open_task(started["id"], "ship")["assignee"] == "User001"
    assert ("message", "bank") in [
        (r.operation, r.user_description) for r in operations(app, str(started["id"]))
    ]
    # nothing waits any more: 400; an unknown case: 404; a stranger: 403
    again = cx.call("POST", path, people.user001, fmt, body)
    assert again.status_code == 400
    assert "not waiting" in cx.error(again, fmt)["Message"]
    assert cx.call("POST", "/event/send-message/424242", people.admin, fmt, body).status_code == 404
    assert cx.call("POST", path, people.outsider, fmt, body).status_code == 403
    assert cx.call("POST", path, {}, fmt, body).status_code == 401
    assert cx.call("POST", path, people.user001, fmt, {"MessageRef": ""}).status_code == 400
    assert cx.call("POST", path, people.user001, fmt, {}).status_code == 400


# -- process definition --------------------------------------------------------------------


def test_get_process_definition(cx: Cosminexus, people: People, case: Case, fmt: str) -> None:
    item = cx.fields(cx.call("GET", case.path(), people.user001, fmt), fmt)
    response = cx.call(
        "GET", f"/process-definition/{item['ProcessDefinitionID']}", people.user001, fmt
    )
    assert response.status_code == 200, response.text
    found = cx.fields(response, fmt)
    assert list(found) == [
        "Author",
        "CreationDate",
        "Description",
        "ID",
        "Name",
        "Responsible",
        "StateCode",
        "ValidFromDate",
        "ValidToDate",
        "Version",
    ]
    assert (found["Name"], found["Version"], found["StateCode"]) == ("Quotation", "1", "a")
    assert (found["Author"], found["Description"]) == ("admin", "Quotation")
    assert cx.call("GET", "/process-definition/424242", people.user001, fmt).status_code == 404
    assert cx.call("GET", "/process-definition/zero", people.user001, fmt).status_code == 400
    assert cx.call("GET", f"/process-definition/{found['ID']}", {}, fmt).status_code == 401


# -- lists ---------------------------------------------------------------------------------


def test_activity_instances_with_filter_sort_and_paging(
    cx: Cosminexus, people: People, fmt: str
) -> None:
    cases = [cx.start_quotation(people.user001)["ID"] for _ in range(3)]
    query = {
        "filter": "Name = 'QuotationHandling_UTask1' AND StateCode = 'd'",
        "sort": "ProcessInstanceID DESC",
        "offset": "1",
        "maxcount": "1",
    }
    response = cx.call("GET", "/activity-instance", people.user001, fmt, params=query)
    items = list_of(response, fmt, "ActivityInstanceList", "ActivityInstance")
    assert response.headers["X-Total-Count"] == "3"
    assert [i["ProcessInstanceID"] for i in items] == [cases[1]]
    work = cx.fields(
        cx.call("GET", f"/work-item/{cases[1]}/{items[0]['ID']}", people.user001, fmt), fmt
    )
    assert work["ActivityInstanceID"] == items[0]["ID"]  # a work item shares its activity's id
    assert list(items[0]) == [
        "ClosedDate",
        "CreationDate",
        "Deadline",
        "ID",
        "Name",
        "DisplayName",
        "ProcessDefinitionID",
        "ProcessInstanceID",
        "StateCode",
    ]
    # the outsider sees no case of theirs; the start events ended
    outsider = cx.call("GET", "/activity-instance", people.outsider, fmt)
    assert list_of(outsider, fmt, "ActivityInstanceList", "ActivityInstance") == []
    ended = cx.call(
        "GET", "/activity-instance", people.admin, fmt, params={"filter": "StateCode = 'o'"}
    )
    assert {i["Name"] for i in list_of(ended, fmt, "ActivityInstanceList", "ActivityInstance")} == {
        "start"
    }


def test_list_refusals(cx: Cosminexus, people: People, fmt: str) -> None:
    for path in ("/activity-instance", "/work-definition"):
        for params, words in [
            ({"filter": "Name = 'x' AND"}, "position 14"),
            ({"filter": "Colour = 'red'"}, "Colour"),
            ({"filter": "ID = 'x'"}, "number"),
            ({"filter": ""}, "empty"),
            ({"sort": "Name UP"}, "position 5"),
            ({"sort": "Colour"}, "Colour"),
            ({"offset": "-1"}, "offset"),
            ({"maxcount": "0"}, "maxcount"),
            ({"maxcount": "1001"}, "maxcount"),
            ({"maxcount": "lots"}, "maxcount"),
        ]:
            response = cx.call("GET", path, people.user001, fmt, params=params)
            assert response.status_code == 400, (path, params, response.text)
            assert words in cx.error(response, fmt)["Message"], (path, params)
        assert cx.call("GET", path, {}, fmt).status_code == 401


def test_work_definitions(cx: Cosminexus, people: People, fmt: str) -> None:
    everything = list_of(
        cx.call("GET", "/work-definition", people.user001, fmt),
        fmt,
        "WorkDefinitionList",
        "WorkDefinition",
    )
    assert sorted(w["Name"] for w in everything) == ["Approve", "QuotationHandling_UTask1"]
    assert list(everything[0]) == [
        "ID",
        "Name",
        "DisplayName",
        "ProcessDefinitionID",
        "WorkTypeCode",
    ]
    assert {w["WorkTypeCode"] for w in everything} == {"0"}
    assert {w["ID"] for w in everything} == {w["ProcessDefinitionID"] for w in everything}
    query = {"filter": "DisplayName > 'B' OR Name = 'Approve'", "sort": "Name DESC"}
    response = cx.call("GET", "/work-definition", people.user001, fmt, params=query)
    found = list_of(response, fmt, "WorkDefinitionList", "WorkDefinition")
    assert [w["Name"] for w in found] == ["QuotationHandling_UTask1", "Approve"]
    paged = cx.call(
        "GET", "/work-definition", people.user001, fmt, params={"sort": "Name", "offset": "1"}
    )
    assert [w["Name"] for w in list_of(paged, fmt, "WorkDefinitionList", "WorkDefinition")] == [
        "QuotationHandling_UTask1"
    ]
    assert paged.headers["X-Total-Count"] == "2"


def test_create_and_start_message_follows_candidate_starters(
    api: Api, cx: Cosminexus, people: People, fmt: str
) -> None:
    restricted = QUOTATION.replace(
        '<process id="Quotation"',
        '<process id="Quotation" flowable:candidateStarterUsers="User001"',
    )
    api.deploy(restricted, "restricted.bpmn")
    body = {"DefinitionName": "Quotation", "MessageRef": "QuoteRequested"}
    refused = cx.call("POST", CREATE, people.outsider, fmt, body)
    assert refused.status_code == 403, refused.text
    assert "candidate starters" in cx.error(refused, fmt)["Message"]
    assert cx.call("POST", CREATE, people.user001, fmt, body).status_code == 200
