"""Vendor extension attributes: activiti:, flowable: and camunda: carry the same names.

Imports nothing from the rest of lanes except the XML element type it reads.
"""

from __future__ import annotations

from lxml import etree

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
BPMNDI_NS = "http://www.omg.org/spec/BPMN/20100524/DI"
DC_NS = "http://www.omg.org/spec/DD/20100524/DC"
DI_NS = "http://www.omg.org/spec/DD/20100524/DI"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"

VENDOR_NS = (
    "http://activiti.org/bpmn",
    "http://flowable.org/bpmn",
    "http://camunda.org/schema/1.0/bpmn",
)


def vendor_attr(element: etree._Element, name: str) -> str | None:
    """The value of `name` in any vendor namespace, the first one found."""
    for ns in VENDOR_NS:
        value: str | None = element.get(f"{{{ns}}}{name}")
        if value is not None:
            return value
    return None


def vendor_flag(element: etree._Element, name: str) -> bool:
    return (vendor_attr(element, name) or "").strip().lower() == "true"


def vendor_children(element: etree._Element, name: str) -> list[etree._Element]:
    """Vendor elements called `name` inside `element`'s extensionElements."""
    found: list[etree._Element] = []
    for ext in element.iterchildren(f"{{{BPMN_NS}}}extensionElements"):
        for ns in VENDOR_NS:
            found.extend(ext.iterchildren(f"{{{ns}}}{name}"))
    return found


def split_list(value: str | None) -> list[str]:
    """A comma-separated attribute (candidateUsers="a, b") as its stripped parts.

    Commas inside ${...} stay inside their expression.
    """
    if not value:
        return []
    parts: list[str] = []
    depth = 0
    current = ""
    for char in value:
        if char == "{":
            depth += 1
        elif char == "}":
            depth = max(0, depth - 1)
        if char == "," and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += char
    parts.append(current)
    return [p.strip() for p in parts if p.strip()]
