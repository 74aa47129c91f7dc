"""Path and query parameters the native routers share, bounded like the schemas' fields."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import Path, Query
from pydantic import AfterValidator

from lanes.api.native.schemas import Name, ShortText, UserId
from lanes.api.values import MAX_ID, as_utc, plain_text

IdPath = Annotated[int, Path(ge=1, le=MAX_ID, description="A 64-bit id.")]
UserIdPath = Annotated[
    str, Path(min_length=1, max_length=64, description="A user id."), AfterValidator(plain_text)
]
NodeIdPath = Annotated[
    str,
    Path(min_length=1, max_length=255, description="A flow node's id in the BPMN model."),
    AfterValidator(plain_text),
]

Offset = Annotated[int, Query(ge=0, le=2**31 - 1, description="Items to skip.")]
Limit = Annotated[int, Query(ge=1, le=1000, description="Items per page (1-1000).")]
Order = Annotated[Literal["asc", "desc"], Query(description="Sort order.")]
TaskSort = Annotated[
    Literal["created", "priority", "due", "name", "ended"], Query(description="Sort by.")
]

TextQuery = Annotated[ShortText | None, Query()]
NameQuery = Annotated[Name | None, Query()]
UserQuery = Annotated[
    UserId | None,
    Query(description="Whose list: yourself by default; admins may name anyone, or `*`."),
]
IdQuery = Annotated[int | None, Query(ge=1, le=MAX_ID)]
TimeQuery = Annotated[
    Annotated[datetime, AfterValidator(as_utc)] | None,
    Query(description="ISO 8601; without an offset it is read as UTC."),
]
