"""lanes.services.external_tasks: fetch-and-lock, complete, failures, BPMN errors, incidents."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from lanes.services import deployments, instances, tasks
from lanes.services import external_tasks as ext
from lanes.services.actor import Actor
from lanes.services.context import Services
from lanes.services.errors import Conflict, Forbidden, Invalid, NotFound
from lanes.store import tables as t
from lanes.store.db import Database

ADMIN = Actor("root", admin=True)
ALICE = Actor("alice")
BOB = Actor("bob")
WORKER = Actor("payments-bot", groups=frozenset({ext.WORKER_GROUP}))

PAYMENT = b"""<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"
             xmlns:camunda="http://camunda.org/schema/1.0/bpmn"
             targetNamespace="https://lanes.dev/tests">
  <error id="declined" errorCode="card_declined"/>
  <process id="payment" isExecutable="true">
    <startEvent id="start"/>
    <serviceTask id="charge" name="Charge the card" camunda:type="external"
                 camunda:topic="charge-card"/>
    <boundaryEvent id="on_declined" attachedToRef="charge">
      <errorEventDefinition errorRef="declined"/>
    </boundaryEvent>
    <userTask id="ship" name="Ship the order"/>
    <userTask id="call_customer" name="Call the customer"/>
    <endEvent id="end"/>
    <endEvent id="end_declined"/>
    <sequenceFlow id="f1" sourceRef="start" targetRef="charge"/>
    <sequenceFlow id="f2" sourceRef="charge" targetRef="ship"/>
    <sequenceFlow id="f3" sourceRef="ship" targetRef="end"/>
    <sequenceFlow id="f4" sourceRef="on_declined" targetRef="call_customer"/>
    <sequenceFlow id="f5" sourceRef="call_customer" targetRef="end_declined"/>
  </process>
  <process id="mail" isExecutable="true">
    <startEvent id="mail_start"/>
    <sendTask id="send" camunda:type="external" camunda:topic="send-mail"/>
    <endEvent id="mail_end"/>
    <sequenceFlow id="m1" sourceRef="mail_start" targetRef="send"/>
    <sequenceFlow id="m2" sourceRef="send" targetRef="mail_end"/>
  </process>
</definitions>
"""


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = datetime(2031, 3, 1, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def svc(database: Database, clock: Clock) -> Services:
    services = Services(database, clock=clock)
    deployments.deploy(services, ADMIN, PAYMENT, "payment.bpmn")
    return services


def start_payment(svc: Services, amount: int = 100, user: Actor = ALICE) -> int:
    return instances.start_instance(
        svc, user, key="payment", variables={"amount": amount}
    ).instance.id


def fetch(svc: Services, worker: str = "w1", max_tasks: int = 10) -> list[ext.ExternalTaskView]:
    return ext.fetch_and_lock(svc, WORKER, worker, [("charge-card", 60)], max_tasks)


# -- fetch and lock ---------------------------------------------------------------------------


def test_fetch_and_lock_hands_out_the_topics_tasks_with_the_instance_variables(
    svc: Services, clock: Clock
) -> None:
    first = start_payment(svc, 100)
    second = start_payment(svc, 250)
    instances.start_instance(svc, ALICE, key="mail")
    fetched = fetch(svc)
    assert [(f.instance_id, f.node_id, f.topic) for f in fetched] == [
        (first, "charge", "charge-card"),
        (second, "charge", "charge-card"),
    ]
    assert [f.variables for f in fetched] == [{"amount": 100}, {"amount": 250}]
    assert all(f.worker_id == "w1" for f in fetched)
    assert all(f.lock_expires_at == clock.now + timedelta(seconds=60) for f in fetched)
    assert fetched[0].process_key == "payment" and fetched[0].retries is None


def test_fetch_respects_max_tasks_topics_and_variable_names(svc: Services) -> None:
    for amount in (1, 2, 3):
        start_payment(svc, amount)
    mail = instances.start_instance(svc, ALICE, key="mail", variables={"to": "x@y.z"}).instance.id
    assert len(fetch(svc, max_tasks=2)) == 2
    both = ext.fetch_and_lock(
        svc, WORKER, "w2", [("charge-card", 30), ("send-mail", 5)], 10, variable_names=["to"]
    )
    assert [(f.topic, f.variables) for f in both] == [
        ("charge-card", {}),
        ("send-mail", {"to": "x@y.z"}),
    ]
    assert both[1].instance_id == mail
    assert both[1].lock_expires_at is not None and both[0].lock_expires_at is not None
    assert both[1].lock_expires_at - both[0].lock_expires_at == timedelta(seconds=-25)


def test_a_locked_task_comes_back_only_when_its_lock_expires(svc: Services, clock: Clock) -> None:
    start_payment(svc)
    assert len(fetch(svc, "w1")) == 1
    assert fetch(svc, "w2") == []
    clock.advance(59)
    assert fetch(svc, "w2") == []
    clock.advance(1)
    again = fetch(svc, "w2")
    assert [f.worker_id for f in again] == ["w2"]


def test_tasks_of_suspended_instances_are_not_handed_out_nor_completed(
    svc: Services, clock: Clock
) -> None:
    instance_id = start_payment(svc)
    [task] = fetch(svc)
    instances.set_suspended(svc, ADMIN, instance_id, True)
    with pytest.raises(Conflict, match="suspended"):
        ext.complete(svc, WORKER, task.id, "w1", {})
    clock.advance(61)  # the lock ran out while the instance is suspended
    other = start_payment(svc)
    assert [f.instance_id for f in fetch(svc, "w2")] == [other]
    instances.set_suspended(svc, ADMIN, instance_id, False)
    assert [f.instance_id for f in fetch(svc, "w2")] == [instance_id]


def test_fetch_refuses_bad_requests(svc: Services) -> None:
    with pytest.raises(Invalid, match="maxTasks"):
        ext.fetch_and_lock(svc, WORKER, "w1", [("charge-card", 60)], 0)
    with pytest.raises(Invalid, match="topic"):
        ext.fetch_and_lock(svc, WORKER, "w1", [], 5)
    with pytest.raises(Invalid, match="lockDuration"):
        ext.fetch_and_lock(svc, WORKER, "w1", [("charge-card", 0)], 5)
    with pytest.raises(Invalid, match="worker id"):
        ext.fetch_and_lock(svc, WORKER, " ", [("charge-card", 10)], 5)


def test_only_administrators_and_workers_may_work_external_tasks(svc: Services) -> None:
    start_payment(svc)
    with pytest.raises(Forbidden, match="workers"):
        ext.fetch_and_lock(svc, ALICE, "w1", [("charge-card", 60)], 1)
    [task] = ext.fetch_and_lock(svc, ADMIN, "w1", [("charge-card", 60)], 1)
    for call in (
        lambda: ext.complete(svc, ALICE, task.id, "w1", {}),
        lambda: ext.handle_failure(svc, ALICE, task.id, "w1", "x", 1, 0),
        lambda: ext.handle_bpmn_error(svc, ALICE, task.id, "w1", "card_declined"),
        lambda: ext.extend_lock(svc, ALICE, task.id, "w1", 10),
        lambda: ext.list_external_tasks(svc, ALICE),
    ):
        with pytest.raises(Forbidden):
            call()


# -- complete -------------------------------------------------------------------------------------


def test_complete_moves_the_token_on_with_the_workers_variables(svc: Services) -> None:
    instance_id = start_payment(svc)
    [task] = fetch(svc)
    ext.complete(svc, WORKER, task.id, "w1", {"receipt": "R-1"})
    view = instances.get_instance(svc, ADMIN, instance_id)
    assert view.active_nodes == ["ship"]
    assert view.variables == {"amount": 100, "receipt": "R-1"}
    assert ext.list_external_tasks(svc, WORKER).total == 0
    with pytest.raises(NotFound):
        ext.complete(svc, WORKER, task.id, "w1", {})
    with svc.db.read() as conn:
        logged = conn.execute(
            select(t.operation_log.c.operation, t.operation_log.c.user_id).where(
                t.operation_log.c.instance_id == instance_id
            )
        ).all()
    assert ("complete-external-task", "payments-bot") in [tuple(r) for r in logged]


def test_only_the_worker_holding_the_lock_may_complete(svc: Services, clock: Clock) -> None:
    instance_id = start_payment(svc)
    [task] = fetch(svc, "w1")
    with pytest.raises(Conflict, match="another worker"):
        ext.complete(svc, WORKER, task.id, "w2", {})
    clock.advance(61)  # the lock expired and w2 took the task
    [again] = fetch(svc, "w2")
    assert again.id == task.id
    with pytest.raises(Conflict, match="another worker"):
        ext.complete(svc, WORKER, task.id, "w1", {})
    ext.complete(svc, WORKER, task.id, "w2", {})
    assert instances.get_instance(svc, ADMIN, instance_id).active_nodes == ["ship"]


def test_a_task_never_fetched_cannot_be_completed(svc: Services) -> None:
    start_payment(svc)
    [listed] = ext.list_external_tasks(svc, WORKER, topic="charge-card").items
    with pytest.raises(Conflict, match="not locked"):
        ext.complete(svc, WORKER, listed.id, "w1", {})


# -- failures, retries, incidents ----------------------------------------------------------------


def test_a_failure_with_retries_left_hands_the_task_out_again_after_the_timeout(
    svc: Services, clock: Clock
) -> None:
    start_payment(svc)
    [task] = fetch(svc, "w1")
    ext.handle_failure(svc, WORKER, task.id, "w1", "gateway timeout", 2, 30)
    assert fetch(svc, "w1") == []
    clock.advance(29)
    assert fetch(svc, "w2") == []
    clock.advance(1)
    [again] = fetch(svc, "w2")
    assert (again.id, again.retries, again.error_message) == (task.id, 2, "gateway timeout")


def test_failures_down_to_zero_retries_end_in_an_incident_on_the_token(
    svc: Services, clock: Clock
) -> None:
    instance_id = start_payment(svc)
    for retries_left in (2, 1):
        [task] = fetch(svc)
        ext.handle_failure(svc, WORKER, task.id, "w1", f"boom {retries_left}", retries_left, 0)
    [task] = fetch(svc)
    ext.handle_failure(svc, WORKER, task.id, "w1", "card service is down", 0, 0)
    clock.advance(3600)
    assert fetch(svc) == []  # out of retries: never handed out again
    page = ext.list_incidents(svc, ADMIN, instance_id=instance_id)
    assert [(i.kind, i.node_id, i.message) for i in page.items] == [
        ("external-task", "charge", "card service is down")
    ]
    view = instances.get_instance(svc, ADMIN, instance_id)
    assert view.status == "active" and view.active_nodes == ["charge"]
    [row] = ext.list_external_tasks(svc, WORKER, instance_id=instance_id).items
    assert (row.retries, row.worker_id, row.error_message) == (0, None, "card service is down")
    with pytest.raises(Conflict, match="not locked"):
        ext.complete(svc, WORKER, task.id, "w1", {})


def test_incidents_are_listed_for_the_starter_and_hidden_from_others(svc: Services) -> None:
    instance_id = start_payment(svc, user=ALICE)
    [task] = fetch(svc)
    ext.handle_failure(svc, WORKER, task.id, "w1", "down", 0)
    assert [i.instance_id for i in ext.list_incidents(svc, ALICE).items] == [instance_id]
    assert ext.list_incidents(svc, BOB).total == 0
    assert ext.list_incidents(svc, WORKER, kind="external-task").total == 1
    assert ext.list_incidents(svc, ADMIN, kind="job").total == 0


def test_failure_refuses_negative_retries(svc: Services) -> None:
    start_payment(svc)
    [task] = fetch(svc)
    with pytest.raises(Invalid, match="retries"):
        ext.handle_failure(svc, WORKER, task.id, "w1", "x", -1)


# -- BPMN errors ----------------------------------------------------------------------------------


def test_a_bpmn_error_is_caught_by_the_boundary_event(svc: Services) -> None:
    instance_id = start_payment(svc)
    [task] = fetch(svc)
    ext.handle_bpmn_error(svc, WORKER, task.id, "w1", "card_declined", {"reason": "expired"})
    view = instances.get_instance(svc, ADMIN, instance_id)
    assert view.active_nodes == ["call_customer"]
    assert view.variables["reason"] == "expired"
    assert ext.list_external_tasks(svc, WORKER).total == 0
    assert [x.node_id for x in tasks.instance_tasks(svc, ADMIN, instance_id, True)] == [
        "call_customer"
    ]


def test_a_bpmn_error_nothing_catches_is_refused_and_the_task_stays_locked(svc: Services) -> None:
    instance_id = start_payment(svc)
    [task] = fetch(svc)
    with pytest.raises(Conflict, match="fraud"):
        ext.handle_bpmn_error(svc, WORKER, task.id, "w1", "fraud")
    ext.complete(svc, WORKER, task.id, "w1", {})
    assert instances.get_instance(svc, ADMIN, instance_id).active_nodes == ["ship"]


# -- extend lock ----------------------------------------------------------------------------------


def test_extend_lock_moves_the_expiry_for_the_holder_while_it_holds(
    svc: Services, clock: Clock
) -> None:
    start_payment(svc)
    [task] = fetch(svc, "w1")
    clock.advance(50)
    extended = ext.extend_lock(svc, WORKER, task.id, "w1", 120)
    assert extended.lock_expires_at == clock.now + timedelta(seconds=120)
    clock.advance(100)
    assert fetch(svc, "w2") == []
    with pytest.raises(Conflict, match="another worker"):
        ext.extend_lock(svc, WORKER, task.id, "w2", 120)
    clock.advance(21)
    with pytest.raises(Conflict, match="expired"):
        ext.extend_lock(svc, WORKER, task.id, "w1", 120)
    with pytest.raises(Invalid, match="newDuration"):
        ext.extend_lock(svc, WORKER, task.id, "w1", 0)


# -- races ---------------------------------------------------------------------------------------


def test_workers_racing_on_fetch_and_lock_never_get_the_same_task(svc: Services) -> None:
    created = {start_payment(svc, n) for n in range(24)}
    got: dict[str, list[int]] = {}
    errors: list[BaseException] = []
    barrier = threading.Barrier(8)

    def work(worker: str) -> None:
        try:
            barrier.wait()
            mine: list[int] = []
            for _ in range(50):
                batch = ext.fetch_and_lock(svc, WORKER, worker, [("charge-card", 600)], 2)
                if not batch:
                    break
                mine.extend(f.instance_id for f in batch)
            got[worker] = mine
        except BaseException as error:  # collected for the assertion below
            errors.append(error)

    threads = [threading.Thread(target=work, args=(f"w{n}",)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    handed_out = [i for mine in got.values() for i in mine]
    assert sorted(handed_out) == sorted(created)  # every task once, none twice


def test_workers_racing_to_complete_one_task_complete_it_once(svc: Services) -> None:
    instance_id = start_payment(svc)
    [task] = fetch(svc, "w1")
    results: list[str] = []
    barrier = threading.Barrier(6)

    def work() -> None:
        barrier.wait()
        try:
            ext.complete(svc, WORKER, task.id, "w1", {})
            results.append("done")
        except (Conflict, NotFound) as error:
            results.append(type(error).__name__)

    threads = [threading.Thread(target=work) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results.count("done") == 1 and len(results) == 6
    assert instances.get_instance(svc, ADMIN, instance_id).active_nodes == ["ship"]
