"""The filter and sort language: its trees, its errors with positions, binding to a
catalogue, and evaluation against records."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from lanes.services.errors import Invalid
from lanes.services.query_filter import (
    Comparison,
    Field,
    Junction,
    SortKey,
    bind,
    bind_sort,
    matches,
    parse_filter,
    parse_sort,
)

CATALOGUE = {
    "ID": Field("id", "int"),
    "Participant": Field("assignee"),
    "CreationDate": Field("created_at", "date"),
    "StateCode": Field("state", "code", {"j": "ready", "f": "performing"}),
}


@pytest.mark.parametrize(
    ("text", "tree"),
    [
        ("Participant = 'lane'", Comparison("Participant", "=", "lane", 0)),
        ("ID>5", Comparison("ID", ">", 5, 0)),
        ("ID <> -3", Comparison("ID", "<>", -3, 0)),
        ("ID <= 7", Comparison("ID", "<=", 7, 0)),
        ("ID >= 7", Comparison("ID", ">=", 7, 0)),
        ("Participant = 'it''s'", Comparison("Participant", "=", "it's", 0)),
        ("Participant = ''", Comparison("Participant", "=", "", 0)),
        (
            "ID = 1 and ID = 2 OR ID = 3",
            Junction(
                "or",
                (
                    Junction("and", (Comparison("ID", "=", 1, 0), Comparison("ID", "=", 2, 11))),
                    Comparison("ID", "=", 3, 21),
                ),
            ),
        ),
        (
            "ID = 1 AND (ID = 2 OR ID = 3)",
            Junction(
                "and",
                (
                    Comparison("ID", "=", 1, 0),
                    Junction("or", (Comparison("ID", "=", 2, 12), Comparison("ID", "=", 3, 22))),
                ),
            ),
        ),
        ("  ((ID = 1))  ", Comparison("ID", "=", 1, 4)),
    ],
)
def test_parse_filter_builds_the_tree(text: str, tree: Any) -> None:
    assert parse_filter(text) == tree


@pytest.mark.parametrize(
    ("text", "position", "words"),
    [
        ("", 0, "empty"),
        ("   ", 0, "empty"),
        ("Participant", 11, "expected one of"),
        ("Participant =", 13, "quoted value"),
        ("Participant = lane", 14, "quoted value"),
        ("Participant = 'lane", 14, "not closed"),
        ("Participant == 'x'", 13, "quoted value"),
        ("ID = 1 AND", 10, "field name"),
        ("ID = 1 ID = 2", 7, "AND, OR"),
        ("(ID = 1", 7, "expected ')'"),
        ("ID = 1)", 6, "AND, OR"),
        ("ID = 1; DROP TABLE task", 6, "unexpected character ';'"),
        ("AND = 1", 0, "field name"),
        ("= 1", 0, "field name"),
        ("ID ! 1", 3, "unexpected character '!'"),
        ("ID = 'a' OR", 11, "field name"),
        ("(" * 40 + "ID = 1" + ")" * 40, 32, "nested"),
        ("ID = \u00b2", 5, "unexpected character"),  # a digit to str.isdigit, not to int()
    ],
)
def test_parse_filter_refuses_with_the_position(text: str, position: int, words: str) -> None:
    with pytest.raises(Invalid) as caught:
        parse_filter(text)
    assert caught.value.details == {"field": "filter", "position": position}
    assert f"at position {position}" in caught.value.message
    assert words in caught.value.message


def test_parse_filter_refuses_overlong_text() -> None:
    with pytest.raises(Invalid, match="longer than"):
        parse_filter("ID = 1 OR " * 500 + "ID = 2")


@pytest.mark.parametrize(
    ("text", "keys"),
    [
        ("ID", [SortKey("ID")]),
        ("ID desc", [SortKey("ID", True)]),
        ("CreationDate ASC, ID DESC", [SortKey("CreationDate"), SortKey("ID", True)]),
    ],
)
def test_parse_sort(text: str, keys: list[SortKey]) -> None:
    assert parse_sort(text) == keys


@pytest.mark.parametrize(
    ("text", "position"),
    [
        ("", 0),
        ("ID DOWN", 3),
        ("ID,", 3),
        ("'ID'", 0),
        ("ID ASC DESC", 7),
        (",".join(["ID"] * 9), 24),  # more keys than any ORDER BY needs
    ],
)
def test_parse_sort_refuses_with_the_position(text: str, position: int) -> None:
    with pytest.raises(Invalid) as caught:
        parse_sort(text)
    assert caught.value.details["position"] == position


def test_bind_maps_fields_and_converts_values() -> None:
    tree = bind(
        parse_filter(
            "ID = '12' AND CreationDate > '2016-12-09T15:36:04+09:00' "
            "AND StateCode = 'j' AND Participant = ''"
        ),
        CATALOGUE,
    )
    assert isinstance(tree, Junction)
    assert [(c.field, c.op, c.value) for c in tree.parts if isinstance(c, Comparison)] == [
        ("id", "=", 12),
        ("created_at", ">", datetime(2016, 12, 9, 6, 36, 4, tzinfo=UTC)),
        ("state", "=", "ready"),
        ("assignee", "=", None),
    ]


@pytest.mark.parametrize(
    ("text", "position", "words"),
    [
        ("Nobody = 'x'", 0, "unknown field 'Nobody'"),
        ("ID = 1 OR participant = 'x'", 10, "unknown field 'participant'"),
        ("ID = 'abc'", 0, "takes a number"),
        ("CreationDate > 'yesterday'", 0, "ISO 8601"),
        ("StateCode = 'z'", 0, "is one of f, j"),
        ("StateCode < 'j'", 0, "= or <>"),
    ],
)
def test_bind_refuses_with_the_position(text: str, position: int, words: str) -> None:
    with pytest.raises(Invalid) as caught:
        bind(parse_filter(text), CATALOGUE)
    assert caught.value.details["position"] == position
    assert words in caught.value.message


def test_bind_sort_refuses_unknown_fields() -> None:
    assert bind_sort(parse_sort("ID DESC"), CATALOGUE) == [SortKey("id", True)]
    with pytest.raises(Invalid, match="unknown field 'Age'"):
        bind_sort(parse_sort("Age"), CATALOGUE)


@pytest.mark.parametrize(
    ("text", "record", "expected"),
    [
        ("ID = 3", {"id": 3}, True),
        ("ID = 3", {"id": 4}, False),
        ("ID > 3 AND ID < 10", {"id": 5}, True),
        ("ID > 3 AND ID < 10", {"id": 10}, False),
        ("ID = 1 OR ID = 2", {"id": 2}, True),
        ("Participant = ''", {"assignee": None}, True),
        ("Participant = ''", {"assignee": "lane"}, False),
        ("Participant <> ''", {"assignee": "lane"}, True),
        ("Participant <> 'lane'", {"assignee": None}, True),
        ("Participant > 'a'", {"assignee": None}, False),
        ("StateCode = 'f'", {"state": "performing"}, True),
    ],
)
def test_matches(text: str, record: dict[str, Any], expected: bool) -> None:
    assert matches(bind(parse_filter(text), CATALOGUE), record) is expected
