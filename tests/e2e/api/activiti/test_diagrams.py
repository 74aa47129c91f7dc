"""Definition and case diagrams: GET /models/{id}/diagram, /activity-task/{id}/diagram."""

from __future__ import annotations

import base64
import importlib
from typing import Any

import pytest
from lxml import etree

from tests.e2e.api.activiti.helpers import PARALLEL, Act, error, ok_data
from tests.e2e.support import SAMPLES


def _svg(data: dict[str, Any]) -> etree._Element:
    prefix = "data:image/svg+xml;base64,"
    assert data["diagramResource"].startswith(prefix)
    return etree.fromstring(base64.b64decode(data["diagramResource"][len(prefix) :]))


def test_a_definition_diagram_is_an_svg_data_uri_with_the_model(act: Act) -> None:
    xml = (SAMPLES / "leave.bpmn").read_text()
    definition = act.deploy(xml, "leave.bpmn")["processDefinitions"][0]["id"]
    data = ok_data(act.client.get(f"/models/{definition}/diagram", headers=act.user("ann")))
    assert data["diagramResourceName"] == "leave.svg"
    assert data["bpmnXml"] == xml
    assert _svg(data).tag.endswith("svg")
    assert "activeNodeIds" not in data and "takenFlowIds" not in data
    error(act.client.get("/models/424242/diagram", headers=act.admin), 404, "error.not-found")
    error(act.client.get(f"/models/{definition}/diagram"), 401, "error.unauthorized")
    bad = act.client.get(f"/models/{definition}/diagram?format=gif", headers=act.admin)
    error(bad, 400, "error.validation")


def test_a_case_diagram_names_active_completed_nodes_and_taken_flows(act: Act) -> None:
    ann, amy = act.user("ann"), act.user("amy")
    act.deploy(PARALLEL)
    case = act.start("par", ann)
    instance = case["procInstId"]
    act.complete(case["tasks"][0]["id"], ann)
    act.complete(act.task_at(instance, "a")["id"], amy)
    data = ok_data(act.client.get(f"/activity-task/{instance}/diagram", headers=ann))
    assert data["activeNodeIds"] == ["a2", "b"]
    assert {"start", "draft", "split", "a"} <= set(data["completedNodeIds"])
    assert "c" not in data["completedNodeIds"] and "join" not in data["completedNodeIds"]
    assert set(data["takenFlowIds"]) == {"f0", "f1", "f2", "f3", "f4"}
    svg = etree.tostring(_svg(data)).decode()
    assert "draft" in svg and "a2" in svg
    olga = act.user("olga")
    error(act.client.get(f"/activity-task/{instance}/diagram", headers=olga), 403)
    error(act.client.get("/activity-task/424242/diagram", headers=act.admin), 404)
    error(act.client.get(f"/activity-task/{instance}/diagram"), 401, "error.unauthorized")


def test_png_is_a_png_data_uri_or_415_when_the_server_cannot_draw_it(act: Act) -> None:
    act.deploy(PARALLEL)
    case = act.start("par", act.admin)
    response = act.client.get(
        f"/activity-task/{case['procInstId']}/diagram?format=png", headers=act.admin
    )
    try:
        importlib.import_module("cairosvg")
    except (ImportError, OSError):
        error(response, 415, "error.unsupported-mime-type")
        return
    data = ok_data(response)
    prefix = "data:image/png;base64,"
    assert data["diagramResource"].startswith(prefix)
    assert base64.b64decode(data["diagramResource"][len(prefix) :])[:8] == b"\x89PNG\r\n\x1a\n"
    assert data["diagramResourceName"].endswith(".png")


def test_png_unavailable_is_415_with_a_clear_message(
    act: Act, monkeypatch: pytest.MonkeyPatch
) -> None:
    from lanes.diagram import PngUnavailable
    from lanes.services import diagrams

    def refuse(svg: str) -> bytes:
        raise PngUnavailable("cairosvg is not installed")

    monkeypatch.setattr(diagrams, "svg_to_png", refuse)
    definition = act.deploy(PARALLEL)["processDefinitions"][0]["id"]
    response = act.client.get(f"/models/{definition}/diagram?format=png", headers=act.admin)
    err = error(response, 415, "error.unsupported-mime-type")
    assert "cairosvg" in err["message"]
