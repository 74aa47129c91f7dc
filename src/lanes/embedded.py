"""lanes as a library: deploy, start and drive BPMN processes in memory.

The outer shell around the pure engine for people who embed lanes the way SpiffWorkflow
is embedded: it keeps definitions and instances in dicts, reads the clock, hands out
ids, starts called processes, broadcasts signals and fires due timers. Each instance's
state is a plain JSON document (`to_json` / `Engine.restore`). See docs/embedding.md.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson

from lanes.bpmn import BpmnError, ProcessModel, parse
from lanes.engine import commands as cmd
from lanes.engine import events as ev
from lanes.engine.activities import DEFAULT_PRIORITY
from lanes.engine.context import Context
from lanes.engine.errors import EngineError, InvalidMove, TaskNotFound
from lanes.engine.handle import handle
from lanes.engine.state import State, new_state
from lanes.engine.timers import TimerError, first_due, from_iso, next_due
from lanes.expr import ExpressionError

__all__ = [
    "BpmnError",
    "Engine",
    "EngineError",
    "ExternalTask",
    "Incident",
    "Instance",
    "InvalidMove",
    "Task",
    "TaskNotFound",
]

Clock = Callable[[], datetime]

# Events that set off work in another instance or a follow-up command here.
_REACTIVE = frozenset(
    {
        ev.CallActivityStarted,
        ev.CallActivityCancelled,
        ev.SignalThrown,
        ev.JobScheduled,
        ev.ErrorNotCaught,
        ev.InstanceEnded,
    }
)


@dataclass(frozen=True, slots=True)
class Task:
    id: str
    node_id: str
    name: str | None
    assignee: str | None
    owner: str | None
    candidate_users: tuple[str, ...]
    candidate_groups: tuple[str, ...]
    form_key: str | None
    due: str | None
    priority: int
    variables: dict[str, Any]


@dataclass(frozen=True, slots=True)
class ExternalTask:
    id: str
    node_id: str
    topic: str


@dataclass(frozen=True, slots=True)
class Incident:
    id: str
    node_id: str
    message: str


class Engine:
    """Definitions and running instances, in memory."""

    def __init__(self, clock: Clock | None = None) -> None:
        self._clock: Clock = clock or (lambda: datetime.now(UTC))
        self._offset = timedelta(0)
        self._firing_at: datetime | None = None  # while advance_clock fires a due job
        self._models: dict[str, ProcessModel] = {}
        self._instances: dict[str, Instance] = {}
        self._next_instance = 0
        self._parents: dict[str, tuple[str, str]] = {}  # child id -> (parent id, execution id)
        self._children: dict[str, list[str]] = {}
        self._start_timers: list[dict[str, Any]] = []
        self._pending: deque[Callable[[], None]] = deque()
        self._busy = False
        self.warnings: list[str] = []  # what deploy could not set up (a cron timer start, say)

    # -- time ---------------------------------------------------------------------------

    def now(self) -> datetime:
        if self._firing_at is not None:
            return self._firing_at
        return self._clock() + self._offset

    def advance_clock(self, to: datetime | timedelta) -> None:
        """Move the clock forward and fire every timer that is due, earliest first, each
        at its own due time (so a cycle fires once per period it passed)."""
        self._offset += to if isinstance(to, timedelta) else to - self.now()
        now = self.now()
        while True:
            found = self._earliest_due(now)
            if found is None:
                return
            self._firing_at = found[0]
            try:
                found[1]()
            finally:
                self._firing_at = None

    def _earliest_due(self, now: datetime) -> tuple[datetime, Callable[[], None]] | None:
        best: tuple[datetime, Callable[[], None]] | None = None
        for inst in self._instances.values():
            if inst.ended:
                continue
            for job in inst.state["subs"].values():
                if job["kind"] in ("timer", "async"):
                    due = from_iso(job["due"])
                    if due <= now and (best is None or due < best[0]):
                        job_id = job["id"]
                        best = (due, lambda i=inst, j=job_id: i._do(cmd.FireJob(j)))
        for timer in self._start_timers:
            due = timer["due"]
            if due <= now and (best is None or due < best[0]):
                best = (due, lambda t=timer: self._run(lambda: self._fire_start_timer(t)))
        return best

    # -- definitions --------------------------------------------------------------------

    def deploy(self, xml: bytes) -> list[str]:
        """Deploy every executable process in `xml`; returns their ids (keys)."""
        definitions = parse(xml)
        self.warnings.extend(str(w) for w in definitions.warnings)
        now = self.now()
        for key, model in definitions.processes.items():
            self._models[key] = model
            self._start_timers = [t for t in self._start_timers if t["key"] != key]
            for start in model.start_events():
                if start.event is not None and start.event.kind == "timer":
                    assert start.event.timer is not None and start.event.timer_kind is not None
                    try:
                        value = start.event.timer.evaluate({}, now)
                        schedule = first_due(start.event.timer_kind, value, now)
                    except (TimerError, ExpressionError) as exc:
                        self.warnings.append(
                            f"timer start '{start.id}' of '{key}' not scheduled: {exc}"
                        )
                        continue
                    self._start_timers.append(
                        {"key": key, "node": start.id, "due": schedule.due, "schedule": schedule}
                    )
        return list(definitions.processes)

    def model(self, key: str) -> ProcessModel:
        try:
            return self._models[key]
        except KeyError:
            raise EngineError(f"no process '{key}' is deployed") from None

    # -- instances ------------------------------------------------------------------------

    def start(
        self,
        key: str,
        variables: dict[str, Any] | None = None,
        user: str | None = None,
        business_key: str | None = None,
        start_node: str | None = None,
    ) -> Instance:
        inst = self._create(key, business_key)
        command = cmd.StartInstance(dict(variables or {}), user, business_key, start_node)
        self._run(lambda: inst._apply(command))
        return inst

    def _create(self, key: str, business_key: str | None) -> Instance:
        model = self.model(key)
        self._next_instance += 1
        instance_id = str(self._next_instance)
        inst = Instance(self, model, new_state(instance_id, key, business_key))
        self._instances[instance_id] = inst
        return inst

    def start_by_message(
        self, name: str, variables: dict[str, Any] | None = None, business_key: str | None = None
    ) -> Instance:
        for key, model in self._models.items():
            for start in model.start_events():
                if (
                    start.event is not None
                    and start.event.kind == "message"
                    and start.event.ref == name
                ):
                    return self.start(key, variables, None, business_key, start.id)
        raise EngineError(f"no deployed process starts on message '{name}'")

    def instances(self) -> list[Instance]:
        return list(self._instances.values())

    def instance(self, instance_id: str) -> Instance:
        try:
            return self._instances[instance_id]
        except KeyError:
            raise EngineError(f"no process instance {instance_id}") from None

    def discard(self, inst: Instance) -> None:
        """Forget an instance whose state you keep elsewhere (restore brings it back)."""
        self._instances.pop(inst.id, None)
        self._children.pop(inst.id, None)

    def restore(self, data: str | bytes | dict[str, Any]) -> Instance:
        """The instance whose state `data` is (from Instance.to_json), ready to drive."""
        state: State = orjson.loads(data) if isinstance(data, str | bytes) else data
        inst = Instance(self, self.model(state["process"]), state)
        self._instances[state["id"]] = inst
        return inst

    # -- events across instances ----------------------------------------------------------

    def signal(self, name: str, variables: dict[str, Any] | None = None) -> None:
        """Broadcast a signal to every waiting instance and start signal-started processes."""
        self._run(lambda: self._broadcast(name, dict(variables or {})))

    def _broadcast(self, name: str, variables: dict[str, Any]) -> None:
        for inst in list(self._instances.values()):
            if not inst.ended and any(
                s["kind"] == "signal" and s["name"] == name for s in inst.state["subs"].values()
            ):
                inst._apply(cmd.SendSignal(name, variables))
        for key, model in list(self._models.items()):
            for start in model.start_events():
                if (
                    start.event is not None
                    and start.event.kind == "signal"
                    and start.event.ref == name
                ):
                    self.start(key, variables, None, None, start.id)

    def correlate_message(
        self, name: str, variables: dict[str, Any] | None = None, business_key: str | None = None
    ) -> Instance:
        """Deliver a message to the instance waiting for it, or start a process on it."""
        for inst in self._instances.values():
            if inst.ended or (business_key is not None and inst.business_key != business_key):
                continue
            if any(
                s["kind"] == "message" and s["name"] == name for s in inst.state["subs"].values()
            ):
                inst.trigger_message(name, variables)
                return inst
        return self.start_by_message(name, variables, business_key)

    def _fire_start_timer(self, timer: dict[str, Any]) -> None:
        following = next_due(timer["schedule"], timer["due"])
        if following is None:
            self._start_timers.remove(timer)
        else:
            timer["schedule"], timer["due"] = following, following.due
        self.start(timer["key"], {}, None, None, timer["node"])

    def _run(self, action: Callable[[], None]) -> None:
        """Run action, then whatever it set off in other instances, in order."""
        self._pending.append(action)
        if self._busy:
            return
        self._busy = True
        try:
            while self._pending:
                self._pending.popleft()()
        except BaseException:
            self._pending.clear()
            raise
        finally:
            self._busy = False

    def _after(self, inst: Instance, events: Iterable[ev.Event]) -> None:
        """Queue what an instance's events set off elsewhere: children, signals, async jobs."""
        for event in events:
            if type(event) in _REACTIVE:
                action = self._reaction(inst, event)
                if action is not None:
                    self._pending.append(action)

    def _reaction(self, inst: Instance, event: ev.Event) -> Callable[[], None] | None:
        match event:
            case ev.CallActivityStarted():
                return lambda: self._start_child(inst.id, event)
            case ev.CallActivityCancelled(execution_id=execution_id):
                return lambda: self._cancel_child(inst.id, execution_id)
            case ev.SignalThrown(name=name):
                return lambda: self._broadcast(name, {})
            case ev.JobScheduled(kind="async", job_id=job_id):
                return lambda: inst._apply(cmd.FireJob(job_id))
            case ev.ErrorNotCaught(code=code):
                return lambda: self._error_to_parent(inst, code)
            case ev.InstanceEnded(state="completed"):
                return lambda: self._child_ended(inst)
        return None

    def _start_child(self, parent_id: str, event: ev.CallActivityStarted) -> None:
        if event.called_element not in self._models:
            message = f"called process '{event.called_element}' is not deployed"
            self._instances[parent_id]._apply(cmd.RaiseIncident(event.execution_id, message))
            return
        child = self._create(event.called_element, event.business_key)
        self._parents[child.id] = (parent_id, event.execution_id)
        self._children.setdefault(parent_id, []).append(child.id)
        child._apply(cmd.StartInstance(event.variables, None, event.business_key))

    def _child_ended(self, child: Instance) -> None:
        link = self._parents.pop(child.id, None)
        if link is None:
            return
        parent = self._instances[link[0]]
        if not parent.ended and link[1] in parent.state["ex"]:
            parent._apply(cmd.CompleteCallActivity(link[1], child.variables))

    def _cancel_child(self, parent_id: str, execution_id: str) -> None:
        for child_id in self._children.get(parent_id, []):
            if self._parents.get(child_id) == (parent_id, execution_id):
                del self._parents[child_id]
                child = self._instances[child_id]
                if not child.ended:
                    child.cancel("the calling activity was cancelled")

    def _error_to_parent(self, child: Instance, code: str | None) -> None:
        link = self._parents.get(child.id)
        if link is None or code is None:
            return
        parent = self._instances[link[0]]
        try:
            parent._apply(cmd.ThrowError(link[1], code))
        except EngineError:
            return
        del self._parents[child.id]
        if not child.ended:
            child.cancel("error thrown to the calling process")


class Instance:
    """One running (or ended) process instance and the commands that drive it."""

    def __init__(self, engine: Engine, model: ProcessModel, state: State) -> None:
        self._engine = engine
        self._model = model
        self.state = state

    # -- reading ----------------------------------------------------------------------------

    @property
    def id(self) -> str:
        instance_id: str = self.state["id"]
        return instance_id

    @property
    def key(self) -> str:
        return self._model.id

    @property
    def business_key(self) -> str | None:
        key: str | None = self.state.get("business_key")
        return key

    @property
    def ended(self) -> bool:
        return bool(self.state["status"] != "active")

    @property
    def status(self) -> str:
        status: str = self.state["status"]
        return status

    @property
    def variables(self) -> dict[str, Any]:
        return dict(self.state["ex"][self.id]["vars"])

    @property
    def visited(self) -> list[str]:
        return list(self.state["visited"])

    @property
    def incidents(self) -> list[Incident]:
        return [
            Incident(i["id"], i["node"], i["message"]) for i in self.state["incidents"].values()
        ]

    def tasks(self) -> list[Task]:
        found = []
        nodes = self._model.nodes
        executions = self.state["ex"]
        for t in self.state["tasks"].values():
            node = nodes[t["node"]]
            local = executions[t["ex"]].get("vars", {})
            found.append(
                Task(
                    t["id"],
                    t["node"],
                    node.name,
                    t["assignee"],
                    t.get("owner"),
                    tuple(t.get("users", ())),
                    tuple(t.get("groups", ())),
                    node.task.form_key if node.task else None,
                    t.get("due"),
                    t.get("priority", DEFAULT_PRIORITY),
                    dict(local),
                )
            )
        return found

    def external_tasks(self) -> list[ExternalTask]:
        return [ExternalTask(e["id"], e["node"], e["topic"]) for e in self.state["ext"].values()]

    def active_nodes(self) -> list[str]:
        return sorted(
            e["node"]
            for e in self.state["ex"].values()
            if e["node"] is not None and e["status"] in ("wait", "join", "incident")
        )

    def children(self) -> list[Instance]:
        return [self._engine._instances[c] for c in self._engine._children.get(self.id, [])]

    def to_json(self) -> str:
        return orjson.dumps(self.state).decode()

    # -- driving ------------------------------------------------------------------------------

    def complete(
        self, task_id: str, variables: dict[str, Any] | None = None, user: str | None = None
    ) -> None:
        self._do(cmd.CompleteTask(task_id, dict(variables or {}), user))

    def claim(self, task_id: str, user: str) -> None:
        self._do(cmd.ClaimTask(task_id, user))

    def unclaim(self, task_id: str) -> None:
        self._do(cmd.UnclaimTask(task_id))

    def assign(self, task_id: str, user: str | None) -> None:
        self._do(cmd.AssignTask(task_id, user))

    def assign_node(self, node_id: str, user: str | None) -> None:
        self._do(cmd.AssignNode(node_id, user))

    def delegate(self, task_id: str, user: str) -> None:
        self._do(cmd.DelegateTask(task_id, user))

    def resolve(self, task_id: str, variables: dict[str, Any] | None = None) -> None:
        self._do(cmd.ResolveTask(task_id, dict(variables or {})))

    def trigger_message(self, name: str, variables: dict[str, Any] | None = None) -> None:
        self._do(cmd.CorrelateMessage(name, dict(variables or {})))

    def signal(self, name: str, variables: dict[str, Any] | None = None) -> None:
        self._do(cmd.SendSignal(name, dict(variables or {})))

    def trigger(self, node_id: str, variables: dict[str, Any] | None = None) -> None:
        self._do(cmd.Trigger(node_id, dict(variables or {})))

    def set_variables(self, variables: dict[str, Any]) -> None:
        self._do(cmd.SetVariables(dict(variables)))

    def throw_error(self, task_id: str, code: str, variables: dict[str, Any] | None = None) -> None:
        self._do(cmd.ThrowError(task_id, code, dict(variables or {})))

    def escalate(self, task_id: str, code: str) -> None:
        self._do(cmd.Escalate(task_id, code))

    def complete_external(
        self, external_task_id: str, variables: dict[str, Any] | None = None
    ) -> None:
        self._do(cmd.CompleteExternalTask(external_task_id, dict(variables or {})))

    def retry(self, incident_id: str) -> None:
        self._do(cmd.RetryIncident(incident_id))

    def jump(self, source_id: str, target_node: str) -> None:
        self._do(cmd.Jump(source_id, target_node))

    def return_to(self, task_id: str, target_node: str) -> None:
        self._do(cmd.ReturnTo(task_id, target_node))

    def withdraw(self, task_id: str, user: str | None = None) -> None:
        self._do(cmd.Withdraw(task_id, user))

    def add_instance(
        self, task_id: str, variables: dict[str, Any] | None = None, element: Any = None
    ) -> None:
        self._do(cmd.AddInstance(task_id, dict(variables or {}), element))

    def remove_instance(self, task_id: str) -> None:
        self._do(cmd.RemoveInstance(task_id))

    def cancel(self, reason: str | None = None) -> None:
        self._do(cmd.CancelInstance(reason))

    def _do(self, command: cmd.Command) -> None:
        self._engine._run(lambda: self._apply(command))

    def _apply(self, command: cmd.Command) -> None:
        if self.ended:
            raise EngineError(f"process instance {self.id} has already ended")
        state = self.state
        ctx = Context(self._engine.now(), self._new_id)
        outcome = handle(self._model, state, command, ctx)
        self.state = outcome.state
        self._engine._after(self, outcome.events)

    def _new_id(self) -> str:
        seq: int = self.state.get("seq", 0) + 1
        self.state["seq"] = seq
        return f"{self.id}.{seq}"
