"""Searching tasks and activities by a bound filter tree: the right rows, in order, with
every client value bound as a parameter, never spliced into the SQL."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from lanes.services.context import Services
from lanes.services.query_filter import Field, SortKey, bind, parse_filter
from lanes.store import tables as t
from lanes.store import task_search
from tests.integration.services.helpers import APPROVAL, deploy, start, task_at, user

CATALOGUE = {
    "ID": Field("id", "int"),
    "Participant": Field("assignee"),
    "Node": Field("node_id"),
    "Key": Field("business_key"),
    "Created": Field("created_at", "date"),
    "State": Field("state", "code", {"j": "ready", "f": "performing"}),
}


def _where(text: str) -> object:
    return bind(parse_filter(text), CATALOGUE)


@pytest.fixture
def cases(services: Services) -> list[int]:
    deploy(services, APPROVAL)
    return [
        start(services, "approval", user(name), business_key=f"k-{name}").id
        for name in ("ann", "bob", "cy")
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Participant = 'ann'", ["k-ann"]),
        ("Participant <> 'ann'", ["k-bob", "k-cy"]),
        ("Participant = 'ann' OR Key = 'k-cy'", ["k-ann", "k-cy"]),
        ("(Participant = 'ann' OR Key = 'k-cy') AND Node = 'draft'", ["k-ann", "k-cy"]),
        ("Participant = ''", []),
        ("Participant <> ''", ["k-ann", "k-bob", "k-cy"]),
        ("State = 'j'", ["k-ann", "k-bob", "k-cy"]),
        ("State = 'f'", []),
        ("Created > '2000-01-01T00:00:00+00:00'", ["k-ann", "k-bob", "k-cy"]),
        ("Created < '2000-01-01T00:00:00+09:00'", []),
        ("Participant = 'x'' OR ''1''=''1'", []),
        ("Key = 'k-%'", []),
    ],
)
def test_search_tasks_by_filter(
    services: Services, cases: list[int], text: str, expected: list[str]
) -> None:
    with services.db.read() as conn:
        rows, total = task_search.search_tasks(conn, _where(text), [SortKey("business_key")], 0, 50)
    assert [r.business_key for r in rows] == expected
    assert total == len(expected)


def test_search_tasks_sorts_pages_and_limits_to_a_user(
    services: Services, cases: list[int]
) -> None:
    with services.db.read() as conn:
        rows, total = task_search.search_tasks(conn, None, [SortKey("business_key", True)], 1, 1)
        assert ([r.business_key for r in rows], total) == (["k-bob"], 3)
        mine, total = task_search.search_tasks(conn, None, [], 0, None, ("bob", []))
        assert ([r.business_key for r in mine], total) == (["k-bob"], 1)


def test_values_reach_sql_as_parameters() -> None:
    hostile = "x'; DROP TABLE task; --"
    tree = _where(f"Participant = '{hostile.replace(chr(39), chr(39) * 2)}'")
    condition = task_search._condition(tree, task_search.TASK_FIELDS)
    compiled = select(t.task).where(condition).compile()
    assert "DROP" not in str(compiled)
    assert hostile in compiled.params.values()


def test_search_activities_answers_user_tasks_with_their_task_id(
    services: Services, cases: list[int]
) -> None:
    draft = task_at(services, cases[0], "draft")
    tree = bind(parse_filter(f"Instance = {cases[0]}"), {"Instance": Field("instance_id", "int")})
    with services.db.read() as conn:
        rows, _ = task_search.search_activities(conn, tree, [SortKey("node_id")], 0, 10)
        assert [(r.node_id, r.ended_at is None) for r in rows] == [
            ("draft", True),
            ("start", False),
        ]
        assert rows[0].id == draft.id
        assert rows[1].id != draft.id
        hidden, _ = task_search.search_activities(conn, tree, [], 0, 10, "stranger")
        assert hidden == []
        seen, _ = task_search.search_activities(conn, tree, [], 0, 10, "ann")
        assert len(seen) == 2
