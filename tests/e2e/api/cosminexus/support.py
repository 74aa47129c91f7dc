"""What the work-item dialect's tests share: its base path, body builders, a model
started by a message, and readers for XML and JSON answers."""

from __future__ import annotations

from typing import Any
from xml.sax.saxutils import escape

from lxml import etree

from tests.e2e.support import Api, Headers, bpmn

BASE = "/csciwws/v1"
XML = "application/xml"
JSON = "application/json"
DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'

WORK_ITEM_FIELDS = [
    "ActivityInstanceID",
    "ClosedDate",
    "CreationDate",
    "Deadline",
    "ID",
    "Name",
    "Participant",
    "Priority",
    "ProcessDefinitionID",
    "ProcessInstanceID",
    "ProcessInstanceName",
    "StartDate",
    "StateCode",
    "WorkDefinitionID",
    "WorkDefinitionName",
    "WorkTypeCode",
]

# a quotation arrives by message and is handled by User001 (candidates: group sales),
# then approved by a manager; a boundary timer guards the handling
QUOTATION = bpmn(
    "Quotation",
    """<startEvent id="start"><messageEventDefinition messageRef="msg_quote"/></startEvent>
    <userTask id="QuotationHandling_UTask1" name="Handle quotation"
              flowable:assignee="User001" flowable:candidateGroups="sales"/>
    <boundaryEvent id="late" attachedToRef="QuotationHandling_UTask1" cancelActivity="false">
      <timerEventDefinition><timeDuration>P3D</timeDuration></timerEventDefinition>
    </boundaryEvent>
    <userTask id="Approve" name="Approve" flowable:candidateGroups="managers"/>
    <endEvent id="end"/>
    <endEvent id="late_end"/>
    <sequenceFlow id="f1" sourceRef="start" targetRef="QuotationHandling_UTask1"/>
    <sequenceFlow id="f2" sourceRef="QuotationHandling_UTask1" targetRef="Approve"/>
    <sequenceFlow id="f3" sourceRef="Approve" targetRef="end"/>
    <sequenceFlow id="f4" sourceRef="late" targetRef="late_end"/>""",
    extra='<message id="msg_quote" name="QuoteRequested"/>',
)


def xml_body(fields: dict[str, Any]) -> bytes:
    """A `<Parameter>` body; a list value is a ProcessDataList of (key, value)."""
    parts = []
    for name, value in fields.items():
        if isinstance(value, list):
            items = "".join(
                f"<ProcessData><Key>{escape(k)}</Key><Value>{escape(v)}</Value></ProcessData>"
                for k, v in value
            )
            parts.append(f"<{name}>{items}</{name}>")
        else:
            parts.append(f"<{name}>{escape(value)}</{name}>")
    return (
        '<?xml version="1.0" encoding="UTF-8" ?> <Parameter> ' + " ".join(parts) + " </Parameter>"
    ).encode()


def json_body(fields: dict[str, Any]) -> dict[str, Any]:
    return {
        name: [{"Key": k, "Value": v} for k, v in value] if isinstance(value, list) else value
        for name, value in fields.items()
    }


def read_xml(response: Any) -> etree._Element:
    """The root of an XML answer, after checking its declaration and content type."""
    assert response.headers["content-type"].startswith(XML), response.headers
    assert response.text.startswith(DECLARATION), response.text
    return etree.fromstring(response.content)


def xml_fields(element: Any) -> dict[str, str]:
    """An element's children as field -> text ("" when empty), in document order."""
    return {child.tag: child.text or "" for child in element}


class Cosminexus:
    """Requests to the dialect in either format, through the shared `Api` helper."""

    def __init__(self, api: Api) -> None:
        self.api = api
        self.client = api.client

    def call(
        self,
        method: str,
        path: str,
        headers: Headers,
        fmt: str = "json",
        body: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> Any:
        """`fmt` chooses both the body's Content-Type and the answer's Accept."""
        sent = dict(headers)
        sent["Accept"] = XML if fmt == "xml" else JSON
        if body is not None:
            if fmt == "xml":
                sent["Content-Type"] = XML
                kwargs["content"] = xml_body(body)
            else:
                sent["Content-Type"] = JSON
                kwargs["json"] = json_body(body)
        return self.client.request(method, BASE + path, headers=sent, **kwargs)

    def fields(self, response: Any, fmt: str) -> dict[str, str]:
        """A single resource's fields, from XML or JSON."""
        if fmt == "xml":
            return xml_fields(read_xml(response))
        assert response.headers["content-type"].startswith(JSON), response.headers
        data: dict[str, str] = response.json()
        return data

    def error(self, response: Any, fmt: str) -> dict[str, str]:
        """The dialect's error document, checked for shape."""
        if fmt == "xml":
            root = read_xml(response)
            assert root.tag == "Error", response.text
            found = xml_fields(root)
        else:
            found = response.json()
        assert set(found) == {"Code", "Message"}, found
        assert found["Message"], found
        return found

    def start_quotation(self, headers: Headers, **fields: Any) -> dict[str, str]:
        body = {"DefinitionName": "Quotation", "MessageRef": "QuoteRequested", **fields}
        response = self.call(
            "POST", "/process-instance/create-and-start-message", headers, body=body
        )
        assert response.status_code == 200, response.text
        case: dict[str, str] = response.json()
        return case

    def work_item_of(self, case_id: str, node_id: str) -> dict[str, Any]:
        task = self.api.open_task(int(case_id), node_id)
        return task


# a case that waits for a payment message before its one user task
PAYMENT = bpmn(
    "Payment",
    """<startEvent id="start" flowable:initiator="starter"/>
    <intermediateCatchEvent id="paid"><messageEventDefinition messageRef="msg_paid"/>
    </intermediateCatchEvent>
    <userTask id="ship" name="Ship" flowable:assignee="${starter}"/>
    <endEvent id="end"/>
    <sequenceFlow id="f1" sourceRef="start" targetRef="paid"/>
    <sequenceFlow id="f2" sourceRef="paid" targetRef="ship"/>
    <sequenceFlow id="f3" sourceRef="ship" targetRef="end"/>""",
    extra='<message id="msg_paid" name="PaymentReceived"/>',
)


def list_of(response: Any, fmt: str, root: str, item: str) -> list[dict[str, str]]:
    """A list answer's items, from XML (`<root>` of `<item>`) or a JSON array."""
    assert response.status_code == 200, response.text
    if fmt == "xml":
        element = read_xml(response)
        assert element.tag == root, response.text
        assert all(child.tag == item for child in element), response.text
        return [xml_fields(child) for child in element]
    data: list[dict[str, str]] = response.json()
    assert isinstance(data, list), data
    return data
