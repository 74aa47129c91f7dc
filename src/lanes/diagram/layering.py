"""Layered placement of a flow graph: columns by longest path, order, vertical positions.

The steps of a Sugiyama-style layout, kept small: edges closing a cycle are set aside,
each node goes in the column of its longest path from a source, an edge spanning several
columns gets a placeholder ("dummy") in each column it crosses so that its line has a
slot of its own, the nodes of each column are ordered by the mean position of their
predecessors, and each column is packed vertically as close as it can get to the height
of its predecessors. Pure functions over ids; imports nothing of lanes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

DUMMY_PREFIX = "\x00"  # no XML id can hold NUL, so no dummy id clashes with a node's
DUMMY_BUDGET = 5000


@dataclass(frozen=True)
class Layering:
    columns: list[list[str]]  # node and dummy ids, top to bottom
    column_of: dict[str, int]
    chains: dict[tuple[str, str], list[str]]  # a long forward edge -> its dummies, in order
    predecessors: dict[str, list[str]]  # along forward edges, through dummies
    back_edges: set[tuple[str, str]]


def is_dummy(node_id: str) -> bool:
    return node_id.startswith(DUMMY_PREFIX)


def layer(
    members: Sequence[str], edges: Sequence[tuple[str, str]], *, dummy_budget: int = DUMMY_BUDGET
) -> Layering:
    """Columns for `members` given the directed `edges` between them (in document order).

    At most `dummy_budget` dummies are made, shortest edges first: a pathological model
    (every node linked to the end) would otherwise need a number that grows with the
    square of its size; the edges left without dummies are drawn straight across.
    """
    successors: dict[str, list[str]] = {n: [] for n in members}
    seen: set[tuple[str, str]] = set()
    for s, t in edges:
        if s != t and (s, t) not in seen:
            seen.add((s, t))
            successors[s].append(t)
    forward = _without_back_edges(members, successors)
    back = {(s, t) for s in members for t in successors[s] if t not in forward[s]}
    column_of = _longest_path_layers(members, forward)

    long_edges = sorted(
        (
            (column_of[t] - column_of[s] - 1, i, s, t)
            for i, (s, t) in enumerate((s, t) for s in members for t in forward[s])
            if column_of[t] - column_of[s] > 1
        ),
    )
    with_dummies: set[tuple[str, str]] = set()
    budget = dummy_budget
    for span, _, s, t in long_edges:
        if span > budget:
            break
        budget -= span
        with_dummies.add((s, t))

    predecessors: dict[str, list[str]] = {n: [] for n in members}
    chains: dict[tuple[str, str], list[str]] = {}
    for s in members:
        for t in forward[s]:
            previous = s
            chain: list[str] = []
            if (s, t) in with_dummies:
                for crossed in range(column_of[s] + 1, column_of[t]):
                    dummy = f"{DUMMY_PREFIX}{len(column_of)}"
                    column_of[dummy] = crossed
                    predecessors[dummy] = [previous]
                    chain.append(dummy)
                    previous = dummy
            predecessors[t].append(previous)
            if chain:
                chains[(s, t)] = chain

    columns: list[list[str]] = [[] for _ in range(max(column_of.values(), default=-1) + 1)]
    everything = [*members, *(d for d in column_of if is_dummy(d))]
    for n in everything:
        columns[column_of[n]].append(n)
    index = {n: i for i, n in enumerate(everything)}
    position: dict[str, float] = {}
    for column in columns:
        column.sort(key=lambda n: (_mean(predecessors[n], position, float(index[n])), index[n]))
        for i, n in enumerate(column):
            position[n] = float(i)
    return Layering(columns, column_of, chains, predecessors, back)


def pack(heights: Sequence[float], desired: Sequence[float], gap: float) -> list[float]:
    """Top coordinates for boxes stacked in this order, at least `gap` apart, whose centres
    are as close as possible (least squares) to `desired`: blocks of touching boxes are
    merged and centred on their mean wish, pooling adjacent violators."""
    blocks: list[tuple[int, int, float]] = []  # first index, last index, top
    for i, height in enumerate(heights):
        first, last, top = i, i, desired[i] - height / 2
        while blocks:
            p_first, p_last, p_top = blocks[-1]
            p_bottom = p_top + _span(heights, p_first, p_last, gap)
            if top >= p_bottom + gap:
                break
            blocks.pop()
            first = p_first
            top = _best_top(heights, desired, first, last, gap)
        blocks.append((first, last, top))
    tops: list[float] = []
    for first, last, top in blocks:
        y = top
        for i in range(first, last + 1):
            tops.append(y)
            y += heights[i] + gap
    return tops


def _span(heights: Sequence[float], first: int, last: int, gap: float) -> float:
    return sum(heights[first : last + 1]) + gap * (last - first)


def _best_top(
    heights: Sequence[float], desired: Sequence[float], first: int, last: int, gap: float
) -> float:
    offset, total = 0.0, 0.0
    for i in range(first, last + 1):
        total += desired[i] - (offset + heights[i] / 2)
        offset += heights[i] + gap
    return total / (last - first + 1)


def _mean(preds: Sequence[str], position: Mapping[str, float], fallback: float) -> float:
    placed = [position[p] for p in preds if p in position]
    return sum(placed) / len(placed) if placed else fallback


def _without_back_edges(
    members: Sequence[str], successors: Mapping[str, list[str]]
) -> dict[str, list[str]]:
    """The graph with every edge that closes a cycle removed (iterative depth-first search).

    The search starts from nodes without incoming edges, in document order, so a loop
    back to an earlier step is the edge that goes.
    """
    has_incoming = {t for targets in successors.values() for t in targets}
    roots = [n for n in members if n not in has_incoming] + list(members)
    state: dict[str, int] = {}  # 1 on the stack, 2 done
    forward: dict[str, list[str]] = {n: [] for n in members}
    for root in roots:
        if root in state:
            continue
        state[root] = 1
        stack: list[tuple[str, int]] = [(root, 0)]
        while stack:
            node, i = stack[-1]
            targets = successors[node]
            if i == len(targets):
                state[node] = 2
                stack.pop()
                continue
            stack[-1] = (node, i + 1)
            target = targets[i]
            if state.get(target) == 1:
                continue  # closes a cycle
            forward[node].append(target)
            if target not in state:
                state[target] = 1
                stack.append((target, 0))
    return forward


def _longest_path_layers(
    members: Sequence[str], forward: Mapping[str, list[str]]
) -> dict[str, int]:
    indegree = dict.fromkeys(members, 0)
    for targets in forward.values():
        for t in targets:
            indegree[t] += 1
    column = dict.fromkeys(members, 0)
    ready = [n for n in members if indegree[n] == 0]
    while ready:
        node = ready.pop()
        for t in forward[node]:
            column[t] = max(column[t], column[node] + 1)
            indegree[t] -= 1
            if indegree[t] == 0:
                ready.append(t)
    return column
