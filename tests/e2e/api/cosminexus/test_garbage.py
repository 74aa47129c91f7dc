"""Whatever a client sends, the answer is never a 500: values out of range, text the
store cannot hold, odd types and odd filters are 400s."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.api.cosminexus.conftest import Case, People
from tests.e2e.api.cosminexus.support import BASE, Cosminexus

HUGE = "9" * 40


@pytest.mark.parametrize(
    ("action", "body"),
    [
        ("reassign", {"Target": "x" * 256}),
        ("reassign", {"Target": "a\u0000b"}),
        ("reassign", {"UserDescription": "\u0000"}),
        ("reassign", {"Source": 5}),
        ("reassign", {"Target": True}),
        ("complete", {"ProcessDataList": [{"Key": "k", "Value": {"deep": [1]}}]}),
        ("complete", {"ProcessDataList": [{"Key": "k" * 256, "Value": "v"}]}),
        ("complete", {"ProcessDataList": [{"Key": "k", "Value": "v", "Type": "s"}]}),
        ("complete", {"ProcessDataList": "k=v"}),
        ("timer/set-deadline", {"Deadline": "0001-01-01T00:00:00+09:00"}),
        ("timer/set-deadline", {"Deadline": "9999-12-31T23:59:59-09:00"}),
        ("timer/set-deadline", {"Deadline": 20310401}),
    ],
)
def test_work_item_garbage_is_400(
    cx: Cosminexus, people: People, case: Case, action: str, body: dict[str, Any]
) -> None:
    response = cx.client.put(BASE + case.path(action), json=body, headers=people.admin)
    assert response.status_code == 400, response.text
    cx.error(response, "json")


@pytest.mark.parametrize(
    "body",
    [
        {"FetchCount": HUGE},
        {"FetchCount": int(HUGE)},
        {"Filter": f"ID = {HUGE}"},
        {"Filter": f"ID = '{HUGE}'"},
        {"Filter": "CreationDate > '0001-01-01T00:00:00+09:00'"},
        {"Filter": "Participant = 'a\u0000'"},
        {"Filter": "Participant = '" + "x" * 5000 + "'"},
        {"Filter": "StateCode > 'j'"},
        {"Sort": "ID,"},
        {"Participant": ""},
    ],
)
def test_allocate_garbage_is_400(
    cx: Cosminexus, people: People, case: Case, body: dict[str, Any]
) -> None:
    response = cx.client.put(BASE + "/work-item/allocate", json=body, headers=people.admin)
    assert response.status_code == 400, response.text
    cx.error(response, "json")


@pytest.mark.parametrize(
    "body",
    [
        {"DefinitionName": "Quotation", "MessageRef": "QuoteRequested", "Name": "n" * 256},
        {"DefinitionName": "Quotation", "MessageRef": "QuoteRequested", "Priority": HUGE},
        {"DefinitionName": "Quotation", "MessageRef": "QuoteRequested", "Deadline": "soon"},
        {"DefinitionName": "d" * 300, "MessageRef": "QuoteRequested"},
        {"DefinitionName": "Quotation", "MessageRef": "QuoteRequested", "ProcessDataList": [1]},
    ],
)
def test_create_garbage_is_400(cx: Cosminexus, people: People, body: dict[str, Any]) -> None:
    path = BASE + "/process-instance/create-and-start-message"
    response = cx.client.post(path, json=body, headers=people.admin)
    assert response.status_code == 400, response.text
    cx.error(response, "json")


@pytest.mark.parametrize(
    "query",
    [
        {"offset": HUGE},
        {"maxcount": HUGE},
        {"offset": "1.5"},
        {"filter": f"ProcessInstanceID = {HUGE}"},
        {"filter": "CreationDate < '9999-12-31T23:59:59-09:00'"},
        {"filter": "ID = 1 " + "AND ID = 1 " * 600},
        {"filter": "((((((((((((((((((((((((((((((((((ID = 1))))))))))))))))))))))))))))))))))"},
        {"userdescription": ""},
    ],
)
def test_list_garbage_is_400(
    cx: Cosminexus, people: People, case: Case, query: dict[str, str]
) -> None:
    response = cx.client.get(BASE + "/activity-instance", params=query, headers=people.admin)
    assert response.status_code == 400, response.text
    cx.error(response, "json")


@pytest.mark.parametrize("case_id", [HUGE, "0", "-5", "1e3", "１２"])
def test_odd_ids_are_400(cx: Cosminexus, people: People, case_id: str) -> None:
    response = cx.client.get(BASE + f"/work-item/{case_id}/1", headers=people.admin)
    assert response.status_code == 400, response.text
    response = cx.client.delete(BASE + f"/process-instance/{case_id}", headers=people.admin)
    assert response.status_code == 400, response.text


def test_reassign_to_nobody_stops_performing(cx: Cosminexus, people: People, case: Case) -> None:
    performing = cx.call("PUT", case.path("reassign-and-perform"), people.user001)
    assert performing.json()["StateCode"] == "f"
    response = cx.client.put(BASE + case.path("reassign"), headers=people.user001)
    assert response.status_code == 200, response.text
    fields = response.json()
    assert (fields["Participant"], fields["StateCode"], fields["StartDate"]) == ("", "j", "")
