"""The yardstick for the HTTP benchmark: the least a FastAPI endpoint can do with a JSON
body, served the same way as lanes (uvicorn, one process)."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from pydantic import BaseModel

app = FastAPI()


class Body(BaseModel):
    variables: dict[str, Any] = {}


@app.post("/ping")
def ping(body: Body) -> dict[str, Any]:
    return {"ok": True, "variables": body.variables}
