"""The answers of the busiest routes (start, complete, the to-do list), serialised
straight from the services' views.

FastAPI validates what a route returns against its response model before serialising
it, and turns dataclasses into dicts on the way (a deep copy). For a completion, that
cost more than the command's own database work. These routes keep their response model
for the OpenAPI document and return this instead. pydantic serialises the views (plain
dataclasses, lists and dicts, times already in UTC) to the same JSON the model would
give; the e2e tests compare the two documents.
"""

from __future__ import annotations

from typing import Any

from fastapi import Response
from pydantic import TypeAdapter

_ANY: TypeAdapter[Any] = TypeAdapter(Any)


def json_of(value: Any, status_code: int = 200) -> Response:
    return Response(_ANY.dump_json(value), status_code=status_code, media_type="application/json")
