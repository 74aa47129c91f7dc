"""Running engine commands inside one transaction, with everything they set off.

`Session` wraps the transaction's connection: it loads an instance (locked), hands the
engine its state, projects the events to rows, saves the new state with its version,
and then works through the follow-ups in the same transaction — a called process to
start, a caller to resume when its child ends, a signal to broadcast — so a command is
applied whole or not at all. Engine refusals become service errors here.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson

from lanes.bpmn.model import ProcessModel
from lanes.engine import commands as cmd
from lanes.engine import events as ev
from lanes.engine.context import Context
from lanes.engine.errors import EngineError, TaskNotFound
from lanes.engine.handle import handle
from lanes.engine.state import State, new_state
from lanes.services.context import Services
from lanes.services.errors import Conflict, NotFound
from lanes.store import runtime as repo
from lanes.store.projection import InstanceInfo, project


@dataclass(frozen=True, slots=True)
class Ran:
    instance_id: int
    state: State
    events: list[ev.Event]


class Session:
    """One transaction's engine work. Not thread-safe; one per service call."""

    def __init__(self, svc: Services, conn: Any) -> None:
        self.svc = svc
        self.conn = conn
        self.now: datetime = svc.now()
        self._follow_ups: deque[Callable[[], None]] = deque()
        self._lock = svc.db.is_postgres
        # tasks this transaction's commands created and left open, in order of creation
        self._opened: dict[int, None] = {}

    @property
    def opened_tasks(self) -> list[int]:
        """The ids of the tasks the session's commands opened (and did not end again),
        in any instance they reached, follow-ups included: what a client works on next."""
        return list(self._opened)

    # -- loading --------------------------------------------------------------------------

    def model(self, definition_id: int, process_key: str) -> ProcessModel:
        definitions = self.svc.models.get(
            definition_id, lambda: repo.definition_resource(self.conn, definition_id)
        )
        return definitions.processes[process_key]

    def lock(self, instance_id: int) -> Any:
        row = repo.lock_instance(self.conn, instance_id, self._lock)
        if row is None:
            raise NotFound(f"process instance {instance_id} does not exist")
        return row

    def _new_id(self) -> str:
        return str(self.svc.db.next_id())

    # -- commands ---------------------------------------------------------------------------

    def start(
        self,
        definition: Any,
        variables: dict[str, Any],
        user: str | None,
        business_key: str | None,
        start_node: str | None = None,
        parent: tuple[int, str] | None = None,
    ) -> Ran:
        """Create an instance of `definition` (a definition row) and run it to rest."""
        model = self.model(definition.id, definition.key)
        instance_id = self.svc.db.next_id()
        state = new_state(str(instance_id), definition.key, business_key)
        command = cmd.StartInstance(dict(variables), user, business_key, start_node)
        outcome = self._handle(model, state, command)
        flows = {e.flow_id for e in outcome.events if isinstance(e, ev.FlowTaken)}
        ended = _ended(outcome.events)
        repo.insert_instance(
            self.conn,
            {
                "id": instance_id,
                "definition_id": definition.id,
                "process_key": definition.key,
                "business_key": business_key,
                "state": _dump(state),
                "version": 1,
                "status": ended.state if ended else "active",
                "suspended": False,
                "started_at": self.now,
                "started_by": user,
                "ended_at": self.now if ended else None,
                "end_node": ended.end_node if ended else None,
                "end_reason": ended.reason if ended else None,
                "parent_id": parent[0] if parent else None,
                "parent_execution": parent[1] if parent else None,
                "flows_taken": _dump(sorted(flows)),
            },
        )
        info = InstanceInfo(instance_id, definition.id, definition.key, business_key)
        project(self.conn, info, outcome.events, self.svc.db.next_id, flows, self.now)
        self._react(instance_id, definition.id, outcome.events, parent)
        return Ran(instance_id, state, outcome.events)

    def execute(self, row: Any, command: cmd.Command) -> Ran:
        """Apply `command` to the instance `row` (locked by the caller) and save it."""
        if row.status != "active":
            raise Conflict(f"process instance {row.id} has already ended ({row.status})")
        model = self.model(row.definition_id, row.process_key)
        state: State = orjson.loads(row.state)
        outcome = self._handle(model, state, command)
        flows: set[str] = set(orjson.loads(row.flows_taken)) if row.flows_taken else set()
        before = len(flows)
        info = InstanceInfo(row.id, row.definition_id, row.process_key, row.business_key)
        project(self.conn, info, outcome.events, self.svc.db.next_id, flows, self.now)
        values: dict[str, Any] = {"state": _dump(state)}
        if len(flows) != before:
            values["flows_taken"] = _dump(sorted(flows))
        ended = _ended(outcome.events)
        if ended is not None:
            values.update(
                status=ended.state,
                ended_at=self.now,
                end_node=ended.end_node,
                end_reason=ended.reason,
            )
        if not repo.save_instance(self.conn, row.id, row.version, values):
            raise Conflict(
                f"process instance {row.id} was changed by another request; reload it and try again"
            )
        parent = (row.parent_id, row.parent_execution) if row.parent_id else None
        self._react(row.id, row.definition_id, outcome.events, parent)
        return Ran(row.id, state, outcome.events)

    def finish(self) -> None:
        """Run the follow-ups the commands so far set off (and theirs, in order)."""
        while self._follow_ups:
            self._follow_ups.popleft()()

    def _handle(self, model: ProcessModel, state: State, command: cmd.Command) -> Any:
        ctx = Context(self.now, self._new_id)
        try:
            outcome = handle(model, state, command, ctx)
        except TaskNotFound as exc:
            raise Conflict(str(exc)) from None
        except EngineError as exc:
            raise Conflict(str(exc)) from None
        for event in outcome.events:
            if isinstance(event, ev.TaskCreated):
                self._opened[int(event.task_id)] = None
            elif isinstance(event, ev.TaskEnded):
                self._opened.pop(int(event.task_id), None)
        return outcome

    # -- what events set off elsewhere ------------------------------------------------------

    def _react(
        self,
        instance_id: int,
        definition_id: int,
        events: list[ev.Event],
        parent: tuple[int, str] | None,
    ) -> None:
        for event in events:
            follow_up = self._follow_up(instance_id, event, parent)
            if follow_up is not None:
                self._follow_ups.append(follow_up)

    def _follow_up(
        self, instance_id: int, event: ev.Event, parent: tuple[int, str] | None
    ) -> Callable[[], None] | None:
        match event:
            case ev.CallActivityStarted():
                return lambda: self._start_child(instance_id, event)
            case ev.CallActivityCancelled(execution_id=execution_id):
                return lambda: self._cancel_children(instance_id, execution_id)
            case ev.InstanceEnded(state="completed") if parent is not None:
                return lambda: self._resume_parent(instance_id, parent)
            case ev.ErrorNotCaught(code=str() as code) if parent is not None:
                return lambda: self._error_to_parent(instance_id, parent, code)
            case ev.SignalThrown(name=name, variables=variables):
                return lambda: self._broadcast_quietly(name, variables)
        return None

    def _broadcast_quietly(self, name: str, variables: dict[str, Any]) -> None:
        self.broadcast(name, variables)

    def _start_child(self, parent_id: int, event: ev.CallActivityStarted) -> None:
        definition = repo.latest_definition(self.conn, event.called_element)
        if definition is None:
            row = self.lock(parent_id)
            self.execute(
                row,
                cmd.RaiseIncident(
                    event.execution_id, f"called process '{event.called_element}' is not deployed"
                ),
            )
            return
        self.start(
            definition,
            event.variables,
            None,
            event.business_key,
            parent=(parent_id, event.execution_id),
        )

    def _resume_parent(self, child_id: int, parent: tuple[int, str]) -> None:
        child = self.lock(child_id)
        row = self.lock(parent[0])
        if row.status != "active":
            return
        variables = orjson.loads(child.state)["ex"][str(child_id)].get("vars", {})
        self.execute(row, cmd.CompleteCallActivity(parent[1], variables))

    def _cancel_children(self, parent_id: int, execution_id: str) -> None:
        for child_id in repo.child_instances(self.conn, parent_id, execution_id):
            row = self.lock(child_id)
            if row.status == "active":
                self.execute(row, cmd.CancelInstance("the calling activity was cancelled"))

    def _error_to_parent(self, child_id: int, parent: tuple[int, str], code: str) -> None:
        row = self.lock(parent[0])
        if row.status != "active":
            return
        try:
            self.execute(row, cmd.ThrowError(parent[1], code))
        except Conflict:
            return  # nothing in the caller catches it either
        child = self.lock(child_id)
        if child.status == "active":
            self.execute(child, cmd.CancelInstance("error thrown to the calling process"))

    def broadcast(self, name: str, variables: dict[str, Any]) -> int:
        """Deliver a signal to every instance waiting for it, and start every process (its
        newest, active version) with a signal start event of that name; returns how many
        instances received it, new ones included."""
        delivered = 0
        instance_ids = dict.fromkeys(
            s.instance_id for s in repo.subscriptions_named(self.conn, "signal", name)
        )
        for instance_id in instance_ids:
            row = self.lock(instance_id)
            if row.status == "active" and not row.suspended:
                self.execute(row, cmd.SendSignal(name, dict(variables)))
                delivered += 1
        definitions, _ = repo.list_definitions(self.conn, None, True, 0, 100_000)
        for definition in definitions:
            if definition.suspended:
                continue
            for start in self.model(definition.id, definition.key).start_events():
                if (
                    start.event is not None
                    and start.event.kind == "signal"
                    and start.event.ref == name
                ):
                    self.start(definition, dict(variables), None, None, start.id)
                    delivered += 1
        return delivered


def _ended(events: list[ev.Event]) -> ev.InstanceEnded | None:
    for event in events:
        if isinstance(event, ev.InstanceEnded):
            return event
    return None


def _dump(value: Any) -> str:
    return orjson.dumps(value).decode()
