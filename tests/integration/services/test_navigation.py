"""Gateways after a task and next-node prediction (services/navigation.py)."""

from __future__ import annotations

import pytest

from lanes.expr import compile_expression
from lanes.services import (
    navigation,
    tasks,
)
from lanes.services.context import Services

from .helpers import (
    ADMIN,
    deploy,
    leave_xml,
    start,
    task_at,
    user,
)

ANN = user("ann")


def test_next_step_follows_the_leave_model_with_overrides(services: Services) -> None:
    deploy(services, leave_xml())
    case = start(services, "leave", ANN, {"days": 1})
    form = task_at(services, case.id, "fill_form")
    predicted = navigation.next_step(services, ANN, form.id).predicted
    assert [n.id for n in predicted] == ["manager_short"]
    longer = navigation.next_step(services, ANN, form.id, {"days": 5}).predicted
    assert sorted(n.id for n in longer) == ["hr", "manager_long"]
    branches = navigation.gateways_after(services, ANN, form.id)
    assert [(b.flow_id, b.selected) for b in branches] == [("f3", True), ("f4", False)]
    assert navigation.parse_overrides({"a": "1", "b": "x", "c": "true"}) == {
        "a": 1,
        "b": "x",
        "c": True,
    }


def test_next_step_stops_at_a_join_other_branches_still_have_to_reach(
    services: Services,
) -> None:
    deploy(services, leave_xml())
    case = start(services, "leave", ANN, {"days": 5})
    tasks.complete(services, ANN, task_at(services, case.id, "fill_form").id)
    hr = task_at(services, case.id, "hr")
    assert navigation.next_step(services, ADMIN, hr.id).predicted == []


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("${kind == 'money'}", "money"),
        ('${kind eq "money"}', "money"),
        ("${'x' == kind}", "x"),
        ("${n == 3}", 3),
        ("${ratio == 1.5}", 1.5),
        ("${flag == true}", True),
        ("${days > 3}", None),
        ("${a == 'x' && b == 'y'}", None),
        ("${kind != 'money'}", None),
    ],
)
def test_compared_value_is_the_literal_of_a_simple_equality(text: str, value: object) -> None:
    assert navigation.compared_value(compile_expression(text)) == value
