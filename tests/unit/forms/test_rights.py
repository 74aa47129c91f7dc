"""Scope fallback (node -> flow -> form -> defaults, field by field) and the rights
function on a form with a sub-table."""

from __future__ import annotations

from typing import Any

import pytest

from lanes.forms import (
    DEFAULT_RULES,
    FieldRules,
    FormError,
    Person,
    Rule,
    Scope,
    effective_rules,
    form_from_json,
    permission_entries,
    rights,
)

FORM = form_from_json(
    "leave",
    {
        "name": "Leave",
        "tables": [
            {
                "name": "main",
                "label": "Leave",
                "isMain": "Y",
                "fields": [
                    {"name": "days", "code": "main", "field_type": "number", "label": "Days"},
                    {"name": "reason", "code": "main", "field_type": "text", "label": "Reason"},
                    {"name": "boss", "code": "main", "field_type": "text", "label": "Boss"},
                ],
            },
            {
                "name": "trips",
                "label": "Trips",
                "isMain": "N",
                "fields": [
                    {"name": "city", "code": "trips", "label": "City"},
                    {"name": "cost", "code": "trips", "label": "Cost"},
                ],
            },
        ],
    },
)
ANN = Person("ann", roles=frozenset({"clerk"}))
FORM_S = Scope("leave")
FLOW_S = Scope("leave", "trip")
NODE_S = Scope("leave", "trip", "approve")
CALLED_S = Scope("leave", "trip", "approve", "parent")


def only(list_name: str) -> FieldRules:
    """Rules where only `list_name` reaches everybody."""
    empty = (Rule("none"),)
    lists = {"read": empty, "edit": empty, "required": empty, "hide": empty}
    lists[list_name] = (Rule("all"),)
    return FieldRules(**lists)


B, E, R = only("required"), only("edit"), only("read")
H = FieldRules((Rule("none"),), (Rule("none"),), (Rule("none"),), (Rule("all"),))


@pytest.mark.parametrize(
    ("scope", "chain"),
    [
        (FORM_S, [FORM_S]),
        (FLOW_S, [FLOW_S, FORM_S]),
        (NODE_S, [NODE_S, FLOW_S, FORM_S]),
        (CALLED_S, [CALLED_S, NODE_S, FLOW_S, FORM_S]),
    ],
)
def test_each_scope_falls_back_outwards_to_the_form(scope: Scope, chain: list[Scope]) -> None:
    assert list(scope.fallback()) == chain


@pytest.mark.parametrize(
    ("saved", "scope", "expected"),
    [
        # nothing saved anywhere: the defaults, edit for everybody
        ({}, NODE_S, "e"),
        ({}, FORM_S, "e"),
        # form rules reach every flow and node of the form
        ({FORM_S: R}, FORM_S, "r"),
        ({FORM_S: R}, FLOW_S, "r"),
        ({FORM_S: R}, NODE_S, "r"),
        # flow rules win over the form's, inside that flow only
        ({FORM_S: R, FLOW_S: B}, FLOW_S, "b"),
        ({FORM_S: R, FLOW_S: B}, NODE_S, "b"),
        ({FORM_S: R, FLOW_S: B}, FORM_S, "r"),
        ({FORM_S: R, FLOW_S: B}, Scope("leave", "other"), "r"),
        # node rules win over both, at that node only
        ({FORM_S: R, FLOW_S: B, NODE_S: H}, NODE_S, "h"),
        ({FORM_S: R, FLOW_S: B, NODE_S: H}, Scope("leave", "trip", "other"), "b"),
        ({NODE_S: H}, FLOW_S, "e"),
        # a node of a called sub-flow: its parent's rules first, then the node's own
        ({NODE_S: R, CALLED_S: B}, CALLED_S, "b"),
        ({NODE_S: R}, CALLED_S, "r"),
        ({CALLED_S: B}, NODE_S, "e"),
        ({CALLED_S: B}, Scope("leave", "trip", "approve", "another"), "e"),
    ],
)
def test_a_field_takes_the_rules_of_the_nearest_scope_that_has_some(
    saved: dict[Scope, FieldRules], scope: Scope, expected: str
) -> None:
    result = rights(FORM, {s: {"days": r} for s, r in saved.items()}, scope, ANN)
    assert result.fields["days"] == expected


def test_fallback_is_field_by_field() -> None:
    saved = {FORM_S: {"days": R, "reason": R}, FLOW_S: {"days": B}, NODE_S: {"boss": H}}
    result = rights(FORM, saved, NODE_S, ANN)
    assert result.fields == {
        "days": "b",  # flow
        "reason": "r",  # form
        "boss": "h",  # node
        "trips.city": "e",  # defaults
        "trips.cost": "e",
    }


def test_effective_rules_are_the_defaults_where_nothing_is_saved() -> None:
    rules = effective_rules(FORM, {FLOW_S: {"days": B}}, FLOW_S)
    assert rules["days"] is B
    assert rules["reason"] == DEFAULT_RULES


@pytest.mark.parametrize(
    ("city", "cost", "table"),
    [(H, H, "h"), (R, H, "r"), (R, E, "e"), (B, H, "b"), (E, B, "b")],
)
def test_a_sub_table_shows_the_strongest_right_of_its_fields(
    city: FieldRules, cost: FieldRules, table: str
) -> None:
    result = rights(FORM, {FORM_S: {"trips.city": city, "trips.cost": cost}}, FORM_S, ANN)
    assert result.tables == {"trips": table}
    assert result.to_json()["opinions"] == {}


def test_rights_depend_on_who_asks() -> None:
    rules = FieldRules(
        read=(Rule("all"),),
        edit=(Rule("role", "clerk"),),
        required=(Rule("employee", "boss"),),
        hide=(),
    )
    saved = {FORM_S: {"days": rules}}
    assert rights(FORM, saved, FORM_S, ANN).fields["days"] == "e"
    assert rights(FORM, saved, FORM_S, Person("boss")).fields["days"] == "b"
    assert rights(FORM, saved, FORM_S, Person("eve")).fields["days"] == "r"


# -- the designer's permission payload ----------------------------------------------------


def _entry(name: str | None = None, **extra: Any) -> dict[str, Any]:
    entry: dict[str, Any] = {"required": [{"type": "all"}], **extra}
    if name is not None:
        entry["name"] = name
    return entry


@pytest.mark.parametrize(
    ("payload", "paths"),
    [
        (
            {"field": [_entry("days"), _entry("boss")], "subfield": [], "table": []},
            {"days", "boss"},
        ),
        ({"field": [], "subfield": [_entry("city", code="trips")]}, {"trips.city"}),
        ([_entry("reason")], {"reason"}),
        (_entry("days"), {"days"}),
        (_entry(label="Reason", field_type="text"), {"reason"}),  # no name: by its label
        ({"field": [_entry("days")], "button": [{"x": 1}], "opinion": []}, {"days"}),
    ],
)
def test_permission_payloads_name_their_fields(payload: Any, paths: set[str]) -> None:
    entries = permission_entries(FORM, payload)
    assert set(entries) == paths
    assert all(r.required == (Rule("all"),) for r in entries.values())


@pytest.mark.parametrize(
    ("payload", "where"),
    [
        ({"field": [_entry("nosuch")]}, "nosuch"),
        ({"subfield": [_entry("city", code="main")]}, "main.city"),
        (_entry(label="Nothing"), "Nothing"),
        (_entry(), "name"),
        ({"field": [_entry("days", edit=[{"type": "bogus"}])]}, "days.edit"),
        ({"field": "days"}, "field"),
        ("days", "permission"),
        ({"field": ["days"]}, "permission"),
    ],
)
def test_a_payload_that_does_not_fit_the_form_is_refused_naming_the_field(
    payload: Any, where: str
) -> None:
    with pytest.raises(FormError) as caught:
        permission_entries(FORM, payload)
    assert caught.value.field == where
