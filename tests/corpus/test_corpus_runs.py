"""Every runnable corpus model runs start to end through `lanes.embedded`, on the expected path.

Each scenario runs twice: on the live instance, and with `to_json()` / `restore()` after every
step. Both runs must match the expected path, and each other exactly.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import pytest

from lanes.embedded import Engine

from .scenarios import (
    SCENARIOS,
    T0,
    AdvanceClock,
    Complete,
    Escalate,
    ExpectActive,
    InChild,
    Message,
    PathItem,
    Scenario,
    SetVariables,
    Signal,
    StartByMessage,
    Step,
    ThrowError,
    Trigger,
    Unordered,
    corpus_dir,
)

CORPUS = corpus_dir()
if not (CORPUS / "MANIFEST.tsv").is_file():
    pytest.skip(f"corpus not found at {CORPUS} (set LANES_CORPUS_DIR)", allow_module_level=True)


def fixed_clock() -> datetime:
    """Every run starts at T0; only Engine.advance_clock moves time on from there."""
    return T0


@dataclass
class Run:
    instance: Any
    # child instance id -> its visited path, in order of first sight
    child_paths: dict[str, list[str]] = field(default_factory=dict)


def open_task(inst: Any, node_id: str) -> Any:
    tasks = [t for t in inst.tasks() if t.node_id == node_id]
    if not tasks:
        open_nodes = sorted(t.node_id for t in inst.tasks())
        pytest.fail(f"no open task at {node_id!r}; open tasks at {open_nodes}")
    return tasks[0]


def running_child(inst: Any) -> Any:
    children = [c for c in inst.children() if not c.ended]
    if not children:
        pytest.fail("no running call-activity child")
    return children[0]


def apply(eng: Any, inst: Any, step: Step, run: Run) -> None:
    match step:
        case Complete(node_id, variables):
            inst.complete(open_task(inst, node_id).id, variables=dict(variables))
        case Message(name, variables):
            inst.trigger_message(name, variables=dict(variables))
        case Signal(name):
            inst.signal(name)
        case AdvanceClock(delta):
            eng.advance_clock(delta)
        case Trigger(node_id, variables):
            inst.trigger(node_id, variables=dict(variables))
        case SetVariables(variables):
            inst.set_variables(dict(variables))
        case ThrowError(node_id, code):
            inst.throw_error(open_task(inst, node_id).id, code)
        case Escalate(node_id, code):
            inst.escalate(open_task(inst, node_id).id, code)
        case InChild(inner):
            child = running_child(inst)
            apply(eng, child, inner, run)
            run.child_paths[child.id] = list(child.visited)
        case ExpectActive(nodes):
            assert sorted(inst.active_nodes()) == sorted(nodes), f"path so far: {inst.visited}"
        case StartByMessage():
            pytest.fail("StartByMessage is only allowed as the first step")


def start(eng: Any, scenario: Scenario) -> tuple[Any, tuple[Step, ...]]:
    keys = list(eng.deploy(read(scenario.file)))
    steps = scenario.steps
    if steps and isinstance(steps[0], StartByMessage):
        first = steps[0]
        return eng.start_by_message(first.name, variables=dict(first.variables)), steps[1:]
    if scenario.process is not None:
        key = scenario.process
    else:
        assert len(keys) == 1, f"{scenario.file} holds {keys}: name the process to start"
        key = keys[0]
    inst = eng.start(key, variables=dict(scenario.start_variables), user=scenario.user)
    return inst, steps


def read(relative: str) -> bytes:
    return (CORPUS / relative).read_bytes()


def drive(scenario: Scenario, *, round_trip: bool) -> Run:
    eng = Engine(clock=fixed_clock)
    for callee in scenario.callees:
        eng.deploy(read(callee))
    inst, steps = start(eng, scenario)
    if round_trip:
        inst = eng.restore(inst.to_json())
    run = Run(inst)
    for step in steps:
        apply(eng, run.instance, step, run)
        if round_trip:
            # children first: restore() replaces the engine's copy, which the parent reaches
            for child in run.instance.children():
                eng.restore(child.to_json())
            run.instance = eng.restore(run.instance.to_json())
    return run


def shape(actual: list[str], expected: tuple[PathItem, ...]) -> list[Any]:
    """`actual` cut along `expected`: each Unordered group becomes its sorted slice."""
    out: list[Any] = []
    i = 0
    for item in expected:
        if isinstance(item, Unordered):
            out.append(sorted(actual[i : i + len(item.nodes)]))
            i += len(item.nodes)
        else:
            out.append(actual[i] if i < len(actual) else None)
            i += 1
    out.extend(actual[i:])
    return out


def canonical(expected: tuple[PathItem, ...]) -> list[Any]:
    return [sorted(item.nodes) if isinstance(item, Unordered) else item for item in expected]


def check(scenario: Scenario, run: Run) -> None:
    inst = run.instance
    visited = list(inst.visited)
    if scenario.expected_path is not None:
        assert shape(visited, scenario.expected_path) == canonical(scenario.expected_path), (
            f"path taken: {visited}"
        )
    if scenario.expected_nodes is not None:
        assert Counter(visited) == scenario.expected_nodes
    if scenario.expected_child_paths is not None:
        assert [tuple(p) for p in run.child_paths.values()] == list(scenario.expected_child_paths)
    assert [i.node_id for i in inst.incidents] == list(scenario.expected_incidents)
    if scenario.expected_active is not None:
        assert sorted(inst.active_nodes()) == list(scenario.expected_active)
    assert inst.ended is scenario.expect_ended, f"active at the end: {inst.active_nodes()}"


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
    ]


@pytest.mark.parametrize("scenario", params())
def test_scenario_takes_expected_path(scenario: Scenario) -> None:
    check(scenario, drive(scenario, round_trip=False))


@pytest.mark.parametrize("scenario", params())
def test_scenario_path_survives_save_and_restore_after_every_step(scenario: Scenario) -> None:
    restored = drive(scenario, round_trip=True)
    check(scenario, restored)
    live = drive(scenario, round_trip=False)
    assert list(restored.instance.visited) == list(live.instance.visited)


WITH_VARIABLES = [pytest.param(s, id=s.name) for s in SCENARIOS if s.expected_variables]


@pytest.mark.parametrize("scenario", WITH_VARIABLES)
def test_scenario_leaves_expected_variables(scenario: Scenario) -> None:
    variables = drive(scenario, round_trip=False).instance.variables
    expected = dict(scenario.expected_variables)
    assert {k: variables.get(k) for k in expected} == expected
