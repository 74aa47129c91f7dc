"""Random well-formed BPMN 2.0 process models for the engine's property tests.

A model is a tree of blocks (`Block`) drawn by hypothesis from a small grammar:

    block := user task
           | sequence of 1-4 blocks
           | parallel split/join with 2-3 branches
           | exclusive split/join with 2-3 conditioned branches and a default flow
           | inclusive split/join with 2-3 branches ${x_n > k} and a default flow
           | embedded subprocess around a block
           | multi-instance user task (parallel or sequential, loopCardinality 1-3,
             optionally ${nrOfCompletedInstances >= c})
           | user task with a PT1H boundary timer whose path rejoins or ends on its own

`render` numbers the blocks and turns the tree into BPMN XML plus what the tests need to
know about it: the start variables that steer the gateways, how many tasks a node can
have open at once, and which tasks the chosen gateway branches make mandatory or
impossible. Imports nothing from lanes: the model is described independently of the
engine under test.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Literal
from xml.sax.saxutils import quoteattr

from hypothesis import strategies as st

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
FLOWABLE_NS = "http://flowable.org/bpmn"
PROCESS_ID = "random"
TIMER_DURATION = "PT1H"
MAX_DEPTH = 4
MAX_TASKS = 25

Comparison = Literal["==", "<", ">="]


@dataclass(frozen=True)
class Task:
    """A plain user task."""


@dataclass(frozen=True)
class MultiInstanceTask:
    sequential: bool
    cardinality: int
    completion_at: int | None  # ${nrOfCompletedInstances >= completion_at}


@dataclass(frozen=True)
class TimerTask:
    """A user task with a PT1H boundary timer.

    `path` says where the timer's flow goes: "rejoin" merges back after the task through
    an exclusive gateway (interrupting timers only, so one token leaves the block), "end"
    goes to an end event of its own. `path_task` puts a user task on that flow.
    """

    interrupting: bool
    path: Literal["rejoin", "end"]
    path_task: bool


@dataclass(frozen=True)
class Sequence:
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class Parallel:
    branches: tuple[Block, ...]


@dataclass(frozen=True)
class Exclusive:
    """Branches guarded by ${x_n <op> k}; the first that holds (document order) wins."""

    branches: tuple[tuple[Comparison, int, Block], ...]
    default: Block | None  # None: the default flow goes straight to the merge
    value: int  # what the test sets x_n to


@dataclass(frozen=True)
class Inclusive:
    """Branches guarded by ${x_n > k}; every one that holds is taken."""

    branches: tuple[tuple[int, Block], ...]
    default: Block | None
    value: int


@dataclass(frozen=True)
class SubProcess:
    body: Block


Block = (
    Task | MultiInstanceTask | TimerTask | Sequence | Parallel | Exclusive | Inclusive | SubProcess
)


def holds(op: Comparison, value: int, bound: int) -> bool:
    if op == "==":
        return value == bound
    if op == "<":
        return value < bound
    return value >= bound


def chosen_exclusive(block: Exclusive) -> int | None:
    """Index of the branch the gateway takes, None for the default flow."""
    for index, (op, bound, _) in enumerate(block.branches):
        if holds(op, block.value, bound):
            return index
    return None


def chosen_inclusive(block: Inclusive) -> list[int]:
    return [i for i, (bound, _) in enumerate(block.branches) if block.value > bound]


# -- the strategy ------------------------------------------------------------------------


_LEAF_KINDS = ("task", "multi", "timer")
_KINDS = ("task", "sequence", "parallel", "exclusive", "inclusive", "subprocess", "multi", "timer")


@st.composite
def blocks(draw: st.DrawFn, max_depth: int = MAX_DEPTH, max_tasks: int = MAX_TASKS) -> Block:
    """A random block tree with at most `max_depth` nested blocks and about `max_tasks` tasks."""
    budget = [max_tasks]
    return _block(draw, budget, depth=0, max_depth=max_depth, in_parallel=False, in_sequence=False)


def _block(
    draw: st.DrawFn,
    budget: list[int],
    depth: int,
    max_depth: int,
    in_parallel: bool,
    in_sequence: bool,
) -> Block:
    if depth >= max_depth or budget[0] <= 3:
        kinds: tuple[str, ...] = _LEAF_KINDS
    else:
        kinds = tuple(k for k in _KINDS if not (in_sequence and k == "sequence"))
    kind = draw(st.sampled_from(kinds))
    if kind in _LEAF_KINDS:
        return _leaf(draw, budget, kind, in_parallel)

    def child(parallel: bool = in_parallel, sequence: bool = False) -> Block:
        return _block(draw, budget, depth + 1, max_depth, parallel, sequence)

    if kind == "sequence":
        count = draw(st.integers(1, 4))
        return Sequence(tuple(child(sequence=True) for _ in range(count)))
    if kind == "parallel":
        count = draw(st.integers(2, 3))
        return Parallel(tuple(child(parallel=True) for _ in range(count)))
    if kind == "exclusive":
        count = draw(st.integers(2, 3))
        conditions = [
            (draw(st.sampled_from(("==", "<", ">="))), draw(st.integers(0, 3)))
            for _ in range(count)
        ]
        branches = tuple((op, bound, child()) for op, bound in conditions)
        default = child() if draw(st.booleans()) else None
        return Exclusive(branches, default, draw(st.integers(-1, 4)))
    if kind == "inclusive":
        count = draw(st.integers(2, 3))
        bounds = [draw(st.integers(0, 3)) for _ in range(count)]
        # An inclusive branch runs beside its siblings, like a parallel one.
        branches_i = tuple((bound, child(parallel=True)) for bound in bounds)
        default = child(parallel=True) if draw(st.booleans()) else None
        return Inclusive(branches_i, default, draw(st.integers(-1, 4)))
    # A subprocess is a scope of its own: a token ended inside it no longer starves a join.
    return SubProcess(child(parallel=False))


def _leaf(draw: st.DrawFn, budget: list[int], kind: str, in_parallel: bool) -> Block:
    budget[0] -= 1
    if kind == "task":
        return Task()
    if kind == "multi":
        cardinality = draw(st.integers(1, 3))
        completion = draw(st.none() | st.integers(1, 3))
        return MultiInstanceTask(draw(st.booleans()), cardinality, completion)
    interrupting = draw(st.booleans())
    # An interrupting timer whose path ends elsewhere would starve an enclosing parallel
    # join for ever: such a model deadlocks by design, so it is not well formed here.
    if interrupting and not in_parallel:
        path: Literal["rejoin", "end"] = draw(st.sampled_from(("rejoin", "end")))
    elif interrupting:
        path = "rejoin"
    else:
        path = "end"
    path_task = draw(st.booleans())
    if path_task:
        budget[0] -= 1
    return TimerTask(interrupting, path, path_task)


# -- rendering ---------------------------------------------------------------------------


@dataclass
class Model:
    """A rendered block tree and the facts about it the properties check against."""

    tree: Block
    xml: bytes
    variables: dict[str, int]
    # node id -> how many tasks of it can be open at once / can ever be created
    max_open: dict[str, int]
    max_created: dict[str, int]
    # tasks on the branches the gateways take: all of them run when no timer fires
    required: set[str]
    # tasks on branches the gateways do not take: none of them may ever run
    impossible: set[str]
    timer_path_tasks: set[str]
    has_timers: bool
    parallel_joins: dict[str, int]  # join gateway id -> its incoming flows

    @property
    def user_tasks(self) -> set[str]:
        return set(self.max_open)

    @property
    def step_limit(self) -> int:
        """More steps than any run can take: every task instance once, every timer once."""
        return sum(self.max_created.values()) * 2 + 10


@dataclass
class _Scope:
    elements: list[str] = field(default_factory=list)


class _Renderer:
    def __init__(self) -> None:
        self.counts: dict[str, int] = {}
        self.variables: dict[str, int] = {}
        self.max_open: dict[str, int] = {}
        self.max_created: dict[str, int] = {}
        self.required: set[str] = set()
        self.impossible: set[str] = set()
        self.timer_path_tasks: set[str] = set()
        self.has_timers = False
        self.parallel_joins: dict[str, int] = {}

    def new_id(self, prefix: str) -> str:
        self.counts[prefix] = self.counts.get(prefix, 0) + 1
        return f"{prefix}{self.counts[prefix]}"

    def flow(self, scope: _Scope, source: str, target: str, condition: str | None = None) -> str:
        flow_id = self.new_id("f")
        head = (
            f"<sequenceFlow id={quoteattr(flow_id)} sourceRef={quoteattr(source)} "
            f"targetRef={quoteattr(target)}"
        )
        if condition is None:
            scope.elements.append(head + "/>")
        else:
            expression = condition.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            scope.elements.append(
                head + f'><conditionExpression xsi:type="tFormalExpression">{expression}'
                "</conditionExpression></sequenceFlow>"
            )
        return flow_id

    def user_task(self, scope: _Scope, taken: bool, loop: str = "", limit: int = 1) -> str:
        task_id = self.new_id("task")
        self.max_open[task_id] = limit
        self.max_created[task_id] = limit
        (self.required if taken else self.impossible).add(task_id)
        if loop:
            scope.elements.append(f'<userTask id="{task_id}" name="{task_id}">{loop}</userTask>')
        else:
            scope.elements.append(f'<userTask id="{task_id}" name="{task_id}"/>')
        return task_id

    def block(self, block: Block, scope: _Scope, taken: bool) -> tuple[str, str]:
        """Render block into scope; returns its entry and exit node ids."""
        match block:
            case Task():
                task_id = self.user_task(scope, taken)
                return task_id, task_id
            case MultiInstanceTask(sequential, cardinality, completion_at):
                completion = ""
                if completion_at is not None:
                    completion = (
                        "<completionCondition>${nrOfCompletedInstances &gt;= "
                        f"{completion_at}}}</completionCondition>"
                    )
                loop = (
                    f'<multiInstanceLoopCharacteristics isSequential="{str(sequential).lower()}">'
                    f"<loopCardinality>{cardinality}</loopCardinality>{completion}"
                    "</multiInstanceLoopCharacteristics>"
                )
                task_id = self.user_task(scope, taken, loop)
                self.max_open[task_id] = 1 if sequential else cardinality
                self.max_created[task_id] = cardinality
                return task_id, task_id
            case TimerTask(interrupting, path, path_task):
                return self.timer_task(scope, taken, interrupting, path, path_task)
            case Sequence(children):
                parts = [self.block(child, scope, taken) for child in children]
                for (_, exit_id), (entry_id, _) in itertools.pairwise(parts):
                    self.flow(scope, exit_id, entry_id)
                return parts[0][0], parts[-1][1]
            case Parallel(branches):
                split, join = self.gateways(scope, "parallelGateway")
                self.parallel_joins[join] = len(branches)
                for branch in branches:
                    entry_id, exit_id = self.block(branch, scope, taken)
                    self.flow(scope, split, entry_id)
                    self.flow(scope, exit_id, join)
                return split, join
            case Exclusive(branches, default, value):
                variable = self.new_id("x_")
                self.variables[variable] = value
                chosen = chosen_exclusive(block)
                split, join = self.gateways(scope, "exclusiveGateway")
                for index, (op, bound, branch) in enumerate(branches):
                    entry_id, exit_id = self.block(branch, scope, taken and index == chosen)
                    self.flow(scope, split, entry_id, f"${{{variable} {op} {bound}}}")
                    self.flow(scope, exit_id, join)
                self.default_branch(scope, split, join, default, taken and chosen is None)
                return split, join
            case Inclusive(branches, default, value):
                variable = self.new_id("x_")
                self.variables[variable] = value
                selected = chosen_inclusive(block)
                split, join = self.gateways(scope, "inclusiveGateway")
                for index, (bound, branch) in enumerate(branches):
                    entry_id, exit_id = self.block(branch, scope, taken and index in selected)
                    self.flow(scope, split, entry_id, f"${{{variable} > {bound}}}")
                    self.flow(scope, exit_id, join)
                self.default_branch(scope, split, join, default, taken and not selected)
                return split, join
            case SubProcess(body):
                sub_id = self.new_id("sub")
                inner = _Scope()
                start, end = self.new_id("start"), self.new_id("end")
                inner.elements.append(f'<startEvent id="{start}"/>')
                entry_id, exit_id = self.block(body, inner, taken)
                inner.elements.append(f'<endEvent id="{end}"/>')
                self.flow(inner, start, entry_id)
                self.flow(inner, exit_id, end)
                scope.elements.append(
                    f'<subProcess id="{sub_id}">' + "".join(inner.elements) + "</subProcess>"
                )
                return sub_id, sub_id
        raise AssertionError(f"not a block: {block!r}")

    def gateways(self, scope: _Scope, kind: str) -> tuple[str, str]:
        split, join = self.new_id("split"), self.new_id("join")
        scope.elements.append(f'<{kind} id="{split}"/>')
        scope.elements.append(f'<{kind} id="{join}"/>')
        return split, join

    def default_branch(
        self, scope: _Scope, split: str, join: str, default: Block | None, taken: bool
    ) -> None:
        if default is None:
            flow_id = self.flow(scope, split, join)
        else:
            entry_id, exit_id = self.block(default, scope, taken)
            flow_id = self.flow(scope, split, entry_id)
            self.flow(scope, exit_id, join)
        self.set_default(scope, split, flow_id)

    def set_default(self, scope: _Scope, gateway: str, flow_id: str) -> None:
        for i, element in enumerate(scope.elements):
            if element.startswith(f'<exclusiveGateway id="{gateway}"') or element.startswith(
                f'<inclusiveGateway id="{gateway}"'
            ):
                scope.elements[i] = element.replace("/>", f' default="{flow_id}"/>')
                return
        raise AssertionError(f"no gateway {gateway}")

    def timer_task(
        self,
        scope: _Scope,
        taken: bool,
        interrupting: bool,
        path: str,
        path_task: bool,
    ) -> tuple[str, str]:
        self.has_timers = True
        task_id = self.user_task(scope, taken)
        boundary = self.new_id("timer")
        cancel = "" if interrupting else ' cancelActivity="false"'
        scope.elements.append(
            f'<boundaryEvent id="{boundary}" attachedToRef="{task_id}"{cancel}>'
            f"<timerEventDefinition><timeDuration>{TIMER_DURATION}</timeDuration>"
            "</timerEventDefinition></boundaryEvent>"
        )
        tail = boundary
        if path_task:
            # It runs only if the timer fires: never required, impossible off the path taken.
            late = self.user_task(scope, False)
            if taken:
                self.impossible.discard(late)
                self.timer_path_tasks.add(late)
            self.flow(scope, boundary, late)
            tail = late
        if path == "rejoin":
            merge = self.new_id("merge")
            scope.elements.append(f'<exclusiveGateway id="{merge}"/>')
            self.flow(scope, task_id, merge)
            self.flow(scope, tail, merge)
            return task_id, merge
        end = self.new_id("timer_end")
        scope.elements.append(f'<endEvent id="{end}"/>')
        self.flow(scope, tail, end)
        return task_id, task_id


def render(tree: Block) -> Model:
    """The BPMN 2.0 XML of a one-process model running `tree` between one start and one end."""
    renderer = _Renderer()
    scope = _Scope()
    scope.elements.append('<startEvent id="start"/>')
    entry_id, exit_id = renderer.block(tree, scope, True)
    scope.elements.append('<endEvent id="end"/>')
    renderer.flow(scope, "start", entry_id)
    renderer.flow(scope, exit_id, "end")
    body = "\n    ".join(scope.elements)
    xml = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<definitions xmlns="{BPMN_NS}" xmlns:flowable="{FLOWABLE_NS}"\n'
        '             xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"\n'
        '             targetNamespace="https://lanes.dev/tests">\n'
        f'  <process id="{PROCESS_ID}" isExecutable="true">\n'
        f"    {body}\n"
        "  </process>\n"
        "</definitions>\n"
    )
    return Model(
        tree=tree,
        xml=xml.encode(),
        variables=renderer.variables,
        max_open=renderer.max_open,
        max_created=renderer.max_created,
        required=renderer.required,
        impossible=renderer.impossible,
        timer_path_tasks=renderer.timer_path_tasks,
        has_timers=renderer.has_timers,
        parallel_joins=renderer.parallel_joins,
    )


def models(max_depth: int = MAX_DEPTH, max_tasks: int = MAX_TASKS) -> st.SearchStrategy[Model]:
    """Rendered random models (see the module docstring for the grammar)."""
    return blocks(max_depth, max_tasks).map(render)
