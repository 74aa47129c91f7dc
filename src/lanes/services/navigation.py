"""Reading a model around a task: its nodes, the gateways after a task, and where a case
would go next with its variables (plus what-if overrides).

Prediction walks the model without running it: conditions are evaluated against the
variables visible at the task, a condition that cannot be evaluated counts as false.
It stops at user tasks (the prediction), at anything else that waits, and at a join
that other tokens of the case have still to reach. A multi-instance activity with
instances to go predicts itself (sequential) or nothing (parallel). Reads only.
"""

from __future__ import annotations

import json
import re
from collections import ChainMap, deque
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

import orjson

from lanes.bpmn.model import FlowNode, ProcessModel, SequenceFlow
from lanes.expr import Expression, ExpressionError
from lanes.services import tasks
from lanes.services.actor import Actor
from lanes.services.context import Services
from lanes.services.errors import Invalid, NotFound
from lanes.store import runtime as repo

__all__ = [
    "GatewayBranch",
    "NextStep",
    "NodeInfo",
    "definition_nodes",
    "gateways_after",
    "next_step",
    "parse_overrides",
]

GATEWAY_TYPES = {
    "exclusiveGateway": "exclusive",
    "inclusiveGateway": "inclusive",
    "parallelGateway": "parallel",
    "eventBasedGateway": "eventBased",
    "complexGateway": "complex",
}
# nodes a token passes straight through when predicting
_PASS_THROUGH = frozenset(
    {"startEvent", "intermediateThrowEvent", "task", "manualTask", "scriptTask"}
)
MAX_OVERRIDES = 50
_DEPTH = 2  # gateways directly behind a branch, nested this deep


@dataclass(frozen=True, slots=True)
class NodeInfo:
    id: str
    name: str | None
    kind: str
    order: int  # position in a walk from the start events
    assignee: str | None
    candidate_users: list[str]
    candidate_groups: list[str]
    form_key: str | None
    multi_instance: Literal["parallel", "sequential"] | None


@dataclass(frozen=True, slots=True)
class GatewayBranch:
    gateway_id: str
    gateway_name: str | None
    gateway_type: str
    flow_id: str
    condition: str | None
    value: Any  # the literal compared with in `${var == 'x'}`
    target_id: str
    target_name: str | None
    selected: bool
    branches: list[GatewayBranch]  # of a gateway right behind this branch


@dataclass(frozen=True, slots=True)
class FlowInfo:
    id: str
    name: str | None
    condition: str | None
    target_id: str
    target_name: str | None
    target_kind: str


@dataclass(frozen=True, slots=True)
class NextStep:
    flows: list[FlowInfo]  # the task's own outgoing flows
    predicted: list[NodeInfo]  # user tasks the case would reach next


# -- nodes of a definition -----------------------------------------------------------------


def definition_nodes(svc: Services, actor: Actor, definition_id: int) -> list[NodeInfo]:
    """Every flow node of the definition, in the order of a walk from its start events."""
    model = _model_of_definition(svc, definition_id)
    order = _walk_order(model)
    return sorted((_node_info(n, order[n.id]) for n in model.nodes.values()), key=_by_order)


def _by_order(info: NodeInfo) -> int:
    return info.order


def _walk_order(model: ProcessModel) -> dict[str, int]:
    order: dict[str, int] = {}
    queue = deque(n.id for n in model.start_events())
    while queue:
        node_id = queue.popleft()
        if node_id in order:
            continue
        order[node_id] = len(order) + 1
        node = model.nodes[node_id]
        if node.is_scope and node.id in model.scopes:
            queue.extend(model.scopes[node.id].starts)
        queue.extend(node.boundaries)
        queue.extend(model.flows[f].target for f in node.outgoing)
    for node_id in model.nodes:  # event subprocesses and anything unreachable
        order.setdefault(node_id, len(order) + 1)
    return order


def _node_info(node: FlowNode, order: int) -> NodeInfo:
    human = node.task
    multi: Literal["parallel", "sequential"] | None = None
    if node.loop is not None:
        multi = "sequential" if node.loop.sequential else "parallel"
    return NodeInfo(
        node.id,
        node.name,
        node.kind,
        order,
        human.assignee.text if human is not None and human.assignee is not None else None,
        [e.text for e in human.candidate_users] if human is not None else [],
        [e.text for e in human.candidate_groups] if human is not None else [],
        human.form_key if human is not None else None,
        multi,
    )


# -- gateways after a task -----------------------------------------------------------------


def gateways_after(svc: Services, actor: Actor, task_id: int) -> list[GatewayBranch]:
    """The branches of each gateway the task's outgoing flows lead to, with the one(s) the
    case's current variables would take marked `selected`."""
    at = _task_context(svc, actor, task_id, {})
    model, variables, node = at.model, at.variables, at.node
    found: list[GatewayBranch] = []
    for flow_id in node.outgoing:
        target = model.nodes[model.flows[flow_id].target]
        if target.kind in GATEWAY_TYPES:
            found.extend(_branches(model, target, variables, _DEPTH))
    return found


def _branches(
    model: ProcessModel, gateway: FlowNode, variables: Mapping[str, Any], depth: int
) -> list[GatewayBranch]:
    chosen = set(_chosen(model, gateway, variables))
    result = []
    for flow_id in gateway.outgoing:
        flow = model.flows[flow_id]
        target = model.nodes[flow.target]
        nested: list[GatewayBranch] = []
        if depth > 1 and target.kind in GATEWAY_TYPES:
            nested = _branches(model, target, variables, depth - 1)
        result.append(
            GatewayBranch(
                gateway.id,
                gateway.name,
                GATEWAY_TYPES[gateway.kind],
                flow.id,
                flow.condition.text if flow.condition is not None else None,
                compared_value(flow.condition),
                target.id,
                target.name,
                flow.id in chosen,
                nested,
            )
        )
    return result


_COMPARISON = re.compile(
    r"""^\s*[$#]\{\s*(?:
        [A-Za-z_][\w.]*\s*(?:==|eq)\s*(?P<right>'[^']*'|"[^"]*"|-?\d+(?:\.\d+)?|true|false)
      | (?P<left>'[^']*'|"[^"]*"|-?\d+(?:\.\d+)?|true|false)\s*(?:==|eq)\s*[A-Za-z_][\w.]*
    )\s*\}\s*$""",
    re.VERBOSE,
)


def compared_value(condition: Expression | None) -> Any:
    """The literal of a condition `${name == literal}` (either side), else None."""
    if condition is None:
        return None
    match = _COMPARISON.match(condition.text)
    if match is None:
        return None
    literal = match.group("right") or match.group("left")
    if literal[0] in "'\"":
        return literal[1:-1]
    return json.loads(literal)


def _holds(flow: SequenceFlow, variables: Mapping[str, Any]) -> bool:
    if flow.unsupported:
        return False
    if flow.condition is None:
        return True
    try:
        value = flow.condition.evaluate(variables)
    except ExpressionError:
        return False
    if isinstance(value, str):
        return value.strip().lower() == "true"
    return value is True


def _chosen(model: ProcessModel, node: FlowNode, variables: Mapping[str, Any]) -> list[str]:
    """The flows a token leaving `node` would take (see the engine's rules)."""
    kind = node.kind
    if kind == "eventBasedGateway":
        return []
    if kind == "parallelGateway":
        return list(node.outgoing)
    first_only = kind == "exclusiveGateway"
    chosen: list[str] = []
    for flow_id in node.outgoing:
        if flow_id != node.default_flow and _holds(model.flows[flow_id], variables):
            chosen.append(flow_id)
            if first_only:
                break
    if not chosen and node.default_flow:
        chosen.append(node.default_flow)
    return chosen


# -- where the case goes next --------------------------------------------------------------


def parse_overrides(raw: Mapping[str, str]) -> dict[str, Any]:
    """What-if values as sent in a query: JSON literals (numbers, true/false, null, quoted
    strings) become those values; anything else is a string."""
    if len(raw) > MAX_OVERRIDES:
        raise Invalid(f"at most {MAX_OVERRIDES} variable overrides", {"field": "var"})
    values: dict[str, Any] = {}
    for name, text in raw.items():
        if not name or len(name) > 255:
            raise Invalid("a variable override needs a name of 1-255 characters", {"field": "var"})
        try:
            values[name] = json.loads(text) if len(text) <= 10_000 else text
        except (ValueError, RecursionError):  # not JSON, or nested beyond reason
            values[name] = text
    return values


def next_step(
    svc: Services, actor: Actor, task_id: int, overrides: Mapping[str, Any] | None = None
) -> NextStep:
    """The task's outgoing flows, and the user tasks completing it would open."""
    at = _task_context(svc, actor, task_id, dict(overrides or {}))
    model, variables, node = at.model, at.variables, at.node
    flows = []
    for flow_id in node.outgoing:
        flow = model.flows[flow_id]
        target = model.nodes[flow.target]
        flows.append(
            FlowInfo(
                flow.id,
                flow.name,
                flow.condition.text if flow.condition is not None else None,
                target.id,
                target.name,
                target.kind,
            )
        )
    waiting_elsewhere = at.others_open
    found: dict[str, None] = {}
    if at.loop_goes_on:  # the same activity again: its next instance, or the others
        again = [node.id] if node.loop is not None and node.loop.sequential else []
        order = _walk_order(model)
        return NextStep(flows, [_node_info(model.nodes[n], order[n]) for n in again])
    for flow_id in _leaving(model, node, variables):
        _reach(model, model.flows[flow_id].target, variables, waiting_elsewhere, found, set())
    order = _walk_order(model)
    return NextStep(flows, [_node_info(model.nodes[n], order[n]) for n in found])


def _leaving(model: ProcessModel, node: FlowNode, variables: Mapping[str, Any]) -> list[str]:
    """Flows out of an activity: every unconditioned one, conditioned ones that hold, the
    default only when nothing else is taken."""
    chosen = [
        f for f in node.outgoing if f != node.default_flow and _holds(model.flows[f], variables)
    ]
    if not chosen and node.default_flow:
        chosen.append(node.default_flow)
    return chosen


def _reach(
    model: ProcessModel,
    node_id: str,
    variables: Mapping[str, Any],
    waiting_elsewhere: bool,
    found: dict[str, None],
    seen: set[str],
) -> None:
    if node_id in seen:
        return
    seen.add(node_id)
    node = model.nodes[node_id]
    kind = node.kind
    if kind == "userTask":
        found[node_id] = None
        return
    if kind in GATEWAY_TYPES:
        joins = len(node.incoming) > 1 and kind in ("parallelGateway", "inclusiveGateway")
        if joins and waiting_elsewhere:
            return  # other branches have yet to arrive
        for flow_id in _chosen(model, node, variables):
            _reach(model, model.flows[flow_id].target, variables, waiting_elsewhere, found, seen)
        return
    if node.is_scope and node.id in model.scopes:
        for start in model.scopes[node.id].starts:
            _reach(model, start, variables, waiting_elsewhere, found, seen)
        return
    if kind == "endEvent":
        if node.scope is not None and (node.event is None or node.event.kind != "error"):
            scope = model.nodes[node.scope]
            for flow_id in _leaving(model, scope, variables):
                _reach(
                    model, model.flows[flow_id].target, variables, waiting_elsewhere, found, seen
                )
        return
    if kind in _PASS_THROUGH and node.event is None:
        for flow_id in _leaving(model, node, variables):
            _reach(model, model.flows[flow_id].target, variables, waiting_elsewhere, found, seen)


# -- loading --------------------------------------------------------------------------------


def _model_of_definition(svc: Services, definition_id: int) -> ProcessModel:
    with svc.db.read() as conn:
        row = repo.get_definition(conn, definition_id)
        if row is None:
            raise NotFound(f"process definition {definition_id} does not exist")
        definitions = svc.models.get(row.id, lambda: repo.definition_resource(conn, row.id))
    return definitions.processes[row.key]


@dataclass(frozen=True, slots=True)
class _AtTask:
    model: ProcessModel
    node: FlowNode
    variables: Mapping[str, Any]
    others_open: bool  # tokens rest elsewhere in the case: a join ahead would wait
    loop_goes_on: bool  # the task's multi-instance activity has instances still to do


def _task_context(svc: Services, actor: Actor, task_id: int, overrides: dict[str, Any]) -> _AtTask:
    task = tasks.get_task(svc, actor, task_id)  # 404 / 403
    with svc.db.read() as conn:
        row = repo.get_instance(conn, task.instance_id)
        task_row = repo.get_task(conn, task_id)
        if row is None or task_row is None:  # deleted since the task was read
            raise NotFound(f"task {task_id} does not exist")
        definitions = svc.models.get(
            row.definition_id, lambda: repo.definition_resource(conn, row.definition_id)
        )
    model = definitions.processes[row.process_key]
    state = orjson.loads(row.state) if row.state else {}
    execution = str(task_row.execution_id)
    resting = [
        e
        for e in state.get("ex", {}).values()
        if e.get("status") in ("wait", "join") and e.get("id") != execution
    ]
    return _AtTask(
        model,
        model.nodes[task.node_id],
        _visible_variables(state, execution, str(row.id), overrides),
        bool(resting),
        _loop_goes_on(model.nodes[task.node_id], state, execution, overrides),
    )


def _loop_goes_on(
    node: FlowNode, state: dict[str, Any], execution_id: str, overrides: dict[str, Any]
) -> bool:
    """Whether completing this instance leaves its multi-instance activity running: other
    instances remain and the completion condition (if any) does not hold yet."""
    executions = state.get("ex", {})
    current = executions.get(execution_id) or {}
    body = executions.get(current.get("parent") or "") or {}
    if node.loop is None or body.get("status") != "mi":
        return False
    counters = dict(body.get("vars") or {})
    total = counters.get("nrOfInstances", 0)
    done = counters.get("nrOfCompletedInstances", 0) + 1
    if done >= total:
        return False
    condition = node.loop.completion_condition
    if condition is None:
        return True
    counters.update(
        nrOfCompletedInstances=done,
        nrOfActiveInstances=max(counters.get("nrOfActiveInstances", 1) - 1, 0),
    )
    variables = _visible_variables(state, execution_id, str(state.get("id")), overrides)
    try:
        finished = condition.evaluate(ChainMap(counters, dict(variables)))
    except ExpressionError:
        return True
    return finished is not True and str(finished).lower() != "true"


def _visible_variables(
    state: dict[str, Any], execution_id: str, root_id: str, overrides: dict[str, Any]
) -> Mapping[str, Any]:
    executions = state.get("ex", {})
    chain: list[dict[str, Any]] = [overrides]
    current = executions.get(execution_id)
    seen: set[str] = set()
    while current is not None and current.get("id") not in seen:
        seen.add(current.get("id"))
        chain.append(current.get("vars") or {})
        current = executions.get(current.get("parent") or "")
    if root_id not in seen:
        chain.append(executions.get(root_id, {}).get("vars") or {})
    return ChainMap(*chain)
