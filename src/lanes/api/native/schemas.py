"""Request and response bodies of the native API (`/api/v1`).

One naming style: every field and query parameter is snake_case, as lanes' services name
them (`process_key`, `business_key`, `target_node_id`). The single exception is on input:
a group's parent may also be sent as `parentId`, the spelling the issue uses.

Responses mirror `lanes.services.views` field for field. Requests refuse unknown fields
(a misspelt field is a 422 naming it, not silently ignored) and bound every value to
what the store can hold: ids fit in 64 bits, strings fit their columns and carry no NUL
character, variables are plain JSON. Ids are JSON numbers; times are ISO 8601 in UTC.
"""

from __future__ import annotations

from dataclasses import fields
from datetime import datetime
from typing import Annotated, Any, Generic, Literal, TypeVar

from pydantic import (
    AfterValidator,
    AliasChoices,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
)

from lanes.api.values import MAX_ID, as_utc, check_json, plain_text

MAX_TEXT = 65_536  # comments, messages, descriptions


def _variables(value: dict[str, Any]) -> dict[str, Any]:
    check_json(value)
    return value


Text = Annotated[str, StringConstraints(max_length=MAX_TEXT), AfterValidator(plain_text)]
Name = Annotated[str, StringConstraints(min_length=1, max_length=255), AfterValidator(plain_text)]
Key = Annotated[str, StringConstraints(min_length=1, max_length=255), AfterValidator(plain_text)]
UserId = Annotated[str, StringConstraints(min_length=1, max_length=64), AfterValidator(plain_text)]
GroupId = UserId
Email = Annotated[str, StringConstraints(max_length=255), AfterValidator(plain_text)]
Outcome = Annotated[str, StringConstraints(max_length=64), AfterValidator(plain_text)]
ShortText = Annotated[str, StringConstraints(max_length=255), AfterValidator(plain_text)]
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Time = Annotated[datetime, AfterValidator(as_utc)]
VariableName = Annotated[
    str, StringConstraints(min_length=1, max_length=255), AfterValidator(plain_text)
]
Variables = Annotated[
    dict[VariableName, Any],
    AfterValidator(_variables),
    Field(description="Process variables: a JSON object of names to plain JSON values."),
]


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


def flat(view: Any, **more: Any) -> dict[str, Any]:
    """A service's view (a dataclass) as a dict, with `more` fields beside its own."""
    return {f.name: getattr(view, f.name) for f in fields(view)} | more


T = TypeVar("T")


class Page(Out, Generic[T]):
    items: list[T]
    total: int = Field(description="How many items match, over all pages.")
    offset: int
    limit: int


# -- identity ---------------------------------------------------------------------------


class UserIn(Body):
    id: UserId
    name: Name
    email: Annotated[str, StringConstraints(max_length=255), AfterValidator(plain_text)] | None = (
        None
    )
    groups: Annotated[list[GroupId], Field(max_length=1000)] = []
    admin: bool = False


class UserPatch(Body):
    """Only the fields sent change; `groups` replaces all memberships, `email: null` clears."""

    name: Name | None = None
    email: Annotated[str, StringConstraints(max_length=255), AfterValidator(plain_text)] | None = (
        None
    )
    groups: Annotated[list[GroupId], Field(max_length=1000)] | None = None
    admin: bool | None = None


class UserOut(Out):
    id: str
    name: str
    email: str | None
    admin: bool
    groups: list[str]


class GroupIn(Body):
    id: GroupId
    name: Name
    type: Literal["role", "org", "position"]
    parent_id: GroupId | None = Field(
        default=None,
        validation_alias=AliasChoices("parent_id", "parentId"),
        description="The parent group (an org's parent must be an org). Also read as parentId.",
    )


class GroupOut(Out):
    id: str
    name: str
    type: str
    parent_id: str | None


class TokenOut(Out):
    token: str = Field(description="Shown once; lanes keeps only its hash.")


# -- definitions ------------------------------------------------------------------------


class DefinitionOut(Out):
    id: int
    key: str
    version: int
    name: str | None
    deployment_id: int
    resource_name: str
    suspended: bool


class DeploymentOut(Out):
    id: int
    name: str | None
    deployed_at: Time
    deployed_by: str | None
    definitions: list[DefinitionOut]
    warnings: list[str] = Field(
        description="What deploys but cannot run as drawn (element, line, reason)."
    )
    created: bool = Field(
        description="False when this very file was deployed before (the answer is then 200)."
    )


class DefinitionPage(Page[DefinitionOut]):
    pass


class SuspendIn(Body):
    include_instances: bool = Field(
        default=False, description="Suspend or activate the running instances too."
    )


# -- instances --------------------------------------------------------------------------


class StartIn(Body):
    """Give exactly one of `process_key` (its newest version) or `process_definition_id`."""

    process_key: Key | None = None
    process_definition_id: Id | None = None
    business_key: Key | None = None
    variables: Variables = {}


class InstanceOut(Out):
    id: int
    definition_id: int
    process_key: str
    business_key: str | None
    status: str = Field(description="active, completed or terminated.")
    suspended: bool
    started_at: Time
    started_by: str | None
    ended_at: Time | None
    end_node: str | None
    end_reason: str | None
    parent_id: int | None
    variables: dict[str, Any]
    active_nodes: list[str]


class StartedOut(InstanceOut):
    tasks: list[TaskOut] = Field(
        description="The tasks the start opened, in this instance or in processes it called."
    )


class InstancePage(Page[InstanceOut]):
    pass


class ActivityOut(Out):
    id: int
    execution_id: str
    node_id: str
    kind: str
    name: str | None
    started_at: Time
    ended_at: Time | None
    canceled: bool


class NodeAssigneeIn(Body):
    user_id: UserId | None = Field(description="The assignee, or null to clear it.")


class MessageIn(Body):
    """Correlate by name and business key or instance id; else start by a message start."""

    name: Name
    business_key: Key | None = None
    process_instance_id: Id | None = None
    variables: Variables = {}


class SignalIn(Body):
    name: Name
    variables: Variables = {}


class SignalOut(Out):
    received: int = Field(description="How many instances received the signal.")


# -- tasks ------------------------------------------------------------------------------


class TaskOut(Out):
    id: int
    instance_id: int
    definition_id: int
    process_key: str
    business_key: str | None
    node_id: str
    name: str | None
    assignee: str | None
    owner: str | None
    delegation: str | None = Field(description="pending while delegated, then resolved.")
    form_key: str | None
    priority: int
    due_at: Time | None
    created_at: Time
    claimed_at: Time | None
    ended_at: Time | None
    ended_by: str | None
    end_reason: str | None
    candidate_users: list[str]
    candidate_groups: list[str]
    outcome: str | None = Field(default=None, description="What the completer decided, if given.")


class CompletedOut(TaskOut):
    next_tasks: list[TaskOut] = Field(
        description=(
            "The tasks the completion opened; for a delegated task resolved back to its "
            "owner, the task itself."
        )
    )


class TaskPage(Page[TaskOut]):
    pass


class CompleteIn(Body):
    variables: Variables = {}
    comment: Text | None = None
    outcome: Annotated[str, StringConstraints(max_length=64), AfterValidator(plain_text)] | None = (
        None
    )


class ResolveIn(Body):
    variables: Variables = {}


class UserRef(Body):
    user_id: UserId


class AssignIn(Body):
    user_id: UserId | None = Field(description="The new assignee, or null to unassign.")


class ReassignIn(Body):
    target: UserId = Field(description="Who should hold the task.")
    source: UserId | None = Field(
        default=None, description="Who must hold it now; refused with 400 otherwise."
    )
    description: Text | None = None


class ReassignOut(Out):
    task: TaskOut
    changed: bool = Field(description="False when the target held the task already.")


class ReturnIn(Body):
    target_node_id: Key
    comment: Text | None = None


class CommentIn(Body):
    message: Annotated[
        str, StringConstraints(min_length=1, max_length=MAX_TEXT), AfterValidator(plain_text)
    ]


class OptionalComment(Body):
    comment: Text | None = None


class JumpIn(Body):
    target_node_id: Key


class CcIn(Body):
    users: Annotated[list[UserId], Field(min_length=1, max_length=100)]
    message: Text | None = None


class UrgeIn(Body):
    message: Text | None = None


class CommentOut(Out):
    id: int
    task_id: int | None
    instance_id: int | None
    user_id: str | None
    kind: str = Field(description="comment, return, reject, urge or cc.")
    message: str
    created_at: Time
