"""Corpus run scenarios: one model file, the commands that drive it, and the path it must take.

Each `Scenario` is data. `test_corpus_runs.py` drives it through `lanes.embedded.Engine` and
compares `inst.visited` (node ids in order of entry) with `expected_path`. Paths were worked out
by hand from the XML under the semantics of the dialect the file was written for (Activiti 6/7,
Flowable 6/7, Camunda 7):

- a node is recorded each time a token enters it: start events, gateways (a join on every
  arrival), boundary events when they fire, a subprocess before its inner nodes, end events;
- a multi-instance activity is recorded once per instance (no extra entry for the body);
- the nodes of a call activity's child appear in the child's own `visited`;
- a default flow is taken only when no other outgoing condition holds.

Where parallel branches make the order of entries within one step an engine choice, the path
holds an `Unordered(...)` group: those nodes, consecutively, in any order. This module must not
import lanes: it is plain data, readable without the engine.
"""

from __future__ import annotations

import csv
import os
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

# --------------------------------------------------------------------------------------------
# Where the corpus lives
# --------------------------------------------------------------------------------------------


def corpus_dir() -> Path:
    """The shared corpus folder: `$LANES_CORPUS_DIR`, else `../shared/corpus` beside the repo."""
    override = os.environ.get("LANES_CORPUS_DIR")
    if override:
        return Path(override)
    return Path(__file__).parents[2].parent / "shared" / "corpus"


@dataclass(frozen=True)
class ManifestRow:
    path: str
    runnable: bool
    notes: str


def read_manifest(directory: Path | None = None) -> list[ManifestRow]:
    """The rows of MANIFEST.tsv (path, runnable_without_code, notes)."""
    manifest = (directory or corpus_dir()) / "MANIFEST.tsv"
    with manifest.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    return [
        ManifestRow(row["path"], row["runnable_without_code"] == "yes", row["notes"])
        for row in rows
    ]


# --------------------------------------------------------------------------------------------
# Steps
# --------------------------------------------------------------------------------------------

Vars = Mapping[str, Any]


@dataclass(frozen=True)
class Complete:
    """Complete the open user task at `node_id` (the first one listed if several are open)."""

    node_id: str
    variables: Vars = field(default_factory=dict)


@dataclass(frozen=True)
class Message:
    """Deliver a message to this instance's subscription."""

    name: str
    variables: Vars = field(default_factory=dict)


@dataclass(frozen=True)
class Signal:
    """Throw a signal at this instance."""

    name: str


@dataclass(frozen=True)
class AdvanceClock:
    """Move the engine clock forward; due timers fire in order."""

    delta: timedelta


@dataclass(frozen=True)
class Trigger:
    """Trigger a waiting receive task."""

    node_id: str
    variables: Vars = field(default_factory=dict)


@dataclass(frozen=True)
class SetVariables:
    """Set process variables (may fire conditional events)."""

    variables: Vars


@dataclass(frozen=True)
class ThrowError:
    """Raise a BPMN error from the open user task at `node_id`."""

    node_id: str
    code: str


@dataclass(frozen=True)
class Escalate:
    """Raise a BPMN escalation from the open user task at `node_id`."""

    node_id: str
    code: str


@dataclass(frozen=True)
class StartByMessage:
    """Only as the first step: start the instance through its message start event."""

    name: str
    variables: Vars = field(default_factory=dict)


@dataclass(frozen=True)
class ExpectActive:
    """Not a command: a checkpoint that tokens wait exactly at `nodes` (e.g. a timer not yet
    due). The final path alone cannot show that a timer fired no earlier than it should."""

    nodes: tuple[str, ...]

    def __init__(self, *nodes: str) -> None:
        object.__setattr__(self, "nodes", nodes)


@dataclass(frozen=True)
class InChild:
    """Apply `step` to the running child instance of a call activity."""

    step: Step


Step = (
    Complete
    | Message
    | Signal
    | AdvanceClock
    | Trigger
    | SetVariables
    | ThrowError
    | Escalate
    | StartByMessage
    | ExpectActive
    | InChild
)


@dataclass(frozen=True)
class Unordered:
    """Consecutive path entries whose order is the engine's choice (parallel branches)."""

    nodes: tuple[str, ...]

    def __init__(self, *nodes: str) -> None:
        object.__setattr__(self, "nodes", nodes)


PathItem = str | Unordered


@dataclass(frozen=True)
class Scenario:
    name: str
    file: str
    steps: tuple[Step, ...]
    expected_path: tuple[PathItem, ...] | None = None
    # Only where even grouping per step cannot state the order; a multiset of node ids.
    expected_nodes: Counter[str] | None = None
    process: str | None = None
    start_variables: Vars = field(default_factory=dict)
    # `user=` given to Engine.start: feeds `initiator` attributes.
    user: str | None = "kermit"
    expect_ended: bool = True
    # Checked when given: inst.active_nodes() at the end (sorted).
    expected_active: tuple[str, ...] | None = None
    # Node ids of the incidents expected at the end (none by default).
    expected_incidents: tuple[str, ...] = ()
    # Other corpus files (same folder) to deploy first: call-activity callees.
    callees: tuple[str, ...] = ()
    # `visited` of each call-activity child, in order of creation.
    expected_child_paths: tuple[tuple[str, ...], ...] | None = None
    # Process variables that must hold these values at the end (a subset check).
    expected_variables: Vars = field(default_factory=dict)
    # Set when lanes is known to deviate from the dialect here: the runs are strict xfails,
    # so the fix turns them into failures that ask for this mark to go.
    engine_bug: str | None = None


# A fixed start time for every run; timer dates in variables are relative to it.
T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def times(n: int, *items: PathItem) -> tuple[PathItem, ...]:
    return tuple(items) * n


def repeat(n: int, step: Step) -> tuple[Step, ...]:
    return (step,) * n


U = Unordered
MIN = timedelta(minutes=1)

# The tables below keep a path's logical groups on one line; the formatter would put every
# node id on its own line.
# fmt: off

# --------------------------------------------------------------------------------------------
# activiti/
# --------------------------------------------------------------------------------------------

_NI = "activiti/Activiti6Test.testNonInterruptingMoreComplex2.bpmn20.xml"
_NI_START = "sid-4EE6BBAE-E5AC-4DEB-AE43-C8732945403F"
_NI_TIMER_A = "sid-A1F1D200-DCC6-44AB-964D-162F594A1724"  # non-interrupting, on taskA
_NI_TIMER_B = "sid-DC4DD5EF-F7F2-4FB3-A26F-75AC52593F0C"  # interrupting, on taskB
_NI_XOR = "sid-3C9987C3-A192-47B4-A151-1A2BF6731DB1"
_NI_END = "sid-540A205A-9797-4241-976D-FC1C3F1054A7"

_BT = "activiti/BoundaryTimerEventTest.testBoundaryTimerEvent.bpmn20.xml"
_BT_START = "sid-BB0C0E7C-0F30-4561-A800-158C480FC2C3"
_BT_XOR = "sid-3897D60D-5FDB-4477-94DA-EB005A6B66BE"
_BT_VARS = {"doctor": "gonzo", "patient": "kermit"}  # first_task assignee is ${patient}

ACTIVITI: list[Scenario] = [
    Scenario(
        "activiti/nonInterruptingMoreComplex2/complete-before-timers",
        _NI,
        steps=(Complete("taskA"), Complete("taskB")),
        # join1 (inclusive) fires at once: taskB's token cannot reach it, only join2.
        expected_path=(
            _NI_START, "fork1", U("taskA", "taskB"),
            "join1", "join2",
            _NI_XOR, "join2", _NI_END,
        ),
    ),
    Scenario(
        "activiti/nonInterruptingMoreComplex2/both-timers-fire",
        _NI,
        steps=(
            AdvanceClock(6 * MIN),  # both PT5M timers: A's keeps taskA, B's cancels taskB
            Complete("taskE"),
            Complete("taskF"),
            Complete("taskC"),
            Complete("taskA"),
            Complete("taskD"),  # D's own PT5M timer was set at minute 5-6: never due
        ),
        expected_path=(
            _NI_START, "fork1", U("taskA", "taskB"),
            # two timers due at the same instant: which fires first is the engine's choice
            U(_NI_TIMER_A, "fork2", "taskD", "taskC", _NI_TIMER_B, "fork3", "taskE", "taskF"),
            "join3",  # waits for taskF
            "join3", _NI_XOR, "join2",  # join2 waits for join1
            "join1",  # waits: taskA and taskD can still arrive
            "join1",  # waits: taskD can still arrive
            "join1", "join2", _NI_END,
        ),
    ),
    Scenario(
        "activiti/nonInterruptingMoreComplex2/timer-on-taskD-fires-too",
        _NI,
        steps=(
            AdvanceClock(6 * MIN),
            ExpectActive("taskA", "taskC", "taskD", "taskE", "taskF"),
            AdvanceClock(6 * MIN),  # taskD's own non-interrupting PT5M timer
            Complete("taskG"),
            Complete("taskE"),
            Complete("taskF"),
            Complete("taskC"),
            Complete("taskA"),
            Complete("taskD"),
        ),
        expected_path=(
            _NI_START, "fork1", U("taskA", "taskB"),
            U(_NI_TIMER_A, "fork2", "taskD", "taskC", _NI_TIMER_B, "fork3", "taskE", "taskF"),
            "sid-A8E37A3C-0556-4C3D-849D-C0B2670E9B33", "taskG",
            "sid-B956592B-3523-4AEE-8859-7E15190DF6A3",  # that branch ends; the rest runs on
            "join3", "join3", _NI_XOR, "join2",
            "join1", "join1", "join1", "join2", _NI_END,
        ),
    ),
    Scenario(
        "activiti/boundaryTimerEvent/consult-yes",
        _BT,
        start_variables=_BT_VARS,
        steps=(AdvanceClock(9 * MIN), Complete("first_task", {"consult": "yes"})),
        expected_path=(
            _BT_START, "first_task", _BT_XOR, "sid-E06054CE-7882-4839-922F-8CC0521C56F0",
        ),
    ),
    Scenario(
        "activiti/boundaryTimerEvent/consult-no",
        _BT,
        start_variables=_BT_VARS,
        steps=(Complete("first_task", {"consult": "no"}),),
        expected_path=(
            _BT_START, "first_task", _BT_XOR, "sid-1084D551-6963-4A5B-B32E-F1C9415B8164",
        ),
    ),
    Scenario(
        "activiti/boundaryTimerEvent/timer-fires",
        _BT,
        start_variables=_BT_VARS,
        steps=(AdvanceClock(11 * MIN), Complete("sceond_task")),
        expected_path=(
            _BT_START, "first_task",
            "sid-02ED4884-A593-4767-A7A7-1DD2B047248C", "sceond_task",
            "sid-47C35172-EC6A-4148-90EC-35663BFE66C9",
        ),
    ),
    # The catch events after an event-based gateway are entered only when their event occurs.
    Scenario(
        "activiti/eventBasedGateway/signal",
        "activiti/EventBasedGatewayTest.testCatchAlertAndTimer.bpmn20.xml",
        steps=(AdvanceClock(timedelta(seconds=9)), Signal("alert"), Complete("task2")),
        expected_path=("start", "gw1", "signalEvent", "task2", "end"),
    ),
    Scenario(
        "activiti/eventBasedGateway/timer",
        "activiti/EventBasedGatewayTest.testCatchAlertAndTimer.bpmn20.xml",
        steps=(AdvanceClock(timedelta(seconds=11)), Complete("task1")),
        expected_path=("start", "gw1", "timerEvent", "task1", "end"),
    ),
    Scenario(
        "activiti/financialReport",
        "activiti/FinancialReportProcess.bpmn20.xml",
        steps=(Complete("writeReportTask"), Complete("verifyReportTask")),
        expected_path=("theStart", "writeReportTask", "verifyReportTask", "theEnd"),
    ),
    # Both conditions are `${execution.getVariable('var1') != null}`; flow2 is the default, so
    # its condition is ignored and it is taken only when flow3's is false.
    Scenario(
        "activiti/inclusiveDefaultFlow/default-only",
        "activiti/InclusiveGatewayTest.defaultFlowTest.bpmn20.xml",
        steps=(Complete("usertask1"),),
        expected_path=("startevent1", "inclusivegateway1", "usertask1", "endevent1"),
    ),
    Scenario(
        "activiti/inclusiveDefaultFlow/condition-true",
        "activiti/InclusiveGatewayTest.defaultFlowTest.bpmn20.xml",
        start_variables={"var1": "true"},
        steps=(Complete("usertask2"),),
        expected_path=("startevent1", "inclusivegateway1", "usertask2", "endevent1"),
    ),
    Scenario(
        "activiti/initiator",
        "activiti/InitiatorTest.testInitiator.bpmn20.xml",
        steps=(Complete("theTask"),),  # assignee ${initiator}: needs user= at start
        expected_path=("start", "theTask", "theEnd"),
        expected_variables={"initiator": "kermit"},
    ),
    Scenario(
        "activiti/intermediateTimer",
        "activiti/IntermediateTimerEventTest.testCatchingTimerEvent.bpmn20.xml",
        steps=(AdvanceClock(4 * MIN), ExpectActive("timer"), AdvanceClock(2 * MIN)),
        expected_path=("theStart", "timer", "theEnd"),
    ),
    Scenario(
        "activiti/miSequentialUserTasks/all-3",
        "activiti/MultiInstanceTest.sequentialUserTasks.bpmn20.xml",
        start_variables={"nrOfLoops": 3},
        steps=repeat(3, Complete("miTasks")),
        expected_path=("theStart", *times(3, "miTasks"), "theEnd"),
    ),
    Scenario(
        "activiti/miSequentialUserTasks/completion-condition-at-5-of-6",
        "activiti/MultiInstanceTest.sequentialUserTasks.bpmn20.xml",
        start_variables={"nrOfLoops": 6},
        steps=repeat(5, Complete("miTasks")),
        expected_path=("theStart", *times(5, "miTasks"), "theEnd"),
    ),
    Scenario(
        "activiti/miSequentialUserTasks/boundary-timer",
        "activiti/MultiInstanceTest.sequentialUserTasks.bpmn20.xml",
        start_variables={"nrOfLoops": 3},
        # The PT2H timer sits on the whole MI activity; it interrupts the second instance.
        # taskAfterTimer has no outgoing flow: its token ends there (implicit end).
        steps=(Complete("miTasks"), AdvanceClock(timedelta(hours=2, minutes=1)),
               Complete("taskAfterTimer")),
        expected_path=("theStart", "miTasks", "miTasks", "timer", "taskAfterTimer"),
    ),
    Scenario(
        "activiti/miNestedMultiInstanceTasks",
        "activiti/MultiInstanceTest.testNestedMultiInstanceTasks.bpmn20.xml",
        start_variables={"subProcesses": ["sp1", "sp2"], "assignees": ["kermit", "gonzo"]},
        steps=repeat(4, Complete("miTasks")),
        expected_path=(
            "theStart",
            # 2 parallel subprocess instances, each with 2 parallel task instances
            U(*times(2, "subprocess1", "startevent1", "miTasks", "miTasks")),
            "endevent1", "endevent1", "theEnd",
        ),
    ),
    Scenario(
        "activiti/miParallelSubprocessCompletionCondition",
        "activiti/MultiInstanceTest.testParallelSubProcessCompletionCondition.bpmn20.xml",
        # Completes the first-listed task one and task two, taken to be of the same (first)
        # subprocess instance; its end satisfies nrOfCompletedInstances == 1 and the other
        # instance is cancelled.
        steps=(Complete("subProcessTask1"), Complete("subProcessTask2")),
        expected_path=(
            "theStart",
            U(*times(2, "miSubProcess", "subProcessStart", "subProcessFork",
                     "subProcessTask1", "subProcessTask2")),
            "join", "join", "subProcessEnd", "theEnd",
        ),
    ),
    # skipExpression="${execution.getVariable('skip')}": honoured only with the enabling flag.
    Scenario(
        "activiti/skipExpressionUserTask/skipped",
        "activiti/SkipExpressionUserTaskTest.test.bpmn20.xml",
        start_variables={"_ACTIVITI_SKIP_EXPRESSION_ENABLED": True, "skip": True},
        steps=(),
        expected_path=("theStart", "userTask1", "theEnd"),
    ),
    Scenario(
        "activiti/skipExpressionUserTask/enabled-not-skipped",
        "activiti/SkipExpressionUserTaskTest.test.bpmn20.xml",
        start_variables={"_ACTIVITI_SKIP_EXPRESSION_ENABLED": True, "skip": False},
        steps=(Complete("userTask1"),),
        expected_path=("theStart", "userTask1", "theEnd"),
    ),
    Scenario(
        "activiti/skipExpressionUserTask/flag-absent",
        "activiti/SkipExpressionUserTaskTest.test.bpmn20.xml",
        start_variables={"skip": True},
        steps=(Complete("userTask1"),),
        expected_path=("theStart", "userTask1", "theEnd"),
    ),
    Scenario(
        "activiti/terminateEnd/terminate-first",
        "activiti/TerminateEndEventTest.testProcessTerminate.bpmn",
        steps=(Complete("preTerminateTask"),),
        expected_path=(
            "start", "ParallelGateway_1", U("preTerminateTask", "preNormalTerminateTask"),
            "EndEvent_2",
        ),
    ),
    Scenario(
        "activiti/terminateEnd/normal-end-first",
        "activiti/TerminateEndEventTest.testProcessTerminate.bpmn",
        steps=(Complete("preNormalTerminateTask"), Complete("preTerminateTask")),
        expected_path=(
            "start", "ParallelGateway_1", U("preTerminateTask", "preNormalTerminateTask"),
            "EndEvent_1", "EndEvent_2",
        ),
    ),
]

_VR_VARS = {"numberOfDays": 3, "startDate": "05-01-2026 09:00", "vacationMotivation": "rest"}

ACTIVITI += [
    Scenario(
        "activiti/vacationRequest/approved",
        "activiti/VacationRequest.bpmn20.xml",
        start_variables=_VR_VARS,
        steps=(Complete("handleRequest", {"vacationApproved": "true", "managerMotivation": ""}),),
        expected_path=(
            "request", "handleRequest", "requestApprovedDecision", "sendApprovalMail", "theEnd1",
        ),
    ),
    Scenario(
        "activiti/vacationRequest/rejected-resent-approved",
        "activiti/VacationRequest.bpmn20.xml",
        start_variables=_VR_VARS,
        steps=(
            Complete("handleRequest", {"vacationApproved": "false", "managerMotivation": "no"}),
            Complete("adjustVacationRequestTask", {"resendRequest": "true", "numberOfDays": 2}),
            Complete("handleRequest", {"vacationApproved": "true"}),
        ),
        expected_path=(
            "request", "handleRequest", "requestApprovedDecision",
            "adjustVacationRequestTask", "resendRequestDecision",
            "handleRequest", "requestApprovedDecision", "sendApprovalMail", "theEnd1",
        ),
    ),
    Scenario(
        "activiti/vacationRequest/rejected-given-up",
        "activiti/VacationRequest.bpmn20.xml",
        start_variables=_VR_VARS,
        steps=(
            Complete("handleRequest", {"vacationApproved": "false"}),
            Complete("adjustVacationRequestTask", {"resendRequest": "false"}),
        ),
        expected_path=(
            "request", "handleRequest", "requestApprovedDecision",
            "adjustVacationRequestTask", "resendRequestDecision", "theEnd2",
        ),
    ),
    # input == 1 and input <= 2 overlap: input=1 takes two branches.
    Scenario(
        "activiti/basicInclusiveGateway/input-1",
        "activiti/basic-Inclusive-gateway.bpmn20.xml",
        steps=(Complete("task0", {"input": 1}), Complete("theTask1"), Complete("theTask2")),
        expected_path=(
            "theStart", "task0", "inclusiveGateway", U("theTask1", "theTask2"),
            "inclusiveGatewayEnd", "inclusiveGatewayEnd", "theEnd",
        ),
    ),
    Scenario(
        "activiti/basicInclusiveGateway/input-2",
        "activiti/basic-Inclusive-gateway.bpmn20.xml",
        steps=(Complete("task0", {"input": 2}), Complete("theTask2")),
        expected_path=(
            "theStart", "task0", "inclusiveGateway", "theTask2", "inclusiveGatewayEnd", "theEnd",
        ),
    ),
    Scenario(
        "activiti/basicInclusiveGateway/input-3",
        "activiti/basic-Inclusive-gateway.bpmn20.xml",
        steps=(Complete("task0", {"input": 3}), Complete("theTask3")),
        expected_path=(
            "theStart", "task0", "inclusiveGateway", "theTask3", "inclusiveGatewayEnd", "theEnd",
        ),
    ),
    Scenario(
        "activiti/basicExclusiveGateway",
        "activiti/basic-exclusive-gateway.bpmn20.xml",
        steps=(Complete("Task_1fhojlw"), Complete("Task_0pbjier")),  # ${true} vs ${false}
        expected_path=(
            "StartEvent_1", "Task_1fhojlw", "ExclusiveGateway_1ri35t5", "Task_0pbjier",
            "EndEvent_16qpwr2",
        ),
    ),
    Scenario(
        "activiti/basicParallelGateway",
        "activiti/basic-parallel-gateway.bpmn20.xml",
        steps=(Complete("Task_1p6c1pp"), Complete("Task_099d84c"), Complete("Task_0ufr8ss")),
        expected_path=(
            "StartEvent_1", "Task_1p6c1pp", "ExclusiveGateway_11w4myo",
            U("Task_099d84c", "Task_0ufr8ss"),
            "EndEvent_16pls2w", "EndEvent_149gax9",
        ),
    ),
    Scenario(
        "activiti/checkCreditProcess/approved",
        "activiti/checkCreditProcess.bpmn20.xml",
        steps=(Complete("verifyCreditHistoryTask", {"creditApproved": True}),),
        expected_path=("theStart", "verifyCreditHistoryTask", "approvalDecision", "normalEnd"),
    ),
    Scenario(
        "activiti/checkCreditProcess/not-approved",
        "activiti/checkCreditProcess.bpmn20.xml",
        steps=(
            Complete("verifyCreditHistoryTask", {"creditApproved": False}),
            Complete("contactCustomerTask"),
        ),
        expected_path=(
            "theStart", "verifyCreditHistoryTask", "approvalDecision",
            "contactCustomerTask", "customerContactedEnd",
        ),
    ),
    Scenario(
        "activiti/orderProcess/credit-approved",
        "activiti/orderProcess.bpmn20.xml",
        callees=("activiti/checkCreditProcess.bpmn20.xml",),
        steps=(
            InChild(Complete("verifyCreditHistoryTask", {"creditApproved": True})),
            Complete("prepareAndShipTask"),
        ),
        expected_path=(
            "theStart", "receiveOrder", "callCheckCreditProcess", "prepareAndShipTask", "theEnd",
        ),
        expected_child_paths=(
            ("theStart", "verifyCreditHistoryTask", "approvalDecision", "normalEnd"),
        ),
    ),
    Scenario(
        "activiti/orderProcess/credit-not-approved",
        "activiti/orderProcess.bpmn20.xml",
        callees=("activiti/checkCreditProcess.bpmn20.xml",),
        steps=(
            InChild(Complete("verifyCreditHistoryTask", {"creditApproved": False})),
            InChild(Complete("contactCustomerTask")),
            Complete("prepareAndShipTask"),
        ),
        expected_path=(
            "theStart", "receiveOrder", "callCheckCreditProcess", "prepareAndShipTask", "theEnd",
        ),
        expected_child_paths=(
            (
                "theStart", "verifyCreditHistoryTask", "approvalDecision",
                "contactCustomerTask", "customerContactedEnd",
            ),
        ),
    ),
]

_LEAD = {"customerName": "Acme", "potentialProfit": 50000, "details": "needs a quote"}
_REVIEW_OPEN = (
    "reviewSalesLeadSubProcess", "subProcessStart", "fork",
    U("reviewProfitability", "reviewCustomerRating"),
)

ACTIVITI += [
    Scenario(
        "activiti/reviewSalesLead/enough-information",
        "activiti/reviewSalesLead.bpmn20.xml",
        steps=(
            Complete("provideNewSalesLead", _LEAD),
            Complete("reviewCustomerRating"),
            Complete("reviewProfitability", {"notEnoughInformation": "false"}),
        ),
        expected_path=(
            "theStart", "provideNewSalesLead", *_REVIEW_OPEN,
            "subProcessEnd1",
            "enoughInformationCheck", "subProcessEnd2",
            "storeLeadInCrmSystem", "processEnd",
        ),
    ),
    Scenario(
        "activiti/reviewSalesLead/error-end-then-retry",
        "activiti/reviewSalesLead.bpmn20.xml",
        steps=(
            Complete("provideNewSalesLead", _LEAD),
            # error end event: the boundary on the subprocess cancels reviewCustomerRating too
            Complete("reviewProfitability", {"notEnoughInformation": "true"}),
            Complete("provideAdditionalDetails", {"details": "more details"}),
            Complete("reviewProfitability", {"notEnoughInformation": "false"}),
            Complete("reviewCustomerRating"),
        ),
        expected_path=(
            "theStart", "provideNewSalesLead", *_REVIEW_OPEN,
            "enoughInformationCheck", "notEnoughInformationEnd",
            "catchNotEnoughInformationError", "provideAdditionalDetails",
            *_REVIEW_OPEN,
            "enoughInformationCheck", "subProcessEnd2",
            "subProcessEnd1",
            "storeLeadInCrmSystem", "processEnd",
        ),
    ),
]

# --------------------------------------------------------------------------------------------
# camunda/
# --------------------------------------------------------------------------------------------

_CEBG = "camunda/EventBasedGatewayTest.testCatchSignalAndMessageAndTimer.bpmn20.xml"
_SUPER = "camunda/ProcessEngineTests-calledProcessInstance-superProcess1.bpmn"
_SUB = "camunda/ProcessEngineTests-calledProcessInstance-subProcess1.bpmn"
_LOOP = "camunda/ProcessInstanceAssert-hasPassedInOrder-loop.bpmn"
_PAY = "camunda/invoicePayment.bpmn"
_REACT = "camunda/react-example.bpmn"


def _seq_subprocess_instances(n: int) -> tuple[PathItem, ...]:
    one: tuple[PathItem, ...] = (
        "miSubProcess", "subProcessStart", "subProcessFork",
        U("subProcessTask1", "subProcessTask2"),
        "subProcessEnd1", "subProcessEnd2",
    )
    return one * n


CAMUNDA: list[Scenario] = [
    Scenario(
        "camunda/boundaryTimerNonInterrupting/join",
        "camunda/BoundaryTimerNonInterruptingEventTest.testJoin.bpmn20.xml",
        # The join needs both Main_Task and the timer branch: without the timer it never fires.
        steps=(
            AdvanceClock(59 * MIN),
            ExpectActive("Main_Task"),
            AdvanceClock(2 * MIN),
            Complete("Main_Task"),
            Complete("Escalation_Task"),
        ),
        expected_path=(
            "StartNoneEvent", "Main_Task", "IntermediateTimerEvent", "Escalation_Task",
            "ParallelGateway", "ParallelGateway", "EndNoneEvent",
        ),
    ),
    Scenario(
        "camunda/errorEndEvent",
        "camunda/ErrorEndEventTest.testError.bpmn20.xml",
        steps=(Complete("task"),),
        expected_path=(
            "startEvent", "subProcess", "subProcessStartEvent", "errorEndEvent",
            "errorBoundaryEvent", "task", "endEvent",
        ),
        # camunda:errorCodeVariable="errorCode" on the boundary event
        expected_variables={"errorCode": "123"},
    ),
    # The PT0S timer is due at once, but timers fire only when the clock is advanced: a signal
    # or message delivered first wins the race, as with Camunda's asynchronous job executor.
    Scenario(
        "camunda/eventBasedGateway/signal",
        _CEBG,
        steps=(Signal("alert"), Complete("task2")),
        expected_path=("start", "gw1", "signalEvent", "task2", "end"),
    ),
    Scenario(
        "camunda/eventBasedGateway/message",
        _CEBG,
        steps=(Message("newInvoice"), Complete("task3")),
        expected_path=("start", "gw1", "messageEvent", "task3", "end"),
    ),
    Scenario(
        "camunda/eventBasedGateway/timer",
        _CEBG,
        steps=(AdvanceClock(timedelta(seconds=1)), Complete("task1")),
        expected_path=("start", "gw1", "timerEvent", "task1", "end"),
    ),
    Scenario(
        "camunda/loopingInclusiveGateways",
        "camunda/InclusiveGatewayTest.testLoopingInclusiveGateways.bpmn",
        # No flow has a condition, so inclusiveGw5 always takes both the end event and the
        # loop back to inclusiveGw1: the model itself never lets the instance end. Camunda's
        # join rule: a join fires once it holds a token per incoming flow, or when no other
        # token can reach it. After one round the state is back to Camunda's test assertion
        # (task1, task2, and a token waiting in inclusiveGw3).
        steps=(Complete("task2"), Complete("task1")),
        expected_path=(
            "StartEvent_1", "inclusiveGw1",
            U("inclusiveGw2", "task1", "inclusiveGw3", "task2"),
            "inclusiveGw3",  # second arrival: 2 tokens for 2 incoming flows
            "inclusiveGw4",  # waits: task1 can still arrive
            "inclusiveGw4", "inclusiveGw5",
            U("EndEvent_1nf901q", "inclusiveGw1", "inclusiveGw2", "task1", "inclusiveGw3",
              "task2"),
        ),
        expect_ended=False,
        expected_active=("inclusiveGw3", "task1", "task2"),
    ),
    Scenario(
        "camunda/intermediateConditionalEvent",
        "camunda/IntermediateConditionalEventTest.testVariableValue.bpmn20.xml",
        start_variables={"variable": 0},
        steps=(SetVariables({"variable": 2}), SetVariables({"variable": 1})),
        expected_path=("StartEvent_1", "conditionalEvent", "EndEvent_1f750wj"),
    ),
    Scenario(
        "camunda/intermediateConditionalEvent/variable-unset-at-start",
        "camunda/IntermediateConditionalEventTest.testVariableValue.bpmn20.xml",
        # Camunda evaluates conditional events with tryEvaluate: an unknown variable counts
        # as false and the event keeps waiting; setting it later fires the event.
        steps=(ExpectActive("conditionalEvent"), SetVariables({"variable": 1})),
        expected_path=("StartEvent_1", "conditionalEvent", "EndEvent_1f750wj"),
    ),
    Scenario(
        "camunda/intermediateTimerExpression",
        "camunda/IntermediateTimerEventTest.testExpression.bpmn20.xml",
        start_variables={"dueDate": iso(T0 + 10 * MIN)},  # <timeDate>#{dueDate}</timeDate>
        steps=(AdvanceClock(9 * MIN), ExpectActive("timer"), AdvanceClock(6 * MIN)),
        expected_path=("theStart", "timer", "theEnd"),
    ),
    Scenario(
        "camunda/miParallelUserTasksBasedOnCollection",
        "camunda/MultiInstanceTest.testParallelUserTasksBasedOnCollection.bpmn20.xml",
        start_variables={"assigneeList": ["kermit", "gonzo", "mispiggy", "fozzie", "bubba"]},
        steps=repeat(3, Complete("miTasks")),  # 3/5 >= 0.6
        expected_path=("theStart", *times(5, "miTasks"), "theEnd"),
    ),
    Scenario(
        "camunda/miSequentialSubprocessCompletionCondition",
        "camunda/MultiInstanceTest.testSequentialSubProcessCompletionCondition.bpmn20.xml",
        steps=(Complete("subProcessTask1"), Complete("subProcessTask2")) * 3,
        expected_path=("theStart", *_seq_subprocess_instances(3), "theEnd"),
    ),
    Scenario(
        "camunda/parallelGatewayBeforeAndInSubProcess",
        "camunda/ParallelGatewayTest.testParallelGatewayBeforeAndInSubProcess.bpmn",
        steps=(Complete("UserTask_2"), Complete("UserTask_4"), Complete("UserTask_1")),
        expected_path=(
            "StartEvent_1", "ParallelGateway_1",
            U("SubProcess_1", "StartEvent_2", "ParallelGateway_2", "UserTask_2", "UserTask_4",
              "UserTask_1"),
            "EndEvent_2", "EndEvent_3", "EndEvent_4", "EndEvent_1",
        ),
    ),
    Scenario(
        "camunda/calledProcessInstance-subProcess1",
        _SUB,
        steps=(Complete("UserTask_1"),),
        expected_path=("StartEvent_1", "UserTask_1", "EndEvent_1"),
    ),
    Scenario(
        "camunda/calledProcessInstance-superProcess1",
        _SUPER,
        callees=(_SUB,),
        # CallActivity_2 calls ProcessEngineTests-calledProcessInstance-subProcess2, which is
        # not in the corpus: the model stops there with an incident and cannot end.
        steps=(InChild(Complete("UserTask_1")),),
        expected_path=("StartEvent_1", "CallActivity_1", "CallActivity_2"),
        expected_child_paths=(("StartEvent_1", "UserTask_1", "EndEvent_1"),),
        expect_ended=False,
        expected_active=("CallActivity_2",),
        expected_incidents=("CallActivity_2",),
    ),
    Scenario(
        "camunda/hasPassedInOrder-loop",
        _LOOP,
        steps=(
            Complete("UserTask_1"),
            Complete("UserTask_3"),
            Complete("UserTask_4", {"exit": False}),  # #{!exit}: back to UserTask_3
            Complete("UserTask_3"),
            Complete("UserTask_4", {"exit": True}),  # #{exit}: to the join
            Complete("UserTask_2"),
            Complete("UserTask_5"),
        ),
        expected_path=(
            "StartEvent_1", "UserTask_1", "ParallelGateway_1",
            U("UserTask_2", "ExclusiveGateway_3", "UserTask_3"),
            "UserTask_4", "ExclusiveGateway_2", "ExclusiveGateway_3", "UserTask_3",
            "UserTask_4", "ExclusiveGateway_2", "ParallelGateway_2",
            "ParallelGateway_2", "UserTask_5", "EndEvent_1",
        ),
    ),
    Scenario(
        "camunda/taskAssert-hasCandidateGroup",
        "camunda/TaskAssert-hasCandidateGroup.bpmn",
        steps=(Complete("UserTask_1"), Complete("UserTask_2")),
        expected_path=("StartEvent_1", "UserTask_1", "UserTask_2", "EndEvent_1"),
    ),
    Scenario(
        "camunda/terminateInSubProcess",
        "camunda/TerminateEndEventTest.testTerminateInSubProcess.bpmn",
        # A terminate end inside a subprocess ends only that subprocess, which then leaves
        # normally to EndEvent_3; preNormalEnd stays open.
        steps=(Complete("preNormalEnd"),),
        expected_path=(
            "start", "ParallelGateway_1",
            U("preNormalEnd", "SubProcess_1", "StartEvent_1", "EndEvent_1", "EndEvent_3"),
            "EndEvent_4",
        ),
    ),
    Scenario(
        "camunda/invoiceApproval",
        "camunda/invoiceApproval.bpmn",
        steps=(Complete("UserTask_1"),),
        expected_path=("StartEvent_1", "UserTask_1", "EndEvent_1"),
    ),
    Scenario(
        "camunda/invoicePayment/paid",
        _PAY,
        steps=(Complete("Task_16y91ka"),),
        expected_path=("StartEvent_1", "Task_16y91ka", "EndEvent_1ug8ljt"),
    ),
    Scenario(
        "camunda/invoicePayment/error",
        _PAY,
        steps=(ThrowError("Task_16y91ka", "invoice-error"), Complete("Task_1a2twqz")),
        expected_path=(
            "StartEvent_1", "Task_16y91ka", "BoundaryEvent_18unjdv", "Task_1a2twqz",
            "EndEvent_1ga7c7t",
        ),
    ),
    Scenario(
        "camunda/invoicePayment/escalation",
        _PAY,
        # no cancelActivity attribute: the escalation boundary interrupts "Pay Invoice"
        steps=(Escalate("Task_16y91ka", "invoice-escalate"), Complete("Task_0q869n2")),
        expected_path=(
            "StartEvent_1", "Task_16y91ka", "BoundaryEvent_1uy9o9h", "Task_0q869n2",
            "EndEvent_1irlotk",
        ),
    ),
    Scenario(
        "camunda/loanApproval-task-form-embedded",
        "camunda/loanApproval-task-form-embedded.bpmn",
        steps=(Complete("UserTask_1"),),
        expected_path=("StartEvent_1", "UserTask_1", "EndEvent_1"),
    ),
    Scenario(
        "camunda/messageStart",
        "camunda/message_start_process.bpmn",
        steps=(StartByMessage("instantiationMessage"), Complete("UserTask_1")),
        expected_path=("StartEvent_1", "UserTask_1", "EndEvent_1"),
    ),
    Scenario(
        "camunda/orderProcess",
        "camunda/order-process.bpmn",
        steps=(Complete("UserTask_1"), Complete("UserTask_2")),
        expected_path=("StartEvent_1", "UserTask_1", "UserTask_2", "EndEvent_1"),
    ),
    Scenario(
        "camunda/reactExample/approved",
        _REACT,
        steps=(Complete("Task_1a9adlo", {"approved": True}),),
        expected_path=(
            "StartEvent_1", "Task_1a9adlo", "ExclusiveGateway_0kzw7nc",
            "Task_1otws6s", "Task_1fbt88z", "EndEvent_0zc07k5",
        ),
    ),
    Scenario(
        "camunda/reactExample/rejected",
        _REACT,
        steps=(Complete("Task_1a9adlo", {"approved": False}),),  # ${not approved}
        expected_path=(
            "StartEvent_1", "Task_1a9adlo", "ExclusiveGateway_0kzw7nc",
            "Task_01363n3", "EndEvent_0fmx4bw",
        ),
    ),
    Scenario(
        "camunda/reviewInvoice",
        "camunda/reviewInvoice.bpmn",
        # reviewInvoice: assignee ${reviewer}, dueDate ${dateTime().plusDays(2).toDate()}
        steps=(Complete("assignReviewer", {"reviewer": "demo"}), Complete("reviewInvoice")),
        expected_path=("StartEvent_1", "assignReviewer", "reviewInvoice", "EndEvent_1og1zom"),
    ),
]

# --------------------------------------------------------------------------------------------
# chinese-oa/
# --------------------------------------------------------------------------------------------

_MI = "chinese-oa/ruoyi-vue-pro-multi-instance-user-task.bpmn20.xml"
_USERS3 = {"coll_userList": ["1", "2", "3"]}

CHINESE_OA: list[Scenario] = [
    Scenario(
        "chinese-oa/leave1",
        "chinese-oa/ruoyi-vue-plus-leave1.bpmn20.xml",
        steps=(
            Complete("Activity_14633hx"), Complete("Activity_0lym9dc"),
            Complete("Activity_1j25s1c"),
        ),
        expected_path=(
            "startNode1", "Activity_14633hx", "Activity_0lym9dc", "Activity_1j25s1c",
            "Event_1jib7oq",
        ),
    ),
    # Conditional flows straight out of a user task: every true condition is taken; the
    # default flow only when none is.
    Scenario(
        "chinese-oa/leave2/long-leave",
        "chinese-oa/ruoyi-vue-plus-leave2.bpmn20.xml",
        start_variables={"entity": {"leaveDays": 5}},
        steps=(
            Complete("Activity_19b1i4j"), Complete("Activity_0r8rs5v"),
            Complete("Activity_1ex621m"),
        ),
        expected_path=(
            "startNode1", "Activity_19b1i4j", "Activity_0r8rs5v", "Activity_1ex621m",
            "Event_1shlpsv",
        ),
    ),
    Scenario(
        "chinese-oa/leave2/short-leave-default-flow",
        "chinese-oa/ruoyi-vue-plus-leave2.bpmn20.xml",
        start_variables={"entity": {"leaveDays": 1}},
        steps=(
            Complete("Activity_19b1i4j"), Complete("Activity_0r8rs5v"),
            Complete("Activity_0iw78d3"),
        ),
        expected_path=(
            "startNode1", "Activity_19b1i4j", "Activity_0r8rs5v", "Activity_0iw78d3",
            "Event_1shlpsv",
        ),
    ),
    Scenario(
        "chinese-oa/leave3",
        "chinese-oa/ruoyi-vue-plus-leave3.bpmn20.xml",
        steps=(
            Complete("Activity_0uscrk3"), Complete("Activity_0ped7fd"),
            Complete("Activity_0xun74h"), Complete("Activity_1e8dxc6"),
        ),
        expected_path=(
            "startNode1", "Activity_0uscrk3", "Gateway_0qj0eur",
            U("Activity_0ped7fd", "Activity_0xun74h"),
            "Gateway_05y03rn", "Gateway_05y03rn", "Activity_1e8dxc6", "Event_0k2b5e5",
        ),
    ),
    Scenario(
        "chinese-oa/leave4/long-leave-both-branches",
        "chinese-oa/ruoyi-vue-plus-leave4.bpmn20.xml",
        start_variables={"entity": {"leaveDays": 5}},
        steps=(
            Complete("Activity_0uscrk3"), Complete("Activity_0ped7fd"),
            Complete("Activity_0xun74h"), Complete("Activity_1e8dxc6"),
        ),
        expected_path=(
            "startNode1", "Activity_0uscrk3", "Gateway_0qj0eur",
            U("Activity_0ped7fd", "Activity_0xun74h"),
            "Gateway_05y03rn", "Gateway_05y03rn", "Activity_1e8dxc6", "Event_0k2b5e5",
        ),
    ),
    Scenario(
        "chinese-oa/leave4/short-leave-one-branch",
        "chinese-oa/ruoyi-vue-plus-leave4.bpmn20.xml",
        start_variables={"entity": {"leaveDays": 1}},
        steps=(
            Complete("Activity_0uscrk3"), Complete("Activity_0ped7fd"),
            Complete("Activity_1e8dxc6"),
        ),
        expected_path=(
            "startNode1", "Activity_0uscrk3", "Gateway_0qj0eur", "Activity_0ped7fd",
            "Gateway_05y03rn", "Activity_1e8dxc6", "Event_0k2b5e5",
        ),
    ),
    Scenario(
        "chinese-oa/leave5",
        "chinese-oa/ruoyi-vue-plus-leave5.bpmn20.xml",
        # sequential MI over userList (2), then parallel MI over userList2 (3)
        start_variables={"userList": ["1", "2"], "userList2": ["3", "4", "5"]},
        steps=(
            Complete("Activity_0x6b71j"),
            *repeat(2, Complete("Activity_0dvsmdc")),
            *repeat(3, Complete("Activity_194idnn")),
            Complete("Activity_1o4clkg"),
        ),
        expected_path=(
            "startNode1", "Activity_0x6b71j", "Activity_0dvsmdc", "Activity_0dvsmdc",
            *times(3, "Activity_194idnn"), "Activity_1o4clkg", "Event_1it04q9",
        ),
    ),
    Scenario(
        "chinese-oa/leave6",
        "chinese-oa/ruoyi-vue-plus-leave6.bpmn20.xml",
        steps=(
            Complete("Activity_0zy3g6j"), Complete("Activity_0x88dc2"),
            Complete("Activity_15z7u3k"), Complete("Activity_1p3e8iu"),
            Complete("Activity_03nnma3"),
        ),
        expected_path=(
            "startNode1", "Activity_0zy3g6j",
            "Activity_15to8yb", "Event_14f0d54", "Activity_0x88dc2", "Activity_15z7u3k",
            "Activity_1p3e8iu", "Event_0ategpj",
            "Activity_03nnma3", "Event_1ixvcma",
        ),
    ),
    Scenario(
        "chinese-oa/multiAny",
        _MI,
        process="multiAny",
        start_variables=_USERS3,
        steps=(Complete("multiAny-task"),),  # nrOfCompletedInstances > 0
        expected_path=("multiAny-start", *times(3, "multiAny-task"), "multiAny-end"),
    ),
    Scenario(
        "chinese-oa/multiRatio",
        _MI,
        process="multiRatio",
        start_variables=_USERS3,
        steps=repeat(3, Complete("multiRatio-task")),  # ratio >= 1.00
        expected_path=("multiRatio-start", *times(3, "multiRatio-task"), "multiRatio-end"),
    ),
    Scenario(
        "chinese-oa/multiRatioPartial",
        _MI,
        process="multiRatioPartial",
        start_variables={"coll_userList": ["1", "2", "3", "4", "5"]},
        steps=repeat(3, Complete("multiRatioPartial-task")),  # 3/5 >= 0.60
        expected_path=(
            "multiRatioPartial-start", *times(5, "multiRatioPartial-task"),
            "multiRatioPartial-end",
        ),
    ),
    Scenario(
        "chinese-oa/multiReturn",
        _MI,
        process="multiReturn",
        start_variables=_USERS3,
        steps=(Complete("multiReturn-first"), *repeat(3, Complete("multiReturn-task"))),
        expected_path=(
            "multiReturn-start", "multiReturn-first", *times(3, "multiReturn-task"),
            "multiReturn-end",
        ),
    ),
    Scenario(
        "chinese-oa/multiSequential",
        _MI,
        process="multiSequential",
        start_variables=_USERS3,
        # collection="${coll_userList}" together with loopCardinality 1: Flowable resolves the
        # number of instances from loopCardinality first, so there is one instance.
        steps=(Complete("multiSequential-task"),),
        expected_path=("multiSequential-start", "multiSequential-task", "multiSequential-end"),
    ),
    Scenario(
        "chinese-oa/twoStepApprove",
        "chinese-oa/ruoyi-vue-pro-two-step-approve.bpmn20.xml",
        steps=(Complete("task1"), Complete("task2")),
        expected_path=("start", "task1", "task2", "end"),
    ),
]

# --------------------------------------------------------------------------------------------
# flowable/
# --------------------------------------------------------------------------------------------

_FBT = "flowable/BoundaryTimerEventTest.testBoundaryTimerEvent2.bpmn20.xml"
_FBT_XOR = "sid-F82B7E07-451E-4986-8F6A-7569E070BB4D"
_FNI = "flowable/BoundaryTimerNonInterruptingEventTest.testTimerOnEmbeddedSubprocess.bpmn20.xml"
_FSKIP = "flowable/ExclusiveGatewayTest.testSkipExpression.bpmn20.xml"
_FJOIN = "flowable/InclusiveGatewayTest.testJoinAfterSubprocesses.bpmn20.xml"

_MB = "flowable/InclusiveGatewayTest.testMultipleProcessInstancesMergedBug.bpmn20.xml"
_MB_START = "startEvent1"
_MB_FORK = "sid-36B0D012-EC6A-4985-AA33-06C6A718337F"
_MB_A = "sid-675A7FD3-F6D5-4FC3-8FA7-EAA2712F18FA"
_MB_XOR = "sid-2CC36AE0-DBDD-4052-94DD-7E581522A3E1"
_MB_B = "sid-2BB9CF04-D89F-4C35-94A2-EA07BCCA78CA"
_MB_C = "sid-DF651424-F044-4BDF-84FC-40065B516CF7"
_MB_AFTER = "sid-0648D499-F42E-4370-9B44-CFDA311CC037"
_MB_END = "sid-3942F40B-2092-438F-ACB3-942152D0C25F"

_FMSG = "flowable/MessageEventSubprocessTest.testInterruptingSimpleActivities.bpmn20.xml"
_FTES = "flowable/TimerEventSubprocessTest.testInterruptingSimpleActivities.bpmn20.xml"
_FVR = "flowable/VacationRequest.bpmn20.xml"
_FTIMER = "flowable/timer.bpmn20.xml"
_SIG_GW = "sid-60937B66-46E9-45EB-A5FD-8D3DD7E451FD"

FLOWABLE: list[Scenario] = [
    Scenario(
        "flowable/boundaryTimerEvent2/consult-true",
        _FBT,
        steps=(
            Complete("usertask1", {"consult": "true"}),
            Complete("usertask2", {"payment": "yes"}),
        ),
        expected_path=("start", "usertask1", _FBT_XOR, "usertask2", "end1"),
    ),
    Scenario(
        "flowable/boundaryTimerEvent2/consult-false",
        _FBT,
        steps=(AdvanceClock(MIN), Complete("usertask1", {"consult": "false"})),
        expected_path=(
            "start", "usertask1", _FBT_XOR, "sid-2EFEDFEF-44AB-4048-AA0A-809A6A6CBD9E",
        ),
    ),
    Scenario(
        "flowable/boundaryTimerEvent2/timer",
        _FBT,
        steps=(AdvanceClock(3 * MIN),),
        expected_path=("start", "usertask1", "timer", "sid-C13C491C-116D-489C-B756-1523913B6B38"),
    ),
    Scenario(
        "flowable/timerOnEmbeddedSubprocess/timer-fires",
        _FNI,
        steps=(AdvanceClock(timedelta(seconds=4)), Complete("UserTask_1"), Complete("UserTask_2")),
        expected_path=(
            "StartEvent_1", "SubProcess_2", "StartEvent_2", "UserTask_1",
            "BoundaryEvent_1", "UserTask_2",
            "EndEvent_1", "EndEvent_5",  # the subprocess ends; UserTask_2 still open
            "EndEvent_2",
        ),
    ),
    Scenario(
        "flowable/timerOnEmbeddedSubprocess/no-timer",
        _FNI,
        steps=(AdvanceClock(timedelta(seconds=2)), Complete("UserTask_1")),
        expected_path=(
            "StartEvent_1", "SubProcess_2", "StartEvent_2", "UserTask_1", "EndEvent_1",
            "EndEvent_5",
        ),
    ),
    # With the flag on, a flow whose skipExpression is true is taken without its condition.
    Scenario(
        "flowable/exclusiveGwSkipExpression/skip-to-task2",
        _FSKIP,
        start_variables={"_FLOWABLE_SKIP_EXPRESSION_ENABLED": True, "input": -2},
        steps=(Complete("theTask2"),),
        expected_path=("theStart", "exclusiveGw", "theTask2", "theEnd"),
    ),
    Scenario(
        "flowable/exclusiveGwSkipExpression/condition-task3",
        _FSKIP,
        start_variables={"input": 3},
        steps=(Complete("theTask3"),),
        expected_path=("theStart", "exclusiveGw", "theTask3", "theEnd"),
    ),
    Scenario(
        "flowable/inclusiveJoinAfterSubprocesses/both",
        _FJOIN,
        start_variables={"a": 1, "b": 1},
        steps=(Complete("usertask1"), Complete("usertask2"), Complete("usertask3")),
        expected_path=(
            "startevent1", "inclusivegateway1",
            U("subprocess1", "startevent2", "usertask1", "subprocess2", "startevent3",
              "usertask2"),
            "endevent1", "inclusivegateway2",  # waits for subprocess2
            "endevent2", "inclusivegateway2", "usertask3", "endevent3",
        ),
    ),
    Scenario(
        "flowable/inclusiveJoinAfterSubprocesses/only-first",
        _FJOIN,
        start_variables={"a": 1, "b": 0},
        steps=(Complete("usertask1"), Complete("usertask3")),
        expected_path=(
            "startevent1", "inclusivegateway1", "subprocess1", "startevent2", "usertask1",
            "endevent1", "inclusivegateway2", "usertask3", "endevent3",
        ),
    ),
    # Condition `${execution.getVariable('var') != null && var == 'goToB'}`; assignees are the
    # literal "$INITIATOR".
    Scenario(
        "flowable/multipleProcessInstancesMergedBug/default-to-C",
        _MB,
        steps=(Complete(_MB_A), Complete(_MB_C), Complete(_MB_AFTER)),
        expected_path=(
            _MB_START, _MB_FORK, U(_MB_A, _MB_XOR, _MB_C),
            "inclusiveGw", "inclusiveGw", _MB_AFTER, _MB_END,
        ),
    ),
    Scenario(
        "flowable/multipleProcessInstancesMergedBug/goToB",
        _MB,
        start_variables={"var": "goToB"},
        steps=(Complete(_MB_A), Complete(_MB_B), Complete(_MB_AFTER)),
        expected_path=(
            _MB_START, _MB_FORK, U(_MB_A, _MB_XOR, _MB_B),
            "inclusiveGw", "inclusiveGw", _MB_AFTER, _MB_END,
        ),
    ),
    Scenario(
        "flowable/messageEventSubprocess/interrupted",
        _FMSG,
        steps=(Message("eventMessage"), Complete("eventSubProcessTask1")),
        expected_path=(
            "start", "task",
            "messageEventSubProcess", "eventSubProcessMessageStart", "eventSubProcessTask1",
            "eventSubProcessEnd",
        ),
    ),
    Scenario(
        "flowable/messageEventSubprocess/no-message",
        _FMSG,
        steps=(Complete("task"),),
        expected_path=("start", "task", "end"),
    ),
    Scenario(
        "flowable/loopCounterSequentialMI",
        "flowable/MultiInstanceTest.testLoopCounterVariableForSequentialMultiInstance.bpmn20.xml",
        start_variables={"myCollection": ["a", "b", "c"]},  # assignee ${initiator}
        steps=repeat(3, Complete("formTask1")),
        expected_path=("startnoneevent1", *times(3, "formTask1"), "endNoneEvent1"),
    ),
    Scenario(
        "flowable/miParallelUserTasksCompletionCondition",
        "flowable/MultiInstanceTest.testParallelUserTasksCompletionCondition.bpmn20.xml",
        steps=repeat(3, Complete("miTasks")),  # loopCardinality ${5}; 3/5 >= 0.5
        expected_path=("theStart", *times(5, "miTasks"), "theEnd"),
    ),
    Scenario(
        "flowable/miSequentialSubprocessCompletionCondition",
        "flowable/MultiInstanceTest.testSequentialSubProcessCompletionCondition.bpmn20.xml",
        steps=(Complete("subProcessTask1"), Complete("subProcessTask2")) * 3,
        expected_path=("theStart", *_seq_subprocess_instances(3), "theEnd"),
    ),
    Scenario(
        "flowable/signalAfterEventGateway",
        "flowable/SignalEventTest.testSingleSignalCatchAfterEventGateway.bpmn20.xml",
        steps=(Signal("mySignal"), Complete("sid-DDC67A65-5F3C-475B-8AD0-DC04D0ECEE3D")),
        expected_path=(
            "startEvent1", _SIG_GW, "sid-62A13288-6A3F-471F-9A3B-2235D7B5F74F",
            "sid-DDC67A65-5F3C-475B-8AD0-DC04D0ECEE3D", "sid-6A81B01F-377C-4BD6-880A-835B366A2BD5",
        ),
    ),
    Scenario(
        "flowable/inheritVariables-childProcess",
        "flowable/SubProcessTest.testInheritVariablesCallActivity_childProcess.bpmn20.xml",
        steps=(Complete("usertask1"),),
        expected_path=("startevent1", "usertask1", "endevent1"),
    ),
    Scenario(
        "flowable/inheritVariables-mainProcess",
        "flowable/SubProcessTest.testInheritVariablesCallActivity_mainProcess.bpmn20.xml",
        callees=("flowable/SubProcessTest.testInheritVariablesCallActivity_childProcess.bpmn20.xml",),
        start_variables={"var1": "String test value", "var2": True},
        steps=(InChild(Complete("usertask1")),),
        expected_path=("startevent1", "childProcessCall", "endevent1"),
        expected_child_paths=(("startevent1", "usertask1", "endevent1"),),
    ),
    # Despite the file name, the timer start event has isInterrupting="false".
    Scenario(
        "flowable/timerEventSubprocess/timer-fires",
        _FTES,
        steps=(AdvanceClock(11 * MIN), Complete("eventSubProcessTask1"), Complete("task")),
        expected_path=(
            "start", "task",
            "timerEventSubProcess", "eventSubProcessTimerStart", "eventSubProcessTask1",
            "eventSubProcessEnd",
            "end",
        ),
    ),
    Scenario(
        "flowable/timerEventSubprocess/main-flow-ends-first",
        _FTES,
        # the instance ends only when the non-interrupting event subprocess has ended too
        steps=(
            AdvanceClock(11 * MIN),
            Complete("task"),
            ExpectActive("eventSubProcessTask1"),
            Complete("eventSubProcessTask1"),
        ),
        expected_path=(
            "start", "task",
            "timerEventSubProcess", "eventSubProcessTimerStart", "eventSubProcessTask1",
            "end",
            "eventSubProcessEnd",
        ),
    ),
    Scenario(
        "flowable/timerEventSubprocess/no-timer",
        _FTES,
        steps=(AdvanceClock(9 * MIN), Complete("task")),
        expected_path=("start", "task", "end"),
    ),
    Scenario(
        "flowable/vacationRequest/approved",
        _FVR,
        steps=(Complete("handleRequest", {"vacationApproved": "Approve"}),),
        expected_path=(
            "request", "handleRequest", "requestApprovedDecision", "sendApprovalMail", "theEnd1",
        ),
    ),
    Scenario(
        "flowable/vacationRequest/rejected-resent-approved",
        _FVR,
        steps=(
            Complete("handleRequest", {"vacationApproved": "Reject"}),
            Complete("adjustVacationRequestTask", {"resendRequest": "Yes"}),
            Complete("handleRequest", {"vacationApproved": "Approve"}),
        ),
        expected_path=(
            "request", "handleRequest", "requestApprovedDecision",
            "adjustVacationRequestTask", "resendRequestDecision",
            "handleRequest", "requestApprovedDecision", "sendApprovalMail", "theEnd1",
        ),
    ),
    Scenario(
        "flowable/vacationRequest/rejected-given-up",
        _FVR,
        steps=(
            Complete("handleRequest", {"vacationApproved": "Reject"}),
            Complete("adjustVacationRequestTask", {"resendRequest": "No"}),
        ),
        expected_path=(
            "request", "handleRequest", "requestApprovedDecision",
            "adjustVacationRequestTask", "resendRequestDecision", "theEnd2",
        ),
    ),
    Scenario(
        "flowable/processWithSkipExpressions",
        "flowable/processWithSkipExpressions.bpmn20.xml",
        steps=(Complete("formtask1"),),  # ${1==1} wins over the default flow
        expected_path=(
            "startnoneevent1", "exclusivedatabasedgateway1", "formtask1",
            "exclusivedatabasedgateway2", "endnoneevent1",
        ),
    ),
    Scenario(
        "flowable/timer/completed-in-time",
        _FTIMER,
        start_variables={"timerDate": iso(T0 + timedelta(hours=1))},  # timeDate ${timerDate}
        steps=(AdvanceClock(59 * MIN), Complete("formTask1")),
        expected_path=("startNoneEvent1", "formTask1", "endNoneEvent1"),
    ),
    Scenario(
        "flowable/timer/escalated",
        _FTIMER,
        start_variables={"timerDate": iso(T0 + timedelta(hours=1))},
        steps=(AdvanceClock(timedelta(hours=2)), Complete("formTask2")),
        expected_path=(
            "startNoneEvent1", "formTask1", "intermediateTimerEventBoundary1", "formTask2",
            "endNoneEvent2",
        ),
    ),
    Scenario(
        "flowable/timerAfterStart",
        "flowable/timerAfterStart.bpmn20.xml",
        steps=(
            AdvanceClock(timedelta(hours=23)),
            ExpectActive("sid-61196880-6971-4AB6-B9D2-825D37E5CD00"),
            AdvanceClock(timedelta(hours=1, minutes=1)),
            Complete("sid-EEEB09D3-93AA-462E-81B2-6F4DE3085543"),
        ),
        expected_path=(
            "startEvent1", "sid-61196880-6971-4AB6-B9D2-825D37E5CD00",
            "sid-EEEB09D3-93AA-462E-81B2-6F4DE3085543", "sid-AA5DADFA-8B2C-42C1-896A-90497499BC97",
        ),
    ),
]

SCENARIOS: list[Scenario] = ACTIVITI + CAMUNDA + CHINESE_OA + FLOWABLE
# fmt: on
