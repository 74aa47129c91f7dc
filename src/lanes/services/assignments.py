"""Acting for another user, and assigning a user-task node of a case by key or name.

An administrator may act as another user (that user's id then goes into history as the
one who did it); anyone else only as themselves.
"""

from __future__ import annotations

from dataclasses import replace

from lanes.services import tasks
from lanes.services.actor import Actor
from lanes.services.context import Services
from lanes.services.errors import Forbidden, Invalid, NotFound
from lanes.store import identity as identity_store
from lanes.store import runtime as repo

__all__ = ["acting_as", "assign_node"]

MAX_USER_ID = 64


def acting_as(svc: Services, actor: Actor, user_id: str | None, what: str) -> Actor:
    """The actor that does `what` for `user_id` (None: the caller)."""
    if user_id is None or user_id == actor.user_id:
        return actor
    if not user_id.strip() or len(user_id) > MAX_USER_ID:
        raise Invalid("userId must be a user id of at most 64 characters", {"field": "userId"})
    if not actor.admin:
        raise Forbidden(f"only administrators may {what} for another user")
    with svc.db.read() as conn:
        found = identity_store.user_with_groups(conn, user_id)
    groups = frozenset(found.groups) if found is not None else frozenset()
    return replace(actor, user_id=user_id, groups=groups)


def assign_node(
    svc: Services,
    actor: Actor,
    instance_id: int,
    node_key: str,
    node_name: str | None,
    user_id: str,
) -> str:
    """Give the user task at `node_key` to `user_id`: its open tasks now, or when the case
    gets there. An unknown key falls back to the one user task named `node_name`.

    Returns the node id assigned."""
    if not actor.admin:
        raise Forbidden("only administrators may assign a node of a process instance")
    if not user_id.strip() or len(user_id) > MAX_USER_ID:
        raise Invalid("the user id must be 1-64 characters", {"field": "userid"})
    with svc.db.read() as conn:
        row = repo.get_instance(conn, instance_id)
        if row is None:
            raise NotFound(f"process instance {instance_id} does not exist")
        definitions = svc.models.get(
            row.definition_id, lambda: repo.definition_resource(conn, row.definition_id)
        )
    model = definitions.processes[row.process_key]
    user_tasks = [n for n in model.nodes.values() if n.kind == "userTask"]
    node = next((n for n in user_tasks if n.id == node_key), None)
    if node is None and node_name:
        named = [n for n in user_tasks if n.name == node_name]
        node = named[0] if len(named) == 1 else None
    if node is None:
        raise NotFound(f"process '{row.process_key}' has no user task '{node_key}'")
    tasks.assign_node(svc, actor, instance_id, node.id, user_id)
    return node.id
