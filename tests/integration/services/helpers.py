"""Shared pieces of the service tests: small BPMN models, actors, and row readers.

Models are written inline so each test shows what it runs. Readers go through the store
(or the tables) directly, to check what the services wrote without trusting the services.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import select

import lanes
from lanes.services import deployments, instances, tasks
from lanes.services.actor import Actor
from lanes.services.context import Services
from lanes.services.views import DefinitionView, InstanceView, TaskView
from lanes.store import runtime as repo
from lanes.store import tables as t

ADMIN = Actor("root", admin=True)

_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"'
    ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'
    ' xmlns:flowable="http://flowable.org/bpmn"'
    ' targetNamespace="http://lanes.test/services">'
)


def user(user_id: str, *groups: str) -> Actor:
    return Actor(user_id, groups=frozenset(groups))


def model_xml(
    body: str, process_id: str = "p", *, attrs: str = "", header: str = "", name: str = ""
) -> bytes:
    """One <definitions> document holding the process `process_id` with `body`."""
    named = f' name="{name}"' if name else ""
    process = f'<process id="{process_id}"{named} isExecutable="true" {attrs}>{body}</process>'
    return f"{_HEAD}{header}{process}</definitions>".encode()


def flows(*node_ids: str) -> str:
    """Sequence flows joining the nodes in order, each with the id `source-target`."""
    return "".join(
        f'<sequenceFlow id="{a}-{b}" sourceRef="{a}" targetRef="{b}"/>'
        for a, b in itertools.pairwise(node_ids)
    )


def leave_xml() -> bytes:
    """The bundled leave model: fill_form (${applicant}), then manager_short for up to
    three days, else manager_long (group managers) and hr (group hr) in parallel."""
    return (Path(lanes.__file__).parent / "samples" / "leave.bpmn").read_bytes()


# start -> draft (the initiator) -> review (rita, or group reviewers) -> sign (boss) -> end
APPROVAL = model_xml(
    '<startEvent id="start" flowable:initiator="applicant"/>'
    '<userTask id="draft" name="Draft" flowable:assignee="${applicant}"/>'
    '<userTask id="review" name="Review" flowable:candidateUsers="rita"'
    ' flowable:candidateGroups="reviewers"/>'
    '<userTask id="sign" name="Sign" flowable:assignee="boss"/>'
    '<endEvent id="end"/>' + flows("start", "draft", "review", "sign", "end"),
    "approval",
    name="Approval",
)

# process 'cosign': start -> countersign, one parallel instance per ${signers} entry for
# ${signer} -> archive (boss) -> end
COUNTERSIGN = model_xml(
    '<startEvent id="start"/>'
    '<userTask id="countersign" name="Countersign" flowable:assignee="${signer}">'
    '<multiInstanceLoopCharacteristics isSequential="false"'
    ' flowable:collection="${signers}" flowable:elementVariable="signer"/>'
    "</userTask>"
    '<userTask id="archive" name="Archive" flowable:assignee="boss"/>'
    '<endEvent id="end"/>' + flows("start", "countersign", "archive", "end"),
    "cosign",
)


def deploy(svc: Services, document: bytes, resource_name: str = "model.bpmn") -> DefinitionView:
    """Deploy a one-process document as the admin; its definition."""
    (definition,) = deployments.deploy(svc, ADMIN, document, resource_name).definitions
    return definition


def start(
    svc: Services,
    key: str,
    actor: Actor | None = None,
    variables: dict[str, Any] | None = None,
    business_key: str | None = None,
) -> InstanceView:
    return instances.start_instance(
        svc, actor or ADMIN, key=key, variables=variables, business_key=business_key
    ).instance


def open_tasks(svc: Services, instance_id: int) -> list[TaskView]:
    return tasks.instance_tasks(svc, ADMIN, instance_id, open_only=True)


def task_at(svc: Services, instance_id: int, node_id: str) -> TaskView:
    """The one open task of the instance at `node_id`."""
    found = [task for task in open_tasks(svc, instance_id) if task.node_id == node_id]
    nodes = sorted(task.node_id for task in open_tasks(svc, instance_id))
    assert len(found) == 1, f"open tasks at {nodes}, wanted one at {node_id!r}"
    return found[0]


def open_nodes(svc: Services, instance_id: int) -> list[str]:
    return sorted(task.node_id for task in open_tasks(svc, instance_id))


def state_of(svc: Services, instance_id: int) -> dict[str, Any]:
    """The engine's state document as stored in the instance row."""
    with svc.db.read() as conn:
        row = repo.get_instance(conn, instance_id)
    assert row is not None and row.state is not None
    state: dict[str, Any] = orjson.loads(row.state)
    return state


def visited(svc: Services, instance_id: int) -> list[str]:
    return list(state_of(svc, instance_id)["visited"])


def task_row(svc: Services, task_id: int) -> Any:
    with svc.db.read() as conn:
        return conn.execute(select(t.task).where(t.task.c.id == task_id)).one()


def operations(
    svc: Services, *, task_id: int | None = None, instance_id: int | None = None
) -> list[Any]:
    """Operation-log rows, oldest first, for a task or an instance."""
    query = select(t.operation_log)
    if task_id is not None:
        query = query.where(t.operation_log.c.task_id == task_id)
    if instance_id is not None:
        query = query.where(t.operation_log.c.instance_id == instance_id)
    with svc.db.read() as conn:
        return list(conn.execute(query.order_by(t.operation_log.c.at, t.operation_log.c.id)).all())


def operation_names(svc: Services, **where: int) -> list[str]:
    return [row.operation for row in operations(svc, **where)]


def run_together(workers: Sequence[Callable[[], Any]]) -> tuple[list[Any], list[BaseException]]:
    """Run every worker in its own thread, all released at once by a barrier.

    Returns what the workers returned and what they raised (in no particular order)."""
    barrier = threading.Barrier(len(workers))
    results: list[Any] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def run(work: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            value = work()
        except BaseException as error:  # collected for the test to inspect
            with lock:
                errors.append(error)
        else:
            with lock:
                results.append(value)

    threads = [threading.Thread(target=run, args=(work,)) for work in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors
