"""Every corpus file deploys, and yields the process ids written in it."""

from __future__ import annotations

import pytest

from lanes.bpmn import parse
from lanes.embedded import Engine

from .scenarios import corpus_dir, read_manifest

CORPUS = corpus_dir()
if not (CORPUS / "MANIFEST.tsv").is_file():
    pytest.skip(f"corpus not found at {CORPUS} (set LANES_CORPUS_DIR)", allow_module_level=True)

ROWS = read_manifest(CORPUS)

# The <process id> of each file, in document order. Each file holds one process except the
# yudao multi-instance fixture (five). Ids repeat across folders (catchSignal,
# intermediateTimerEventExample, terminateEndEventExample, vacationRequest,
# conditionalEventProcess, miSequentialSubprocessCompletionCondition) and within camunda/
# ("process" twice): every file is deployed into its own engine.
PROCESS_IDS: dict[str, list[str]] = {
    "activiti/Activiti6Test.testNonInterruptingMoreComplex2.bpmn20.xml": [
        "nonInterruptingWithInclusiveMerge"
    ],
    "activiti/BoundaryTimerEventTest.testBoundaryTimerEvent.bpmn20.xml": ["process1"],
    "activiti/EventBasedGatewayTest.testCatchAlertAndTimer.bpmn20.xml": ["catchSignal"],
    "activiti/FinancialReportProcess.bpmn20.xml": ["financialReport"],
    "activiti/InclusiveGatewayTest.defaultFlowTest.bpmn20.xml": ["InclusiveGatewayDefaultFlowTest"],
    "activiti/InitiatorTest.testInitiator.bpmn20.xml": ["InitiatorProcess"],
    "activiti/IntermediateTimerEventTest.testCatchingTimerEvent.bpmn20.xml": [
        "intermediateTimerEventExample"
    ],
    "activiti/JavaServiceTaskTest.testFieldInjection.bpmn20.xml": ["fieldInjection"],
    "activiti/MultiInstanceTest.sequentialUserTasks.bpmn20.xml": ["miSequentialUserTasks"],
    "activiti/MultiInstanceTest.testNestedMultiInstanceTasks.bpmn20.xml": [
        "miNestedMultiInstanceTasks"
    ],
    "activiti/MultiInstanceTest.testParallelSubProcessCompletionCondition.bpmn20.xml": [
        "miParallelSubprocessCompletionCondition"
    ],
    "activiti/ScriptTaskTest.testSetScriptResultToProcessVariable.bpmn20.xml": [
        "setScriptResultToProcessVariable"
    ],
    "activiti/SkipExpressionUserTaskTest.test.bpmn20.xml": ["skipExpressionUserTask"],
    "activiti/TerminateEndEventTest.testProcessTerminate.bpmn": ["terminateEndEventExample"],
    "activiti/VacationRequest.bpmn20.xml": ["vacationRequest"],
    "activiti/basic-Inclusive-gateway.bpmn20.xml": ["basicInclusiveGateway"],
    "activiti/basic-exclusive-gateway.bpmn20.xml": [
        "basicexclu-15cdd4ac-ff4d-4925-9b4e-87ea77528613"
    ],
    "activiti/basic-parallel-gateway.bpmn20.xml": [
        "basicparal-b1db86dd-4a15-4c0e-9168-25d9c42d53ee"
    ],
    "activiti/checkCreditProcess.bpmn20.xml": ["checkCreditProcess"],
    "activiti/orderProcess.bpmn20.xml": ["orderProcess"],
    "activiti/reviewSalesLead.bpmn20.xml": ["reviewSaledLead"],
    "camunda/BoundaryConditionalEventTest.testVariableCondition.bpmn20.xml": [
        "conditionalEventProcess"
    ],
    "camunda/BoundaryTimerNonInterruptingEventTest.testJoin.bpmn20.xml": ["testJoin"],
    "camunda/ErrorEndEventTest.testError.bpmn20.xml": ["testError"],
    "camunda/EventBasedGatewayTest.testCatchSignalAndMessageAndTimer.bpmn20.xml": ["catchSignal"],
    "camunda/InclusiveGatewayTest.testLoopingInclusiveGateways.bpmn": ["process"],
    "camunda/IntermediateConditionalEventTest.testVariableValue.bpmn20.xml": [
        "conditionalEventProcess"
    ],
    "camunda/IntermediateTimerEventTest.testExpression.bpmn20.xml": [
        "intermediateTimerEventExample"
    ],
    "camunda/MultiInstanceTest.testParallelUserTasksBasedOnCollection.bpmn20.xml": [
        "miParallelUserTasksBasedOnCollection"
    ],
    "camunda/MultiInstanceTest.testSequentialSubProcessCompletionCondition.bpmn20.xml": [
        "miSequentialSubprocessCompletionCondition"
    ],
    "camunda/ParallelGatewayTest.testParallelGatewayBeforeAndInSubProcess.bpmn": ["process"],
    "camunda/ProcessEngineTests-calledProcessInstance-subProcess1.bpmn": [
        "ProcessEngineTests-calledProcessInstance-subProcess1"
    ],
    "camunda/ProcessEngineTests-calledProcessInstance-superProcess1.bpmn": [
        "ProcessEngineTests-calledProcessInstance-superProcess1"
    ],
    "camunda/ProcessInstanceAssert-hasPassedInOrder-loop.bpmn": [
        "ProcessInstanceAssert-hasPassedInOrder-loop"
    ],
    "camunda/TaskAssert-hasCandidateGroup.bpmn": ["TaskAssert-hasCandidateGroup"],
    "camunda/TerminateEndEventTest.testTerminateInSubProcess.bpmn": ["terminateEndEventExample"],
    "camunda/invoice.v2.bpmn": ["invoice"],
    "camunda/invoiceApproval.bpmn": ["camundaFormsQuickstart"],
    "camunda/invoicePayment.bpmn": ["embeddedFormsBpmnEvents"],
    "camunda/loanApproval-embedded-spring-rest.bpmn": ["loanApproval"],
    "camunda/loanApproval-task-form-embedded.bpmn": ["embeddedFormsQuickstart"],
    "camunda/message_start_process.bpmn": ["Message_Start_Process"],
    "camunda/order-handling.bpmn": ["Order_Process"],
    "camunda/order-process.bpmn": ["OrderProcess"],
    "camunda/react-example.bpmn": ["reactExample"],
    "camunda/reviewInvoice.bpmn": ["ReviewInvoice"],
    "chinese-oa/ruoyi-vue-plus-leave1.bpmn20.xml": ["leave1"],
    "chinese-oa/ruoyi-vue-plus-leave2.bpmn20.xml": ["leave2"],
    "chinese-oa/ruoyi-vue-plus-leave3.bpmn20.xml": ["leave3"],
    "chinese-oa/ruoyi-vue-plus-leave4.bpmn20.xml": ["leave4"],
    "chinese-oa/ruoyi-vue-plus-leave5.bpmn20.xml": ["leave5"],
    "chinese-oa/ruoyi-vue-plus-leave6.bpmn20.xml": ["leave6"],
    "chinese-oa/ruoyi-vue-plus-leave7.bpmn20.xml": ["leave7"],
    "chinese-oa/ruoyi-vue-pro-leave-formkey.bpmn": ["leave-formkey"],
    "chinese-oa/ruoyi-vue-pro-leave.bpmn": ["leave"],
    "chinese-oa/ruoyi-vue-pro-multi-instance-user-task.bpmn20.xml": [
        "multiAny",
        "multiRatio",
        "multiRatioPartial",
        "multiReturn",
        "multiSequential",
    ],
    "chinese-oa/ruoyi-vue-pro-oa-leave.bpmn": ["leave-update"],
    "chinese-oa/ruoyi-vue-pro-two-step-approve.bpmn20.xml": ["twoStepApprove"],
    "flowable/BoundaryTimerEventTest.testBoundaryTimerEvent2.bpmn20.xml": ["timerprocess"],
    "flowable/BoundaryTimerNonInterruptingEventTest.testTimerOnEmbeddedSubprocess.bpmn20.xml": [
        "nonInterruptingTimerOnEmbeddedSubprocess"
    ],
    "flowable/ExclusiveGatewayTest.testSkipExpression.bpmn20.xml": [
        "exclusiveGwDivergingSkipExpression"
    ],
    "flowable/InclusiveGatewayTest.testJoinAfterSubprocesses.bpmn20.xml": ["InclusiveGateway"],
    "flowable/InclusiveGatewayTest.testMultipleProcessInstancesMergedBug.bpmn20.xml": [
        "testMultipleProcessInstancesMergedBug"
    ],
    "flowable/MessageEventSubprocessTest.testInterruptingSimpleActivities.bpmn20.xml": [
        "testSimpleMessageEventSubProcess"
    ],
    "flowable/MultiInstanceTest.testLoopCounterVariableForSequentialMultiInstance.bpmn20.xml": [
        "loopCounterTest"
    ],
    "flowable/MultiInstanceTest.testParallelUserTasksCompletionCondition.bpmn20.xml": [
        "miParallelUserTasksCompletionCondition"
    ],
    "flowable/MultiInstanceTest.testSequentialSubProcessCompletionCondition.bpmn20.xml": [
        "miSequentialSubprocessCompletionCondition"
    ],
    "flowable/SignalEventTest.testSingleSignalCatchAfterEventGateway.bpmn20.xml": [
        "testSignalAfterEventGateway"
    ],
    "flowable/SubProcessTest.testInheritVariablesCallActivity_childProcess.bpmn20.xml": [
        "childProcess"
    ],
    "flowable/SubProcessTest.testInheritVariablesCallActivity_mainProcess.bpmn20.xml": [
        "mainProcess"
    ],
    "flowable/TimerEventSubprocessTest.testInterruptingSimpleActivities.bpmn20.xml": [
        "testSimpleTimerEventSubProcess"
    ],
    "flowable/VacationRequest.bpmn20.xml": ["vacationRequest"],
    "flowable/Vacation_request.bpmn20.xml": ["vacationRequest"],
    "flowable/holiday-request.bpmn20.xml": ["holidayRequest"],
    "flowable/processWithSkipExpressions.bpmn20.xml": ["testSkipExpressionProcess"],
    "flowable/timer.bpmn20.xml": ["timerProcess"],
    "flowable/timerAfterStart.bpmn20.xml": ["testTimerEvent"],
}


def test_manifest_lists_77_files_all_with_expected_ids() -> None:
    assert len(ROWS) == 77
    assert sorted(row.path for row in ROWS) == sorted(PROCESS_IDS)


@pytest.mark.parametrize("path", sorted(PROCESS_IDS))
def test_file_deploys_with_its_process_ids(path: str) -> None:
    keys = list(Engine().deploy((CORPUS / path).read_bytes()))
    assert sorted(keys) == sorted(PROCESS_IDS[path])


# Parse-only files whose obstacle is not a service task (those become external tasks, which a
# worker can serve): scripts, DMN, groovy conditions, listeners. Each must say so in a warning.
WARNED = {
    "activiti/ScriptTaskTest.testSetScriptResultToProcessVariable.bpmn20.xml",
    "camunda/BoundaryConditionalEventTest.testVariableCondition.bpmn20.xml",
    "camunda/invoice.v2.bpmn",
    "chinese-oa/ruoyi-vue-plus-leave7.bpmn20.xml",
    "chinese-oa/ruoyi-vue-pro-leave.bpmn",
    # executionListener (event="take") on sequence flows
    "chinese-oa/ruoyi-vue-pro-leave-formkey.bpmn",
    "chinese-oa/ruoyi-vue-pro-oa-leave.bpmn",
}


def test_warned_files_are_the_parse_only_ones() -> None:
    parse_only = {row.path for row in ROWS if not row.runnable}
    assert len(parse_only) == 12
    assert sorted(WARNED - parse_only) == []


@pytest.mark.parametrize("path", sorted(WARNED))
def test_parse_only_file_warns_about_what_lanes_does_not_run(path: str) -> None:
    assert parse((CORPUS / path).read_bytes()).warnings
