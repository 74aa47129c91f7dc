"""What lanes cannot run deploys with a warning (id, line, reason): never silently skipped."""

from __future__ import annotations

import pytest

from lanes.bpmn import Definitions, Problem, parse

from .documents import START_END, definitions, line_of, process


def deploy(body: str, attributes: str = 'isExecutable="true"') -> tuple[bytes, Definitions]:
    data = definitions(process(START_END + body, attributes=attributes))
    return data, parse(data)


def only_warning(definitions_: Definitions) -> Problem:
    (warning,) = definitions_.warnings
    assert warning.severity == "warning"
    return warning


# -- nodes lanes keeps but cannot run: a warning now, an incident when a token arrives ---------


@pytest.mark.parametrize(
    ("element", "reason"),
    [
        (
            '<scriptTask id="x" scriptFormat="groovy"><script>a = 1</script></scriptTask>',
            "scripts in groovy are not run",
        ),
        (
            '<scriptTask id="x" scriptFormat="javascript"><script>a = 1;</script></scriptTask>',
            "scripts in javascript are not run",
        ),
        (
            '<scriptTask id="x"><script>a = 1</script></scriptTask>',
            "scripts in an unnamed language are not run",
        ),
        (
            '<scriptTask id="x" scriptFormat="juel"><script>${execution.parent.id}</script>'
            "</scriptTask>",
            "this JUEL script is outside what lanes runs",
        ),
        (
            '<businessRuleTask id="x" camunda:decisionRef="invoice-assign-approver"'
            ' camunda:resultVariable="approverGroups"/>',
            "DMN decisions are not run by lanes",
        ),
        ('<serviceTask id="x" flowable:type="dmn"/>', "DMN decisions are not run by lanes"),
        ('<complexGateway id="x"/>', "complex gateways are not run by lanes"),
        (
            '<adHocSubProcess id="x"><userTask id="inside"/></adHocSubProcess>',
            "ad-hoc subprocesses are not run by lanes",
        ),
        (
            '<userTask id="x"><standardLoopCharacteristics/></userTask>',
            "standard loops (standardLoopCharacteristics) are not run",
        ),
        (
            '<intermediateCatchEvent id="x"><messageEventDefinition/><signalEventDefinition/>'
            "</intermediateCatchEvent>",
            "events with several event definitions are not run",
        ),
        (
            '<intermediateThrowEvent id="x"><compensateEventDefinition/></intermediateThrowEvent>',
            "compensate events are not run by lanes",
        ),
        (
            '<intermediateCatchEvent id="x"><conditionalEventDefinition>'
            '<condition language="groovy">temperature &gt; 30</condition>'
            "</conditionalEventDefinition></intermediateCatchEvent>",
            "conditions in groovy are not run by lanes",
        ),
    ],
)
def test_a_node_lanes_cannot_run_is_kept_and_reported_with_id_and_line(
    element: str, reason: str
) -> None:
    data, definitions_ = deploy(element + "\n")

    warning = only_warning(definitions_)
    node = definitions_.processes["p"].nodes["x"]

    assert warning.message.startswith(reason)
    assert warning.message.endswith("a token reaching it raises an incident")
    assert (warning.element_id, warning.line) == ("x", line_of(data, 'id="x"'))
    assert node.unsupported is not None and node.unsupported.startswith(reason)


def test_a_groovy_condition_on_a_flow_is_kept_and_reported() -> None:
    data, definitions_ = deploy(
        '<userTask id="t"/>\n'
        '<sequenceFlow id="g" sourceRef="start" targetRef="t">\n'
        '<conditionExpression language="groovy">amount > 1000</conditionExpression>\n'
        "</sequenceFlow>\n"
    )

    warning = only_warning(definitions_)
    flow = definitions_.processes["p"].flows["g"]

    assert warning.message == "conditions in groovy are not run by lanes"
    assert (warning.element_id, warning.line) == ("g", line_of(data, "<conditionExpression"))
    assert flow.unsupported == warning.message and flow.condition is None


def test_a_service_task_of_a_built_in_jvm_type_is_served_by_a_worker_with_a_warning() -> None:
    data, definitions_ = deploy('<serviceTask id="mail" activiti:type="mail"/>\n')

    warning = only_warning(definitions_)
    service = definitions_.processes["p"].nodes["mail"].service

    assert "of type 'mail' are not run by lanes" in warning.message
    assert "an external worker on topic 'mail'" in warning.message
    assert (warning.element_id, warning.line) == ("mail", line_of(data, 'id="mail"'))
    assert service is not None and service.topic == "mail"


def test_a_transaction_warns_that_it_has_no_compensation() -> None:
    data, definitions_ = deploy('<transaction id="tx"><startEvent id="in"/></transaction>\n')

    warning = only_warning(definitions_)

    assert (warning.element_id, warning.line) == ("tx", line_of(data, '<transaction id="tx"'))


# -- listeners: Java, expression or script, on a node, a flow or the process -------------------


@pytest.mark.parametrize(
    ("element", "listener"),
    [
        (
            '<userTask id="x"><extensionElements>'
            '<activiti:taskListener event="complete" delegateExpression="${done}"/>'
            "</extensionElements></userTask>",
            "taskListeners",
        ),
        (
            '<userTask id="x"><extensionElements><camunda:taskListener event="create">'
            '<camunda:script scriptFormat="javascript">task.setAssignee(a);</camunda:script>'
            "</camunda:taskListener></extensionElements></userTask>",
            "taskListeners",
        ),
        (
            '<userTask id="x"><extensionElements>'
            '<flowable:executionListener event="start" class="org.acme.Started"/>'
            "</extensionElements></userTask>",
            "executionListeners",
        ),
        (
            '<sequenceFlow id="x" sourceRef="start" targetRef="end"><extensionElements>'
            '<activiti:executionListener event="take" delegateExpression="${ended}"/>'
            "</extensionElements></sequenceFlow>",
            "executionListeners",
        ),
    ],
)
def test_a_listener_is_reported_with_the_id_and_line_of_its_element(
    element: str, listener: str
) -> None:
    data, definitions_ = deploy(element + "\n")

    warning = only_warning(definitions_)

    assert warning.message == f"{listener} are not run by lanes"
    assert (warning.element_id, warning.line) == ("x", line_of(data, 'id="x"'))


@pytest.mark.parametrize("listener", ["executionListener", "eventListener"])
def test_a_listener_on_the_process_is_reported(listener: str) -> None:
    data = definitions(
        process(
            f'<extensionElements><flowable:{listener} class="org.acme.Audit" event="end"/>'
            "</extensionElements>\n" + START_END
        )
    )

    warning = only_warning(parse(data))

    assert warning.message == f"{listener}s are not run by lanes"
    assert (warning.element_id, warning.line) == ("p", line_of(data, '<process id="p"'))


# -- nothing else warns ---------------------------------------------------------------------


def test_a_model_lanes_runs_fully_deploys_without_warnings() -> None:
    _, definitions_ = deploy(
        '<userTask id="t" activiti:assignee="${initiator}"/>\n'
        '<serviceTask id="s" camunda:type="external" camunda:topic="archive"/>\n'
        '<scriptTask id="j" scriptFormat="juel"><script>${a + 1}</script></scriptTask>\n'
        '<sequenceFlow id="c" sourceRef="start" targetRef="t">'
        "<conditionExpression>${days > 3}</conditionExpression></sequenceFlow>\n"
    )

    assert definitions_.warnings == ()


def test_every_warning_of_a_document_is_reported_in_one_deployment() -> None:
    data, definitions_ = deploy(
        '<scriptTask id="s1" scriptFormat="groovy"><script>x</script></scriptTask>\n'
        '<complexGateway id="cg"/>\n'
        '<businessRuleTask id="dmn" camunda:decisionRef="d"/>\n'
        '<userTask id="u"><extensionElements><activiti:taskListener event="create"'
        ' class="A"/></extensionElements></userTask>\n'
    )

    assert [(w.element_id, w.line) for w in definitions_.warnings] == [
        ("s1", line_of(data, 'id="s1"')),
        ("cg", line_of(data, 'id="cg"')),
        ("dmn", line_of(data, 'id="dmn"')),
        ("u", line_of(data, 'id="u"')),
    ]


@pytest.mark.parametrize("element", ["choreographyTask", "subChoreography", "callChoreography"])
def test_an_element_outside_the_executed_vocabulary_is_reported_not_skipped(element: str) -> None:
    data, definitions_ = deploy(f'<{element} id="x"/>\n')

    warning = only_warning(definitions_)

    assert f"<{element}> is not run by lanes" in warning.message
    assert (warning.element_id, warning.line) == ("x", line_of(data, 'id="x"'))
    assert "x" not in definitions_.processes["p"].nodes


def test_descriptive_children_of_a_process_are_not_reported() -> None:
    _, definitions_ = deploy(
        '<dataObject id="d"/>\n<dataObjectReference id="dr" dataObjectRef="d"/>\n'
        '<textAnnotation id="t"><text>note</text></textAnnotation>\n'
    )

    assert definitions_.warnings == ()
