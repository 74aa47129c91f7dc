"""Each kind of node gets its shape and marker; flows get default and condition markers."""

from __future__ import annotations

import pytest
from lxml import etree

from lanes.bpmn import parse
from lanes.diagram import render_svg

from ..bpmn.documents import definitions, process
from .support import SVG, groups, render_tree

MESSAGES = (
    '<message id="m" name="order"/><signal id="s" name="alarm"/><error id="e" errorCode="E1"/>'
)
BODY = (
    '<startEvent id="start"><timerEventDefinition><timeDuration>PT1M</timeDuration>'
    "</timerEventDefinition></startEvent>\n"
    '<sequenceFlow id="f1" sourceRef="start" targetRef="user"/>\n'
    '<userTask id="user" name="User"/>\n'
    '<sequenceFlow id="f2" sourceRef="user" targetRef="xor"/>\n'
    '<exclusiveGateway id="xor" default="f4"/>\n'
    '<sequenceFlow id="f3" sourceRef="xor" targetRef="service">'
    "<conditionExpression>${a}</conditionExpression></sequenceFlow>\n"
    '<sequenceFlow id="f4" sourceRef="xor" targetRef="script"/>\n'
    '<serviceTask id="service" flowable:class="x.Y"/>\n'
    '<scriptTask id="script" scriptFormat="juel"><script>${1}</script></scriptTask>\n'
    '<sequenceFlow id="f5" sourceRef="service" targetRef="and"/>\n'
    '<sequenceFlow id="f6" sourceRef="script" targetRef="or"/>\n'
    '<parallelGateway id="and"/>\n'
    '<inclusiveGateway id="or"/>\n'
    '<sequenceFlow id="f7" sourceRef="and" targetRef="catch"/>\n'
    '<sequenceFlow id="f8" sourceRef="or" targetRef="events"/>\n'
    '<intermediateCatchEvent id="catch"><messageEventDefinition messageRef="m"/>'
    "</intermediateCatchEvent>\n"
    '<eventBasedGateway id="events"/>\n'
    '<sequenceFlow id="f9" sourceRef="events" targetRef="signal"/>\n'
    '<intermediateCatchEvent id="signal"><signalEventDefinition signalRef="s"/>'
    "</intermediateCatchEvent>\n"
    '<sequenceFlow id="f10" sourceRef="catch" targetRef="call"/>\n'
    '<callActivity id="call" calledElement="other"/>\n'
    '<sequenceFlow id="f11" sourceRef="call" targetRef="many">'
    "<conditionExpression>${b}</conditionExpression></sequenceFlow>\n"
    '<userTask id="many"><multiInstanceLoopCharacteristics isSequential="true">'
    "<loopCardinality>3</loopCardinality></multiInstanceLoopCharacteristics></userTask>\n"
    '<boundaryEvent id="late" attachedToRef="many" cancelActivity="false">'
    "<timerEventDefinition><timeDuration>PT1H</timeDuration></timerEventDefinition>"
    "</boundaryEvent>\n"
    '<sequenceFlow id="f12" sourceRef="many" targetRef="error_end"/>\n'
    '<endEvent id="error_end"><errorEventDefinition errorRef="e"/></endEvent>\n'
    '<sequenceFlow id="f13" sourceRef="signal" targetRef="message_end"/>\n'
    '<endEvent id="message_end"><messageEventDefinition messageRef="m"/></endEvent>\n'
    '<sequenceFlow id="f14" sourceRef="late" targetRef="stop"/>\n'
    '<endEvent id="stop"><terminateEventDefinition/></endEvent>\n'
)


@pytest.fixture(scope="module")
def drawn() -> dict[str, etree._Element]:
    tree = render_tree(render_svg(parse(definitions(MESSAGES, process(BODY)))))
    found = {k: v[0] for k, v in groups(tree, "node").items()}
    found.update({k: v[0] for k, v in groups(tree, "flow").items()})
    return found


@pytest.mark.parametrize(
    ("node", "marker"),
    [
        ("start", "timer"),
        ("catch", "message"),
        ("signal", "signal"),
        ("error_end", "error"),
        ("message_end", "message"),
        ("stop", "terminate"),
        ("late", "timer"),
    ],
)
def test_events_carry_the_marker_of_their_definition(
    drawn: dict[str, etree._Element], node: str, marker: str
) -> None:
    assert drawn[node].find(f"{SVG}g[@class='marker {marker}']") is not None


def test_a_throwing_message_is_filled_and_a_catching_one_is_not(
    drawn: dict[str, etree._Element],
) -> None:
    def envelope_fill(node: str) -> str | None:
        rect = drawn[node].find(f"{SVG}g[@class='marker message']/{SVG}rect")
        return None if rect is None else rect.get("fill")

    assert envelope_fill("message_end") == "#222222"
    assert envelope_fill("catch") == "#ffffff"


def test_event_outlines_tell_start_end_and_intermediate_apart(
    drawn: dict[str, etree._Element],
) -> None:
    def circles(node: str) -> list[etree._Element]:
        return list(drawn[node].iterchildren(f"{SVG}circle"))

    assert len(circles("start")) == 1 and circles("start")[0].get("stroke-width") == "1.5"
    assert len(circles("error_end")) == 1 and circles("error_end")[0].get("stroke-width") == "4"
    assert len(circles("catch")) == 2
    assert circles("late")[0].get("stroke-dasharray")  # non-interrupting


@pytest.mark.parametrize("node", ["user", "service", "script"])
def test_tasks_carry_a_type_icon(drawn: dict[str, etree._Element], node: str) -> None:
    assert drawn[node].find(f"{SVG}g[@class='marker']") is not None
    assert drawn[node].find(f"{SVG}rect[@class='outline']").get("rx") == "10"  # type: ignore[union-attr]


def test_a_call_activity_has_a_thick_border_and_multi_instance_its_bars(
    drawn: dict[str, etree._Element],
) -> None:
    assert drawn["call"].find(f"{SVG}rect[@class='outline']").get("stroke-width") == "4"  # type: ignore[union-attr]
    assert drawn["many"].find(f"{SVG}g[@class='marker sequential']") is not None


def test_gateways_are_diamonds_with_their_markers(drawn: dict[str, etree._Element]) -> None:
    for node in ("xor", "and", "or", "events"):
        outline = drawn[node].find(f"{SVG}polygon[@class='outline']")
        assert outline is not None and len(outline.get("points", "").split()) == 4
    assert len(drawn["xor"].findall(f"{SVG}g/{SVG}line")) == 2
    assert len(drawn["and"].findall(f"{SVG}g/{SVG}line")) == 2
    assert len(drawn["or"].findall(f"{SVG}g/{SVG}circle")) == 1
    assert len(drawn["events"].findall(f"{SVG}g/{SVG}polygon")) == 1


def test_default_and_conditional_flows_are_marked(drawn: dict[str, etree._Element]) -> None:
    assert drawn["f4"].find(f"{SVG}line[@class='default-marker']") is not None
    assert "default" in (drawn["f4"].get("class") or "")
    # a condition out of an activity is a small diamond; out of a gateway it is not drawn
    assert drawn["f11"].find(f"{SVG}polygon[@class='condition-marker']") is not None
    assert drawn["f3"].find(f"{SVG}polygon[@class='condition-marker']") is None
    assert drawn["f2"].find(f"{SVG}line[@class='default-marker']") is None
