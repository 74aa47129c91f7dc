"""Plain values the services return: what every API dialect renders its own way.

Imports nothing above the standard library.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    items: list[T]
    total: int
    offset: int
    limit: int


@dataclass(frozen=True, slots=True)
class TaskFilter:
    """What narrows a to-do or done list; None means: any."""

    process_key: str | None = None
    instance_id: int | None = None
    business_key: str | None = None
    name: str | None = None  # a part of the task's name
    node_id: str | None = None
    created_after: datetime | None = None
    created_before: datetime | None = None


@dataclass(frozen=True, slots=True)
class DeploymentView:
    id: int
    name: str | None
    deployed_at: datetime
    deployed_by: str | None
    definitions: list[DefinitionView]
    warnings: list[str]
    created: bool = True  # False when the same file was deployed before


@dataclass(frozen=True, slots=True)
class DefinitionView:
    id: int
    key: str
    version: int
    name: str | None
    deployment_id: int
    resource_name: str
    suspended: bool


@dataclass(frozen=True, slots=True)
class InstanceView:
    id: int
    definition_id: int
    process_key: str
    business_key: str | None
    status: str  # active | completed | terminated
    suspended: bool
    started_at: datetime
    started_by: str | None
    ended_at: datetime | None
    end_node: str | None
    end_reason: str | None
    parent_id: int | None
    variables: dict[str, Any]
    active_nodes: list[str]


@dataclass(frozen=True, slots=True)
class TaskView:
    id: int
    instance_id: int
    definition_id: int
    process_key: str
    business_key: str | None
    node_id: str
    name: str | None
    assignee: str | None
    owner: str | None
    delegation: str | None
    form_key: str | None
    priority: int
    due_at: datetime | None
    created_at: datetime
    claimed_at: datetime | None
    ended_at: datetime | None
    ended_by: str | None
    end_reason: str | None
    candidate_users: list[str]
    candidate_groups: list[str]
    outcome: str | None = None


@dataclass(frozen=True, slots=True)
class Started:
    """A new instance and the tasks its start opened: in it, and in the processes it called
    that the starter may see."""

    instance: InstanceView
    tasks: list[TaskView]


@dataclass(frozen=True, slots=True)
class Completed:
    """A completed task and the tasks the completion opened, read in its transaction (in
    other instances, such as a caller resumed, only where the completer may see them).

    A delegated task resolved back to its owner is not ended: it is its own next task."""

    task: TaskView
    next_tasks: list[TaskView]


@dataclass(frozen=True, slots=True)
class ActivityView:
    id: int
    execution_id: str
    node_id: str
    kind: str
    name: str | None
    started_at: datetime
    ended_at: datetime | None
    canceled: bool


@dataclass(frozen=True, slots=True)
class CommentView:
    id: int
    task_id: int | None
    instance_id: int | None
    user_id: str | None
    kind: str
    message: str
    created_at: datetime
