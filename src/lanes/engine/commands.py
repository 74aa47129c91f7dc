"""Commands the engine handles: imperative names, plain frozen values.

Imports nothing from the rest of lanes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class StartInstance:
    variables: dict[str, Any] = field(default_factory=dict)
    user: str | None = None
    business_key: str | None = None
    start_node: str | None = None  # a message/timer/signal start event; default: the none start


@dataclass(frozen=True, slots=True)
class CompleteTask:
    task_id: str
    variables: dict[str, Any] = field(default_factory=dict)
    user: str | None = None
    local: bool = False  # variables stay on the task's own execution


@dataclass(frozen=True, slots=True)
class ClaimTask:
    task_id: str
    user: str


@dataclass(frozen=True, slots=True)
class UnclaimTask:
    task_id: str
    user: str | None = None


@dataclass(frozen=True, slots=True)
class AssignTask:
    """Transfer (转办): a permanent change of assignee."""

    task_id: str
    assignee: str | None
    user: str | None = None


@dataclass(frozen=True, slots=True)
class AssignNode:
    """Set the assignee of a user task node: its open tasks now, or when it is reached."""

    node_id: str
    assignee: str | None
    user: str | None = None


@dataclass(frozen=True, slots=True)
class DelegateTask:
    task_id: str
    delegate: str
    user: str | None = None


@dataclass(frozen=True, slots=True)
class ResolveTask:
    task_id: str
    variables: dict[str, Any] = field(default_factory=dict)
    user: str | None = None


@dataclass(frozen=True, slots=True)
class SetVariables:
    variables: dict[str, Any]
    execution_id: str | None = None  # None: the process instance


@dataclass(frozen=True, slots=True)
class CorrelateMessage:
    name: str
    variables: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class SendSignal:
    name: str
    variables: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class FireJob:
    """A due timer or an async continuation, by the id JobScheduled gave it."""

    job_id: str


@dataclass(frozen=True, slots=True)
class Trigger:
    """Move on a token waiting in a receive task (or any plain wait) at `node_id`."""

    node_id: str
    variables: dict[str, Any] = field(default_factory=dict)
    execution_id: str | None = None


@dataclass(frozen=True, slots=True)
class ThrowError:
    """A BPMN error raised from a waiting task (user or external) or execution."""

    target_id: str  # task id, external task id or execution id
    code: str
    variables: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Escalate:
    target_id: str
    code: str


@dataclass(frozen=True, slots=True)
class CompleteExternalTask:
    external_task_id: str
    variables: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class CompleteCallActivity:
    execution_id: str
    variables: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class RaiseIncident:
    """Something outside the engine failed for this token (a called process that does not
    exist, an external task out of retries): park it with an incident an operator sees."""

    execution_id: str
    message: str


@dataclass(frozen=True, slots=True)
class RetryIncident:
    incident_id: str


@dataclass(frozen=True, slots=True)
class Jump:
    """Move the token at a task (or every token at a node) to any node (admin)."""

    source_id: str  # task id, execution id or node id
    target_node: str
    user: str | None = None


@dataclass(frozen=True, slots=True)
class ReturnTo:
    """Send the case back to an earlier node, cancelling everything in between."""

    task_id: str
    target_node: str
    user: str | None = None


@dataclass(frozen=True, slots=True)
class Withdraw:
    """The completer takes back a completed task while what followed is untouched."""

    task_id: str
    user: str | None = None


@dataclass(frozen=True, slots=True)
class AddInstance:
    """One more instance of a running multi-instance activity (加签)."""

    task_id: str  # any open task of that multi-instance activity
    variables: dict[str, Any] = field(default_factory=dict)
    element: Any = None


@dataclass(frozen=True, slots=True)
class RemoveInstance:
    """Drop one pending instance of a multi-instance activity (减签)."""

    task_id: str


@dataclass(frozen=True, slots=True)
class CancelInstance:
    reason: str | None = None
    user: str | None = None


Command = (
    StartInstance
    | CompleteTask
    | ClaimTask
    | UnclaimTask
    | AssignTask
    | AssignNode
    | DelegateTask
    | ResolveTask
    | SetVariables
    | CorrelateMessage
    | SendSignal
    | FireJob
    | Trigger
    | ThrowError
    | Escalate
    | CompleteExternalTask
    | CompleteCallActivity
    | RaiseIncident
    | RetryIncident
    | Jump
    | ReturnTo
    | Withdraw
    | AddInstance
    | RemoveInstance
    | CancelInstance
)
