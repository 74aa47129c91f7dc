"""Helpers for the diagram tests: parse the SVG back and find the groups of elements."""

from __future__ import annotations

from lxml import etree

from lanes.bpmn import Definitions, parse

from ..bpmn.documents import definitions, process

SVG = "{http://www.w3.org/2000/svg}"


def render_tree(svg: str) -> etree._Element:
    """The SVG parsed back (raises if it is not well-formed XML)."""
    return etree.fromstring(svg.encode("utf-8"))


def groups(tree: etree._Element, css_class: str) -> dict[str, list[etree._Element]]:
    """data-element-id -> the <g> elements with that id whose class list holds `css_class`."""
    found: dict[str, list[etree._Element]] = {}
    for g in tree.iter(f"{SVG}g"):
        element_id = g.get("data-element-id")
        if element_id is not None and css_class in (g.get("class") or "").split():
            found.setdefault(element_id, []).append(g)
    return found


def classes(g: etree._Element) -> set[str]:
    return set((g.get("class") or "").split())


def texts(tree: etree._Element) -> list[str]:
    """The text of every <text> element, its lines joined with a space."""
    return [" ".join(t.itertext()) for t in tree.iter(f"{SVG}text")]


def model(body: str, *extra: str) -> Definitions:
    """A one-process file with `body` and `extra` parts (DI, collaboration) after it."""
    return parse(definitions(process(body), *extra))


CHAIN = (
    '<startEvent id="start"/>\n'
    '<sequenceFlow id="f1" sourceRef="start" targetRef="task"/>\n'
    '<userTask id="task" name="Approve"/>\n'
    '<sequenceFlow id="f2" sourceRef="task" targetRef="end"/>\n'
    '<endEvent id="end"/>\n'
)

FORK = (
    '<startEvent id="start"/>\n'
    '<sequenceFlow id="f1" sourceRef="start" targetRef="split"/>\n'
    '<parallelGateway id="split"/>\n'
    '<sequenceFlow id="f2" sourceRef="split" targetRef="a"/>\n'
    '<sequenceFlow id="f3" sourceRef="split" targetRef="b"/>\n'
    '<sequenceFlow id="f4" sourceRef="split" targetRef="c"/>\n'
    '<userTask id="a" name="A"/>\n'
    '<serviceTask id="b" name="B" flowable:class="x.B"/>\n'
    '<userTask id="c" name="C"/>\n'
    '<sequenceFlow id="f5" sourceRef="a" targetRef="join"/>\n'
    '<sequenceFlow id="f6" sourceRef="b" targetRef="join"/>\n'
    '<sequenceFlow id="f7" sourceRef="c" targetRef="join"/>\n'
    '<parallelGateway id="join"/>\n'
    '<sequenceFlow id="f8" sourceRef="join" targetRef="end"/>\n'
    '<endEvent id="end"/>\n'
)

DI_HEAD = '<bpmndi:BPMNDiagram id="d"><bpmndi:BPMNPlane id="plane" bpmnElement="p">'
DI_TAIL = "</bpmndi:BPMNPlane></bpmndi:BPMNDiagram>"


def shape(element: str, x: float, y: float, w: float = 36, h: float = 36) -> str:
    return (
        f'<bpmndi:BPMNShape id="{element}_di" bpmnElement="{element}">'
        f'<dc:Bounds x="{x}" y="{y}" width="{w}" height="{h}"/></bpmndi:BPMNShape>'
    )
