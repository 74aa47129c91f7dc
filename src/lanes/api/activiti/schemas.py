"""The Activiti dialect's DTOs (spec/activiti-api.md), named as the seed names them.

Requests ignore unknown fields; responses leave out null fields (the routers render with
`response_model_exclude_none`). Ids travel as strings of digits.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Generic, Literal, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from lanes.api.values import MAX_ID, as_utc, check_json, plain_text

T = TypeVar("T")

MAX_PAGE_SIZE = 1000


# -- checked input values -----------------------------------------------------------------


def _variables(value: dict[str, Any]) -> dict[str, Any]:
    check_json(value)
    return value


def as_id(value: str) -> int:
    """An id as a string of digits, within 64 bits."""
    if not value.isascii() or not value.isdigit() or not 1 <= int(value) <= MAX_ID:
        raise ValueError("must be a string of digits (a 64-bit id)")
    return int(value)


Text = Annotated[str, StringConstraints(max_length=65_536), AfterValidator(plain_text)]
Short = Annotated[str, StringConstraints(max_length=255), AfterValidator(plain_text)]
Name = Annotated[str, StringConstraints(min_length=1, max_length=255), AfterValidator(plain_text)]
UserId = Annotated[str, StringConstraints(min_length=1, max_length=64), AfterValidator(plain_text)]
Outcome = Annotated[str, StringConstraints(max_length=64), AfterValidator(plain_text)]
Time = Annotated[datetime, AfterValidator(as_utc)]
IdText = Annotated[
    str, StringConstraints(min_length=1, max_length=19, pattern=r"^[0-9]+$"), AfterValidator(as_id)
]
Variables = Annotated[
    dict[Annotated[str, StringConstraints(min_length=1, max_length=255)], Any],
    AfterValidator(_variables),
    Field(description="Process variables: names to plain JSON values."),
]


class _In(BaseModel):
    model_config = ConfigDict(extra="ignore")


class _Out(BaseModel):
    model_config = ConfigDict(populate_by_name=True)


# -- envelopes ------------------------------------------------------------------------------


class JsonResponseBody(_Out):
    success: bool = True
    status: int = 200


class JsonObjectResponseBody(_Out, Generic[T]):
    success: bool = True
    status: int = 200
    data: T | None = None


class PageMeta(_Out):
    count: int
    pages: int
    pageNo: int
    pageSize: int
    isFirstPage: bool
    hasPreviousPage: bool
    hasNextPage: bool
    isLastPage: bool


class PageLinks(_Out):
    self_: str = Field(alias="self")
    first: str
    previous: str | None = None
    next: str | None = None
    last: str


class JsonListResponseBody(_Out, Generic[T]):
    success: bool = True
    status: int = 200
    meta: PageMeta
    links: PageLinks
    data: list[T]


class ErrorField(_Out):
    name: str
    type: str
    message: str


class ErrorDetail(_Out):
    code: str
    status: int
    message: str
    fields: list[ErrorField] | None = None


class ErrorResponseBody(_Out):
    success: bool = False
    status: int
    error: ErrorDetail


# -- tasks and definitions --------------------------------------------------------------------


class BpmActRuTask(_Out):
    id: str
    rev: int | None = None
    name: str | None = None
    taskDefKey: str | None = None
    procInstId: str | None = None
    procDefId: str | None = None
    executionId: str | None = None
    businessKey: str | None = None
    processName: str | None = None
    assignee: str | None = None
    owner: str | None = None
    delegation: Literal["PENDING", "RESOLVED"] | None = None
    candidateUsers: list[str] = []
    candidateGroups: list[str] = []
    priority: int | None = None
    createTime: datetime | None = None
    claimTime: datetime | None = None
    dueDate: datetime | None = None
    category: str | None = None
    description: str | None = None
    formKey: str | None = None
    suspensionState: int | None = None
    tenantId: str | None = None
    parentTaskId: str | None = None


class BpmActHiTaskinst(_Out):
    id: str
    name: str | None = None
    taskDefKey: str | None = None
    procInstId: str | None = None
    procDefId: str | None = None
    executionId: str | None = None
    businessKey: str | None = None
    assignee: str | None = None
    owner: str | None = None
    startTime: datetime | None = None
    claimTime: datetime | None = None
    endTime: datetime | None = None
    duration: int | None = None
    deleteReason: str | None = None
    priority: int | None = None
    dueDate: datetime | None = None
    formKey: str | None = None
    category: str | None = None
    description: str | None = None
    tenantId: str | None = None
    parentTaskId: str | None = None


class BpmActReProcdef(_Out):
    id: str
    rev: int | None = None
    key: str
    name: str | None = None
    version: int
    category: str | None = None
    deploymentId: str | None = None
    resourceName: str | None = None
    dgrmResourceName: str | None = None
    description: str | None = None
    hasStartFormKey: bool | None = None
    hasGraphicalNotation: bool | None = None
    suspensionState: int | None = None
    tenantId: str | None = None


class ActHiTaskNodeDTO(_Out):
    taskId: str
    taskDefKey: str | None = None
    taskName: str | None = None
    assignee: str | None = None
    owner: str | None = None
    startTime: datetime | None = None
    endTime: datetime | None = None
    duration: int | None = None
    hour: float | None = None
    comment: str | None = None
    outcome: str | None = None
    deleteReason: str | None = None
    revocation: bool = False


class ActTaskNodeDTO(_Out):
    taskDefKey: str
    taskNodeName: str | None = None
    taskCategory: str | None = None
    orderNo: int | None = None
    assignee: str | None = None
    candidateUsers: list[str] = []
    candidateGroups: list[str] = []
    formKey: str | None = None
    multiInstance: Literal["parallel", "sequential"] | None = None


class DiagramResourceDTO(_Out):
    diagramResourceName: str | None = None
    diagramResource: str | None = None
    bpmnXml: str | None = None
    activeNodeIds: list[str] | None = None
    completedNodeIds: list[str] | None = None
    takenFlowIds: list[str] | None = None


# -- starting and ending cases ------------------------------------------------------------------


class ActTaskCreateDTO(_In):
    processId: Name
    businessKey: Short | None = None
    assignee: UserId | None = None
    userId: UserId | None = None
    variables: Variables | None = None
    tenantId: Short | None = None
    projectId: Annotated[Any, AfterValidator(check_json)] = None

    def all_variables(self) -> dict[str, Any]:
        values = dict(self.variables or {})
        if self.projectId is not None:
            values.setdefault("projectId", self.projectId)
        return values


class ActTaskCreateResponseDTO(_Out):
    procInstId: str
    procDefId: str | None = None
    procDefKey: str | None = None
    processName: str | None = None
    businessKey: str | None = None
    startUserId: str | None = None
    startTime: datetime | None = None
    suspended: bool | None = None
    ended: bool | None = None
    tasks: list[BpmActRuTask] = []


class RevocationDTO(_Out):
    procInstId: str
    revokedTaskId: str
    cancelledTaskIds: list[str] = []
    tasks: list[BpmActRuTask] = []


# -- models -------------------------------------------------------------------------------------


class ModelDeployDTO(_In):
    name: Short | None = None
    category: Short | None = None
    tenantId: Short | None = None
    bpmnXml: Annotated[str, StringConstraints(max_length=12 * 1024 * 1024)] | None = None
    resourceName: Short | None = None
    resourceBase64: Annotated[str, StringConstraints(max_length=16 * 1024 * 1024)] | None = None


class DeployedDefinition(_Out):
    id: str
    key: str
    name: str | None = None
    version: int


class ModelDeployResponseDTO(_Out):
    deploymentId: str
    name: str | None = None
    deployTime: datetime | None = None
    processDefinitions: list[DeployedDefinition] = []


# -- task lists and work ----------------------------------------------------------------------

TodoSort = Literal["createTime", "-createTime", "priority", "-priority", "dueDate"]


class TodoTaskSearchDTO(_In):
    userId: UserId | None = None
    processKey: Short | None = None
    procInstId: IdText | None = None
    businessKey: Short | None = None
    taskName: Short | None = None
    taskDefKey: Short | None = None
    createdAfter: Time | None = None
    createdBefore: Time | None = None
    tenantId: Short | None = None
    pageNo: Annotated[int, Field(ge=1, le=2**31 - 1)] | None = None
    pageSize: Annotated[int, Field(ge=1, le=MAX_PAGE_SIZE)] | None = None
    sort: TodoSort | None = None


class TaskCompleteDTO(_In):
    userId: UserId | None = None
    comment: Text | None = None
    outcome: Outcome | None = None
    variables: Variables | None = None
    command: Variables | None = Field(default=None, description="An alias of `variables`.")

    def all_variables(self) -> dict[str, Any]:
        return {**(self.command or {}), **(self.variables or {})}


class TaskCompleteBatchDTO(_In):
    taskIds: Annotated[list[IdText], Field(min_length=1, max_length=500)]
    userId: UserId | None = None
    comment: Text | None = None
    outcome: Outcome | None = None
    variables: Variables | None = None


class TaskCompleteResponseDTO(_Out):
    procInstId: str
    taskId: str
    taskDefKey: str | None = None
    taskName: str | None = None
    assignee: str | None = None
    comment: str | None = None
    outcome: str | None = None
    endTime: datetime | None = None
    variables: dict[str, Any] | None = None
    ended: bool | None = None
    nextTasks: list[BpmActRuTask] = []


class BatchError(_Out):
    code: str
    message: str


class TaskCompleteBatchResponseDTO(_Out):
    taskId: str
    success: bool
    procInstId: str | None = None
    error: BatchError | None = None
    nextTasks: list[BpmActRuTask] | None = None


class DelegateResponseDTO(_Out):
    taskId: str
    owner: str | None = None
    assignee: str | None = None
    delegation: Literal["PENDING", "RESOLVED"] | None = None


class TaskGatewayDTO(_Out):
    gatewayId: str
    name: str | None = None
    type: str
    mutiSelectFlag: bool
    flowId: str
    condition: str | None = None
    value: Any = None
    targetNodeId: str
    targetNodeName: str | None = None
    selected: bool
    items: list[TaskGatewayDTO] | None = None


class NextFlowDTO(_Out):
    flowId: str
    name: str | None = None
    condition: str | None = None
    targetNodeId: str
    targetNodeName: str | None = None
    targetType: str


class NextNodeDTO(_Out):
    nextNode: dict[str, str] = {}
    flows: list[NextFlowDTO] = []
    predicted: list[ActTaskNodeDTO] = []
