"""lanes.services.forms on a real database: rights from the identity store (roles,
positions, orgs and their parents), the rule operations, a task's form, and enforcement
inside task completion."""

from __future__ import annotations

from typing import Any

import pytest

from lanes.forms import Scope
from lanes.services import forms, identity, instances, tasks, work_items
from lanes.services.actor import Actor
from lanes.services.context import Services
from lanes.services.errors import Forbidden, Invalid, NotFound

from .helpers import (
    ADMIN,
    deploy,
    flows,
    model_xml,
    operation_names,
    run_together,
    start,
    task_at,
)

TRIP_FORM: dict[str, Any] = {
    "name": "Trip",
    "tables": [
        {
            "name": "trip",
            "label": "Trip",
            "isMain": "Y",
            "fields": [
                {"name": "days", "code": "trip", "field_type": "number", "label": "Days"},
                {"name": "reason", "code": "trip", "field_type": "text", "label": "Reason"},
                {"name": "boss", "code": "trip", "field_type": "text", "label": "Boss"},
            ],
        },
        {
            "name": "stops",
            "label": "Stops",
            "isMain": "N",
            "fields": [
                {"name": "city", "code": "stops", "field_type": "text", "label": "City"},
                {"name": "cost", "code": "stops", "field_type": "number", "label": "Cost"},
            ],
        },
    ],
}

# start -> fill (ann) -> check (bob) -> end; both tasks show the form 'trip'
TRIP = model_xml(
    '<startEvent id="start"/>'
    '<userTask id="fill" name="Fill" flowable:assignee="ann" flowable:formKey="trip"/>'
    '<userTask id="check" name="Check" flowable:assignee="bob" flowable:formKey="trip"/>'
    '<endEvent id="end"/>' + flows("start", "fill", "check", "end"),
    "travel",
)
FORM_ADMIN = Actor("fay", roles=frozenset({"form-admin"}), groups=frozenset({"form-admin"}))
ANN = Actor("ann", groups=frozenset({"sales-east", "clerk", "lead"}), roles=frozenset({"clerk"}))
BOB = Actor("bob")


def rule(kind: str, ids: str = "") -> list[dict[str, str]]:
    return [{"type": kind, "rightsId": ids, "rightsName": ""}]


NONE = rule("none")
ALL = rule("all")


def entry(name: str, *, read: Any = ALL, edit: Any = ALL, required: Any = NONE) -> dict[str, Any]:
    return {"name": name, "read": read, "edit": edit, "required": required, "hide": NONE}


@pytest.fixture
def org(services: Services) -> Services:
    """hq > sales > sales-east (orgs), role clerk, position lead; ann in all three of
    sales-east, clerk and lead; bob in nothing; the form 'trip'."""
    for group_id, kind, parent in [
        ("hq", "org", None),
        ("sales", "org", "hq"),
        ("sales-east", "org", "sales"),
        ("sales-west", "org", "sales"),
        ("clerk", "role", None),
        ("lead", "position", None),
        ("form-admin", "role", None),
    ]:
        identity.create_group(services, ADMIN, group_id, group_id, kind, parent)
    identity.create_user(services, ADMIN, "ann", "Ann", groups=["sales-east", "clerk", "lead"])
    identity.create_user(services, ADMIN, "bob", "Bob")
    forms.define_form(services, ADMIN, "trip", TRIP_FORM)
    return services


WHOLE_FORM = Scope("trip")


def days_right(svc: Services, who: str, scope: Scope = WHOLE_FORM) -> str:
    right: str = forms.user_rights(svc, ADMIN, scope, who)["fields"]["days"]
    return right


@pytest.mark.parametrize(
    ("required", "ann", "bob"),
    [
        (rule("all"), "b", "b"),
        (rule("none"), "e", "e"),
        (rule("employee", "ann"), "b", "e"),
        (rule("role", "clerk"), "b", "e"),
        (rule("role", "lead"), "e", "e"),  # lead is a position, not a role
        (rule("position", "lead"), "b", "e"),
        (rule("org", "sales-east"), "b", "e"),
        (rule("org", "sales"), "e", "e"),  # org: direct members only
        (rule("orgSub", "sales"), "b", "e"),  # orgSub: sub-orgs too, through the store
        (rule("orgSub", "hq"), "b", "e"),
        (rule("orgSub", "sales-west"), "e", "e"),
    ],
)
def test_rules_match_against_the_identity_store(
    org: Services, required: Any, ann: str, bob: str
) -> None:
    forms.save_rules(
        org, ADMIN, Scope("trip"), {"field": [entry("days", required=required)]}, whole=True
    )
    assert days_right(org, "ann") == ann
    assert days_right(org, "bob") == bob
    assert days_right(org, "nobody-known") == bob  # an unknown user has no groups


def test_saving_the_whole_form_drops_the_rules_it_leaves_out(org: Services) -> None:
    scope = Scope("trip", "travel")
    forms.save_rules(
        org, ADMIN, scope, [entry("days", required=ALL), entry("reason", edit=NONE)], whole=True
    )
    forms.save_rules(org, ADMIN, scope, {"field": [entry("reason", edit=NONE)]}, whole=True)
    fields = forms.user_rights(org, ADMIN, scope, "ann")["fields"]
    assert fields["days"] == "e" and fields["reason"] == "r"


def test_saving_some_fields_keeps_the_others(org: Services) -> None:
    scope = Scope("trip", "travel")
    forms.save_rules(org, ADMIN, scope, [entry("days", required=ALL)], whole=False)
    forms.save_rules(org, ADMIN, scope, entry("reason", edit=NONE), whole=False)
    fields = forms.user_rights(org, ADMIN, scope, "ann")["fields"]
    assert fields["days"] == "b" and fields["reason"] == "r"


def test_resetting_fields_of_a_flow_falls_back_to_the_forms_rules(org: Services) -> None:
    forms.save_rules(org, ADMIN, Scope("trip"), [entry("days", edit=NONE)], whole=True)
    flow = Scope("trip", "travel")
    forms.save_rules(
        org, ADMIN, flow, [entry("days", required=ALL), entry("reason", required=ALL)], whole=False
    )
    forms.reset_fields(org, ADMIN, flow, {"name": "days"})
    fields = forms.user_rights(org, ADMIN, flow, "ann")["fields"]
    assert fields["days"] == "r"  # the form's rule again
    assert fields["reason"] == "b"  # not named: kept


def test_resetting_a_scope_gives_the_defaults_not_the_forms_rules(org: Services) -> None:
    forms.save_rules(org, ADMIN, Scope("trip"), [entry("days", edit=NONE)], whole=True)
    flow = Scope("trip", "travel")
    forms.save_rules(org, ADMIN, flow, [entry("days", required=ALL)], whole=True)
    forms.reset_scope(org, ADMIN, flow)
    assert days_right(org, "ann", flow) == "e"
    assert days_right(org, "ann") == "r"  # the form scope is untouched
    forms.reset_scope(org, ADMIN, Scope("trip"))
    assert days_right(org, "ann") == "e"


def test_copying_a_flow_replaces_the_new_flows_rules(org: Services) -> None:
    forms.save_rules(org, ADMIN, Scope("trip", "old"), [entry("days", required=ALL)], whole=True)
    forms.save_rules(
        org, ADMIN, Scope("trip", "old", "fill"), [entry("reason", edit=NONE)], whole=True
    )
    forms.save_rules(
        org, ADMIN, Scope("trip", "new", "check"), [entry("boss", edit=NONE)], whole=True
    )
    forms.copy_flow_rules(org, ADMIN, "old", "new")
    node = forms.user_rights(org, ADMIN, Scope("trip", "new", "fill"), "ann")["fields"]
    assert node["days"] == "b" and node["reason"] == "r"
    replaced = forms.user_rights(org, ADMIN, Scope("trip", "new", "check"), "ann")["fields"]
    assert replaced["boss"] == "e"
    assert days_right(org, "ann", Scope("trip", "old")) == "b"  # the old flow keeps its own


def test_removing_a_flow_leaves_other_flows_and_the_form(org: Services) -> None:
    forms.save_rules(org, ADMIN, Scope("trip"), [entry("days", edit=NONE)], whole=True)
    for flow in ("gone", "kept"):
        forms.save_rules(
            org, ADMIN, Scope("trip", flow, "fill"), [entry("days", required=ALL)], whole=True
        )
    forms.remove_flow_rules(org, ADMIN, "gone")
    assert days_right(org, "ann", Scope("trip", "gone", "fill")) == "r"
    assert days_right(org, "ann", Scope("trip", "kept", "fill")) == "b"


def test_rule_changes_need_an_administrator_or_the_form_admin_role(org: Services) -> None:
    payload = [entry("days", required=ALL)]
    for call in (
        lambda a: forms.save_rules(org, a, Scope("trip"), payload, whole=True),
        lambda a: forms.reset_scope(org, a, Scope("trip")),
        lambda a: forms.reset_fields(org, a, Scope("trip", "f"), payload),
        lambda a: forms.copy_flow_rules(org, a, "x", "y"),
        lambda a: forms.remove_flow_rules(org, a, "x"),
        lambda a: forms.define_form(org, a, "other", TRIP_FORM),
    ):
        with pytest.raises(Forbidden):
            call(ANN)
        call(FORM_ADMIN)


def test_reading_another_users_rights_needs_an_administrator(org: Services) -> None:
    assert forms.user_rights(org, ANN, Scope("trip"))["fields"]["days"] == "e"
    with pytest.raises(Forbidden):
        forms.user_rights(org, ANN, Scope("trip"), "bob")


def test_an_unknown_form_is_not_found(org: Services) -> None:
    with pytest.raises(NotFound):
        forms.user_rights(org, ANN, Scope("nope"))
    with pytest.raises(NotFound):
        forms.save_rules(org, ADMIN, Scope("nope"), [], whole=True)


# -- a task's form and enforcement ------------------------------------------------------


@pytest.fixture
def trip(org: Services) -> int:
    """An instance of 'travel' waiting at fill (ann), with days=2, reason, boss set."""
    deploy(org, TRIP)
    instance = start(org, "travel", variables={"days": 2, "reason": "fair", "boss": "max"})
    return instance.id


def fill_rules(svc: Services) -> None:
    """At travel/fill: days required, reason read-only, boss hidden, stops.cost read-only."""
    forms.save_rules(
        svc,
        ADMIN,
        Scope("trip", "travel", "fill"),
        {
            "field": [
                entry("days", required=ALL),
                entry("reason", edit=NONE),
                entry("boss", read=NONE, edit=NONE),
            ],
            "subfield": [{"name": "cost", "code": "stops", "edit": NONE}],
        },
        whole=True,
    )


def test_a_completion_against_the_rights_is_refused_naming_every_field(
    org: Services, trip: int
) -> None:
    fill_rules(org)
    task = task_at(org, trip, "fill")
    with pytest.raises(Invalid) as caught:
        tasks.complete(
            org,
            ANN,
            task.id,
            {"reason": "changed", "boss": "me", "stops": [{"city": "Oslo", "cost": 9}]},
        )
    assert caught.value.details["fields"] == {
        "boss": "hidden",
        "days": "required",
        "reason": "read-only",
        "stops.cost": "read-only",
    }
    for name in ("boss", "days", "reason", "stops.cost"):
        assert name in caught.value.message
    # nothing of the completion was applied
    assert task_at(org, trip, "fill").id == task.id
    assert instances.get_variables(org, ADMIN, trip) == {"days": 2, "reason": "fair", "boss": "max"}
    assert "complete" not in operation_names(org, task_id=task.id)


@pytest.mark.parametrize("empty", [None, "", "  ", [], {}])
def test_a_required_field_sent_empty_is_refused(org: Services, trip: int, empty: Any) -> None:
    fill_rules(org)
    with pytest.raises(Invalid) as caught:
        tasks.complete(org, ANN, task_at(org, trip, "fill").id, {"days": empty})
    assert caught.value.details["fields"] == {"days": "required"}


def test_a_completion_within_the_rights_goes_through(org: Services, trip: int) -> None:
    fill_rules(org)
    tasks.complete(
        org, ANN, task_at(org, trip, "fill").id, {"days": 3, "stops": [{"city": "Oslo"}], "ok": 1}
    )
    assert task_at(org, trip, "check")  # moved on
    assert instances.get_variables(org, ADMIN, trip)["days"] == 3


def test_a_sub_table_must_come_as_a_list_of_rows(org: Services, trip: int) -> None:
    fill_rules(org)
    task = task_at(org, trip, "fill")
    for stops in ("Oslo", {"city": "Oslo"}, ["Oslo"]):
        with pytest.raises(Invalid) as caught:
            tasks.complete(org, ANN, task.id, {"days": 3, "stops": stops})
        assert caught.value.details["fields"] == {"stops": "not a list of rows"}


def test_writing_variables_on_a_work_item_keeps_to_the_rights(org: Services, trip: int) -> None:
    """reassign-and-perform with data: the rights of a completion, none yet required."""
    fill_rules(org)
    task = task_at(org, trip, "fill")
    with pytest.raises(Invalid, match="set these values") as caught:
        work_items.reassign(
            org, ANN, trip, task.id, "ann", perform=True, variables={"reason": "mine"}
        )
    assert caught.value.details["fields"] == {"reason": "read-only"}
    assert instances.get_variables(org, ADMIN, trip)["reason"] == "fair"
    work_items.reassign(org, ANN, trip, task.id, "ann", perform=True, variables={"note": "x"})
    assert instances.get_variables(org, ADMIN, trip)["note"] == "x"


def test_rights_of_one_node_do_not_bind_another(org: Services, trip: int) -> None:
    fill_rules(org)
    tasks.complete(org, ANN, task_at(org, trip, "fill").id, {"days": 3})
    tasks.complete(org, BOB, task_at(org, trip, "check").id, {"reason": "ok", "boss": "x"})


def test_a_form_without_rules_completes_as_before(org: Services, trip: int) -> None:
    tasks.complete(org, ANN, task_at(org, trip, "fill").id, {"reason": "x", "boss": ""})
    assert task_at(org, trip, "check")


def test_a_task_whose_form_is_not_defined_completes_as_before(services: Services) -> None:
    deploy(services, TRIP)
    instance = start(services, "travel")
    tasks.complete(services, Actor("ann"), task_at(services, instance.id, "fill").id, {"x": 1})


def test_a_tasks_form_shows_values_and_rights_without_hidden_fields(
    org: Services, trip: int
) -> None:
    fill_rules(org)
    instances.set_variables(org, ADMIN, trip, {"stops": [{"city": "Oslo", "cost": 5}, "junk"]})
    view = forms.task_form(org, ANN, task_at(org, trip, "fill").id)
    assert view.rights == {"days": "b", "reason": "r", "stops.city": "e", "stops.cost": "r"}
    assert view.values == {
        "days": 2,
        "reason": "fair",
        "stops": [{"city": "Oslo", "cost": 5}],
    }
    assert view.tables == {"stops": "e"}
    assert (view.form_key, view.flow_key, view.node_id) == ("trip", "travel", "fill")


def test_a_tasks_form_is_for_those_who_may_see_the_task(org: Services, trip: int) -> None:
    with pytest.raises(Forbidden):
        forms.task_form(org, BOB, task_at(org, trip, "fill").id)
    with pytest.raises(NotFound):
        forms.task_form(org, ANN, 999_999)


def test_concurrent_writers_of_one_scope_and_one_form_take_turns(org: Services) -> None:
    scope = Scope("trip", "travel")
    saves = [
        lambda n=n: forms.save_rules(org, ADMIN, scope, [entry("days", required=ALL)], whole=True)
        for n in range(4)
    ]
    defines = [lambda: forms.define_form(org, ADMIN, "fresh", TRIP_FORM) for _ in range(4)]
    results, errors = run_together([*saves, *defines])
    assert errors == []
    assert len(results) == 8
    assert sum(1 for r in results if isinstance(r, forms.FormView) and r.created) == 1
    assert days_right(org, "ann", scope) == "b"


# 'outer' calls 'travel': its fill task runs in a called sub-flow whose parent is 'outer'
OUTER = model_xml(
    '<startEvent id="start"/><callActivity id="call" calledElement="travel"/>'
    '<endEvent id="end"/>' + flows("start", "call", "end"),
    "outer",
)


def test_a_node_of_a_called_sub_flow_takes_the_rules_made_for_its_parent(
    org: Services,
) -> None:
    deploy(org, TRIP)
    deploy(org, OUTER)
    called = Scope("trip", "travel", "fill", "outer")
    forms.save_rules(org, ADMIN, called, [entry("days", required=ALL)], whole=True)
    outer = start(org, "outer")
    children = instances.list_instances(org, ADMIN, process_key="travel").items
    (child,) = [i for i in children if i.parent_id == outer.id]
    task = task_at(org, child.id, "fill")
    assert forms.task_form(org, ANN, task.id).rights["days"] == "b"
    with pytest.raises(Invalid):
        tasks.complete(org, ANN, task.id, {})
    # the same node started on its own has no parent flow: those rules do not apply
    alone = start(org, "travel")
    tasks.complete(org, ANN, task_at(org, alone.id, "fill").id, {})
