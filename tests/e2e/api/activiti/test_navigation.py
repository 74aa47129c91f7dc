"""A definition's nodes, the gateways after a task, and next-node prediction."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.api.activiti.helpers import ROUTES, Act, ok_data, ok_list


@pytest.fixture
def fill(act: Act) -> tuple[str, dict[str, str]]:
    """ann's open `fill` task of a ROUTES case with kind=money, amount=500."""
    ann = act.user("ann")
    act.deploy(ROUTES)
    case = act.start("routes", ann, variables={"kind": "money", "amount": 500})
    return case["tasks"][0]["id"], ann


def _next(act: Act, task: str, headers: dict[str, str], query: str = "") -> Any:
    return ok_data(act.client.get(f"/todo-task/{task}/next-node{query}", headers=headers))


def _predicted(act: Act, task: str, headers: dict[str, str], query: str = "") -> list[str]:
    return sorted(n["taskDefKey"] for n in _next(act, task, headers, query)["predicted"])


def test_definition_nodes_walk_from_the_start(act: Act) -> None:
    definition = act.deploy(ROUTES)["processDefinitions"][0]
    response = act.client.get(f"/models/{definition['id']}/nodes", headers=act.admin)
    nodes = ok_list(response)["data"]
    by_key = {n["taskDefKey"]: n for n in nodes}
    assert [n["orderNo"] for n in nodes] == list(range(1, len(nodes) + 1))
    assert by_key["start"]["orderNo"] == 1 and by_key["fill"]["orderNo"] == 2
    assert by_key["route"]["taskCategory"] == "exclusiveGateway"
    assert by_key["fill"]["assignee"] == "${starter}"
    assert by_key["inner"]["orderNo"] > by_key["sub"]["orderNo"]
    assert len(nodes) == 14  # subprocess contents included


def test_gateway_info_marks_the_branch_the_variables_select(
    act: Act, fill: tuple[str, dict[str, str]]
) -> None:
    task, ann = fill
    branches = ok_list(act.client.get(f"/todo-task/{task}/gateway", headers=ann))["data"]
    by_flow = {b["flowId"]: b for b in branches}
    assert set(by_flow) == {"to_legal", "to_money", "to_sub"}
    money = by_flow["to_money"]
    assert money["gatewayId"] == "route" and money["type"] == "exclusive"
    assert money["mutiSelectFlag"] is False and money["selected"] is True
    assert money["value"] == "money" and money["condition"] == "${kind == 'money'}"
    assert by_flow["to_legal"]["selected"] is False and "condition" not in by_flow["to_legal"]
    assert by_flow["to_sub"]["value"] == "sub" and by_flow["to_sub"]["selected"] is False
    nested = {b["flowId"]: b for b in money["items"]}
    assert set(nested) == {"to_audit", "to_tax", "to_cashier"}
    assert nested["to_audit"]["type"] == "inclusive" and nested["to_audit"]["mutiSelectFlag"]
    assert nested["to_audit"]["selected"] is True and nested["to_tax"]["selected"] is False
    assert nested["to_cashier"]["selected"] is False


def test_next_node_predicts_through_exclusive_and_inclusive_gateways(
    act: Act, fill: tuple[str, dict[str, str]]
) -> None:
    task, ann = fill
    data = _next(act, task, ann)
    assert data["nextNode"] == {"route": "Which kind?"}
    assert data["flows"] == [
        {
            "flowId": "f2",
            "targetNodeId": "route",
            "targetNodeName": "Which kind?",
            "targetType": "exclusiveGateway",
        }
    ]
    assert _predicted(act, task, ann) == ["audit"]
    assert _predicted(act, task, ann, "?var.amount=5000") == ["audit", "tax"]
    assert _predicted(act, task, ann, "?var.amount=5") == ["cashier"]
    assert _predicted(act, task, ann, "?var.kind=legal") == ["legal"]
    assert _predicted(act, task, ann, "?var.kind=%22money%22&var.amount=101") == ["audit"]


def test_next_node_predicts_into_a_subprocess_and_out_of_it(
    act: Act, fill: tuple[str, dict[str, str]]
) -> None:
    task, ann = fill
    assert _predicted(act, task, ann, "?var.kind=sub") == ["inner"]
    ina = act.user("ina")
    case = act.start("routes", ann, variables={"kind": "sub", "amount": 0})
    act.complete(case["tasks"][0]["id"], ann)
    inner = act.task_at(case["procInstId"], "inner")
    predicted = _next(act, inner["id"], ina)["predicted"]
    assert [n["taskDefKey"] for n in predicted] == ["after"]
    assert predicted[0]["taskNodeName"] == "After" and predicted[0]["assignee"] == "aft"


def test_next_node_without_a_variable_the_condition_needs_predicts_the_default(
    act: Act,
) -> None:
    ann = act.user("ann")
    act.deploy(ROUTES)
    task = act.start("routes", ann)["tasks"][0]["id"]  # no `kind`, no `amount`
    assert _predicted(act, task, ann) == ["legal"]
    assert _predicted(act, task, ann, "?var.kind=money") == ["cashier"]
    assert _predicted(act, task, ann, "?var.kind=money&var.amount=2000") == ["audit", "tax"]
