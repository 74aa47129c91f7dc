"""lanes.jobs.JobExecutor: the background thread, several executors on one database,
and jobs coming back after an executor dies holding them."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

import pytest

from lanes.jobs import JobExecutor
from lanes.services import deployments, instances, tasks
from lanes.services import jobs as job_service
from lanes.services.actor import Actor
from lanes.services.context import Services
from lanes.services.jobs import JobOutcome
from lanes.store.db import Database

ADMIN = Actor("root", admin=True)
ALICE = Actor("alice")

MODELS = b"""<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"
             xmlns:flowable="http://flowable.org/bpmn"
             targetNamespace="https://lanes.dev/tests">
  <process id="escalation" isExecutable="true">
    <startEvent id="start"/>
    <userTask id="approve" name="Approve"/>
    <boundaryEvent id="too_late" attachedToRef="approve">
      <timerEventDefinition><timeDuration>PT1S</timeDuration></timerEventDefinition>
    </boundaryEvent>
    <userTask id="escalate" name="Escalate"/>
    <endEvent id="end"/>
    <endEvent id="end_escalated"/>
    <sequenceFlow id="f1" sourceRef="start" targetRef="approve"/>
    <sequenceFlow id="f2" sourceRef="approve" targetRef="end"/>
    <sequenceFlow id="f3" sourceRef="too_late" targetRef="escalate"/>
    <sequenceFlow id="f4" sourceRef="escalate" targetRef="end_escalated"/>
  </process>
  <process id="later" isExecutable="true">
    <startEvent id="l_start"/>
    <userTask id="work" name="Work" flowable:async="true"/>
    <endEvent id="l_end"/>
    <sequenceFlow id="l1" sourceRef="l_start" targetRef="work"/>
    <sequenceFlow id="l2" sourceRef="work" targetRef="l_end"/>
  </process>
</definitions>
"""

WAIT_LIMIT_SECONDS = 60.0  # a bound for polling loops, never an assertion


class Clock:
    """A clock the test moves by hand (thread-safe enough: one writer)."""

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
    deployments.deploy(services, ADMIN, MODELS, "models.bpmn")
    return services


@pytest.fixture
def second_svc(database_url: str, clock: Clock) -> Iterator[Services]:
    """Another process's view of the same database: its own connections and model cache."""
    db = Database(database_url)
    try:
        yield Services(db, clock=clock)
    finally:
        db.dispose()


def wait_until(condition: Callable[[], bool]) -> None:
    deadline = time.monotonic() + WAIT_LIMIT_SECONDS
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("the condition did not hold in time")
        time.sleep(0.01)


def pending_jobs(svc: Services) -> int:
    return job_service.list_jobs(svc, ADMIN).total


def test_the_executor_thread_fires_a_timer_once_it_is_due(svc: Services, clock: Clock) -> None:
    instance_id = instances.start_instance(svc, ALICE, key="escalation").instance.id
    executor = JobExecutor(svc, poll_seconds=0.02, owner="only")
    executor.start()
    try:
        assert executor.running
        clock.advance(1)
        executor.wake()
        wait_until(lambda: executor.count(JobOutcome.FIRED) == 1)
    finally:
        executor.stop()
    assert not executor.running
    assert instances.get_instance(svc, ADMIN, instance_id).active_nodes == ["escalate"]


def test_run_once_runs_async_continuations_and_reports_how_many_it_took(svc: Services) -> None:
    started = [instances.start_instance(svc, ALICE, key="later").instance.id for _ in range(3)]
    executor = JobExecutor(svc, owner="tester", batch_size=2)
    assert executor.run_once() == 2
    assert executor.run_once() == 1
    assert executor.run_once() == 0
    assert executor.count(JobOutcome.FIRED) == 3
    for instance_id in started:
        assert [t.node_id for t in tasks.instance_tasks(svc, ADMIN, instance_id)] == ["work"]


def test_two_executors_on_one_database_run_each_job_once(
    svc: Services, second_svc: Services
) -> None:
    started = [instances.start_instance(svc, ALICE, key="later").instance.id for _ in range(40)]
    executors = [
        JobExecutor(svc, poll_seconds=0.01, owner="process-a", batch_size=3),
        JobExecutor(second_svc, poll_seconds=0.01, owner="process-b", batch_size=3),
    ]
    for executor in executors:
        executor.start()
    try:
        wait_until(lambda: pending_jobs(svc) == 0)
    finally:
        for executor in executors:
            executor.stop()
    assert sum(e.count(JobOutcome.FIRED) for e in executors) == 40
    assert sum(e.count(JobOutcome.SKIPPED) for e in executors) == 0
    for instance_id in started:
        assert len(tasks.instance_tasks(svc, ADMIN, instance_id)) == 1


def test_executors_racing_poll_for_poll_never_share_a_job(
    svc: Services, second_svc: Services
) -> None:
    for _ in range(30):
        instances.start_instance(svc, ALICE, key="later")
    executors = [
        JobExecutor(svc, owner="a1", batch_size=2),
        JobExecutor(svc, owner="a2", batch_size=2),
        JobExecutor(second_svc, owner="b1", batch_size=2),
        JobExecutor(second_svc, owner="b2", batch_size=2),
    ]
    barrier = threading.Barrier(len(executors))
    errors: list[BaseException] = []

    def drain(executor: JobExecutor) -> None:
        try:
            barrier.wait()
            while executor.run_once():
                pass
        except BaseException as error:  # collected for the assertion below
            errors.append(error)

    threads = [threading.Thread(target=drain, args=(e,)) for e in executors]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sum(e.count(JobOutcome.FIRED) for e in executors) == 30
    assert sum(sum(e.outcomes.values()) for e in executors) == 30
    assert pending_jobs(svc) == 0


def test_a_dead_executors_jobs_come_back_when_their_locks_expire(
    svc: Services, second_svc: Services, clock: Clock
) -> None:
    instance_id = instances.start_instance(svc, ALICE, key="later").instance.id
    # the first process acquires the job, then dies before running it
    assert len(job_service.acquire_due_jobs(svc, "crashed", 10, 300)) == 1
    survivor = JobExecutor(second_svc, owner="survivor", lock_seconds=300)
    assert survivor.run_once() == 0
    clock.advance(299)
    assert survivor.run_once() == 0
    clock.advance(1)
    assert survivor.run_once() == 1
    assert survivor.count(JobOutcome.FIRED) == 1
    assert [t.node_id for t in tasks.instance_tasks(svc, ADMIN, instance_id)] == ["work"]


def test_an_executor_starts_once_and_stops_cleanly(svc: Services) -> None:
    executor = JobExecutor(svc, poll_seconds=5)
    assert executor.owner  # a generated, unique owner name
    assert executor.owner != JobExecutor(svc).owner
    executor.start()
    with pytest.raises(RuntimeError):
        executor.start()
    executor.stop()  # wakes the sleeping thread instead of waiting the poll out
    assert not executor.running


def test_an_executor_told_to_stop_hands_back_the_jobs_it_acquired(
    svc: Services, second_svc: Services
) -> None:
    instances.start_instance(svc, ALICE, key="later")
    leaving = JobExecutor(svc, owner="leaving")
    leaving.stop()  # as if stop() came while it was polling
    assert leaving.run_once() == 1
    assert sum(leaving.outcomes.values()) == 0  # it ran nothing
    other = JobExecutor(second_svc, owner="other")
    assert other.run_once() == 1  # no need to wait for the lock to expire
    assert other.count(JobOutcome.FIRED) == 1
