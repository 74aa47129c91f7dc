"""Path and query parameters this dialect's routers share."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import Path, Query
from pydantic import AfterValidator

from lanes.api.activiti.schemas import MAX_PAGE_SIZE, as_id


def _plain(value: str) -> str:
    if "\x00" in value:
        raise ValueError("must not contain the NUL character")
    return value


IdPath = Annotated[
    str,
    Path(min_length=1, max_length=19, pattern=r"^[0-9]+$", description="An id: digits."),
    AfterValidator(as_id),
]
UserPath = Annotated[
    str, Path(min_length=1, max_length=64, description="A user id."), AfterValidator(_plain)
]
NodePath = Annotated[
    str,
    Path(min_length=1, max_length=255, description="A node id of the BPMN model."),
    AfterValidator(_plain),
]
PageNo = Annotated[int, Query(alias="page.no", ge=1, le=2**31 - 1, description="1-based page.")]
PageSize = Annotated[
    int, Query(alias="page.size", ge=1, le=MAX_PAGE_SIZE, description="Rows per page (1-1000).")
]
ImageFormat = Annotated[
    Literal["svg", "png"],
    Query(alias="format", description="`png` needs cairosvg on the server (else 415)."),
]
