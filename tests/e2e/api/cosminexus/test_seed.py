"""The seed's own example (11.5.24 reassign): its request bodies, byte for byte, and
answers with the same fields, in the same order and shape (ids and dates differ)."""

from __future__ import annotations

import re

from tests.e2e.api.cosminexus.conftest import Case, People
from tests.e2e.api.cosminexus.support import BASE, DECLARATION, WORK_ITEM_FIELDS, Cosminexus

SEED_XML = (
    b'<?xml version="1.0" encoding="UTF-8" ?> <Parameter> <UserDescription>csciwuser'
    b"</UserDescription> <Source>User001</Source> <Target>User002</Target> </Parameter>"
)
SEED_JSON = b"""{
"UserDescription" : "csciwuser",
"Source" : "User001",
"Target" : "User002"
}"""


def _expected(case: Case) -> dict[str, str]:
    """The seed's answer with our ids; dates are checked by pattern."""
    return {
        "ActivityInstanceID": case.work_id,
        "ClosedDate": "",
        "ID": case.work_id,
        "Participant": "User002",
        "ProcessInstanceID": case.id,
        "StartDate": "",
        "StateCode": "j",
        "WorkDefinitionName": "QuotationHandling_UTask1",
        "WorkTypeCode": "0",
    }


DATE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$")
CASE_NAME = re.compile(r"^案件\d{17}$")


def test_seed_xml_request_gets_the_seed_xml_answer(
    cx: Cosminexus, people: People, case: Case
) -> None:
    response = cx.client.put(
        BASE + case.path("reassign"),
        content=SEED_XML,
        headers={**people.user001, "Content-Type": "application/xml", "Accept": "application/xml"},
    )
    assert response.status_code == 200, response.text
    text = response.text
    assert text.startswith(DECLARATION)
    # every field, in the seed's order, each as <Name>value</Name>, empty ones included
    tags = re.findall(r"<(\w+)>[^<]*</\1>", text)
    assert tags == WORK_ITEM_FIELDS
    assert "<WorkItem>" in text and text.endswith("</WorkItem>")
    assert "<ClosedDate></ClosedDate>" in text and "<StartDate></StartDate>" in text
    fields = cx.fields(response, "xml")
    assert {k: fields[k] for k in _expected(case)} == _expected(case)
    assert DATE.match(fields["CreationDate"])
    assert CASE_NAME.match(fields["ProcessInstanceName"])
    assert fields["WorkDefinitionID"] == fields["ProcessDefinitionID"]
    assert fields["ProcessDefinitionID"].isdigit()


def test_seed_json_request_gets_the_seed_json_answer(
    cx: Cosminexus, people: People, case: Case
) -> None:
    response = cx.client.put(
        BASE + case.path("reassign"),
        content=SEED_JSON,
        headers={**people.user001, "Content-Type": "application/json"},
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/json")
    fields = response.json()
    assert list(fields) == WORK_ITEM_FIELDS
    assert all(isinstance(value, str) for value in fields.values())
    assert {k: fields[k] for k in _expected(case)} == _expected(case)
    assert DATE.match(fields["CreationDate"])
    assert CASE_NAME.match(fields["ProcessInstanceName"])


def test_seed_request_without_body_sends_no_content_type(
    cx: Cosminexus, people: People, case: Case
) -> None:
    """Every field omitted: no body, no Content-Type; the work item goes to nobody."""
    response = cx.client.put(BASE + case.path("reassign"), headers=people.user001)
    assert response.status_code == 200, response.text
    assert response.json()["Participant"] == ""
