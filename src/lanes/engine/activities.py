"""Tasks, subprocesses and call activities (BPMN 2.0 §10.2-10.3): one function per kind.

Imports bpmn, expr and engine modules only (Run only for type checking).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from lanes.bpmn.model import FlowNode
from lanes.engine import events as ev
from lanes.engine.errors import Stuck
from lanes.engine.state import Execution
from lanes.engine.timers import TimerError, first_due, to_iso

if TYPE_CHECKING:
    from lanes.engine.runtime import Run

DEFAULT_PRIORITY = 50


def pass_through(run: Run, ex: Execution, node: FlowNode) -> None:
    """task, manualTask: nothing to wait for."""
    run.leave(ex)


def user_task(run: Run, ex: Execution, node: FlowNode) -> None:
    """Create the work item people see in their to-do lists (§10.2.3)."""
    spec = node.task
    assert spec is not None
    assignee = ex.pop("assignee", None)
    ahead = run.state.get("ahead")
    if assignee is None and ahead and node.id in ahead:
        assignee = ahead.pop(node.id)
    if assignee is None and spec.assignee is not None:
        assignee = _one_name(run.evaluate(spec.assignee, ex))
    users = _names(run, ex, spec.candidate_users)
    groups = _names(run, ex, spec.candidate_groups)
    due = None
    if spec.due_date is not None:
        due = _due(run.evaluate(spec.due_date, ex), run)
    priority = DEFAULT_PRIORITY
    if spec.priority is not None:
        value = run.evaluate(spec.priority, ex)
        try:
            priority = int(value)
        except (TypeError, ValueError):
            raise Stuck(f"priority of '{node.id}' gave {value!r}, not a number") from None
    task_id = run.ctx.new_id()
    # Only what can change or cannot be derived from the model is kept; absent keys
    # mean: no owner, no candidates, no due date, default priority, not claimed.
    task: dict[str, Any] = {"id": task_id, "node": node.id, "ex": ex["id"], "assignee": assignee}
    if users:
        task["users"] = users
    if groups:
        task["groups"] = groups
    if due is not None:
        task["due"] = due
    if priority != DEFAULT_PRIORITY:
        task["priority"] = priority
    run.state["tasks"][task_id] = task
    ex["task"] = task_id
    ex["status"] = "wait"
    run.emit(
        ev.TaskCreated(
            task_id,
            node.id,
            ex["id"],
            node.name,
            assignee,
            tuple(users),
            tuple(groups),
            spec.form_key,
            due,
            priority,
            run.at,
        )
    )


def receive_task(run: Run, ex: Execution, node: FlowNode) -> None:
    """Wait for its message, or for a Trigger command when it names none (§10.2.4)."""
    if ex.pop("fired", False):
        run.leave(ex)
        return
    ex["status"] = "wait"
    run.open_event_wait(ex, node)


def external_task(run: Run, ex: Execution, node: FlowNode) -> None:
    """Service, send and business-rule tasks: a worker fetches them by topic."""
    service = node.service
    assert service is not None
    ext_id = run.ctx.new_id()
    run.state["ext"][ext_id] = {
        "id": ext_id,
        "ex": ex["id"],
        "node": node.id,
        "topic": service.topic,
    }
    ex["ext"] = ext_id
    ex["status"] = "wait"
    run.emit(ev.ExternalTaskCreated(ext_id, service.topic, node.id, ex["id"], run.at))


def script_task(run: Run, ex: Execution, node: FlowNode) -> None:
    """Only JUEL scripts run: the value of the expression, kept in resultVariable."""
    assert node.script is not None
    value = run.evaluate(node.script, ex)
    if node.script_result:
        run.set_variables(ex, {node.script_result: value})
    run.leave(ex)


def sub_process(run: Run, ex: Execution, node: FlowNode) -> None:
    """An embedded subprocess is a scope of its own (§10.3.1)."""
    ex["status"] = "scope"
    run.start_scope(ex, node.id)


def call_activity(run: Run, ex: Execution, node: FlowNode) -> None:
    """Ask the caller to start the called process; resume on CompleteCallActivity (§10.3.2)."""
    call = node.call
    assert call is not None
    called = str(run.evaluate(call.called_element, ex))
    variables = run.variables(ex)
    passed: dict[str, Any] = {}
    if call.inherit_variables:
        passed.update(variables)
    for mapping in call.inputs:
        if mapping.all:
            passed.update(variables)
        elif mapping.source_expression is not None and mapping.target:
            passed[mapping.target] = run.evaluate(mapping.source_expression, ex)
        elif mapping.source and mapping.target:
            passed[mapping.target] = variables.get(mapping.source)
    business_key = None
    if call.business_key is not None:
        business_key = str(run.evaluate(call.business_key, ex))
    ex["status"] = "wait"
    ex["call"] = called
    run.emit(ev.CallActivityStarted(ex["id"], node.id, called, dict(passed), business_key))


def map_call_outputs(
    run: Run, ex: Execution, node: FlowNode, child_vars: dict[str, Any]
) -> dict[str, Any]:
    """The variables a finished called process hands back to the caller."""
    call = node.call
    assert call is not None
    result: dict[str, Any] = {}
    for mapping in call.outputs:
        if mapping.all:
            result.update(child_vars)
        elif mapping.source_expression is not None and mapping.target:
            try:
                result[mapping.target] = mapping.source_expression.evaluate(child_vars, run.ctx.now)
            except Exception as exc:
                raise Stuck(f"out mapping of '{node.id}': {exc}") from None
        elif mapping.source and mapping.target:
            result[mapping.target] = child_vars.get(mapping.source)
    return result


def _names(run: Run, ex: Execution, expressions: tuple[Any, ...]) -> list[str]:
    names: list[str] = []
    for expression in expressions:
        value = run.evaluate(expression, ex)
        if isinstance(value, list | tuple | set):
            names.extend(str(v) for v in value if v is not None)
        elif isinstance(value, str):
            names.extend(p.strip() for p in value.split(",") if p.strip())
        elif value is not None:
            names.append(str(value))
    return names


def _one_name(value: Any) -> str | None:
    if value is None or value == "":
        return None
    return str(value)


def _due(value: Any, run: Run) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return to_iso(value)
    text = str(value).strip()
    try:
        if text.startswith("P"):
            return to_iso(first_due("duration", text, run.ctx.now).due)
        return to_iso(first_due("date", text, run.ctx.now).due)
    except TimerError as exc:
        raise Stuck(f"dueDate: {exc}") from None
