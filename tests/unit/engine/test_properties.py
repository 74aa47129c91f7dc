"""Properties of the engine over random well-formed models (see random_models.py).

Each example deploys one random model on an embedded Engine whose clock stands still,
starts it with the variables that steer its gateways, then lets hypothesis pick the
next step: complete one of the open tasks or, now and then while a boundary timer
waits, move the clock on. On failure hypothesis shrinks to a small model and prints its
XML, start variables and steps (`note`). LANES_PROPERTY_EXAMPLES sets the number of
examples per property for a longer hunt.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import given, note, settings
from hypothesis import strategies as st

from lanes.embedded import Engine, Instance

from .random_models import PROCESS_ID, Model, models

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
# Every boundary timer waits PT1H: a long wait fires all that wait, a short one only
# those started at least 20 minutes earlier, so timers come due at different times.
LONG_WAIT = timedelta(hours=2)
SHORT_WAIT = timedelta(minutes=40)

EXAMPLES = int(os.environ.get("LANES_PROPERTY_EXAMPLES", "100"))


@dataclass(frozen=True)
class Step:
    """Complete open task `task_id` (at `node_id`), or else let `wait` pass."""

    task_id: str | None = None
    node_id: str | None = None
    wait: timedelta = timedelta(0)

    def __str__(self) -> str:
        if self.task_id is None:
            return f"advance the clock by {self.wait}"
        return f"complete task {self.task_id} at {self.node_id}"


def fixed_clock(at: datetime) -> Callable[[], datetime]:
    return lambda: at


def deploy(model: Model, at: datetime = T0) -> Engine:
    eng = Engine(clock=fixed_clock(at))
    assert eng.deploy(model.xml) == [PROCESS_ID]
    return eng


def start(model: Model) -> tuple[Engine, Instance]:
    note(model.xml.decode())
    note(f"start variables: {model.variables}")
    eng = deploy(model)
    return eng, eng.start(PROCESS_ID, variables=dict(model.variables))


def timer_waits(inst: Instance) -> bool:
    return any(sub["kind"] == "timer" for sub in inst.state["subs"].values())


def next_step(data: st.DataObject, inst: Instance) -> Step | None:
    """Hypothesis picks one open task to complete or, now and then while a timer waits,
    an advance of the clock (shrinking prefers completing the first task)."""
    tasks = sorted(inst.tasks(), key=lambda t: t.id)
    if timer_waits(inst):
        choice = data.draw(st.integers(0, 7), label="wait") if tasks else 7
        if choice >= 6:
            return Step(wait=LONG_WAIT if choice == 7 else SHORT_WAIT)
    if not tasks:
        return None
    index = data.draw(st.integers(0, len(tasks) - 1), label="task")
    return Step(tasks[index].id, tasks[index].node_id)


def apply(eng: Engine, inst: Instance, step: Step, record: bool = True) -> None:
    if record:
        note(f"step: {step}")
    if step.task_id is None:
        eng.advance_clock(step.wait)
    else:
        inst.complete(step.task_id)


def open_task_nodes(inst: Instance) -> list[str]:
    return sorted(t.node_id for t in inst.tasks())


# -- 1. liveness -------------------------------------------------------------------------


@settings(max_examples=EXAMPLES, deadline=None)
@given(model=models(), data=st.data())
def test_random_models_always_end_when_every_task_is_completed(
    model: Model, data: st.DataObject
) -> None:
    eng, inst = start(model)
    completed: Counter[str] = Counter()
    for _ in range(model.step_limit):
        assert not inst.incidents, inst.incidents
        if inst.ended:
            break
        step = next_step(data, inst)
        assert step is not None, f"active with nothing to do at {inst.active_nodes()}"
        apply(eng, inst, step)
        if step.node_id is not None:
            completed[step.node_id] += 1
    assert inst.ended, f"still running after {model.step_limit} steps at {inst.active_nodes()}"
    assert inst.status == "completed"
    assert not inst.incidents, inst.incidents
    ran = set(inst.visited)
    assert not ran & model.impossible, "ran a task on a branch no gateway chose"
    if ran & model.boundary_timers:
        for node_id, count in completed.items():
            if node_id not in model.timer_path_tasks:
                assert count <= model.completions[node_id], f"{node_id} completed {count} times"
    else:
        expected = {n: c for n, c in model.completions.items() if c}
        assert dict(completed) == expected, "tasks did not run as the gateways and loops say"
        assert not ran & model.timer_path_tasks, "ran a timer path without a timer"


# -- 2. token invariants -----------------------------------------------------------------


def check_tokens(model: Model, state: dict[str, Any], visited_before: list[str]) -> None:
    """The invariants that hold between any two commands."""
    assert not state["incidents"], state["incidents"]
    check_tree(model, state)
    check_tasks(model, state)
    check_visits(model, state, visited_before)


def check_tree(model: Model, state: dict[str, Any]) -> None:
    """Every execution hangs off the root; scopes hold something; loop counters add up."""
    executions = state["ex"]
    root_id = state["id"]
    children: dict[str, list[dict[str, Any]]] = {}
    for ex in executions.values():
        if ex["id"] == root_id:
            assert ex["parent"] is None
        else:
            assert ex["parent"] in executions, f"execution {ex['id']} lost its parent"
            children.setdefault(ex["parent"], []).append(ex)
    if state["status"] == "active":
        for ex in executions.values():
            if ex["status"] in ("scope", "mi"):
                assert children.get(ex["id"]), f"scope {ex['id']} at {ex['node']} is empty"
    else:
        assert set(executions) == {root_id}, executions
        assert not state["tasks"]
        assert not state["subs"]
    for body in (ex for ex in executions.values() if ex["status"] == "mi"):
        counters = body["vars"]
        instances = children.get(body["id"], [])
        assert all(i.get("inst") and i["node"] == body["node"] for i in instances), instances
        assert counters["nrOfActiveInstances"] == len(instances), (body, instances)
        done = counters["nrOfCompletedInstances"] + len(instances)
        assert done <= counters["nrOfInstances"], body
    # the variables steering the gateways are all the process has; loop counters stay local
    assert executions[root_id].get("vars", {}) == model.variables
    for sub in state["subs"].values():
        assert sub["ex"] in executions, f"subscription {sub['id']} outlived its execution"
    joining = Counter(
        (ex["parent"], ex["node"])
        for ex in executions.values()
        if ex["status"] == "join" and ex["node"] in model.parallel_joins
    )
    for (_, join_id), count in joining.items():
        assert count < model.parallel_joins[join_id], f"parallel join {join_id} did not fire"


def check_tasks(model: Model, state: dict[str, Any]) -> None:
    """Open tasks and the tokens waiting at user tasks match one to one."""
    executions = state["ex"]
    tasks = state["tasks"]
    for ex in executions.values():
        if ex["status"] == "wait":
            # the only wait state these models have is a user task
            assert ex.get("task") in tasks, f"token {ex['id']} at {ex['node']} holds no task"
    for task in tasks.values():
        ex = executions.get(task["ex"])
        assert ex is not None, f"task {task['id']} points at a missing execution"
        assert ex["status"] == "wait", ex
        assert ex["node"] == task["node"], (ex, task)
        assert ex.get("task") == task["id"], (ex, task)
    at_task = Counter(
        (ex["parent"], ex["node"])
        for ex in executions.values()
        if ex["node"] in model.user_tasks and not ex.get("inst")
    )
    doubled = [key for key, count in at_task.items() if count > 1]
    assert not doubled, f"two tokens of one scope at the same task: {doubled}"
    open_per_node = Counter(task["node"] for task in tasks.values())
    for node_id, count in open_per_node.items():
        assert count <= model.max_open[node_id], f"{count} open tasks at {node_id}"
    if state["status"] == "active":
        assert tasks, f"active, but nothing will ever happen: {list(executions.values())}"


def check_visits(model: Model, state: dict[str, Any], visited_before: list[str]) -> None:
    """`visited` only grows, and no node is entered more often than the model allows."""
    visited = state["visited"]
    assert visited[: len(visited_before)] == visited_before, "visited lost entries"
    entered = Counter(visited)
    assert set(entered) <= set(model.max_entries), "entered a node the model does not have"
    for node_id, count in entered.items():
        assert count <= model.max_entries[node_id], f"{node_id} entered {count} times"
    if "end" in entered:
        # every main-path token has merged before the end event: only timer paths remain
        left = {task["node"] for task in state["tasks"].values()} - model.timer_path_tasks
        assert not left, f"the end event was reached while {sorted(left)} are open"


@settings(max_examples=EXAMPLES, deadline=None)
@given(model=models(), data=st.data())
def test_tokens_are_never_lost_or_duplicated(model: Model, data: st.DataObject) -> None:
    eng, inst = start(model)
    visited: list[str] = []
    check_tokens(model, inst.state, visited)
    for _ in range(model.step_limit):
        if inst.ended:
            break
        visited = inst.visited
        step = next_step(data, inst)
        assert step is not None
        apply(eng, inst, step)
        check_tokens(model, inst.state, visited)
    assert inst.ended


# -- 3. the JSON document is the whole state ---------------------------------------------


@settings(max_examples=EXAMPLES, deadline=None)
@given(model=models(), data=st.data())
def test_json_round_trip_at_every_step_changes_nothing(model: Model, data: st.DataObject) -> None:
    live_engine, live = start(model)
    other_engine = deploy(model)
    restored = other_engine.start(PROCESS_ID, variables=dict(model.variables))
    elapsed = timedelta(0)
    for _ in range(model.step_limit):
        assert live.to_json() == restored.to_json()
        assert open_task_nodes(live) == open_task_nodes(restored)
        assert json.loads(live.to_json()) == live.state, "the state is not plain JSON"
        if live.ended:
            break
        step = next_step(data, live)
        assert step is not None
        apply(live_engine, live, step)
        apply(other_engine, restored, step, record=False)
        elapsed += step.wait
        # A new engine each time: nothing outside the JSON document may matter.
        other_engine = deploy(model, T0 + elapsed)
        restored = other_engine.restore(restored.to_json())
    assert live.ended and restored.ended
    assert live.visited == restored.visited
