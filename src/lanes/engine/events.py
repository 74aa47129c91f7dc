"""Events the engine emits: what happened, in order. Services turn them into rows.

Past-tense names; plain frozen values. Imports nothing from the rest of lanes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class InstanceStarted:
    instance_id: str
    process_id: str
    business_key: str | None
    user: str | None
    start_node: str
    at: str


@dataclass(frozen=True, slots=True)
class InstanceEnded:
    instance_id: str
    at: str
    state: str  # completed | terminated
    reason: str | None = None
    end_node: str | None = None


@dataclass(frozen=True, slots=True)
class ActivityEntered:
    execution_id: str
    node_id: str
    kind: str
    name: str | None
    at: str


@dataclass(frozen=True, slots=True)
class ActivityLeft:
    execution_id: str
    node_id: str
    at: str
    canceled: bool = False


@dataclass(frozen=True, slots=True)
class FlowTaken:
    flow_id: str
    source: str
    target: str
    at: str


@dataclass(frozen=True, slots=True)
class TaskCreated:
    task_id: str
    node_id: str
    execution_id: str
    name: str | None
    assignee: str | None
    candidate_users: tuple[str, ...]
    candidate_groups: tuple[str, ...]
    form_key: str | None
    due: str | None
    priority: int
    at: str
    owner: str | None = None


@dataclass(frozen=True, slots=True)
class TaskUpdated:
    task_id: str
    changes: dict[str, Any]
    at: str
    user: str | None = None


@dataclass(frozen=True, slots=True)
class TaskEnded:
    task_id: str
    node_id: str
    at: str
    reason: str  # completed | cancelled | withdrawn | returned | jumped | ...
    user: str | None = None
    variables: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class VariablesChanged:
    execution_id: str
    variables: dict[str, Any]
    at: str


@dataclass(frozen=True, slots=True)
class JobScheduled:
    job_id: str
    kind: str  # timer | async
    node_id: str
    execution_id: str
    due: str


@dataclass(frozen=True, slots=True)
class JobCancelled:
    job_id: str


@dataclass(frozen=True, slots=True)
class SubscriptionOpened:
    subscription_id: str
    kind: str  # message | signal | conditional
    name: str | None
    node_id: str
    execution_id: str


@dataclass(frozen=True, slots=True)
class SubscriptionClosed:
    subscription_id: str


@dataclass(frozen=True, slots=True)
class ExternalTaskCreated:
    external_task_id: str
    topic: str
    node_id: str
    execution_id: str
    at: str


@dataclass(frozen=True, slots=True)
class ExternalTaskEnded:
    external_task_id: str
    reason: str  # completed | cancelled | error


@dataclass(frozen=True, slots=True)
class CallActivityStarted:
    execution_id: str
    node_id: str
    called_element: str
    variables: dict[str, Any]
    business_key: str | None


@dataclass(frozen=True, slots=True)
class CallActivityCancelled:
    execution_id: str
    node_id: str


@dataclass(frozen=True, slots=True)
class Incident:
    incident_id: str
    node_id: str
    execution_id: str
    message: str
    at: str


@dataclass(frozen=True, slots=True)
class IncidentResolved:
    incident_id: str


@dataclass(frozen=True, slots=True)
class MessageThrown:
    name: str
    node_id: str
    variables: dict[str, Any]


@dataclass(frozen=True, slots=True)
class SignalThrown:
    name: str
    node_id: str
    variables: dict[str, Any]


@dataclass(frozen=True, slots=True)
class ErrorNotCaught:
    """A BPMN error no boundary or event subprocess caught: the token ended there."""

    code: str | None
    node_id: str


Event = (
    InstanceStarted
    | InstanceEnded
    | ActivityEntered
    | ActivityLeft
    | FlowTaken
    | TaskCreated
    | TaskUpdated
    | TaskEnded
    | VariablesChanged
    | JobScheduled
    | JobCancelled
    | SubscriptionOpened
    | SubscriptionClosed
    | ExternalTaskCreated
    | ExternalTaskEnded
    | CallActivityStarted
    | CallActivityCancelled
    | Incident
    | IncidentResolved
    | MessageThrown
    | SignalThrown
    | ErrorNotCaught
)
