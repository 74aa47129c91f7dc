"""The engine's one entry point: handle(model, state, command, ctx) -> Outcome.

Each command is checked first (raising EngineError before anything changes), then
applied, then the agenda runs until every token rests. `handle` takes ownership of the
state it is given and returns it changed. Imports bpmn and engine modules only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from lanes.bpmn.model import ProcessModel
from lanes.engine import commands as cmd
from lanes.engine import events as ev
from lanes.engine.activities import map_call_outputs
from lanes.engine.behaviours import BEHAVIOURS
from lanes.engine.context import Context
from lanes.engine.errors import EngineError, InstanceEnded, Stuck, TaskNotFound
from lanes.engine.moves import add_instance, jump, remove_instance, return_to, withdraw
from lanes.engine.runtime import Run
from lanes.engine.state import Execution, State, check_version
from lanes.engine.triggers import find_catcher, fire_subscription, throw


@dataclass(frozen=True, slots=True)
class Outcome:
    state: State
    events: list[ev.Event]


def handle(model: ProcessModel, state: State, command: cmd.Command, ctx: Context) -> Outcome:
    """Apply one command to one instance.

    Raises:
        EngineError: the command does not apply (unknown task, ended instance, ...);
            the state is unchanged.
    """
    check_version(state)
    if state["status"] != "active":
        raise InstanceEnded(f"process instance {state['id']} has already ended")
    run = Run(model, state, ctx, BEHAVIOURS)
    _HANDLERS[type(command)](run, command)
    run.run()
    return Outcome(state, run.events)


# -- starting ---------------------------------------------------------------------------


def _start(run: Run, c: cmd.StartInstance) -> None:
    model = run.model
    if run.state["visited"] or run.children(run.root):
        raise EngineError(f"process instance {run.state['id']} has already started")
    if c.start_node is not None:
        start = model.nodes.get(c.start_node)
        if start is None or start.kind != "startEvent" or start.scope is not None:
            raise EngineError(f"'{c.start_node}' is not a start event of process '{model.id}'")
    else:
        nones = [n for n in model.start_events() if n.event is None]
        if not nones:
            raise EngineError(
                f"process '{model.id}' has no none start event: start it by message, "
                "signal or timer"
            )
        start = nones[0]
    root = run.root
    variables = dict(c.variables)
    if start.initiator:
        variables[start.initiator] = c.user
    run.emit(
        ev.InstanceStarted(run.state["id"], model.id, c.business_key, c.user, start.id, run.at)
    )
    run.set_variables(root, variables)
    try:
        run.start_scope(root, None, start_node=start.id)
    except Stuck as exc:
        raise EngineError(str(exc)) from None


# -- user tasks -------------------------------------------------------------------------


def _task(run: Run, task_id: str) -> tuple[dict[str, Any], Execution]:
    task = run.state["tasks"].get(task_id)
    if task is None:
        raise TaskNotFound(f"task {task_id} is not open in process instance {run.state['id']}")
    return task, run.ex[task["ex"]]


def _complete(run: Run, c: cmd.CompleteTask) -> None:
    task, ex = _task(run, c.task_id)
    if task.get("delegation") == "pending":
        raise EngineError(f"task {c.task_id} is delegated to {task['assignee']}: resolve it first")
    run.set_variables(ex, c.variables, local=c.local)
    run.touch(ex)
    del run.state["tasks"][c.task_id]
    run.emit(ev.TaskEnded(c.task_id, task["node"], run.at, "completed", c.user, dict(c.variables)))
    _remember_for_withdraw(run, task, ex, c.user)
    ex.pop("task", None)
    ex["src"] = [c.task_id]
    run.leave(ex)


def _remember_for_withdraw(run: Run, task: dict[str, Any], ex: Execution, user: str | None) -> None:
    record: dict[str, Any] = {
        "node": task["node"],
        "parent": ex["parent"],
        "user": user,
        "assignee": task["assignee"] or user,
    }
    if ex.get("inst"):
        record["mi"] = ex["parent"]
        record["vars"] = dict(ex.get("vars", {}))
    run.state["done"][task["id"]] = record


def _update_task(run: Run, task: dict[str, Any], changes: dict[str, Any], user: str | None) -> None:
    task.update(changes)
    run.emit(ev.TaskUpdated(task["id"], changes, run.at, user))


def _claim(run: Run, c: cmd.ClaimTask) -> None:
    task, ex = _task(run, c.task_id)
    if task["assignee"] not in (None, c.user):
        raise EngineError(f"task {c.task_id} is already claimed by {task['assignee']}")
    run.touch(ex)
    _update_task(run, task, {"assignee": c.user, "claimed": True}, c.user)


def _unclaim(run: Run, c: cmd.UnclaimTask) -> None:
    task, _ = _task(run, c.task_id)
    _update_task(run, task, {"assignee": None, "claimed": False}, c.user)


def _assign(run: Run, c: cmd.AssignTask) -> None:
    task, _ = _task(run, c.task_id)
    _update_task(run, task, {"assignee": c.assignee}, c.user)


def _delegate(run: Run, c: cmd.DelegateTask) -> None:
    task, ex = _task(run, c.task_id)
    run.touch(ex)
    owner = task.get("owner") or task["assignee"] or c.user
    _update_task(
        run, task, {"owner": owner, "assignee": c.delegate, "delegation": "pending"}, c.user
    )


def _resolve(run: Run, c: cmd.ResolveTask) -> None:
    task, ex = _task(run, c.task_id)
    if task.get("delegation") != "pending":
        raise EngineError(f"task {c.task_id} is not delegated")
    run.set_variables(ex, c.variables)
    _update_task(run, task, {"assignee": task.get("owner"), "delegation": "resolved"}, c.user)


def _assign_node(run: Run, c: cmd.AssignNode) -> None:
    if c.node_id not in run.model.nodes or run.model.nodes[c.node_id].kind != "userTask":
        raise EngineError(f"'{c.node_id}' is not a user task of process '{run.model.id}'")
    open_here = [t for t in run.state["tasks"].values() if t["node"] == c.node_id]
    if open_here:
        for task in open_here:
            _update_task(run, task, {"assignee": c.assignee}, c.user)
        return
    run.state.setdefault("ahead", {})[c.node_id] = c.assignee


# -- variables, messages, signals, timers -----------------------------------------------


def _set_variables(run: Run, c: cmd.SetVariables) -> None:
    ex = run.root
    if c.execution_id is not None:
        if c.execution_id not in run.ex:
            raise TaskNotFound(f"execution {c.execution_id} is not active")
        ex = run.ex[c.execution_id]
    run.set_variables(ex, c.variables, local=c.execution_id is not None)


def _correlate(run: Run, c: cmd.CorrelateMessage) -> None:
    for sub in run.state["subs"].values():
        if sub["kind"] == "message" and sub["name"] == c.name:
            fire_subscription(run, sub, dict(c.variables))
            return
    raise EngineError(f"process instance {run.state['id']} is not waiting for message '{c.name}'")


def _signal(run: Run, c: cmd.SendSignal) -> None:
    subs = [s for s in run.state["subs"].values() if s["kind"] == "signal" and s["name"] == c.name]
    for sub in subs:
        if sub["id"] in run.state["subs"] and sub["ex"] in run.ex:
            fire_subscription(run, sub, dict(c.variables))


def _fire_job(run: Run, c: cmd.FireJob) -> None:
    sub = run.state["subs"].get(c.job_id)
    if sub is None or sub["kind"] not in ("timer", "async"):
        raise TaskNotFound(f"job {c.job_id} is not pending in process instance {run.state['id']}")
    fire_subscription(run, sub, {})


def _trigger(run: Run, c: cmd.Trigger) -> None:
    waiting = [
        e
        for e in run.ex.values()
        if e["node"] == c.node_id
        and e["status"] == "wait"
        and not e.get("task")
        and not e.get("ext")
        and not e.get("call")
        and (c.execution_id is None or e["id"] == c.execution_id)
    ]
    if not waiting:
        raise TaskNotFound(f"no token waits at '{c.node_id}' to be triggered")
    ex = waiting[0]
    run.touch(ex)
    run.close_subscriptions(ex)
    run.set_variables(ex, c.variables)
    run.leave(ex)


# -- errors, escalations, external tasks, call activities, incidents --------------------


def _execution_of(run: Run, target_id: str) -> Execution:
    task = run.state["tasks"].get(target_id)
    if task is not None:
        return run.ex[task["ex"]]
    ext = run.state["ext"].get(target_id)
    if ext is not None:
        return run.ex[ext["ex"]]
    if target_id in run.ex:
        return run.ex[target_id]
    raise TaskNotFound(
        f"no open task or execution {target_id} in process instance {run.state['id']}"
    )


def _throw_error(run: Run, c: cmd.ThrowError) -> None:
    ex = _execution_of(run, c.target_id)
    if find_catcher(run, ex, "error", c.code) is None:
        raise EngineError(
            f"no boundary event or event subprocess catches error '{c.code}' at '{ex['node']}'"
        )
    run.set_variables(ex, c.variables)
    _end_work_item(run, ex, "error")
    throw(run, ex, "error", c.code)


def _escalate(run: Run, c: cmd.Escalate) -> None:
    ex = _execution_of(run, c.target_id)
    if find_catcher(run, ex, "escalation", c.code) is None:
        raise EngineError(
            f"no boundary event or event subprocess catches escalation '{c.code}' at '{ex['node']}'"
        )
    throw(run, ex, "escalation", c.code)


def _end_work_item(run: Run, ex: Execution, reason: str) -> None:
    task_id = ex.pop("task", None)
    if task_id is not None:
        task = run.state["tasks"].pop(task_id)
        run.emit(ev.TaskEnded(task_id, task["node"], run.at, reason))
    ext_id = ex.pop("ext", None)
    if ext_id is not None:
        run.state["ext"].pop(ext_id, None)
        run.emit(ev.ExternalTaskEnded(ext_id, reason))


def _complete_external(run: Run, c: cmd.CompleteExternalTask) -> None:
    ext = run.state["ext"].get(c.external_task_id)
    if ext is None:
        raise TaskNotFound(f"external task {c.external_task_id} is not open")
    ex = run.ex[ext["ex"]]
    node = run.model.nodes[ext["node"]]
    variables = dict(c.variables)
    if node.service and node.service.result_variable and "result" in variables:
        variables[node.service.result_variable] = variables.pop("result")
    run.set_variables(ex, variables)
    _end_work_item(run, ex, "completed")
    run.touch(ex)
    run.leave(ex)


def _complete_call(run: Run, c: cmd.CompleteCallActivity) -> None:
    ex = run.ex.get(c.execution_id)
    if ex is None or not ex.get("call"):
        raise TaskNotFound(f"execution {c.execution_id} is not waiting for a called process")
    node = run.model.nodes[ex["node"]]
    try:
        outputs = map_call_outputs(run, ex, node, dict(c.variables))
    except Stuck as exc:
        raise EngineError(str(exc)) from None
    ex.pop("call")
    run.set_variables(ex, outputs)
    run.touch(ex)
    run.leave(ex)


def _raise_incident(run: Run, c: cmd.RaiseIncident) -> None:
    ex = run.ex.get(c.execution_id)
    if ex is None or ex["parent"] is None:
        raise TaskNotFound(f"execution {c.execution_id} is not active")
    ex.pop("call", None)
    run.raise_incident(ex, c.message)


def _retry(run: Run, c: cmd.RetryIncident) -> None:
    incident = run.state["incidents"].pop(c.incident_id, None)
    if incident is None:
        raise TaskNotFound(f"incident {c.incident_id} is not open")
    run.emit(ev.IncidentResolved(c.incident_id))
    ex = run.ex[incident["ex"]]
    ex["status"] = "wait"
    # entering again recreates the node's work item and boundary events: drop the old ones
    run.close_subscriptions(ex)
    _end_work_item(run, ex, "retried")
    run.enter(ex)


def _cancel(run: Run, c: cmd.CancelInstance) -> None:
    run.end_instance("terminated", c.reason or "cancelled")


_HANDLERS: dict[type, Callable[[Run, Any], None]] = {
    cmd.StartInstance: _start,
    cmd.CompleteTask: _complete,
    cmd.ClaimTask: _claim,
    cmd.UnclaimTask: _unclaim,
    cmd.AssignTask: _assign,
    cmd.AssignNode: _assign_node,
    cmd.DelegateTask: _delegate,
    cmd.ResolveTask: _resolve,
    cmd.SetVariables: _set_variables,
    cmd.CorrelateMessage: _correlate,
    cmd.SendSignal: _signal,
    cmd.FireJob: _fire_job,
    cmd.Trigger: _trigger,
    cmd.ThrowError: _throw_error,
    cmd.Escalate: _escalate,
    cmd.CompleteExternalTask: _complete_external,
    cmd.CompleteCallActivity: _complete_call,
    cmd.RaiseIncident: _raise_incident,
    cmd.RetryIncident: _retry,
    cmd.Jump: jump,
    cmd.ReturnTo: return_to,
    cmd.Withdraw: withdraw,
    cmd.AddInstance: add_instance,
    cmd.RemoveInstance: remove_instance,
    cmd.CancelInstance: _cancel,
}
