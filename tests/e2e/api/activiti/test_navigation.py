"""A definition's nodes, the gateways after a task, and next-node prediction."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.api.activiti.helpers import COUNTERSIGN, ROUTES, Act, ok_data, ok_list


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


def _signing(act: Act, model: str) -> tuple[str, dict[str, str]]:
    """A countersign case by ann for sue and sid, past its draft."""
    ann = act.user("ann")
    act.deploy(model)
    case = act.start("cosign", ann, variables={"signers": ["sue", "sid"]})
    act.complete(case["tasks"][0]["id"], ann)
    return case["procInstId"], ann


def test_next_node_of_a_parallel_countersign_waits_for_the_last_signer(act: Act) -> None:
    instance, _ = _signing(act, COUNTERSIGN)
    sue, sid = act.user("sue"), act.user("sid")
    tasks = {t["assignee"]: t["id"] for t in act.running(instance)}
    assert _predicted(act, tasks["sue"], sue) == []
    act.complete(tasks["sid"], sid)
    assert _predicted(act, tasks["sue"], sue) == ["archive"]


def test_next_node_of_a_sequential_countersign_is_itself_until_the_last(act: Act) -> None:
    instance, _ = _signing(act, COUNTERSIGN.replace('isSequential="false"', 'isSequential="true"'))
    sue, sid = act.user("sue"), act.user("sid")
    (first,) = act.running(instance)
    assert first["assignee"] == "sue" and _predicted(act, first["id"], sue) == ["sign"]
    act.complete(first["id"], sue)
    (second,) = act.running(instance)
    assert _predicted(act, second["id"], sid) == ["archive"]


def test_next_node_honours_a_completion_condition(act: Act) -> None:
    one_is_enough = COUNTERSIGN.replace(
        'flowable:elementVariable="signer"/>',
        'flowable:elementVariable="signer">'
        "<completionCondition>${nrOfCompletedInstances &gt;= 1}</completionCondition>"
        "</multiInstanceLoopCharacteristics>",
    )
    instance, _ = _signing(act, one_is_enough)
    sue = act.user("sue")
    mine = next(t for t in act.running(instance) if t["assignee"] == "sue")
    assert _predicted(act, mine["id"], sue) == ["archive"]
