"""Starting a case from a process reference, possibly on behalf of another user.

A reference is a process key (its newest version), `key:version` (with anything after a
second colon ignored, as in Activiti's `key:version:id`), or a definition id. Callers may
start as themselves; only administrators name another starter.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lanes.services import instances
from lanes.services.actor import Actor
from lanes.services.assignments import acting_as
from lanes.services.context import Services
from lanes.services.deployments import definition_view
from lanes.services.errors import Invalid, NotFound
from lanes.services.views import DefinitionView, InstanceView, TaskView
from lanes.store import runtime as repo

__all__ = ["StartedCase", "find_definition", "start_case"]

MAX_REFERENCE = 255


@dataclass(frozen=True, slots=True)
class StartedCase:
    instance: InstanceView
    definition: DefinitionView
    process_name: str | None
    tasks: list[TaskView]  # the tasks open once the case came to rest


def find_definition(svc: Services, reference: str) -> DefinitionView:
    """The definition a reference names (see the module docstring)."""
    if not reference or len(reference) > MAX_REFERENCE:
        raise Invalid("processId must name a process key or definition", {"field": "processId"})
    with svc.db.read() as conn:
        row = _lookup(conn, reference)
    if row is None:
        raise NotFound(f"no process definition matches '{reference}'")
    return definition_view(row)


def _lookup(conn: Any, reference: str) -> Any:
    if ":" in reference:
        key, _, rest = reference.partition(":")
        version = rest.partition(":")[0]
        if not (version.isascii() and version.isdigit()) or len(version) > 9:
            return None
        rows, _ = repo.list_definitions(conn, key, False, 0, 100_000)
        return next((r for r in rows if r.version == int(version)), None)
    row = repo.latest_definition(conn, reference)
    if row is None and reference.isascii() and reference.isdigit() and len(reference) <= 18:
        row = repo.get_definition(conn, int(reference))
    return row


def _resource(svc: Services, definition_id: int) -> bytes:
    with svc.db.read() as conn:
        return repo.definition_resource(conn, definition_id)


def start_case(
    svc: Services,
    actor: Actor,
    reference: str,
    *,
    variables: dict[str, Any] | None = None,
    business_key: str | None = None,
    starter: str | None = None,
    assignee: str | None = None,
) -> StartedCase:
    """Start the referenced definition.

    `assignee` becomes the variable `assignee`, and the starter when `starter` is not
    given and the caller may start as that user (an administrator, or the user themself).
    """
    values = dict(variables or {})
    if assignee is not None:
        values.setdefault("assignee", assignee)
    if starter is None and assignee is not None and (actor.admin or assignee == actor.user_id):
        starter = assignee
    who = acting_as(svc, actor, starter, "start a process instance")
    definition = find_definition(svc, reference)
    started = instances.start_instance(
        svc, who, definition_id=definition.id, variables=values, business_key=business_key
    )
    instance = started.instance
    # parsed when the start ran: read again only if the cache has dropped it since
    model = svc.models.get(definition.id, lambda: _resource(svc, definition.id))
    name = model.processes[definition.key].name or definition.name
    return StartedCase(
        instance,
        definition,
        name,
        [task for task in started.tasks if task.instance_id == instance.id],
    )
