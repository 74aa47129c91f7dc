"""lanes.services.jobs: acquiring due jobs, running them once, retries, incidents, start timers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from lanes.bpmn import parse
from lanes.engine import commands as cmd
from lanes.services import deployments, instances, tasks
from lanes.services import jobs as job_service
from lanes.services.actor import Actor
from lanes.services.context import Services
from lanes.services.errors import Conflict, Forbidden, Invalid
from lanes.services.external_tasks import list_incidents
from lanes.services.jobs import JobOutcome, acquire_due_jobs, run_job
from lanes.services.runtime import Session
from lanes.store import runtime as repo
from lanes.store.db import Database

ADMIN = Actor("root", admin=True)
ALICE = Actor("alice")

TIMERS = b"""<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"
             xmlns:flowable="http://flowable.org/bpmn"
             targetNamespace="https://lanes.dev/tests">
  <process id="escalation" isExecutable="true">
    <startEvent id="start"/>
    <userTask id="approve" name="Approve"/>
    <boundaryEvent id="too_late" attachedToRef="approve">
      <timerEventDefinition><timeDuration>PT1S</timeDuration></timerEventDefinition>
    </boundaryEvent>
    <boundaryEvent id="remind" attachedToRef="approve" cancelActivity="false">
      <timerEventDefinition><timeCycle>R2/PT10M</timeCycle></timerEventDefinition>
    </boundaryEvent>
    <userTask id="escalate" name="Escalate"/>
    <userTask id="reminder" name="Reminder"/>
    <endEvent id="end"/>
    <endEvent id="end_escalated"/>
    <endEvent id="end_reminded"/>
    <sequenceFlow id="f1" sourceRef="start" targetRef="approve"/>
    <sequenceFlow id="f2" sourceRef="approve" targetRef="end"/>
    <sequenceFlow id="f3" sourceRef="too_late" targetRef="escalate"/>
    <sequenceFlow id="f4" sourceRef="escalate" targetRef="end_escalated"/>
    <sequenceFlow id="f5" sourceRef="remind" targetRef="reminder"/>
    <sequenceFlow id="f6" sourceRef="reminder" targetRef="end_reminded"/>
  </process>
  <process id="patient" isExecutable="true">
    <startEvent id="p_start"/>
    <userTask id="approve_slowly" name="Approve"/>
    <boundaryEvent id="reminder_timer" attachedToRef="approve_slowly" cancelActivity="false">
      <timerEventDefinition><timeCycle>R2/PT10M</timeCycle></timerEventDefinition>
    </boundaryEvent>
    <userTask id="nudge" name="Nudge"/>
    <endEvent id="p_end"/>
    <endEvent id="p_end_nudged"/>
    <sequenceFlow id="p1" sourceRef="p_start" targetRef="approve_slowly"/>
    <sequenceFlow id="p2" sourceRef="approve_slowly" targetRef="p_end"/>
    <sequenceFlow id="p3" sourceRef="reminder_timer" targetRef="nudge"/>
    <sequenceFlow id="p4" sourceRef="nudge" targetRef="p_end_nudged"/>
  </process>
  <process id="wait_until" isExecutable="true">
    <startEvent id="w_start"/>
    <intermediateCatchEvent id="until">
      <timerEventDefinition><timeDate>2020-01-01T00:00:00Z</timeDate></timerEventDefinition>
    </intermediateCatchEvent>
    <userTask id="after_wait" name="After the wait"/>
    <endEvent id="w_end"/>
    <sequenceFlow id="w1" sourceRef="w_start" targetRef="until"/>
    <sequenceFlow id="w2" sourceRef="until" targetRef="after_wait"/>
    <sequenceFlow id="w3" sourceRef="after_wait" targetRef="w_end"/>
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

HOURLY = b"""<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"
             targetNamespace="https://lanes.dev/tests">
  <process id="hourly" isExecutable="true">
    <startEvent id="every_hour">
      <timerEventDefinition><timeCycle>R2/PT1H</timeCycle></timerEventDefinition>
    </startEvent>
    <startEvent id="on_demand"/>
    <userTask id="check" name="Check the %s"/>
    <endEvent id="end"/>
    <sequenceFlow id="f1" sourceRef="every_hour" targetRef="check"/>
    <sequenceFlow id="f0" sourceRef="on_demand" targetRef="check"/>
    <sequenceFlow id="f2" sourceRef="check" targetRef="end"/>
  </process>
</definitions>
"""

ONCE = b"""<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"
             targetNamespace="https://lanes.dev/tests">
  <process id="once" isExecutable="true">
    <startEvent id="at_new_year">
      <timerEventDefinition><timeDate>2032-01-01T00:00:00Z</timeDate></timerEventDefinition>
    </startEvent>
    <userTask id="celebrate"/>
    <endEvent id="end"/>
    <sequenceFlow id="f1" sourceRef="at_new_year" targetRef="celebrate"/>
    <sequenceFlow id="f2" sourceRef="celebrate" targetRef="end"/>
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
    deployments.deploy(services, ADMIN, TIMERS, "timers.bpmn")
    return services


def start(svc: Services, key: str) -> int:
    return instances.start_instance(svc, ALICE, key=key).instance.id


def active(svc: Services, instance_id: int) -> list[str]:
    return instances.get_instance(svc, ADMIN, instance_id).active_nodes


def run_due(svc: Services, owner: str = "test") -> list[JobOutcome]:
    return [run_job(svc, job) for job in acquire_due_jobs(svc, owner, 50, 60)]


def deploy_with_start_timers(svc: Services, resource: bytes) -> int:
    """Deploy, then schedule its timer start events (what deployments.deploy will call)."""
    view = deployments.deploy(svc, ADMIN, resource, "start-timers.bpmn")
    [definition] = view.definitions
    model = parse(resource).processes[definition.key]
    with svc.db.write() as conn:
        row = repo.get_definition(conn, definition.id)
        job_service.schedule_start_timers(svc, conn, row, model)
    return definition.id


@pytest.fixture
def fail_fire_job(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every FireJob raises, as a job whose downstream call breaks would."""
    original = Session.execute

    def execute(self: Session, row: Any, command: cmd.Command) -> Any:
        if isinstance(command, cmd.FireJob):
            raise RuntimeError("the mail server is down")
        return original(self, row, command)

    monkeypatch.setattr(Session, "execute", execute)


# -- timers and async continuations -------------------------------------------------------------


def test_a_boundary_timer_fires_once_due_and_interrupts_its_task(
    svc: Services, clock: Clock
) -> None:
    instance_id = start(svc, "escalation")
    assert run_due(svc) == []  # not due yet
    clock.advance(1)
    assert run_due(svc) == [JobOutcome.FIRED]
    assert active(svc, instance_id) == ["escalate"]
    assert job_service.list_jobs(svc, ADMIN, instance_id=instance_id).total == 0  # both gone


def test_a_repeating_non_interrupting_timer_fires_each_cycle_and_then_stops(
    svc: Services, clock: Clock
) -> None:
    instance_id = start(svc, "patient")
    [pending] = job_service.list_jobs(svc, ADMIN, instance_id=instance_id).items
    assert pending.due_at == clock.now + timedelta(minutes=10)
    clock.advance(600)
    assert run_due(svc) == [JobOutcome.FIRED]
    [following] = job_service.list_jobs(svc, ADMIN, instance_id=instance_id).items
    assert following.due_at == clock.now + timedelta(minutes=10)
    clock.advance(600)
    assert run_due(svc) == [JobOutcome.FIRED]
    assert job_service.list_jobs(svc, ADMIN, instance_id=instance_id).total == 0
    assert active(svc, instance_id) == ["approve_slowly", "nudge", "nudge"]


def test_a_timer_catch_event_with_a_date_in_the_past_fires_at_once(svc: Services) -> None:
    instance_id = start(svc, "wait_until")
    assert active(svc, instance_id) == ["until"]
    assert run_due(svc) == [JobOutcome.FIRED]
    assert active(svc, instance_id) == ["after_wait"]


def test_an_async_continuation_runs_as_a_job(svc: Services) -> None:
    instance_id = start(svc, "later")
    assert tasks.instance_tasks(svc, ADMIN, instance_id) == []
    [job] = job_service.list_jobs(svc, ADMIN, instance_id=instance_id).items
    assert (job.kind, job.node_id, job.retries) == ("async", "work", 3)
    assert run_due(svc) == [JobOutcome.FIRED]
    assert [t.node_id for t in tasks.instance_tasks(svc, ADMIN, instance_id)] == ["work"]


def test_a_job_cancelled_after_it_was_acquired_is_skipped(svc: Services, clock: Clock) -> None:
    instance_id = start(svc, "escalation")
    clock.advance(1)
    acquired = acquire_due_jobs(svc, "slow", 10, 60)
    assert len(acquired) == 1
    [task] = tasks.instance_tasks(svc, ADMIN, instance_id)
    tasks.complete(svc, ADMIN, task.id)  # the token left: its timers were cancelled
    assert [run_job(svc, job) for job in acquired] == [JobOutcome.SKIPPED]
    assert instances.get_instance(svc, ADMIN, instance_id).status == "completed"


def test_jobs_of_a_suspended_instance_wait_until_it_is_activated(svc: Services) -> None:
    instance_id = start(svc, "later")
    instances.set_suspended(svc, ADMIN, instance_id, True)
    assert run_due(svc) == []
    instances.set_suspended(svc, ADMIN, instance_id, False)
    assert run_due(svc) == [JobOutcome.FIRED]


# -- one owner at a time ---------------------------------------------------------------------------


def test_an_acquired_job_belongs_to_its_owner_until_the_lock_expires(
    svc: Services, clock: Clock
) -> None:
    instance_id = start(svc, "later")
    [mine] = acquire_due_jobs(svc, "first", 10, 30)
    assert (mine.lock_owner, mine.lock_expires_at) == ("first", clock.now + timedelta(seconds=30))
    assert acquire_due_jobs(svc, "second", 10, 30) == []
    clock.advance(30)  # "first" died holding it
    [theirs] = acquire_due_jobs(svc, "second", 10, 30)
    assert theirs.id == mine.id
    assert run_job(svc, mine) == JobOutcome.SKIPPED  # "first" woke up too late
    assert run_job(svc, theirs) == JobOutcome.FIRED
    assert [t.node_id for t in tasks.instance_tasks(svc, ADMIN, instance_id)] == ["work"]


def test_released_jobs_can_be_taken_at_once_but_only_the_owner_releases(
    svc: Services, clock: Clock
) -> None:
    start(svc, "later")
    acquired = acquire_due_jobs(svc, "leaving", 10, 300)
    job_service.release_jobs(svc, acquired)
    [taken] = acquire_due_jobs(svc, "staying", 10, 300)
    job_service.release_jobs(svc, acquired)  # no longer "leaving"'s: left alone
    assert acquire_due_jobs(svc, "third", 10, 300) == []
    assert run_job(svc, taken) == JobOutcome.FIRED


def test_acquire_refuses_a_bad_owner(svc: Services) -> None:
    with pytest.raises(Invalid):
        acquire_due_jobs(svc, "", 10, 30)
    with pytest.raises(Invalid):
        acquire_due_jobs(svc, "x" * 65, 10, 30)


# -- failures ------------------------------------------------------------------------------------


@pytest.mark.usefixtures("fail_fire_job")
def test_a_failing_job_retries_with_back_off_then_parks_its_token_in_an_incident(
    svc: Services, clock: Clock
) -> None:
    instance_id = start(svc, "later")
    assert run_due(svc) == [JobOutcome.RETRY]
    [job] = job_service.list_jobs(svc, ADMIN, instance_id=instance_id).items
    assert (job.retries, job.due_at) == (2, clock.now + timedelta(seconds=10))
    assert job.error == "RuntimeError: the mail server is down"
    assert job.lock_owner is None
    clock.advance(9)
    assert run_due(svc) == []
    clock.advance(1)
    assert run_due(svc) == [JobOutcome.RETRY]
    [job] = job_service.list_jobs(svc, ADMIN, instance_id=instance_id).items
    assert (job.retries, job.due_at) == (1, clock.now + timedelta(seconds=20))
    clock.advance(20)
    assert run_due(svc) == [JobOutcome.INCIDENT]
    clock.advance(3600)
    assert run_due(svc) == []  # out of retries
    [job] = job_service.list_jobs(svc, ADMIN, instance_id=instance_id, failed=True).items
    assert job.retries == 0
    [incident] = list_incidents(svc, ADMIN, instance_id=instance_id).items
    assert (incident.kind, incident.node_id) == ("job", "work")
    assert "the mail server is down" in incident.message
    assert active(svc, instance_id) == ["work"]  # the token shows the incident
    assert tasks.instance_tasks(svc, ADMIN, instance_id) == []


@pytest.mark.usefixtures("fail_fire_job")
def test_a_failing_boundary_timer_records_an_incident_and_leaves_the_task_open(
    svc: Services, clock: Clock
) -> None:
    instance_id = start(svc, "escalation")
    clock.advance(1)
    outcomes: list[JobOutcome] = []
    for _ in range(10):
        outcomes += run_due(svc)
        clock.advance(3600)
    assert outcomes == [JobOutcome.RETRY] * 4 + [JobOutcome.INCIDENT] * 2  # two timers
    incidents = list_incidents(svc, ADMIN, instance_id=instance_id).items
    assert sorted((i.kind, i.node_id) for i in incidents) == [
        ("job", "remind"),
        ("job", "too_late"),
    ]
    [task] = tasks.instance_tasks(svc, ADMIN, instance_id, open_only=True)
    assert task.node_id == "approve"
    tasks.complete(svc, ADMIN, task.id)  # the case goes on; its failed timers go with it
    assert instances.get_instance(svc, ADMIN, instance_id).status == "completed"
    assert job_service.list_jobs(svc, ADMIN, instance_id=instance_id).total == 0


def test_retry_delay_doubles_and_is_capped() -> None:
    assert job_service.retry_delay(3) == timedelta(seconds=10)
    assert job_service.retry_delay(2) == timedelta(seconds=20)
    assert job_service.retry_delay(1) == timedelta(seconds=40)
    assert job_service.retry_delay(-20) == timedelta(hours=1)


# -- timer start events --------------------------------------------------------------------------


def test_a_timer_start_event_starts_an_instance_each_cycle(svc: Services, clock: Clock) -> None:
    definition_id = deploy_with_start_timers(svc, HOURLY % b"pumps")
    [job] = job_service.list_jobs(svc, ADMIN, definition_id=definition_id).items
    assert (job.kind, job.node_id, job.instance_id) == ("start-timer", "every_hour", None)
    assert job.due_at == clock.now + timedelta(hours=1)
    clock.advance(3600)
    assert run_due(svc) == [JobOutcome.FIRED]
    [job] = job_service.list_jobs(svc, ADMIN, definition_id=definition_id).items
    assert job.due_at == clock.now + timedelta(hours=1)
    clock.advance(3600)
    assert run_due(svc) == [JobOutcome.FIRED]
    assert job_service.list_jobs(svc, ADMIN, definition_id=definition_id).total == 0  # R2: done
    started = instances.list_instances(svc, ADMIN, process_key="hourly").items
    assert len(started) == 2
    assert all(i.active_nodes == ["check"] and i.started_by is None for i in started)


def test_a_new_version_replaces_the_start_timers_of_the_old_one(
    svc: Services, clock: Clock
) -> None:
    first = deploy_with_start_timers(svc, HOURLY % b"pumps")
    second = deploy_with_start_timers(svc, HOURLY % b"valves")
    assert job_service.list_jobs(svc, ADMIN, definition_id=first).total == 0
    assert job_service.list_jobs(svc, ADMIN, definition_id=second).total == 1
    clock.advance(3600)
    assert run_due(svc) == [JobOutcome.FIRED]
    [started] = instances.list_instances(svc, ADMIN, process_key="hourly").items
    assert started.definition_id == second


def test_a_timer_start_date_fires_once_and_not_while_suspended(svc: Services, clock: Clock) -> None:
    definition_id = deploy_with_start_timers(svc, ONCE)
    deployments.set_definition_suspended(svc, ADMIN, definition_id, True)
    clock.now = datetime(2032, 1, 1, tzinfo=UTC)
    assert run_due(svc) == []
    deployments.set_definition_suspended(svc, ADMIN, definition_id, False)
    assert run_due(svc) == [JobOutcome.FIRED]
    assert job_service.list_jobs(svc, ADMIN, definition_id=definition_id).total == 0
    assert instances.list_instances(svc, ADMIN, process_key="once").total == 1


def test_a_start_timer_that_cannot_be_scheduled_refuses_the_deployment(svc: Services) -> None:
    bad = ONCE.replace(b"2032-01-01T00:00:00Z", b"next tuesday")
    with pytest.raises(Invalid, match="at_new_year"):
        deploy_with_start_timers(svc, bad)


# -- operators ----------------------------------------------------------------------------------


def test_fire_now_makes_a_pending_job_due_at_once(svc: Services, clock: Clock) -> None:
    instance_id = start(svc, "patient")
    [job] = job_service.list_jobs(svc, ADMIN, instance_id=instance_id).items
    assert run_due(svc) == []
    assert job_service.fire_now(svc, ADMIN, job.id).due_at == clock.now
    assert run_due(svc) == [JobOutcome.FIRED]
    with pytest.raises(Forbidden):
        job_service.fire_now(svc, ALICE, job.id)
    with pytest.raises(Forbidden):
        job_service.list_jobs(svc, ALICE)


@pytest.mark.usefixtures("fail_fire_job")
def test_fire_now_refuses_a_job_out_of_retries(svc: Services, clock: Clock) -> None:
    instance_id = start(svc, "later")
    for _ in range(3):
        run_due(svc)
        clock.advance(3600)
    [job] = job_service.list_jobs(svc, ADMIN, instance_id=instance_id).items
    with pytest.raises(Conflict, match="no retries"):
        job_service.fire_now(svc, ADMIN, job.id)
