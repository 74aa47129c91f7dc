"""What refuses a deployment: every problem listed at once, each with element id and line."""

from __future__ import annotations

import pytest

from lanes.bpmn import BpmnError, Problem, parse

from .documents import START_END, definitions, line_of, process, start_end


def problems_of(data: bytes) -> list[Problem]:
    with pytest.raises(BpmnError) as caught:
        parse(data)
    return caught.value.problems


def only_problem(data: bytes) -> Problem:
    (problem,) = problems_of(data)
    assert problem.severity == "error"
    return problem


# -- each refusal ------------------------------------------------------------------------


def test_a_duplicate_id_is_refused_at_its_second_use() -> None:
    data = definitions(process(START_END + '<userTask id="start"/>\n'))

    problem = only_problem(data)

    assert problem.message == "duplicate id 'start'"
    assert problem.element_id == "start"
    assert problem.line == line_of(data, '<userTask id="start"')


def test_ids_must_be_unique_across_processes_of_a_document() -> None:
    data = definitions(process(START_END, "a"), process(start_end("2"), "b"), "<message id='a'/>")

    problem = only_problem(data)

    assert (problem.message, problem.element_id) == ("duplicate id 'a'", "a")


@pytest.mark.parametrize("end", ["source", "target"])
def test_a_flow_to_a_missing_element_is_refused(end: str) -> None:
    refs = {"source": "start", "target": "end"}
    refs[end] = "ghost"
    data = definitions(
        process(
            START_END + f'<sequenceFlow id="lost" sourceRef="{refs["source"]}"'
            f' targetRef="{refs["target"]}"/>\n'
        )
    )

    problem = only_problem(data)

    assert problem.message == f"sequence flow {end} 'ghost' is not a flow node of process 'p'"
    assert (problem.element_id, problem.line) == ("lost", line_of(data, 'id="lost"'))


def test_a_flow_to_a_node_of_another_process_is_refused() -> None:
    data = definitions(
        process(START_END + '<sequenceFlow id="across" sourceRef="start" targetRef="end2"/>\n'),
        process(start_end("2"), "other"),
    )

    assert only_problem(data).element_id == "across"


def test_an_executable_process_without_a_start_event_is_refused() -> None:
    data = definitions(process('<userTask id="t"/>\n', "noStart"))

    problem = only_problem(data)

    assert "has no none, message, timer or signal start event" in problem.message
    assert (problem.element_id, problem.line) == ("noStart", line_of(data, '<process id="noStart"'))


def test_a_process_started_only_by_an_error_is_refused() -> None:
    data = definitions(
        process('<startEvent id="s"><errorEventDefinition/></startEvent>\n<endEvent id="e"/>\n')
    )

    assert "start event" in only_problem(data).message


@pytest.mark.parametrize(
    ("trigger", "start"),
    [
        ("message", '<messageEventDefinition messageRef="m"/>'),
        ("signal", '<signalEventDefinition signalRef="s"/>'),
        ("timer", "<timerEventDefinition><timeDuration>PT1H</timeDuration></timerEventDefinition>"),
    ],
)
def test_a_message_signal_or_timer_start_is_enough(trigger: str, start: str) -> None:
    data = definitions(process(f'<startEvent id="s">{start}</startEvent>\n<endEvent id="e"/>\n'))

    assert set(parse(data).processes) == {"p"}


def test_a_condition_that_does_not_compile_is_refused_with_its_text() -> None:
    data = definitions(
        process(
            '<startEvent id="start"/>\n<endEvent id="end"/>\n'
            '<sequenceFlow id="bad" sourceRef="start" targetRef="end">\n'
            "<conditionExpression>${days &gt;&gt; 3}</conditionExpression>\n"
            "</sequenceFlow>\n"
        )
    )

    problem = only_problem(data)

    assert problem.message.startswith("condition does not compile")
    assert "${days >> 3}" in problem.message
    assert (problem.element_id, problem.line) == ("bad", line_of(data, "<conditionExpression>"))


@pytest.mark.parametrize(
    ("attribute", "what"),
    [
        ('activiti:assignee="${unclosed"', "assignee"),
        ('flowable:candidateGroups="${a +}"', "candidateGroups"),
        ('camunda:dueDate="${)}"', "dueDate"),
        ('activiti:skipExpression="${skip ==}"', "skipExpression"),
    ],
)
def test_an_attribute_expression_that_does_not_compile_is_refused(
    attribute: str, what: str
) -> None:
    data = definitions(process(START_END + f'<userTask id="t" {attribute}/>\n'))

    problem = only_problem(data)

    assert problem.message.startswith(f"{what} does not compile")
    assert (problem.element_id, problem.line) == ("t", line_of(data, '<userTask id="t"'))


def test_a_default_flow_that_is_not_outgoing_is_refused() -> None:
    data = definitions(
        process(
            '<startEvent id="start"/>\n<exclusiveGateway id="g" default="toEnd"/>\n'
            '<endEvent id="end"/>\n'
            '<sequenceFlow id="in" sourceRef="start" targetRef="g"/>\n'
            '<sequenceFlow id="out" sourceRef="g" targetRef="end"/>\n'
            '<sequenceFlow id="toEnd" sourceRef="start" targetRef="end"/>\n'
        )
    )

    problem = only_problem(data)

    assert problem.message == "default flow 'toEnd' is not an outgoing flow of the node"
    assert (problem.element_id, problem.line) == ("g", line_of(data, '<exclusiveGateway id="g"'))


def test_a_boundary_event_attached_to_nothing_is_refused() -> None:
    data = definitions(
        process(
            START_END + '<boundaryEvent id="b" attachedToRef="ghost">'
            "<timerEventDefinition><timeDuration>PT1H</timeDuration></timerEventDefinition>"
            "</boundaryEvent>\n"
        )
    )

    problem = only_problem(data)

    assert problem.message == "boundary event is attached to unknown activity 'ghost'"
    assert (problem.element_id, problem.line) == ("b", line_of(data, '<boundaryEvent id="b"'))


def test_a_boundary_event_without_attached_to_ref_is_refused() -> None:
    data = definitions(
        process(
            START_END + '<boundaryEvent id="b"><timerEventDefinition>'
            "<timeDuration>PT1H</timeDuration></timerEventDefinition></boundaryEvent>\n"
        )
    )

    assert only_problem(data).message == "a boundary event needs attachedToRef"


def test_a_boundary_event_without_an_event_definition_is_refused() -> None:
    data = definitions(
        process(START_END + '<userTask id="t"/>\n<boundaryEvent id="b" attachedToRef="t"/>\n')
    )

    assert only_problem(data).message == "a boundary event needs an event definition"


def test_a_timer_without_date_duration_or_cycle_is_refused() -> None:
    data = definitions(
        process(
            START_END + '<intermediateCatchEvent id="w"><timerEventDefinition/>'
            "</intermediateCatchEvent>\n"
        )
    )

    problem = only_problem(data)

    assert problem.message == "a timer needs timeDate, timeDuration or timeCycle"
    assert problem.element_id == "w"


def test_a_multi_instance_without_cardinality_or_collection_is_refused() -> None:
    data = definitions(
        process(START_END + '<userTask id="t"><multiInstanceLoopCharacteristics/></userTask>\n')
    )

    problem = only_problem(data)

    assert "needs loopCardinality or a collection" in problem.message
    assert problem.element_id == "t"


def test_a_call_activity_without_called_element_is_refused() -> None:
    data = definitions(process(START_END + '<callActivity id="c"/>\n'))

    assert only_problem(data).message == "a call activity needs calledElement"


def test_a_subprocess_without_a_none_start_is_refused() -> None:
    data = definitions(
        process(START_END + '<subProcess id="sub"><userTask id="inner"/></subProcess>\n')
    )

    problem = only_problem(data)

    assert (problem.message, problem.element_id) == ("a subprocess needs a none start event", "sub")


def test_an_event_subprocess_needs_one_triggered_start() -> None:
    data = definitions(
        process(
            START_END + '<subProcess id="ev" triggeredByEvent="true"><startEvent id="plain"/>'
            "</subProcess>\n"
        )
    )

    assert only_problem(data).message == (
        "an event subprocess needs exactly one start event with a trigger"
    )


def test_a_node_without_an_id_is_refused() -> None:
    data = definitions(process(START_END + "<userTask name='nameless'/>\n"))

    problem = only_problem(data)

    assert problem.message == "a <userTask> has no id"
    assert problem.line == line_of(data, "<userTask name=")


def test_a_document_with_no_executable_process_is_refused() -> None:
    data = definitions(process(START_END, attributes='isExecutable="false"'))

    assert only_problem(data).message == "the document holds no executable process"


# -- expressions that reach for the host are refused when the model is deployed ----------

ESCAPES = ["${''.__class__}", "${T(java.lang.Runtime).getRuntime()}", "${x.__dict__}"]


@pytest.mark.parametrize("expression", ESCAPES)
def test_an_escaping_condition_refuses_the_deployment(expression: str) -> None:
    data = definitions(
        process(
            '<startEvent id="start"/>\n<endEvent id="end"/>\n'
            '<sequenceFlow id="sneaky" sourceRef="start" targetRef="end">'
            f"<conditionExpression><![CDATA[{expression}]]></conditionExpression>"
            "</sequenceFlow>\n"
        )
    )

    problem = only_problem(data)

    assert expression in problem.message
    assert problem.element_id == "sneaky"
    assert "sneaky" in str(problem)


@pytest.mark.parametrize("expression", ESCAPES)
def test_an_escaping_assignee_refuses_the_deployment(expression: str) -> None:
    data = definitions(
        process(START_END + f"<userTask id='sneaky' activiti:assignee=\"{expression}\"/>\n")
    )

    problem = only_problem(data)

    assert problem.message.startswith("assignee does not compile")
    assert expression in problem.message
    assert (problem.element_id, problem.line) == ("sneaky", line_of(data, "<userTask id='sneaky'"))


# -- every problem of a document, at once ------------------------------------------------


def test_all_problems_of_a_document_are_reported_together_with_id_and_line() -> None:
    data = definitions(
        process(
            '<startEvent id="start"/>\n'
            '<exclusiveGateway id="g" default="nowhere"/>\n'
            '<userTask id="start"/>\n'
            '<userTask id="t" activiti:assignee="${x.__dict__}"/>\n'
            '<boundaryEvent id="b" attachedToRef="ghost"><timerEventDefinition>'
            "<timeDuration>PT1H</timeDuration></timerEventDefinition></boundaryEvent>\n"
            '<sequenceFlow id="f1" sourceRef="start" targetRef="g"/>\n'
            '<sequenceFlow id="lost" sourceRef="g" targetRef="missing"/>\n'
            '<sequenceFlow id="bad" sourceRef="g" targetRef="t">'
            "<conditionExpression>${a ==}</conditionExpression></sequenceFlow>\n",
            "first",
        ),
        process('<userTask id="lonely"/>\n', "second"),
    )

    problems = problems_of(data)

    found = {(p.element_id, p.line) for p in problems}
    assert found == {
        ("start", line_of(data, '<userTask id="start"')),  # duplicate id
        ("t", line_of(data, '<userTask id="t"')),  # assignee does not compile
        ("bad", line_of(data, 'id="bad"')),  # condition does not compile
        ("lost", line_of(data, 'id="lost"')),  # target missing
        ("g", line_of(data, '<exclusiveGateway id="g"')),  # default flow not outgoing
        ("b", line_of(data, '<boundaryEvent id="b"')),  # attached to nothing
        ("second", line_of(data, '<process id="second"')),  # no start event
    }
    assert all(p.severity == "error" and p.message for p in problems)


def test_the_error_message_lists_every_problem() -> None:
    data = definitions(
        process(START_END + '<callActivity id="c1"/>\n<callActivity id="c2"/>\n'),
    )

    with pytest.raises(BpmnError) as caught:
        parse(data)

    message = str(caught.value)
    assert message.count("a call activity needs calledElement") == 2
    assert "element 'c1'" in message and "element 'c2'" in message


def test_warnings_alone_do_not_refuse_a_deployment() -> None:
    data = definitions(
        process(
            START_END + '<scriptTask id="s" scriptFormat="groovy"><script>x</script></scriptTask>\n'
        )
    )

    definitions_ = parse(data)

    assert [w.element_id for w in definitions_.warnings] == ["s"]
