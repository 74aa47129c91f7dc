"""Deploying BPMN files and managing process definitions (admins only).

Deploying the same resource for the same key again returns the existing definition; a
changed resource becomes version n+1. Every problem in a file is reported at once.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace
from typing import Any

from lanes.bpmn import BpmnError, parse
from lanes.services import jobs, oplog
from lanes.services.actor import Actor
from lanes.services.context import Services
from lanes.services.errors import Conflict, Forbidden, Invalid, NotFound
from lanes.services.views import DefinitionView, DeploymentView, Page
from lanes.store import runtime as repo

ID_LIMIT = 255


def _require_admin(actor: Actor, what: str) -> None:
    if not actor.admin:
        raise Forbidden(f"only administrators may {what}")


def deploy(
    svc: Services,
    actor: Actor,
    resource: bytes,
    resource_name: str = "process.bpmn",
    name: str | None = None,
) -> DeploymentView:
    _require_admin(actor, "deploy process definitions")
    try:
        definitions = parse(resource)
    except BpmnError as exc:
        raise Invalid(
            "the BPMN document cannot be deployed: " + "; ".join(str(p) for p in exc.problems),
            {
                "problems": [
                    {"message": p.message, "element": p.element_id, "line": p.line}
                    for p in exc.problems
                ]
            },
        ) from None
    _check_lengths(definitions)
    checksum = hashlib.sha256(resource).hexdigest()
    now = svc.now()
    with svc.db.write() as conn:
        existing = [repo.latest_definition(conn, key) for key in definitions.processes]
        if all(row is not None and row.checksum == checksum for row in existing):
            first = existing[0]
            assert first is not None
            deployment = repo.get_deployment(conn, first.deployment_id)
            assert deployment is not None
            view = _deployment_view(
                deployment, [r for r in existing if r is not None], definitions.warnings
            )
            return replace(view, created=False)
        deployment_id = svc.db.next_id()
        repo.insert_deployment(
            conn,
            {
                "id": deployment_id,
                "name": name or resource_name,
                "deployed_at": now,
                "deployed_by": actor.user_id,
            },
        )
        rows: list[Any] = []
        for key, model in definitions.processes.items():
            latest = repo.latest_definition(conn, key)
            definition_id = svc.db.next_id()
            repo.insert_definition(
                conn,
                {
                    "id": definition_id,
                    "key": key,
                    "version": (latest.version + 1) if latest is not None else 1,
                    "name": model.name[:255] if model.name else None,
                    "deployment_id": deployment_id,
                    "resource_name": resource_name,
                    "resource": resource,
                    "checksum": checksum,
                    "suspended": False,
                    "starter_users": list(model.candidate_starter_users),
                    "starter_groups": list(model.candidate_starter_groups),
                    "created_at": now,
                },
            )
            row = repo.get_definition(conn, definition_id)
            jobs.schedule_start_timers(svc, conn, row, model)
            rows.append(row)
        oplog.record(
            conn,
            svc,
            actor,
            "deploy",
            details={"deployment": deployment_id, "keys": list(definitions.processes)},
        )
        deployment = repo.get_deployment(conn, deployment_id)
        assert deployment is not None
        return _deployment_view(deployment, rows, definitions.warnings)


def _check_lengths(definitions: Any) -> None:
    """Ids are stored in columns of 255 characters: longer ones are deploy problems."""
    problems = []
    for key, model in definitions.processes.items():
        for element_id, line in [
            (key, model.line),
            *((n.id, n.line) for n in model.nodes.values()),
        ]:
            if len(element_id) > ID_LIMIT:
                problems.append(
                    {
                        "message": f"the id is longer than {ID_LIMIT} characters",
                        "element": element_id[:40] + "...",
                        "line": line,
                    }
                )
    if problems:
        raise Invalid(
            "the BPMN document cannot be deployed: "
            + "; ".join(f"{p['message']} (line {p['line']})" for p in problems),
            {"problems": problems},
        )


def _deployment_view(deployment: Any, rows: list[Any], warnings: Any) -> DeploymentView:
    return DeploymentView(
        deployment.id,
        deployment.name,
        deployment.deployed_at,
        deployment.deployed_by,
        [definition_view(r) for r in rows],
        [str(w) for w in warnings],
    )


def definition_view(row: Any) -> DefinitionView:
    return DefinitionView(
        row.id,
        row.key,
        row.version,
        row.name,
        row.deployment_id,
        row.resource_name,
        bool(row.suspended),
    )


def get_definition(svc: Services, actor: Actor, definition_id: int) -> DefinitionView:
    with svc.db.read() as conn:
        row = repo.get_definition(conn, definition_id)
    if row is None:
        raise NotFound(f"process definition {definition_id} does not exist")
    return definition_view(row)


def definition_by_key(svc: Services, actor: Actor, key: str) -> DefinitionView:
    with svc.db.read() as conn:
        row = repo.latest_definition(conn, key)
    if row is None:
        raise NotFound(f"no process definition has the key '{key}'")
    return definition_view(row)


def definition_resource(svc: Services, actor: Actor, definition_id: int) -> bytes:
    with svc.db.read() as conn:
        row = repo.get_definition(conn, definition_id)
        if row is None:
            raise NotFound(f"process definition {definition_id} does not exist")
        return repo.definition_resource(conn, definition_id)


def list_definitions(
    svc: Services,
    actor: Actor,
    key: str | None = None,
    latest_only: bool = False,
    offset: int = 0,
    limit: int = 50,
) -> Page[DefinitionView]:
    with svc.db.read() as conn:
        rows, total = repo.list_definitions(conn, key, latest_only, offset, limit)
    return Page([definition_view(r) for r in rows], total, offset, limit)


def set_definition_suspended(
    svc: Services,
    actor: Actor,
    definition_id: int,
    suspended: bool,
    include_instances: bool = False,
) -> DefinitionView:
    _require_admin(actor, "suspend or activate process definitions")
    with svc.db.write() as conn:
        row = repo.get_definition(conn, definition_id)
        if row is None:
            raise NotFound(f"process definition {definition_id} does not exist")
        repo.set_definition_suspended(conn, definition_id, suspended)
        if include_instances:
            repo.set_instance_suspended(
                conn, repo.instances_of_definition(conn, definition_id), suspended
            )
        oplog.record(
            conn,
            svc,
            actor,
            "suspend-definition" if suspended else "activate-definition",
            details={"definition": definition_id, "instances": include_instances},
        )
        updated = repo.get_definition(conn, definition_id)
    return definition_view(updated)


def delete_deployment(
    svc: Services, actor: Actor, deployment_id: int, cascade: bool = False
) -> None:
    _require_admin(actor, "delete deployments")
    with svc.db.write() as conn:
        if repo.get_deployment(conn, deployment_id) is None:
            raise NotFound(f"deployment {deployment_id} does not exist")
        ids = [r.id for r in repo.deployment_definitions(conn, deployment_id)]
        running = repo.running_instance_count(conn, ids)
        if running and not cascade:
            raise Conflict(
                f"deployment {deployment_id} has {running} running process "
                "instance(s); delete with cascade to remove them too"
            )
        repo.delete_deployment(conn, deployment_id)
        oplog.record(
            conn,
            svc,
            actor,
            "delete-deployment",
            details={"deployment": deployment_id, "cascade": cascade},
        )
