"""The work-item dialect's resources and parameters, as spec/cosminexus-api.md names them.

Resources are rendered as ordered maps of field -> text: every field present, "" when
unset, ids as decimal numbers, times as ISO 8601 with their offset (UTC, to the second).
Parameters are checked here against what each endpoint takes: unknown fields, empty
strings, text the store cannot hold and values of the wrong type are 400s.
Filter catalogues map the dialect's field names to neutral fields of the services.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, Literal

from lanes.services.errors import Invalid
from lanes.services.query_filter import Field
from lanes.services.views import InstanceView
from lanes.services.work_items import (
    ActivityInstanceView,
    ProcessDefinitionInfo,
    WorkDefinitionView,
    WorkItemView,
)

MAX_ID = 2**63 - 1
MAX_SHORT = 255
MAX_TEXT = 65_536
CASE_PREFIX = "案件"

Kind = Literal["short", "text", "int", "date", "data"]  # short: at most 255 characters

# -- values ---------------------------------------------------------------------------------


def when(value: datetime | None) -> str:
    if value is None:
        return ""
    return value.astimezone(UTC).replace(microsecond=0).isoformat()


def text(value: object) -> str:
    return "" if value is None else str(value)


def case_name(started_at: datetime) -> str:
    """The generated name of a case without business key: 案件yyyyMMddHHmmssSSS (UTC)."""
    moment = started_at.astimezone(UTC)
    return f"{CASE_PREFIX}{moment:%Y%m%d%H%M%S}{moment.microsecond // 1000:03d}"


# -- resources --------------------------------------------------------------------------------

WORK_ITEM_STATES = {"ready": "j", "performing": "f", "completed": "o", "cancelled": "q"}
ACTIVITY_STATES = {"running": "d", "ended": "o"}
WORK_TYPES = {"userTask": "0", "serviceTask": "1", "manualTask": "2"}


def work_item(item: WorkItemView) -> dict[str, str]:
    task = item.task
    if task.ended_at is not None:
        state = "o" if task.end_reason == "completed" else "q"
    else:
        state = "f" if task.claimed_at is not None else "j"
    return {
        "ActivityInstanceID": str(task.id),
        "ClosedDate": when(task.ended_at),
        "CreationDate": when(task.created_at),
        "Deadline": when(task.due_at),
        "ID": str(task.id),
        "Name": text(task.name),
        "Participant": text(task.assignee),
        "Priority": text(task.priority),
        "ProcessDefinitionID": str(task.definition_id),
        "ProcessInstanceID": str(task.instance_id),
        "ProcessInstanceName": task.business_key or case_name(item.case_started_at),
        "StartDate": when(task.claimed_at),
        "StateCode": state,
        "WorkDefinitionID": str(task.definition_id),
        "WorkDefinitionName": task.node_id,
        "WorkTypeCode": "0",
    }


def process_instance(case: InstanceView) -> dict[str, str]:
    if case.status == "active":
        state = "m" if case.suspended else "d"
    else:
        state = "o" if case.status == "completed" else "u"
    return {
        "ClosedDate": when(case.ended_at),
        "CreationDate": when(case.started_at),
        "Deadline": "",
        "ID": str(case.id),
        "Initiator": text(case.started_by),
        "Name": case.business_key or case_name(case.started_at),
        "Priority": "",
        "ProcessDefinitionID": str(case.definition_id),
        "StateCode": state,
    }


def process_definition(info: ProcessDefinitionInfo) -> dict[str, str]:
    return {
        "Author": text(info.deployed_by),
        "CreationDate": when(info.created_at),
        "Description": text(info.name),
        "ID": str(info.id),
        "Name": info.key,
        "Responsible": "",
        "StateCode": "s" if info.suspended else "a",
        "ValidFromDate": when(info.created_at),
        "ValidToDate": "",
        "Version": str(info.version),
    }


def activity_instance(activity: ActivityInstanceView) -> dict[str, str]:
    return {
        "ClosedDate": when(activity.ended_at),
        "CreationDate": when(activity.started_at),
        "Deadline": when(activity.due_at),
        "ID": str(activity.id),
        "Name": activity.node_id,
        "DisplayName": text(activity.name),
        "ProcessDefinitionID": str(activity.definition_id),
        "ProcessInstanceID": str(activity.instance_id),
        "StateCode": "d" if activity.ended_at is None else "o",
    }


def work_definition(definition: WorkDefinitionView) -> dict[str, str]:
    return {
        "ID": str(definition.definition_id),
        "Name": definition.node_id,
        "DisplayName": text(definition.name),
        "ProcessDefinitionID": str(definition.definition_id),
        "WorkTypeCode": WORK_TYPES.get(definition.kind, "0"),
    }


__all__ = [
    "ACTIVITY_FILTER",
    "WORK_DEFINITION_FILTER",
    "WORK_ITEM_FILTER",
    "activity_instance",
    "case_name",
    "identifier",
    "params",
    "process_definition",
    "process_instance",
    "work_definition",
    "work_item",
]

# -- filter catalogues --------------------------------------------------------------------------

WORK_ITEM_FILTER: Mapping[str, Field] = {
    "ActivityInstanceID": Field("id", "int"),
    "ClosedDate": Field("ended_at", "date"),
    "CreationDate": Field("created_at", "date"),
    "Deadline": Field("due_at", "date"),
    "ID": Field("id", "int"),
    "Name": Field("name"),
    "Participant": Field("assignee"),
    "Priority": Field("priority", "int"),
    "ProcessDefinitionID": Field("definition_id", "int"),
    "ProcessInstanceID": Field("instance_id", "int"),
    "ProcessInstanceName": Field("business_key"),
    "StartDate": Field("claimed_at", "date"),
    "StateCode": Field("state", "code", {v: k for k, v in WORK_ITEM_STATES.items()}),
    "WorkDefinitionID": Field("definition_id", "int"),
    "WorkDefinitionName": Field("node_id"),
}

ACTIVITY_FILTER: Mapping[str, Field] = {
    "ClosedDate": Field("ended_at", "date"),
    "CreationDate": Field("started_at", "date"),
    "Deadline": Field("due_at", "date"),
    "ID": Field("id", "int"),
    "Name": Field("node_id"),
    "DisplayName": Field("name"),
    "ProcessDefinitionID": Field("definition_id", "int"),
    "ProcessInstanceID": Field("instance_id", "int"),
    "StateCode": Field("state", "code", {v: k for k, v in ACTIVITY_STATES.items()}),
}

WORK_DEFINITION_FILTER: Mapping[str, Field] = {
    "ID": Field("definition_id", "int"),
    "Name": Field("node_id"),
    "DisplayName": Field("name"),
    "ProcessDefinitionID": Field("definition_id", "int"),
    "WorkTypeCode": Field("kind", "code", {v: k for k, v in WORK_TYPES.items()}),
}

# -- parameters ---------------------------------------------------------------------------------


def _invalid(name: str, message: str) -> Invalid:
    return Invalid(f"{name} {message}", {"field": name})


def _plain(name: str, value: str, limit: int) -> str:
    if value == "":
        raise _invalid(name, "must not be an empty string")
    if "\x00" in value:
        raise _invalid(name, "must not contain the NUL character")
    if len(value) > limit:
        raise _invalid(name, f"must be at most {limit} characters")
    try:
        value.encode()
    except UnicodeEncodeError:
        raise _invalid(name, "is not valid Unicode text") from None
    return value


def _value(name: str, kind: Kind, raw: Any) -> Any:
    if kind == "data":
        variables: dict[str, Any] = {}
        for key, value in raw:
            _plain(f"{name} Key", key, MAX_SHORT)
            if isinstance(value, str) and value:  # data, not a parameter: "" is a value
                _plain(f"{name} Value of {key}", value, MAX_TEXT)
            variables[key] = value
        return variables
    if kind == "int":
        if not isinstance(raw, int):
            _plain(name, raw, 32)
            try:
                raw = int(raw.strip())
            except ValueError:
                raise _invalid(name, f"must be a number, not {raw!r}") from None
        if not -MAX_ID - 1 <= raw <= MAX_ID:
            raise _invalid(name, "is out of range")
        return raw
    if not isinstance(raw, str):
        raise _invalid(name, "must be a string")
    if kind == "date":
        _plain(name, raw, 64)
        try:
            moment = datetime.fromisoformat(raw.strip())
        except ValueError:
            raise _invalid(name, f"must be an ISO 8601 date-time, not {raw!r}") from None
        if moment.tzinfo is None:
            raise _invalid(name, "needs a time zone offset, such as +09:00")
        try:
            return moment.astimezone(UTC)
        except OverflowError:
            raise _invalid(name, "is out of the range of dates lanes can store") from None
    return _plain(name, raw, MAX_SHORT if kind == "short" else MAX_TEXT)


def params(fields: Mapping[str, Any], accepted: Mapping[str, Kind]) -> dict[str, Any]:
    """The checked values of a request's fields; unknown fields are refused."""
    unknown = sorted(set(fields) - set(accepted))
    if unknown:
        raise Invalid(
            f"unknown field(s) {', '.join(unknown)}; this request takes "
            f"{', '.join(accepted) or 'no fields'}",
            {"fields": unknown},
        )
    return {name: _value(name, accepted[name], raw) for name, raw in fields.items()}


def identifier(raw: str, name: str) -> int:
    """An id in a path: a positive 64-bit decimal integer."""
    if not raw.isascii() or not raw.isdigit() or len(raw) > 19 or not 0 < int(raw) <= MAX_ID:
        raise _invalid(name, f"must be a positive integer id, not {raw!r}")
    return int(raw)
