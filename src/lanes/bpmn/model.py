"""The immutable process model that the parser builds and the engine runs.

Frozen dataclasses named with BPMN's own nouns. One `FlowNode` type for every element
kind, told apart by `kind` (the BPMN tag name); kind-specific settings sit in small
optional records (`task`, `call`, `service`, `event`, `loop`). Imports only lanes.expr.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from lanes.bpmn.errors import Problem
from lanes.expr import Expression

TimerKind = Literal["date", "duration", "cycle"]

EVENT_KINDS = frozenset(
    {"startEvent", "endEvent", "intermediateCatchEvent", "intermediateThrowEvent", "boundaryEvent"}
)
GATEWAY_KINDS = frozenset(
    {
        "exclusiveGateway",
        "parallelGateway",
        "inclusiveGateway",
        "eventBasedGateway",
        "complexGateway",
    }
)
SCOPE_KINDS = frozenset({"subProcess", "transaction", "adHocSubProcess"})
ACTIVITY_KINDS = (
    frozenset(
        {
            "task",
            "userTask",
            "manualTask",
            "receiveTask",
            "serviceTask",
            "sendTask",
            "businessRuleTask",
            "scriptTask",
            "callActivity",
        }
    )
    | SCOPE_KINDS
)


@dataclass(frozen=True, slots=True)
class EventDefinition:
    """What an event waits for or throws (BPMN 2.0 §10.5.5)."""

    kind: str  # message, signal, timer, error, escalation, terminate, conditional, link, ...
    ref: str | None = None  # message/signal name, error/escalation code, link name
    timer_kind: TimerKind | None = None
    timer: Expression | None = None
    condition: Expression | None = None
    code_variable: str | None = None  # camunda:errorCodeVariable / escalationCodeVariable


@dataclass(frozen=True, slots=True)
class MultiInstance:
    """multiInstanceLoopCharacteristics (BPMN 2.0 §10.2.8)."""

    sequential: bool
    cardinality: Expression | None = None
    collection: Expression | None = None
    element_variable: str | None = None
    completion_condition: Expression | None = None
    loop_counter_variable: str = "loopCounter"


@dataclass(frozen=True, slots=True)
class HumanTask:
    """Who does a user task and how it is presented."""

    assignee: Expression | None = None
    candidate_users: tuple[Expression, ...] = ()
    candidate_groups: tuple[Expression, ...] = ()
    form_key: str | None = None
    due_date: Expression | None = None
    priority: Expression | None = None
    category: str | None = None


@dataclass(frozen=True, slots=True)
class ServiceCall:
    """How a service-like task is served: always by an external worker on `topic`."""

    implementation: str  # external, class, delegateExpression, expression, none, or a vendor type
    topic: str
    result_variable: str | None = None


@dataclass(frozen=True, slots=True)
class VariableMapping:
    """camunda:in / camunda:out (and activiti:/flowable:) of a call activity."""

    source: str | None = None
    source_expression: Expression | None = None
    target: str | None = None
    all: bool = False


@dataclass(frozen=True, slots=True)
class CallSpec:
    called_element: Expression
    inputs: tuple[VariableMapping, ...] = ()
    outputs: tuple[VariableMapping, ...] = ()
    inherit_variables: bool = False
    business_key: Expression | None = None


@dataclass(frozen=True, slots=True)
class FlowNode:
    id: str
    kind: str
    name: str | None = None
    line: int | None = None
    scope: str | None = None  # the enclosing subprocess id; None at process level
    incoming: tuple[str, ...] = ()
    outgoing: tuple[str, ...] = ()
    default_flow: str | None = None
    event: EventDefinition | None = None
    attached_to: str | None = None  # boundary events
    interrupting: bool = True  # boundary cancelActivity / event-subprocess start isInterrupting
    boundaries: tuple[str, ...] = ()  # boundary events attached to this activity
    loop: MultiInstance | None = None
    async_before: bool = False
    skip: Expression | None = None
    task: HumanTask | None = None
    service: ServiceCall | None = None
    call: CallSpec | None = None
    script: Expression | None = None  # a juel scriptTask
    script_result: str | None = None
    initiator: str | None = None  # start event: variable that receives the starting user
    triggered_by_event: bool = False  # event subprocess
    unsupported: str | None = None  # why lanes cannot run it: an incident when reached
    documentation: str | None = None

    @property
    def is_scope(self) -> bool:
        return self.kind in SCOPE_KINDS


@dataclass(frozen=True, slots=True)
class SequenceFlow:
    id: str
    source: str
    target: str
    name: str | None = None
    line: int | None = None
    condition: Expression | None = None
    unsupported: str | None = None  # a condition in a language lanes does not run
    skip: Expression | None = None  # taken without its condition when skipping is enabled


@dataclass(frozen=True, slots=True)
class Scope:
    """The process itself (id None) or one subprocess: where its tokens start."""

    id: str | None
    nodes: tuple[str, ...]
    starts: tuple[str, ...]  # none start events (or every start without a trigger)
    event_subprocesses: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Lane:
    id: str
    name: str | None
    nodes: tuple[str, ...]


@dataclass(frozen=True, eq=False)
class ProcessModel:
    id: str
    name: str | None
    line: int | None
    executable: bool
    nodes: Mapping[str, FlowNode]
    flows: Mapping[str, SequenceFlow]
    scopes: Mapping[str | None, Scope]
    candidate_starter_users: tuple[str, ...] = ()
    candidate_starter_groups: tuple[str, ...] = ()
    lanes: tuple[Lane, ...] = ()
    documentation: str | None = None
    version_tag: str | None = None

    def start_events(self) -> list[FlowNode]:
        """Process-level start events, in document order."""
        return [
            self.nodes[n] for n in self.scopes[None].nodes if self.nodes[n].kind == "startEvent"
        ]


@dataclass(frozen=True, slots=True)
class Bounds:
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True, slots=True)
class Shape:
    element_id: str
    bounds: Bounds
    label: Bounds | None = None
    expanded: bool | None = None
    horizontal: bool | None = None


@dataclass(frozen=True, slots=True)
class Edge:
    element_id: str
    waypoints: tuple[tuple[float, float], ...]
    label: Bounds | None = None


@dataclass(frozen=True)
class Diagram:
    """BPMN DI: where each element is drawn. Entries for missing elements are dropped."""

    shapes: Mapping[str, Shape] = field(default_factory=dict)
    edges: Mapping[str, Edge] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Participant:
    id: str
    name: str | None
    process: str | None


@dataclass(frozen=True, slots=True)
class Annotation:
    id: str
    text: str


@dataclass(frozen=True, slots=True)
class Association:
    id: str
    source: str
    target: str


@dataclass(frozen=True, slots=True)
class MessageFlow:
    """A message flow between two pools (or elements in them): drawn, never run."""

    id: str
    source: str
    target: str
    name: str | None = None


@dataclass(frozen=True, eq=False)
class Definitions:
    """Everything one BPMN file holds."""

    processes: Mapping[str, ProcessModel]
    diagram: Diagram
    messages: Mapping[str, str] = field(default_factory=dict)  # id -> name
    signals: Mapping[str, str] = field(default_factory=dict)
    participants: tuple[Participant, ...] = ()
    annotations: tuple[Annotation, ...] = ()
    associations: tuple[Association, ...] = ()
    message_flows: tuple[MessageFlow, ...] = ()
    warnings: tuple[Problem, ...] = ()
