"""The instance state document: plain dicts, lists, strings and numbers, nothing else.

`json.loads(json.dumps(state)) == state` holds between any two commands, so a state
can be stored as one JSON document and restored anywhere. Layout (schema version 1):

    {"v": 1, "id", "process", "status": active|completed|terminated,
     "ex":    {execution id: execution},   # the execution tree (tokens and scopes)
     "tasks": {task id: open user task},
     "subs":  {id: waiting timer/message/signal/conditional subscription or job},
     "ext":   {id: open external task},
     "done":  {task id: what withdrawing that completed task needs},
     "incidents": {id: {...}}, "visited": [node ids in order of entry]}

An execution is {"id", "parent", "node", "status", ...}: status is "scope" (the root,
a subprocess), "mi" (a multi-instance body), "wait" (a token resting at a node), "join"
(a token waiting at a joining gateway) or "incident". Optional keys: "vars" (local
variables), "task", "ext", "flow" (the flow it arrived by), "inst" (a multi-instance
instance), "src"/"undo" (withdraw bookkeeping), "items" (sequential multi-instance).
Imports nothing from the rest of lanes.
"""

from __future__ import annotations

from typing import Any

SCHEMA_VERSION = 1

State = dict[str, Any]
Execution = dict[str, Any]


def new_state(instance_id: str, process_id: str, business_key: str | None) -> State:
    root: Execution = {
        "id": instance_id,
        "parent": None,
        "node": None,
        "status": "scope",
        "vars": {},
    }
    return {
        "v": SCHEMA_VERSION,
        "id": instance_id,
        "process": process_id,
        "business_key": business_key,
        "status": "active",
        "ex": {instance_id: root},
        "tasks": {},
        "subs": {},
        "ext": {},
        "done": {},
        "incidents": {},
        "visited": [],
    }


def check_version(state: State) -> None:
    version = state.get("v")
    if version != SCHEMA_VERSION:
        raise ValueError(f"state schema version {version!r} is not {SCHEMA_VERSION}")
