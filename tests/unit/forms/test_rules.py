"""Whom a rule reaches, and the right a field's four rule lists give (b > e > r > h)."""

from __future__ import annotations

import pytest

from lanes.forms import (
    DEFAULT_RULES,
    FieldRules,
    FormError,
    Person,
    Rule,
    matches,
    right_of,
    rules_from_json,
    rules_to_json,
)

ANN = Person(
    "ann",
    roles=frozenset({"clerk"}),
    orgs=frozenset({"sales-east"}),
    org_chain=frozenset({"sales-east", "sales", "hq"}),
    positions=frozenset({"team-lead"}),
)
NOBODY = Person("bob")


@pytest.mark.parametrize(
    ("rule", "person", "expected"),
    [
        (Rule("none", "", ""), ANN, False),
        (Rule("none", "ann"), ANN, False),
        (Rule("all"), ANN, True),
        (Rule("all"), NOBODY, True),
        (Rule("employee", "ann"), ANN, True),
        (Rule("employee", "carl, ann ,dora"), ANN, True),
        (Rule("employee", "annie"), ANN, False),
        (Rule("employee", ""), ANN, False),
        (Rule("role", "clerk"), ANN, True),
        (Rule("role", "boss,clerk"), ANN, True),
        (Rule("role", "boss"), ANN, False),
        (Rule("role", "team-lead"), ANN, False),  # a position is not a role
        (Rule("org", "sales-east"), ANN, True),
        (Rule("org", "sales"), ANN, False),  # org: members of the org itself only
        (Rule("orgSub", "sales-east"), ANN, True),
        (Rule("orgSub", "sales"), ANN, True),  # a parent org reaches its sub-orgs
        (Rule("orgSub", "hq"), ANN, True),  # and every level above
        (Rule("orgSub", "sales-west"), ANN, False),  # a sibling org does not
        (Rule("orgSub", "sales"), NOBODY, False),
        (Rule("position", "team-lead"), ANN, True),
        (Rule("position", "clerk"), ANN, False),  # a role is not a position
        (Rule("employee", None), ANN, False),
    ],
)
def test_a_rule_reaches_exactly_the_people_its_type_names(
    rule: Rule, person: Person, expected: bool
) -> None:
    assert matches(rule, person) is expected


def _rules(
    read: str = "none", edit: str = "none", required: str = "none", hide: str = "none"
) -> FieldRules:
    return FieldRules((Rule(read),), (Rule(edit),), (Rule(required),), (Rule(hide),))


@pytest.mark.parametrize(
    ("rules", "expected"),
    [
        (_rules(), "h"),
        (_rules(read="all"), "r"),
        (_rules(edit="all"), "e"),
        (_rules(read="all", edit="all"), "e"),
        (_rules(required="all"), "b"),
        (_rules(read="all", edit="all", required="all"), "b"),
        # hide is kept for the designer and changes nothing (the seed's own example)
        (_rules(read="all", edit="all", hide="all"), "e"),
        (_rules(required="all", hide="all"), "b"),
        (_rules(read="all", hide="all"), "r"),
        (DEFAULT_RULES, "e"),
    ],
)
def test_the_strongest_matching_list_gives_the_right(rules: FieldRules, expected: str) -> None:
    assert right_of(rules, ANN) == expected


def test_only_the_rules_that_reach_the_person_count() -> None:
    rules = FieldRules(
        read=(Rule("all"),),
        edit=(Rule("role", "boss"), Rule("employee", "ann")),
        required=(Rule("position", "ceo"),),
        hide=(),
    )
    assert right_of(rules, ANN) == "e"
    assert right_of(rules, NOBODY) == "r"
    assert right_of(rules, Person("cleo", positions=frozenset({"ceo"}))) == "b"


def test_lists_left_out_get_their_defaults() -> None:
    rules = rules_from_json({"required": [{"type": "all", "rightsId": "", "rightsName": ""}]}, "f")
    assert rules.read == DEFAULT_RULES.read
    assert rules.edit == DEFAULT_RULES.edit
    assert rules.hide == DEFAULT_RULES.hide
    assert rules.required == (Rule("all", "", ""),)


def test_rules_round_trip_as_the_designer_sent_them() -> None:
    raw = {
        "read": [{"type": "all"}],
        "edit": [{"type": "role", "rightsId": "a,b", "rightsName": "A,B"}],
        "required": [{"type": "none", "rightsId": "", "rightsName": ""}],
        "hide": [],
    }
    assert rules_to_json(rules_from_json(raw, "f")) == raw


def test_a_list_of_ids_is_joined_with_commas() -> None:
    rules = rules_from_json({"edit": [{"type": "employee", "rightsId": ["ann", 7]}]}, "f")
    assert rules.edit[0].rights_id == "ann,7"


@pytest.mark.parametrize(
    ("raw", "where"),
    [
        ({"edit": [{"type": "everyone"}]}, "xingMing.edit"),
        ({"required": [{"type": None}]}, "xingMing.required"),
        ({"read": [{}]}, "xingMing.read"),
        ({"read": {"type": "all"}}, "xingMing.read"),
        ({"hide": ["all"]}, "xingMing.hide"),
        ({"edit": [{"type": "role", "rightsId": {"a": 1}}]}, "xingMing.edit.rightsId"),
        ({"edit": [{"type": "role", "rightsId": "a\x00"}]}, "xingMing.edit.rightsId"),
    ],
)
def test_a_rule_that_does_not_fit_is_refused_naming_where(
    raw: dict[str, object], where: str
) -> None:
    with pytest.raises(FormError) as caught:
        rules_from_json(raw, "xingMing")
    assert caught.value.field == where
