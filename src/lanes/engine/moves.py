"""Moves the human-task operations need: jump, return, withdraw, add/remove an instance.

These are not BPMN semantics but what approval flows ask of an engine (跳转, 退回,
撤回, 加签, 减签). Each checks first and raises InvalidMove before changing anything.
Imports bpmn and engine modules only (Run only for type checking).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from lanes.bpmn.model import FlowNode
from lanes.engine import commands as cmd
from lanes.engine import events as ev
from lanes.engine.errors import InvalidMove, TaskNotFound
from lanes.engine.graph import reachable_from
from lanes.engine.multi_instance import ACTIVE, COMPLETED, TOTAL, finish_body, new_instance
from lanes.engine.state import Execution

if TYPE_CHECKING:
    from lanes.engine.runtime import Run


def _task_execution(run: Run, task_id: str) -> Execution:
    task = run.state["tasks"].get(task_id)
    if task is None:
        raise TaskNotFound(f"task {task_id} is not open in process instance {run.state['id']}")
    ex: Execution = run.ex[task["ex"]]
    return ex


def _target(run: Run, node_id: str) -> FlowNode:
    node = run.model.nodes.get(node_id)
    if node is None:
        raise InvalidMove(f"'{node_id}' is not a node of process '{run.model.id}'")
    if node.kind == "startEvent" and node.scope is None:
        raise InvalidMove(f"cannot move a token to the start event '{node_id}'")
    return node


def _activity_position(run: Run, ex: Execution) -> Execution:
    """The execution that stands for ex's activity: the body of a multi-instance."""
    return run.parent(ex) if ex.get("inst") else ex


def _scope_for(run: Run, scope_id: str | None, near: Execution) -> Execution | None:
    """The active execution of scope `scope_id` enclosing `near`, if any."""
    for e in run.ancestors(near):
        if (
            e["status"] == "scope"
            and e["node"] == scope_id
            and (scope_id is not None or e["parent"] is None)
        ):
            return e
    if scope_id is None:
        return run.root
    return None


def _scope_chain(run: Run, node: FlowNode) -> list[str | None]:
    """Scope ids from the process down to the scope holding `node`."""
    chain: list[str | None] = []
    scope = node.scope
    while scope is not None:
        chain.append(scope)
        scope = run.nodes[scope].scope
    chain.append(None)
    chain.reverse()
    return chain


def _place_token(run: Run, target: FlowNode, near: Execution, **extra: Any) -> Execution:
    """A new token at `target`, creating the subprocess scopes it needs on the way."""
    scope = run.root
    for scope_id in _scope_chain(run, target):
        found = _scope_for(run, scope_id, near)
        if found is not None:
            scope = found
            continue
        assert scope_id is not None
        inner = run.new_exec(scope, scope_id, status="scope")
        run.visit(inner, run.nodes[scope_id])
        scope = inner
    token = run.new_exec(scope, target.id, **extra)
    run.enter(token)
    return token


def _drop_empty_scopes(run: Run, start: Execution | None, keep: Execution) -> None:
    """Cancel subprocess scopes left without tokens that are not on keep's path."""
    keep_ids = {e["id"] for e in run.ancestors(keep)}
    current = start
    while current is not None and current["parent"] is not None:
        parent = run.ex.get(current["parent"])
        if current["id"] in run.ex and current["id"] not in keep_ids and not run.children(current):
            run.cancel(current, "moved")
        current = parent


def jump(run: Run, c: cmd.Jump) -> None:
    """Move the token at a task (or every token at a node) to any node (跳转)."""
    target = _target(run, c.target_node)
    if c.source_id in run.state["tasks"]:
        sources = [_activity_position(run, _task_execution(run, c.source_id))]
    elif c.source_id in run.ex and run.ex[c.source_id]["parent"] is not None:
        sources = [_activity_position(run, run.ex[c.source_id])]
    else:
        sources = [
            e
            for e in run.ex.values()
            if e["node"] == c.source_id and e["status"] != "scope" and not e.get("inst")
        ]
        sources += [e for e in run.ex.values() if e["node"] == c.source_id and e["status"] == "mi"]
        if not sources:
            raise InvalidMove(f"no token is at '{c.source_id}' to jump from")
    near = run.parent(sources[0])
    for source in sources:
        if source["id"] in run.ex:
            run.touch(source)
            run.cancel(source, "jumped")
    token = _place_token(run, target, near)
    _drop_empty_scopes(run, near, token)


def return_to(run: Run, c: cmd.ReturnTo) -> None:
    """Send the case back to an earlier node, cancelling what lies between (退回/驳回).

    The target may sit in a subprocess that has already finished: the scopes it needs are
    opened again. Parallel joins that the cancelled work had passed get back the arrivals
    of branches the return does not redo, so the case cannot deadlock at them.
    """
    ex = _task_execution(run, c.task_id)
    target = _target(run, c.target_node)
    if target.id not in run.state["visited"]:
        raise InvalidMove(
            f"'{target.id}' has not been reached in this case, so it cannot be returned to"
        )
    scope, anchor = _active_scope_towards(run, target, ex)
    downstream = reachable_from(run.model, anchor) | {anchor}
    current = run.position_in(ex, scope)
    cancelled: list[str] = []
    for child in run.children(scope):
        if child is current or _between(run, child, downstream):
            cancelled.append(child["node"])
            run.touch(child)
            run.cancel(child, "returned")
    _rearm_parallel_joins(run, scope, anchor, downstream, cancelled)
    _place_token(run, target, scope)


def _active_scope_towards(run: Run, target: FlowNode, near: Execution) -> tuple[Execution, str]:
    """The innermost active scope on the way to `target`, and the node in that scope that
    holds the target (the target itself, or the finished subprocess around it)."""
    chain = _scope_chain(run, target)
    scope = run.root
    anchor = chain[1] if len(chain) > 1 else target.id
    for depth, scope_id in enumerate(chain):
        found = _scope_for(run, scope_id, near)
        if found is None:
            break
        scope = found
        anchor = chain[depth + 1] if depth + 1 < len(chain) else target.id
    assert anchor is not None
    return scope, anchor


def _rearm_parallel_joins(
    run: Run, scope: Execution, anchor: str, downstream: frozenset[str], cancelled: list[str]
) -> None:
    for gateway_id in downstream:
        gateway = run.nodes[gateway_id]
        if gateway.kind != "parallelGateway" or len(gateway.incoming) < 2:
            continue
        passed = [
            n for n in cancelled if n in reachable_from(run.model, gateway_id) and n != gateway_id
        ]
        if not passed:
            continue
        for flow_id in gateway.incoming:
            source = run.model.flows[flow_id].source
            if source not in downstream:
                run.new_exec(scope, gateway_id, status="join", flow=flow_id)


def _between(run: Run, child: Execution, downstream: frozenset[str]) -> bool:
    """Whether a token lies on the way from the return target to here. A token waiting
    at a join counts only if it came along a path from the target, not from a branch
    that never passed through it."""
    if child["status"] == "join" and child.get("flow") in run.model.flows:
        return run.model.flows[child["flow"]].source in downstream
    return child["node"] in downstream


def withdraw(run: Run, c: cmd.Withdraw) -> None:
    """Re-open a completed task while what followed it is untouched (撤回)."""
    record = run.state["done"].get(c.task_id)
    if record is None:
        raise InvalidMove(
            f"task {c.task_id} cannot be withdrawn: it is not a recent completion "
            "of this case, or what followed it was already worked on"
        )
    if c.user is not None and record["user"] not in (None, c.user):
        raise InvalidMove(
            f"task {c.task_id} was completed by {record['user']}; only they can withdraw it"
        )
    products = [e for e in run.ex.values() if c.task_id in e.get("src", ())]
    for product in products:
        _check_untouched(run, product, c.task_id)
    kept = {r["id"] for p in products for r in p.get("undo", ())}
    body_back = "mi" in record and (record["mi"] in run.ex or record["mi"] in kept)
    if not products and not body_back:
        raise InvalidMove(f"task {c.task_id} cannot be withdrawn: the case has moved on past it")
    if "mi" in record and not body_back:
        raise InvalidMove(
            f"task {c.task_id} cannot be withdrawn: its multi-instance activity has ended"
        )
    if record["parent"] not in run.ex and record["parent"] not in kept:
        raise InvalidMove(f"task {c.task_id} cannot be withdrawn: its scope has ended")
    restored: list[Execution] = []
    for product in products:
        undo = product.get("undo", [])
        run.cancel(product, "withdrawn")
        for record_ex in undo:
            if c.task_id in record_ex.get("src", ()) and record_ex.get("status") != "mi":
                continue  # the withdrawn task's own arrival: it comes back as a task below
            restored.append(record_ex)
    for record_ex in restored:
        _restore(run, record_ex)
    del run.state["done"][c.task_id]
    node = run.nodes[record["node"]]
    if "mi" in record:
        body = run.ex[record["mi"]]
        counters = body["vars"]
        counters[COMPLETED] -= 1
        counters[ACTIVE] += 1
        instance = run.new_exec(
            body,
            node.id,
            inst=True,
            vars=dict(record["vars"]),
            assignee=record["assignee"],
            status="scope" if node.is_scope else "wait",
        )
        if node.loop is not None and node.loop.sequential:
            counters[ACTIVE] = 1
        run.enter(instance)
        return
    parent = run.ex[record["parent"]]
    run.enter(run.new_exec(parent, node.id, assignee=record["assignee"]))


def _check_untouched(run: Run, product: Execution, task_id: str) -> None:
    for e in [product, *_descendants(run, product)]:
        if e.get("call") or e.get("ext"):
            raise InvalidMove(
                f"task {task_id} cannot be withdrawn: the work that followed it "
                "has started elsewhere"
            )
        open_task = run.state["tasks"].get(e.get("task", ""))
        if open_task is not None and (open_task.get("claimed") or open_task.get("delegation")):
            raise InvalidMove(
                f"task {task_id} cannot be withdrawn: the next task "
                f"'{open_task['node']}' was already claimed or delegated"
            )


def _descendants(run: Run, ex: Execution) -> list[Execution]:
    found: list[Execution] = []
    stack = run.children(ex)
    while stack:
        e = stack.pop()
        found.append(e)
        stack.extend(run.children(e))
    return found


def _restore(run: Run, record: Execution) -> None:
    """Put back an execution that a join or a finished multi-instance had consumed.

    Join arrivals and multi-instance bodies come back as they were; instances that the
    completion condition cancelled are entered again, so their tasks reappear.
    """
    record = dict(record)
    record.pop("task", None)
    run.ex[record["id"]] = record
    if record.get("inst"):
        record["status"] = "wait"
        run.enter(record)


def add_instance(run: Run, c: cmd.AddInstance) -> None:
    """One more instance of a running multi-instance activity (加签)."""
    ex = _task_execution(run, c.task_id)
    if not ex.get("inst"):
        raise InvalidMove(f"task {c.task_id} is not part of a multi-instance activity")
    body = run.parent(ex)
    node = run.nodes[ex["node"]]
    assert node.loop is not None
    counters = body["vars"]
    if node.loop.sequential:
        body.setdefault("items", [None] * counters[TOTAL]).append(c.element)
        counters[TOTAL] += 1
        return
    index = counters[TOTAL]
    counters[TOTAL] += 1
    counters[ACTIVE] += 1
    instance = new_instance(run, body, node, index, c.element)
    if node.loop.element_variable and c.element is not None:
        instance["vars"][node.loop.element_variable] = c.element
    if c.variables:
        instance["vars"].update(c.variables)
    run.enter(instance)


def remove_instance(run: Run, c: cmd.RemoveInstance) -> None:
    """Drop one pending instance of a multi-instance activity (减签)."""
    ex = _task_execution(run, c.task_id)
    if not ex.get("inst"):
        raise InvalidMove(f"task {c.task_id} is not part of a multi-instance activity")
    body = run.parent(ex)
    node = run.nodes[ex["node"]]
    assert node.loop is not None
    counters = body["vars"]
    if counters[TOTAL] - counters[COMPLETED] <= 1 and counters[COMPLETED] == 0:
        raise InvalidMove(f"task {c.task_id} is the only instance left; it cannot be removed")
    index = ex.get("vars", {}).get(node.loop.loop_counter_variable)
    run.cancel(ex, "removed")
    run.emit(ev.VariablesChanged(body["id"], {TOTAL: counters[TOTAL] - 1}, run.at))
    counters[TOTAL] -= 1
    counters[ACTIVE] -= 1
    items = body.get("items")
    if node.loop.sequential and items is not None and isinstance(index, int) and index < len(items):
        items.pop(index)
    if counters[COMPLETED] >= counters[TOTAL]:
        finish_body(run, body, node, None)
    elif node.loop.sequential:
        counters[ACTIVE] = 1
        run.enter(new_instance(run, body, node, counters[COMPLETED]))
