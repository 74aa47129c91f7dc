"""Questions about a process graph that the engine asks often, answered once per model.

Imports bpmn only.
"""

from __future__ import annotations

from weakref import WeakKeyDictionary

from lanes.bpmn.model import ProcessModel

_REACH: WeakKeyDictionary[ProcessModel, dict[str, frozenset[str]]] = WeakKeyDictionary()


def reachable_from(model: ProcessModel, node_id: str) -> frozenset[str]:
    """Nodes a token at `node_id` can still reach in its scope (through boundary events too).

    The node itself is included only when a cycle leads back to it.
    """
    cache = _REACH.get(model)
    if cache is None:
        cache = _REACH[model] = {}
    found = cache.get(node_id)
    if found is None:
        found = cache[node_id] = _walk(model, node_id)
    return found


def _walk(model: ProcessModel, start: str) -> frozenset[str]:
    seen: set[str] = set()
    stack = list(_successors(model, start))
    while stack:
        node_id = stack.pop()
        if node_id in seen:
            continue
        seen.add(node_id)
        stack.extend(_successors(model, node_id))
    return frozenset(seen)


def _successors(model: ProcessModel, node_id: str) -> list[str]:
    node = model.nodes.get(node_id)
    if node is None:
        return []
    found = [model.flows[f].target for f in node.outgoing if f in model.flows]
    found.extend(node.boundaries)
    return found
