"""Random well-formed BPMN 2.0 process models for the engine's property tests.

A model is a tree of blocks (`Block`) drawn by hypothesis from a small grammar:

    block := task                        a user task
           | sequence(block{1-4})
           | parallel(branch{2-3})       parallel split and join
           | exclusive(branch{2-3})      ${x_n == k}, ${x_n < k} or ${x_n >= k} on each
                                         branch, plus a default branch
           | inclusive(branch{2-3})      ${x_n > k} on each branch, plus a default branch
           | subprocess(block)           an embedded subprocess, sometimes multi-instance
                                         (loopCardinality 1-3, parallel or sequential)
           | multi-instance task         parallel or sequential, loopCardinality 1-3,
                                         sometimes ${nrOfCompletedInstances >= c}
           | timer task                  a user task with a PT1H boundary timer
    branch := block | nothing            a flow straight from the split to the join

Tasks, multi-instance tasks and subprocesses may carry a PT1H boundary timer: an
interrupting one whose path rejoins after the activity through an exclusive merge, or a
timer whose path (with or without a task of its own) goes to an end event of its own.
An interrupting timer that ends its path would starve an enclosing parallel join, so
that one is only drawn where no parallel branch is open in the same scope.

`render` numbers the blocks and turns the tree into BPMN XML plus what the tests need to
know about it: the start variables that steer the gateways, how many tasks of a node can
be open at once, and how often each task is completed on the branches the gateways take.
Imports nothing from lanes: the model is described independently of the engine.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Literal

from hypothesis import strategies as st

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
FLOWABLE_NS = "http://flowable.org/bpmn"
PROCESS_ID = "random"
TIMER_DURATION = "PT1H"
MAX_DEPTH = 4
MAX_TASKS = 25
MAX_COPIES = 6  # nested multi-instance subprocesses multiply their tasks at most this much

Comparison = Literal["==", "<", ">="]


@dataclass(frozen=True)
class Timer:
    """A PT1H boundary timer and where its flow goes.

    "rejoin" merges back after the activity through an exclusive gateway (interrupting
    timers only, so one token leaves the block); "end" goes to an end event of its own.
    `path_task` puts a user task on the timer's flow.
    """

    interrupting: bool
    path: Literal["rejoin", "end"]
    path_task: bool


@dataclass(frozen=True)
class Loop:
    sequential: bool
    cardinality: int
    completion_at: int | None = None  # ${nrOfCompletedInstances >= completion_at}

    @property
    def completions(self) -> int:
        """Instances that complete before the activity is left (when nothing interrupts)."""
        if self.completion_at is None:
            return self.cardinality
        return min(self.cardinality, self.completion_at)


@dataclass(frozen=True)
class Task:
    loop: Loop | None = None
    timer: Timer | None = None


@dataclass(frozen=True)
class Sequence:
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class Parallel:
    """A parallel split and join; a branch that is None is a flow straight to the join
    (so are those of exclusive and inclusive blocks)."""

    branches: tuple[Block | None, ...]


@dataclass(frozen=True)
class Exclusive:
    """Branches guarded by ${x_n <op> k}; the first that holds (document order) wins."""

    branches: tuple[tuple[Comparison, int, Block | None], ...]
    default: Block | None
    value: int  # what the test sets x_n to


@dataclass(frozen=True)
class Inclusive:
    """Branches guarded by ${x_n > k}; every one that holds is taken, else the default."""

    branches: tuple[tuple[int, Block | None], ...]
    default: Block | None
    value: int


@dataclass(frozen=True)
class SubProcess:
    body: Block
    loop: Loop | None = None
    timer: Timer | None = None


Block = Task | Sequence | Parallel | Exclusive | Inclusive | SubProcess


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


_LEAVES = ("task", "multi", "timer")
_COMPOSITES = ("sequence", "parallel", "exclusive", "inclusive", "subprocess")
_KINDS = ("task", *_COMPOSITES, "multi", "timer")


@dataclass
class _Draw:
    draw: st.DrawFn
    budget: int
    max_depth: int

    def block(self, depth: int, in_parallel: bool, copies: int, in_sequence: bool = False) -> Block:
        if depth >= self.max_depth or self.budget <= 3:
            kinds: tuple[str, ...] = _LEAVES
        elif depth <= 1:
            # Gateways at the top take only some branches: keep those branches busy.
            kinds = tuple(k for k in _COMPOSITES if not (in_sequence and k == "sequence"))
        else:
            kinds = tuple(k for k in _KINDS if not (in_sequence and k == "sequence"))
        kind = self.draw(st.sampled_from(kinds))
        if kind == "task":
            self.budget -= 1
            return Task()
        if kind == "multi":
            self.budget -= 1
            loop = Loop(
                self.draw(st.booleans()),
                self.draw(st.integers(1, 3)),
                self.draw(st.none() | st.integers(1, 3)),
            )
            return Task(loop, self.maybe_timer(in_parallel))
        if kind == "timer":
            self.budget -= 1
            return Task(None, self.timer(in_parallel))

        def child(parallel: bool = in_parallel, sequence: bool = False) -> Block:
            return self.block(depth + 1, parallel, copies, sequence)

        def branch(parallel: bool = in_parallel) -> Block | None:
            # Now and then no activity at all: tokens of such branches reach the join in
            # the same run as others, without a wait state in between.
            return None if self.draw(st.integers(0, 4)) == 0 else child(parallel)

        if kind == "sequence":
            count = self.draw(st.integers(1, 4))
            return Sequence(tuple(child(sequence=True) for _ in range(count)))
        if kind == "parallel":
            count = self.draw(st.integers(2, 3))
            return Parallel(tuple(branch(parallel=True) for _ in range(count)))
        if kind == "exclusive":
            count = self.draw(st.integers(2, 3))
            conditions = [
                (self.draw(st.sampled_from(("==", "<", ">="))), self.draw(st.integers(0, 3)))
                for _ in range(count)
            ]
            branches = tuple((op, bound, branch()) for op, bound in conditions)
            default = branch()
            return Exclusive(branches, default, self.draw(st.integers(-1, 4)))
        if kind == "inclusive":
            count = self.draw(st.integers(2, 3))
            bounds = [self.draw(st.integers(0, 3)) for _ in range(count)]
            # Inclusive branches run beside each other: a lost token there is harmless
            # (the join waits only for tokens that can still arrive), but a parallel join
            # inside one would still starve, so the flag passes down unchanged.
            branches_i = tuple((bound, branch()) for bound in bounds)
            default = branch()
            return Inclusive(branches_i, default, self.draw(st.integers(1, 4)))
        # A subprocess is a scope of its own: a token ended inside it starves no join.
        timer = self.maybe_timer(in_parallel)
        loop = None
        if self.draw(st.booleans()):
            cardinality = self.draw(st.integers(1, 3))
            if copies * cardinality <= MAX_COPIES:
                loop = Loop(self.draw(st.booleans()), cardinality)
        inner_copies = copies * (loop.cardinality if loop else 1)
        body = self.block(depth + 1, False, inner_copies)
        return SubProcess(body, loop, timer)

    def maybe_timer(self, in_parallel: bool) -> Timer | None:
        return self.timer(in_parallel) if self.draw(st.booleans()) else None

    def timer(self, in_parallel: bool) -> Timer:
        interrupting = self.draw(st.booleans())
        if interrupting and not in_parallel:
            path: Literal["rejoin", "end"] = self.draw(st.sampled_from(("rejoin", "end")))
        elif interrupting:
            path = "rejoin"
        else:
            path = "end"
        path_task = self.draw(st.booleans())
        if path_task:
            self.budget -= 1
        return Timer(interrupting, path, path_task)


@st.composite
def blocks(draw: st.DrawFn, max_depth: int = MAX_DEPTH, max_tasks: int = MAX_TASKS) -> Block:
    """A random block tree at most `max_depth` deep with about `max_tasks` user tasks."""
    return _Draw(draw, max_tasks, max_depth).block(0, in_parallel=False, copies=1)


# -- rendering ---------------------------------------------------------------------------


@dataclass
class Model:
    """A rendered block tree and the facts about it the properties check against."""

    tree: Block
    xml: bytes
    variables: dict[str, int]
    # user task id -> how many of its tasks can be open at once / can ever be created
    max_open: dict[str, int]
    max_created: dict[str, int]
    # user task id -> how often it is completed when no timer fires (0 off the branches
    # the gateways take, and on timer paths)
    completions: dict[str, int]
    # every node id -> how often a token can enter it at most
    max_entries: dict[str, int]
    timer_path_tasks: set[str]
    boundary_timers: set[str]
    impossible: set[str]  # user tasks on branches the gateways do not take
    parallel_joins: dict[str, int]  # parallel join id -> its incoming flows

    @property
    def user_tasks(self) -> set[str]:
        return set(self.max_open)

    @property
    def step_limit(self) -> int:
        """More steps than any run takes: each task instance once, each timer once."""
        return sum(self.max_created.values()) * 2 + 10


@dataclass
class _Scope:
    elements: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Where:
    """Where a block is rendered: taken by the gateways or not, and how many copies
    (multi-instance subprocesses) run at once and in all."""

    taken: bool = True
    concurrent: int = 1
    copies: int = 1

    def inside(self, loop: Loop | None, taken: bool = True) -> _Where:
        if loop is None:
            return _Where(self.taken and taken, self.concurrent, self.copies)
        concurrent = self.concurrent * (1 if loop.sequential else loop.cardinality)
        return _Where(self.taken and taken, concurrent, self.copies * loop.cardinality)


class _Renderer:
    def __init__(self) -> None:
        self.counts: dict[str, int] = {}
        self.variables: dict[str, int] = {}
        self.max_open: dict[str, int] = {}
        self.max_created: dict[str, int] = {}
        self.completions: dict[str, int] = {}
        self.max_entries: dict[str, int] = {}
        self.timer_path_tasks: set[str] = set()
        self.boundary_timers: set[str] = set()
        self.impossible: set[str] = set()
        self.parallel_joins: dict[str, int] = {}

    def new_id(self, prefix: str) -> str:
        self.counts[prefix] = self.counts.get(prefix, 0) + 1
        return f"{prefix}{self.counts[prefix]}"

    def flow(self, scope: _Scope, source: str, target: str, condition: str | None = None) -> str:
        flow_id = self.new_id("f")
        head = f'<sequenceFlow id="{flow_id}" sourceRef="{source}" targetRef="{target}"'
        if condition is None:
            scope.elements.append(head + "/>")
        else:
            expression = condition.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            scope.elements.append(
                head + f'><conditionExpression xsi:type="tFormalExpression">{expression}'
                "</conditionExpression></sequenceFlow>"
            )
        return flow_id

    def block(self, block: Block, scope: _Scope, where: _Where) -> tuple[str, str]:
        """Render block into scope; returns its entry and exit node ids."""
        match block:
            case Task(loop, timer):
                task_id = self.user_task(scope, where, loop)
                return self.attach(scope, task_id, timer, where)
            case Sequence(children):
                parts = [self.block(child, scope, where) for child in children]
                for (_, exit_id), (entry_id, _) in itertools.pairwise(parts):
                    self.flow(scope, exit_id, entry_id)
                return parts[0][0], parts[-1][1]
            case Parallel(branches):
                split, join = self.gateways(scope, "parallelGateway", where, len(branches))
                self.parallel_joins[join] = len(branches)
                for branch in branches:
                    self.branch(scope, split, join, branch, where)
                return split, join
            case Exclusive(branches, default, value):
                variable = self.new_id("x_")
                self.variables[variable] = value
                chosen = chosen_exclusive(block)
                split, join = self.gateways(scope, "exclusiveGateway", where, len(branches) + 1)
                for index, (op, bound, branch) in enumerate(branches):
                    taken = where.inside(None, index == chosen)
                    condition = f"${{{variable} {op} {bound}}}"
                    self.branch(scope, split, join, branch, taken, condition)
                self.default_branch(scope, split, join, default, where.inside(None, chosen is None))
                return split, join
            case Inclusive(branches, default, value):
                variable = self.new_id("x_")
                self.variables[variable] = value
                selected = chosen_inclusive(block)
                split, join = self.gateways(scope, "inclusiveGateway", where, len(branches) + 1)
                for index, (bound, branch) in enumerate(branches):
                    taken = where.inside(None, index in selected)
                    condition = f"${{{variable} > {bound}}}"
                    self.branch(scope, split, join, branch, taken, condition)
                self.default_branch(scope, split, join, default, where.inside(None, not selected))
                return split, join
            case SubProcess(body, loop, timer):
                sub_id = self.new_id("sub")
                inner = _Scope()
                start, end = self.new_id("start"), self.new_id("end")
                # each instance of a multi-instance subprocess enters it once
                copies = where.inside(loop).copies
                self.max_entries.update({sub_id: copies, start: copies, end: copies})
                inner.elements.append(f'<startEvent id="{start}"/>')
                entry_id, exit_id = self.block(body, inner, where.inside(loop))
                inner.elements.append(f'<endEvent id="{end}"/>')
                self.flow(inner, start, entry_id)
                self.flow(inner, exit_id, end)
                scope.elements.append(
                    f'<subProcess id="{sub_id}">{loop_xml(loop)}'
                    + "".join(inner.elements)
                    + "</subProcess>"
                )
                return self.attach(scope, sub_id, timer, where)
        raise AssertionError(f"not a block: {block!r}")

    def user_task(self, scope: _Scope, where: _Where, loop: Loop | None = None) -> str:
        task_id = self.new_id("task")
        at_once = 1 if loop is None or loop.sequential else loop.cardinality
        self.max_open[task_id] = where.concurrent * at_once
        self.max_created[task_id] = where.copies * (loop.cardinality if loop else 1)
        self.max_entries[task_id] = self.max_created[task_id]
        runs = loop.completions if loop else 1
        self.completions[task_id] = where.copies * runs if where.taken else 0
        if not where.taken:
            self.impossible.add(task_id)
        scope.elements.append(
            f'<userTask id="{task_id}" name="{task_id}">{loop_xml(loop)}</userTask>'
        )
        return task_id

    def gateways(self, scope: _Scope, kind: str, where: _Where, inputs: int) -> tuple[str, str]:
        split, join = self.new_id("split"), self.new_id("join")
        # every arriving token enters the join; it passes on at most once per copy
        self.max_entries.update({split: where.copies, join: where.copies * inputs})
        scope.elements.append(f'<{kind} id="{split}"/>')
        scope.elements.append(f'<{kind} id="{join}"/>')
        return split, join

    def branch(
        self,
        scope: _Scope,
        split: str,
        join: str,
        block: Block | None,
        where: _Where,
        condition: str | None = None,
    ) -> str:
        """Render one branch between split and join; returns the flow leaving the split."""
        if block is None:
            return self.flow(scope, split, join, condition)
        entry_id, exit_id = self.block(block, scope, where)
        flow_id = self.flow(scope, split, entry_id, condition)
        self.flow(scope, exit_id, join)
        return flow_id

    def default_branch(
        self, scope: _Scope, split: str, join: str, default: Block | None, where: _Where
    ) -> None:
        flow_id = self.branch(scope, split, join, default, where)
        opening = f'id="{split}"/>'
        index = next(i for i, e in enumerate(scope.elements) if e.endswith(opening))
        scope.elements[index] = scope.elements[index].replace(
            opening, f'id="{split}" default="{flow_id}"/>'
        )

    def attach(
        self, scope: _Scope, activity: str, timer: Timer | None, where: _Where
    ) -> tuple[str, str]:
        """Put timer (if any) on the boundary of activity; returns the block's entry and exit."""
        if timer is None:
            return activity, activity
        boundary = self.new_id("timer")
        self.boundary_timers.add(boundary)
        self.max_entries[boundary] = where.copies  # a PT1H duration fires once
        cancel = "" if timer.interrupting else ' cancelActivity="false"'
        scope.elements.append(
            f'<boundaryEvent id="{boundary}" attachedToRef="{activity}"{cancel}>'
            f"<timerEventDefinition><timeDuration>{TIMER_DURATION}</timeDuration>"
            "</timerEventDefinition></boundaryEvent>"
        )
        tail = boundary
        if timer.path_task:
            late = self.user_task(scope, where)
            self.completions[late] = 0  # runs only if the timer fires
            self.timer_path_tasks.add(late)
            self.flow(scope, boundary, late)
            tail = late
        if timer.path == "rejoin":
            merge = self.new_id("merge")
            self.max_entries[merge] = where.copies  # the activity or its timer, not both
            scope.elements.append(f'<exclusiveGateway id="{merge}"/>')
            self.flow(scope, activity, merge)
            self.flow(scope, tail, merge)
            return activity, merge
        end = self.new_id("timer_end")
        self.max_entries[end] = where.copies
        scope.elements.append(f'<endEvent id="{end}"/>')
        self.flow(scope, tail, end)
        return activity, activity


def loop_xml(loop: Loop | None) -> str:
    if loop is None:
        return ""
    completion = ""
    if loop.completion_at is not None:
        completion = (
            "<completionCondition>${nrOfCompletedInstances &gt;= "
            f"{loop.completion_at}}}</completionCondition>"
        )
    return (
        f'<multiInstanceLoopCharacteristics isSequential="{str(loop.sequential).lower()}">'
        f"<loopCardinality>{loop.cardinality}</loopCardinality>{completion}"
        "</multiInstanceLoopCharacteristics>"
    )


def render(tree: Block) -> Model:
    """The BPMN 2.0 XML of a one-process model running `tree` between one start and one end."""
    renderer = _Renderer()
    scope = _Scope()
    scope.elements.append('<startEvent id="start"/>')
    entry_id, exit_id = renderer.block(tree, scope, _Where())
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
        completions=renderer.completions,
        max_entries={"start": 1, "end": 1, **renderer.max_entries},
        timer_path_tasks=renderer.timer_path_tasks,
        boundary_timers=renderer.boundary_timers,
        impossible=renderer.impossible,
        parallel_joins=renderer.parallel_joins,
    )


def models(max_depth: int = MAX_DEPTH, max_tasks: int = MAX_TASKS) -> st.SearchStrategy[Model]:
    """Rendered random models (see the module docstring for the grammar)."""
    return blocks(max_depth, max_tasks).map(render)
