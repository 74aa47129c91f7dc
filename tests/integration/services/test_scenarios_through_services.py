"""The corpus scenarios made only of user-task completions, run through the services.

`tests/corpus/test_corpus_runs.py` drives each scenario through the in-memory engine. Here
the same steps go through `lanes.services` on SQLite: deploy, start, then every completion
is its own transaction with a fresh `Services` (an empty model cache), so the case is saved
after each step and loaded back from its row for the next. The instance must take the
expected path (the `visited` list of the stored state) and complete.
"""

from __future__ import annotations

import shutil
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from lanes.services import deployments, instances, tasks
from lanes.services.actor import Actor
from lanes.services.context import Services
from lanes.store import runtime as repo
from lanes.store.db import Database
from tests.corpus.scenarios import SCENARIOS, Complete, PathItem, Scenario, Unordered, corpus_dir

from .helpers import open_tasks, visited

CORPUS = corpus_dir()
if not (CORPUS / "MANIFEST.tsv").is_file():
    pytest.skip(f"corpus not found at {CORPUS} (set LANES_CORPUS_DIR)", allow_module_level=True)


def only_completions(scenario: Scenario) -> bool:
    """User-task completions only: no clock, messages, signals or call-activity children."""
    return (
        all(isinstance(step, Complete) for step in scenario.steps)
        and not scenario.callees
        and scenario.expect_ended
    )


def params() -> list[Any]:
    return [
        pytest.param(
            s,
            id=s.name,
            marks=[pytest.mark.xfail(strict=True, reason=f"engine: {s.engine_bug}")]
            if s.engine_bug
            else [],
        )
        for s in SCENARIOS
        if only_completions(s)
    ]


@pytest.fixture
def sqlite_db(sqlite_template: Path, tmp_path: Path) -> Iterator[Database]:
    """A copy of the migrated SQLite template (tests/integration/conftest.py) of the test's
    own: these runs check the engine's path through a store, so one backend is enough."""
    path = tmp_path / "lanes.db"
    shutil.copyfile(sqlite_template, path)
    db = Database(f"sqlite:///{path}")
    try:
        yield db
    finally:
        db.dispose()


def cut(actual: list[str], expected: tuple[PathItem, ...]) -> list[Any]:
    """`actual` in the shape of `expected`: each Unordered group as its sorted slice."""
    out: list[Any] = []
    i = 0
    for item in expected:
        if isinstance(item, Unordered):
            out.append(sorted(actual[i : i + len(item.nodes)]))
            i += len(item.nodes)
        else:
            out.append(actual[i] if i < len(actual) else None)
            i += 1
    return out + actual[i:]


def expected_shape(expected: tuple[PathItem, ...]) -> list[Any]:
    return [sorted(item.nodes) if isinstance(item, Unordered) else item for item in expected]


@pytest.mark.parametrize("scenario", params())
def test_scenario_takes_the_expected_path_through_the_services(
    sqlite_db: Database, scenario: Scenario
) -> None:
    actor = Actor(scenario.user or "anonymous", admin=True)
    deployed = deployments.deploy(
        Services(sqlite_db), actor, (CORPUS / scenario.file).read_bytes(), scenario.file
    )
    keys = [d.key for d in deployed.definitions]
    key = scenario.process or keys[0]
    assert scenario.process is not None or len(keys) == 1, f"{scenario.file} holds {keys}"
    case = instances.start_instance(
        Services(sqlite_db), actor, key=key, variables=dict(scenario.start_variables)
    ).instance.id
    for step in scenario.steps:
        assert isinstance(step, Complete)
        svc = Services(sqlite_db)  # nothing carried over in memory from the last step
        waiting = [t for t in open_tasks(svc, case) if t.node_id == step.node_id]
        assert waiting, f"no open task at {step.node_id!r}; path so far {visited(svc, case)}"
        tasks.complete(svc, actor, waiting[0].id, dict(step.variables))

    svc = Services(sqlite_db)
    path = visited(svc, case)
    if scenario.expected_path is not None:
        assert cut(path, scenario.expected_path) == expected_shape(scenario.expected_path), (
            f"path taken: {path}"
        )
    if scenario.expected_nodes is not None:
        assert Counter(path) == scenario.expected_nodes
    view = instances.get_instance(svc, actor, case)
    assert view.status == "completed", f"active at the end: {view.active_nodes}"
    assert (view.active_nodes, open_tasks(svc, case)) == ([], [])
    with svc.db.read() as conn:
        incidents = [row.node_id for row in repo.open_incidents(conn, case)]
    assert incidents == list(scenario.expected_incidents)
    expected_variables = dict(scenario.expected_variables)
    assert {k: view.variables.get(k) for k in expected_variables} == expected_variables
