"""The parser: one focused test per element kind and per vendor attribute."""

from __future__ import annotations

from collections.abc import Mapping

import pytest

from lanes.bpmn import FlowNode, parse
from lanes.expr import Expression

from .documents import (
    BPMN_NS,
    START_END,
    definitions,
    node_of,
    only_process,
    parse_body,
    process,
    start_end,
)

VENDORS = ("activiti", "flowable", "camunda")


def text(expression: Expression | None) -> str | None:
    return None if expression is None else expression.text


def texts(expressions: tuple[Expression, ...]) -> list[str]:
    return [e.text for e in expressions]


# -- namespaces and which processes are read ---------------------------------------------


@pytest.mark.parametrize("prefix", ["bpmn", "bpmn2", "semantic"])
def test_a_prefixed_bpmn_namespace_reads_like_the_default_one(prefix: str) -> None:
    data = (
        f'<{prefix}:definitions xmlns:{prefix}="{BPMN_NS}" id="d">\n'
        f'<{prefix}:process id="p" isExecutable="true">\n'
        f'<{prefix}:startEvent id="start"/>\n'
        f'<{prefix}:userTask id="review"/>\n'
        f'<{prefix}:endEvent id="end"/>\n'
        f'<{prefix}:sequenceFlow id="f1" sourceRef="start" targetRef="review"/>\n'
        f'<{prefix}:sequenceFlow id="f2" sourceRef="review" targetRef="end"/>\n'
        f"</{prefix}:process>\n"
        f"</{prefix}:definitions>"
    ).encode()

    model = parse(data).processes["p"]

    assert {n.id: n.kind for n in model.nodes.values()} == {
        "start": "startEvent",
        "review": "userTask",
        "end": "endEvent",
    }
    assert model.nodes["review"].incoming == ("f1",)
    assert model.nodes["review"].outgoing == ("f2",)


def test_a_process_without_is_executable_is_executable() -> None:
    data = definitions(process(START_END, attributes='name="Leave"'))

    model = parse(data).processes["p"]

    assert model.executable
    assert model.name == "Leave"


def test_a_process_marked_not_executable_is_skipped() -> None:
    data = definitions(
        process(start_end("2"), "outside", 'isExecutable="false"'),
        process(START_END, "inside"),
    )

    assert list(parse(data).processes) == ["inside"]


def test_a_non_executable_process_is_skipped_even_without_an_id() -> None:
    data = definitions(
        '<process isExecutable="false"><startEvent/></process>', process(START_END, "inside")
    )

    assert list(parse(data).processes) == ["inside"]


def test_an_empty_pool_is_skipped() -> None:
    data = definitions(
        '<collaboration id="c">\n'
        '<participant id="customer" name="Customer" processRef="customerProcess"/>\n'
        '<participant id="office" name="Office" processRef="p"/>\n'
        "</collaboration>",
        '<process id="customerProcess"/>',
        process(START_END),
    )

    definitions_ = parse(data)

    assert list(definitions_.processes) == ["p"]
    assert [(p.id, p.process) for p in definitions_.participants] == [
        ("customer", "customerProcess"),
        ("office", "p"),
    ]


def test_every_executable_process_of_a_document_is_read() -> None:
    data = definitions(process(START_END, "first"), process(start_end("2"), "second"))

    assert list(parse(data).processes) == ["first", "second"]


def test_unknown_extension_elements_and_attributes_are_ignored() -> None:
    data = definitions(
        process(
            '<extensionElements><design:stencilid xmlns:design="http://flowable.org/design"'
            ' value="BPMNDiagram"/></extensionElements>\n'
            + START_END
            + '<userTask id="t" modeler:x="1" xmlns:modeler="http://activiti.com/modeler"'
            ' flowable:assignee="kermit">\n'
            "<extensionElements>\n"
            '<flowable:candidateStrategy xmlns:flowable="http://flowable.org/bpmn">30'
            "</flowable:candidateStrategy>\n"
            '<modeler:initiator-can-complete xmlns:modeler="http://flowable.org/modeler">'
            "false</modeler:initiator-can-complete>\n"
            '<foo:bar xmlns:foo="urn:foo"><foo:baz/></foo:bar>\n'
            "</extensionElements>\n"
            "</userTask>\n"
        )
    )

    definitions_ = parse(data)

    task = definitions_.processes["p"].nodes["t"].task
    assert task is not None and text(task.assignee) == "kermit"
    assert definitions_.warnings == ()


def test_documentation_of_process_and_node_is_kept() -> None:
    model = only_process(
        "<documentation>Leave request</documentation>\n"
        + START_END
        + '<userTask id="t"><documentation> Approve it. </documentation></userTask>\n'
    )

    assert model.documentation == "Leave request"
    assert model.nodes["t"].documentation == "Approve it."


def test_process_candidate_starters_and_version_tag_are_read() -> None:
    data = definitions(
        process(
            START_END,
            attributes='isExecutable="true" activiti:candidateStarterUsers="kermit, fozzie"'
            ' activiti:candidateStarterGroups="management" camunda:versionTag="2.1"',
        )
    )

    model = parse(data).processes["p"]

    assert model.candidate_starter_users == ("kermit", "fozzie")
    assert model.candidate_starter_groups == ("management",)
    assert model.version_tag == "2.1"


# -- flow nodes, one kind at a time ------------------------------------------------------


def test_a_none_start_event_is_a_start_of_the_process_scope() -> None:
    model = only_process(START_END)

    start = model.nodes["start"]
    assert (start.kind, start.event, start.scope) == ("startEvent", None, None)
    assert model.scopes[None].starts == ("start",)
    assert [n.id for n in model.start_events()] == ["start"]


def test_a_node_records_its_name_line_and_flows() -> None:
    data = definitions(process(START_END))

    end = parse(data).processes["p"].nodes["end"]

    assert end.kind == "endEvent"
    assert end.line == 6  # xml declaration, <definitions>, <process>, start, flow, end
    assert end.incoming == ("toEnd",)
    assert end.outgoing == ()


def test_a_terminate_end_event_says_so() -> None:
    end = node_of('<endEvent id="kill"><terminateEventDefinition/></endEvent>\n', "kill")

    assert end.event is not None and end.event.kind == "terminate"


@pytest.mark.parametrize("kind", ["task", "manualTask"])
def test_plain_and_manual_tasks_carry_nothing_more(kind: str) -> None:
    node = node_of(f'<{kind} id="t" name="Do it"/>\n', "t")

    assert (node.kind, node.name, node.task, node.service, node.unsupported) == (
        kind,
        "Do it",
        None,
        None,
        None,
    )


@pytest.mark.parametrize(
    "kind", ["exclusiveGateway", "parallelGateway", "inclusiveGateway", "eventBasedGateway"]
)
def test_each_gateway_kind_is_read(kind: str) -> None:
    node = node_of(f'<{kind} id="g"/>\n', "g")

    assert node.kind == kind
    assert node.unsupported is None


def test_an_exclusive_gateway_keeps_its_default_flow() -> None:
    model = only_process(
        '<startEvent id="start"/>\n'
        '<exclusiveGateway id="g" default="otherwise"/>\n'
        '<endEvent id="a"/>\n<endEvent id="b"/>\n'
        '<sequenceFlow id="in" sourceRef="start" targetRef="g"/>\n'
        '<sequenceFlow id="big" sourceRef="g" targetRef="a">\n'
        '<conditionExpression xsi:type="tFormalExpression">${days &gt; 3}</conditionExpression>\n'
        "</sequenceFlow>\n"
        '<sequenceFlow id="otherwise" sourceRef="g" targetRef="b"/>\n'
    )

    assert model.nodes["g"].default_flow == "otherwise"
    assert model.nodes["g"].outgoing == ("big", "otherwise")
    assert text(model.flows["big"].condition) == "${days > 3}"
    assert model.flows["otherwise"].condition is None


def test_a_condition_in_cdata_with_a_deferred_expression_is_read() -> None:
    model = only_process(
        '<startEvent id="start"/>\n<endEvent id="end"/>\n'
        '<sequenceFlow id="f" sourceRef="start" targetRef="end">'
        "<conditionExpression><![CDATA[#{exit && x < 3}]]></conditionExpression>"
        "</sequenceFlow>\n"
    )

    assert text(model.flows["f"].condition) == "#{exit && x < 3}"


def test_a_sequence_flow_without_an_id_is_accepted_and_named_by_its_line() -> None:
    model = only_process(
        '<startEvent id="start"/>\n<endEvent id="end"/>\n'
        '<sequenceFlow sourceRef="start" targetRef="end"/>\n'
    )

    (flow,) = model.flows.values()
    assert flow.id == "sequenceFlow_line6"
    assert (flow.source, flow.target) == ("start", "end")
    assert model.nodes["start"].outgoing == (flow.id,)


def test_flows_without_ids_on_one_line_each_keep_their_own_name() -> None:
    model = only_process(
        '<startEvent id="start"/>\n<userTask id="t"/>\n<endEvent id="end"/>\n'
        '<sequenceFlow sourceRef="start" targetRef="t"/>'
        '<sequenceFlow sourceRef="t" targetRef="end"/>\n'
    )

    assert [(f.source, f.target) for f in model.flows.values()] == [
        ("start", "t"),
        ("t", "end"),
    ]
    assert len(set(model.flows)) == 2


def test_a_generated_flow_name_never_takes_an_id_already_used() -> None:
    model = only_process(
        '<startEvent id="start"/>\n<userTask id="sequenceFlow_line7"/>\n<endEvent id="end"/>\n'
        '<sequenceFlow sourceRef="start" targetRef="sequenceFlow_line7"/>\n'
        '<sequenceFlow id="f2" sourceRef="sequenceFlow_line7" targetRef="end"/>\n'
    )

    (generated,) = [f for f in model.flows if f != "f2"]
    assert generated != "sequenceFlow_line7"
    assert model.nodes["sequenceFlow_line7"].kind == "userTask"


def test_a_subprocess_is_a_scope_with_its_own_start() -> None:
    model = only_process(
        START_END + '<subProcess id="sub">\n'
        '<startEvent id="subStart"/>\n<userTask id="inner"/>\n<endEvent id="subEnd"/>\n'
        '<sequenceFlow id="s1" sourceRef="subStart" targetRef="inner"/>\n'
        '<sequenceFlow id="s2" sourceRef="inner" targetRef="subEnd"/>\n'
        "</subProcess>\n"
    )

    assert model.nodes["sub"].is_scope
    assert model.nodes["inner"].scope == "sub"
    assert model.scopes["sub"].nodes == ("subStart", "inner", "subEnd")
    assert model.scopes["sub"].starts == ("subStart",)
    assert "inner" not in model.scopes[None].nodes
    assert model.flows["s1"].source == "subStart"


def test_a_transaction_runs_as_a_subprocess_with_a_warning() -> None:
    definitions_ = parse_body(
        START_END + '<transaction id="tx"><startEvent id="txStart"/></transaction>\n'
    )

    node = definitions_.processes["p"].nodes["tx"]
    assert node.is_scope and node.unsupported is None
    assert [w.element_id for w in definitions_.warnings] == ["tx"]
    assert "no compensation" in definitions_.warnings[0].message


def test_an_event_subprocess_is_triggered_by_its_start_event() -> None:
    model = only_process(
        START_END + '<subProcess id="onCancel" triggeredByEvent="true">\n'
        '<startEvent id="cancelled" isInterrupting="false">'
        '<messageEventDefinition messageRef="cancelMsg"/></startEvent>\n'
        '<endEvent id="cancelEnd"/>\n'
        '<sequenceFlow id="c1" sourceRef="cancelled" targetRef="cancelEnd"/>\n'
        "</subProcess>\n",
        '<message id="cancelMsg" name="cancel"/>',
    )

    sub, start = model.nodes["onCancel"], model.nodes["cancelled"]
    assert sub.triggered_by_event
    assert model.scopes[None].event_subprocesses == ("onCancel",)
    assert start.event is not None and start.event.ref == "cancel"
    assert not start.interrupting
    assert [n.id for n in model.start_events()] == ["start"]


def test_a_lane_set_lists_the_nodes_of_each_lane() -> None:
    model = only_process(
        '<laneSet id="ls">\n'
        '<lane id="boss" name="Boss"><flowNodeRef>start</flowNodeRef></lane>\n'
        '<lane id="clerk"><flowNodeRef> end </flowNodeRef></lane>\n'
        "</laneSet>\n" + START_END
    )

    assert [(lane.id, lane.name, lane.nodes) for lane in model.lanes] == [
        ("boss", "Boss", ("start",)),
        ("clerk", None, ("end",)),
    ]


def test_text_annotations_and_associations_are_kept() -> None:
    definitions_ = parse_body(
        START_END
        + '<textAnnotation id="note"><text> Ask HR first </text></textAnnotation>\n'
        + '<association id="link" sourceRef="start" targetRef="note"/>\n'
    )

    assert [(a.id, a.text) for a in definitions_.annotations] == [("note", "Ask HR first")]
    assert [(a.source, a.target) for a in definitions_.associations] == [("start", "note")]


# -- user tasks: the vendor attributes, in each vendor namespace ---------------------------


@pytest.mark.parametrize("vendor", VENDORS)
def test_assignee_is_an_expression(vendor: str) -> None:
    task = node_of(f'<userTask id="t" {vendor}:assignee="${{initiator}}"/>\n', "t").task

    assert task is not None and text(task.assignee) == "${initiator}"


@pytest.mark.parametrize("vendor", VENDORS)
def test_candidate_users_split_on_commas_outside_expressions(vendor: str) -> None:
    task = node_of(
        f"<userTask id='t' {vendor}:candidateUsers=\"kermit, ${{a ? 'x, y' : b}} ,fozzie\"/>\n", "t"
    ).task

    assert task is not None
    assert texts(task.candidate_users) == ["kermit", "${a ? 'x, y' : b}", "fozzie"]


@pytest.mark.parametrize("vendor", VENDORS)
def test_candidate_groups_are_read(vendor: str) -> None:
    task = node_of(f'<userTask id="t" {vendor}:candidateGroups="hr,${{deptLeader}}"/>\n', "t").task

    assert task is not None and texts(task.candidate_groups) == ["hr", "${deptLeader}"]


@pytest.mark.parametrize("vendor", VENDORS)
def test_form_key_is_kept_as_written(vendor: str) -> None:
    task = node_of(f'<userTask id="t" {vendor}:formKey="embedded:app:forms/a.html"/>\n', "t").task

    assert task is not None and task.form_key == "embedded:app:forms/a.html"


@pytest.mark.parametrize("vendor", VENDORS)
def test_due_date_is_an_expression(vendor: str) -> None:
    task = node_of(f'<userTask id="t" {vendor}:dueDate="${{dueDate}}"/>\n', "t").task

    assert task is not None and text(task.due_date) == "${dueDate}"


@pytest.mark.parametrize("vendor", VENDORS)
def test_priority_is_an_expression(vendor: str) -> None:
    task = node_of(f'<userTask id="t" {vendor}:priority="${{urgent ? 90 : 50}}"/>\n', "t").task

    assert task is not None and text(task.priority) == "${urgent ? 90 : 50}"


@pytest.mark.parametrize("vendor", VENDORS)
def test_category_is_kept_as_written(vendor: str) -> None:
    task = node_of(f'<userTask id="t" {vendor}:category="leave"/>\n', "t").task

    assert task is not None and task.category == "leave"


def test_a_user_task_without_vendor_attributes_has_nobody_assigned() -> None:
    task = node_of('<userTask id="t"/>\n', "t").task

    assert task is not None
    assert (task.assignee, task.candidate_users, task.candidate_groups) == (None, (), ())
    assert (task.form_key, task.due_date, task.priority, task.category) == (None,) * 4


def test_a_human_performer_is_the_assignee() -> None:
    task = node_of(
        '<userTask id="t"><humanPerformer><resourceAssignmentExpression>'
        "<formalExpression>kermit</formalExpression>"
        "</resourceAssignmentExpression></humanPerformer></userTask>\n",
        "t",
    ).task

    assert task is not None and text(task.assignee) == "kermit"


def test_a_vendor_assignee_wins_over_a_human_performer() -> None:
    task = node_of(
        '<userTask id="t" activiti:assignee="gonzo"><humanPerformer><resourceAssignmentExpression>'
        "<formalExpression>kermit</formalExpression>"
        "</resourceAssignmentExpression></humanPerformer></userTask>\n",
        "t",
    ).task

    assert task is not None and text(task.assignee) == "gonzo"


def test_potential_owners_are_candidate_users_and_groups() -> None:
    task = node_of(
        '<userTask id="t"><potentialOwner><resourceAssignmentExpression>'
        "<formalExpression>user(kermit), group(management), accountancy</formalExpression>"
        "</resourceAssignmentExpression></potentialOwner></userTask>\n",
        "t",
    ).task

    assert task is not None
    assert texts(task.candidate_users) == ["kermit"]
    assert texts(task.candidate_groups) == ["management", "accountancy"]


# -- node attributes shared by every kind ---------------------------------------------------


@pytest.mark.parametrize("vendor", VENDORS)
def test_initiator_names_the_variable_of_the_starting_user(vendor: str) -> None:
    model = only_process(
        f'<startEvent id="start" {vendor}:initiator="applyUser"/>\n'
        '<sequenceFlow id="f" sourceRef="start" targetRef="end"/>\n<endEvent id="end"/>\n'
    )

    assert model.nodes["start"].initiator == "applyUser"


@pytest.mark.parametrize("attribute", ["activiti:async", "flowable:async", "camunda:asyncBefore"])
def test_async_marks_a_continuation_before_the_node(attribute: str) -> None:
    assert node_of(f'<serviceTask id="s" {attribute}="true"/>\n', "s").async_before
    assert not node_of(f'<serviceTask id="s" {attribute}="false"/>\n', "s").async_before


@pytest.mark.parametrize("vendor", VENDORS)
def test_skip_expression_is_an_expression(vendor: str) -> None:
    node = node_of(f'<userTask id="t" {vendor}:skipExpression="${{skip}}"/>\n', "t")

    assert text(node.skip) == "${skip}"


def test_a_skip_expression_on_a_flow_is_read() -> None:
    model = only_process(
        '<startEvent id="start"/>\n<endEvent id="end"/>\n'
        '<sequenceFlow id="f" sourceRef="start" targetRef="end" flowable:skipExpression="${go}"/>\n'
    )

    assert text(model.flows["f"].skip) == "${go}"


# -- multi-instance ------------------------------------------------------------------------


@pytest.mark.parametrize("vendor", VENDORS)
def test_a_collection_naming_a_variable_becomes_an_expression(vendor: str) -> None:
    loop = node_of(
        '<userTask id="t" activiti:assignee="${assignee}">'
        f'<multiInstanceLoopCharacteristics isSequential="false" {vendor}:collection="userList"'
        f' {vendor}:elementVariable="assignee"/></userTask>\n',
        "t",
    ).loop

    assert loop is not None and not loop.sequential
    assert text(loop.collection) == "${userList}"
    assert loop.element_variable == "assignee"


def test_a_collection_written_as_an_expression_is_kept() -> None:
    loop = node_of(
        '<userTask id="t"><multiInstanceLoopCharacteristics isSequential="true"'
        ' flowable:collection="${coll_userList}" flowable:elementVariable="u"/></userTask>\n',
        "t",
    ).loop

    assert loop is not None and loop.sequential
    assert text(loop.collection) == "${coll_userList}"


def test_loop_data_input_ref_and_input_data_item_are_the_standard_collection() -> None:
    loop = node_of(
        '<userTask id="t"><multiInstanceLoopCharacteristics>\n'
        "<loopDataInputRef>assigneeList</loopDataInputRef>\n"
        '<inputDataItem name="assignee"/>\n'
        "</multiInstanceLoopCharacteristics></userTask>\n",
        "t",
    ).loop

    assert loop is not None
    assert text(loop.collection) == "${assigneeList}"
    assert loop.element_variable == "assignee"


def test_loop_cardinality_and_completion_condition_are_expressions() -> None:
    loop = node_of(
        '<userTask id="t"><multiInstanceLoopCharacteristics isSequential="true">\n'
        "<loopCardinality>${nrOfSigners}</loopCardinality>\n"
        "<completionCondition>${nrOfCompletedInstances/nrOfInstances &gt;= 0.6}"
        "</completionCondition>\n"
        "</multiInstanceLoopCharacteristics></userTask>\n",
        "t",
    ).loop

    assert loop is not None
    assert text(loop.cardinality) == "${nrOfSigners}"
    assert text(loop.completion_condition) == "${nrOfCompletedInstances/nrOfInstances >= 0.6}"
    assert loop.collection is None
    assert loop.loop_counter_variable == "loopCounter"


def test_a_custom_loop_counter_variable_is_read() -> None:
    loop = node_of(
        '<userTask id="t"><multiInstanceLoopCharacteristics flowable:elementIndexVariable="i">'
        "<loopCardinality>3</loopCardinality></multiInstanceLoopCharacteristics></userTask>\n",
        "t",
    ).loop

    assert loop is not None and loop.loop_counter_variable == "i"


def test_a_multi_instance_subprocess_is_read() -> None:
    model = only_process(
        START_END + '<subProcess id="sub"><multiInstanceLoopCharacteristics isSequential="true">'
        "<loopCardinality>2</loopCardinality></multiInstanceLoopCharacteristics>\n"
        '<startEvent id="subStart"/></subProcess>\n'
    )

    assert model.nodes["sub"].loop is not None
    assert model.nodes["subStart"].scope == "sub"


# -- call activities -----------------------------------------------------------------------


def test_called_element_is_an_expression() -> None:
    call = node_of('<callActivity id="c" calledElement="checkCredit"/>\n', "c").call

    assert call is not None and text(call.called_element) == "checkCredit"


@pytest.mark.parametrize("vendor", VENDORS)
def test_in_and_out_mappings_read_source_target_and_source_expression(vendor: str) -> None:
    call = node_of(
        '<callActivity id="c" calledElement="${child}">\n<extensionElements>\n'
        f'<{vendor}:in source="amount" target="total"/>\n'
        f'<{vendor}:in sourceExpression="${{amount * 2}}" target="doubled"/>\n'
        f'<{vendor}:out source="approved" target="childApproved"/>\n'
        "</extensionElements>\n</callActivity>\n",
        "c",
    ).call

    assert call is not None
    assert text(call.called_element) == "${child}"
    assert [(m.source, text(m.source_expression), m.target, m.all) for m in call.inputs] == [
        ("amount", None, "total", False),
        (None, "${amount * 2}", "doubled", False),
    ]
    assert [(m.source, m.target) for m in call.outputs] == [("approved", "childApproved")]


def test_variables_all_copies_every_variable() -> None:
    call = node_of(
        '<callActivity id="c" calledElement="child"><extensionElements>'
        '<camunda:in variables="all"/><camunda:out variables="all"/>'
        "</extensionElements></callActivity>\n",
        "c",
    ).call

    assert call is not None
    assert [m.all for m in call.inputs + call.outputs] == [True, True]


def test_a_business_key_mapping_is_not_a_variable_mapping() -> None:
    call = node_of(
        '<callActivity id="c" calledElement="child"><extensionElements>'
        '<camunda:in businessKey="${orderId}"/><camunda:in source="a" target="a"/>'
        "</extensionElements></callActivity>\n",
        "c",
    ).call

    assert call is not None
    assert text(call.business_key) == "${orderId}"
    assert [m.source for m in call.inputs] == ["a"]


@pytest.mark.parametrize("vendor", ["activiti", "flowable"])
def test_inherit_variables_is_read(vendor: str) -> None:
    inherit = f'<callActivity id="c" calledElement="child" {vendor}:inheritVariables="true"/>\n'
    plain = '<callActivity id="c" calledElement="child"/>\n'

    call, plain_call = node_of(inherit, "c").call, node_of(plain, "c").call

    assert call is not None and call.inherit_variables
    assert plain_call is not None and not plain_call.inherit_variables


# -- service-like tasks: always an external worker on a topic -------------------------------


@pytest.mark.parametrize("kind", ["serviceTask", "sendTask", "businessRuleTask"])
def test_an_external_task_is_served_on_its_topic(kind: str) -> None:
    service = node_of(
        f'<{kind} id="s" camunda:type="external" camunda:topic="invoice-archive"/>\n', "s"
    ).service

    assert service is not None
    assert (service.implementation, service.topic) == ("external", "invoice-archive")


def test_an_external_task_without_a_topic_is_served_on_its_id() -> None:
    service = node_of('<serviceTask id="s" camunda:type="external"/>\n', "s").service

    assert service is not None and service.topic == "s"


def test_a_flowable_external_worker_task_is_served_on_its_topic() -> None:
    service = node_of(
        '<serviceTask id="s" flowable:type="external-worker" flowable:topic="mail"/>\n', "s"
    ).service

    assert service is not None and (service.implementation, service.topic) == ("external", "mail")


@pytest.mark.parametrize(
    ("attribute", "value"),
    [
        ("activiti:class", "org.acme.SendRejectionMail"),
        ("flowable:delegateExpression", "${mailDelegate}"),
        ("camunda:expression", "${mailer.send(execution)}"),
    ],
)
def test_java_bound_service_tasks_become_external_tasks_on_that_topic(
    attribute: str, value: str
) -> None:
    service = node_of(
        f'<serviceTask id="s" {attribute}="{value}" camunda:resultVariable="sent"/>\n', "s"
    ).service

    assert service is not None
    assert (service.implementation, service.topic) == (attribute.split(":")[1], value)
    assert service.result_variable == "sent"


def test_a_service_task_with_no_implementation_is_served_on_its_id() -> None:
    service = node_of('<serviceTask id="notify"/>\n', "notify").service

    assert service is not None and (service.implementation, service.topic) == ("none", "notify")


def test_a_receive_task_waits_for_its_message_by_name() -> None:
    node = node_of(
        '<receiveTask id="r" messageRef="paid"/>\n', "r", '<message id="paid" name="Payment"/>'
    )

    assert node.event is not None and (node.event.kind, node.event.ref) == ("message", "Payment")


def test_a_juel_script_task_keeps_its_expression_and_result_variable() -> None:
    node = node_of(
        '<scriptTask id="s" scriptFormat="juel" activiti:resultVariable="sum">'
        "<script>${a + b}</script></scriptTask>\n",
        "s",
    )

    assert text(node.script) == "${a + b}"
    assert node.script_result == "sum"
    assert node.unsupported is None


# -- events: timers and references -------------------------------------------------------


@pytest.mark.parametrize(
    ("tag", "value", "kind"),
    [
        ("timeDate", "2026-03-02T09:00:00Z", "date"),
        ("timeDuration", "PT5M", "duration"),
        ("timeCycle", "R3/PT10H", "cycle"),
        ("timeDate", "#{dueDate}", "date"),
        ("timeDuration", "${reminder}", "duration"),
    ],
)
def test_a_timer_reads_its_date_duration_or_cycle(tag: str, value: str, kind: str) -> None:
    node = node_of(
        '<intermediateCatchEvent id="wait">'
        f"<timerEventDefinition><{tag}>{value}</{tag}></timerEventDefinition>"
        "</intermediateCatchEvent>\n",
        "wait",
    )

    assert node.event is not None
    assert (node.event.kind, node.event.timer_kind, text(node.event.timer)) == (
        "timer",
        kind,
        value,
    )


def test_a_timer_start_event_is_a_process_start() -> None:
    model = only_process(
        '<startEvent id="daily"><timerEventDefinition><timeCycle>0 0 9 * * ?</timeCycle>'
        "</timerEventDefinition></startEvent>\n"
        '<endEvent id="end"/>\n<sequenceFlow id="f" sourceRef="daily" targetRef="end"/>\n'
    )

    event = model.nodes["daily"].event
    assert event is not None and event.timer_kind == "cycle"
    assert [n.id for n in model.start_events()] == ["daily"]


@pytest.mark.parametrize(
    ("definition", "root_element", "ref"),
    [
        (
            '<messageEventDefinition messageRef="m1"/>',
            '<message id="m1" name="orderPaid"/>',
            ("message", "orderPaid"),
        ),
        (
            '<signalEventDefinition signalRef="s1"/>',
            '<signal id="s1" name="alert"/>',
            ("signal", "alert"),
        ),
        (
            '<errorEventDefinition errorRef="e1"/>',
            '<error id="e1" name="Rejected" errorCode="REJECTED"/>',
            ("error", "REJECTED"),
        ),
        (
            '<escalationEventDefinition escalationRef="x1"/>',
            '<escalation id="x1" name="Late" escalationCode="LATE"/>',
            ("escalation", "LATE"),
        ),
    ],
)
def test_event_references_resolve_to_names_and_codes(
    definition: str, root_element: str, ref: tuple[str, str]
) -> None:
    node = node_of(
        f'<intermediateThrowEvent id="e">{definition}</intermediateThrowEvent>\n', "e", root_element
    )

    assert node.event is not None and (node.event.kind, node.event.ref) == ref


def test_a_reference_to_an_undeclared_message_keeps_the_reference() -> None:
    node = node_of(
        '<intermediateCatchEvent id="e"><messageEventDefinition messageRef="nowhere"/>'
        "</intermediateCatchEvent>\n",
        "e",
    )

    assert node.event is not None and node.event.ref == "nowhere"


def test_a_signal_without_a_name_is_known_by_its_id() -> None:
    node = node_of(
        '<intermediateThrowEvent id="e"><signalEventDefinition signalRef="s1"/>'
        "</intermediateThrowEvent>\n",
        "e",
        '<signal id="s1"/>',
    )

    assert node.event is not None and node.event.ref == "s1"


def test_a_conditional_event_keeps_its_condition() -> None:
    node = node_of(
        '<intermediateCatchEvent id="e"><conditionalEventDefinition>'
        '<condition xsi:type="tFormalExpression">${temperature &gt; 30}</condition>'
        "</conditionalEventDefinition></intermediateCatchEvent>\n",
        "e",
    )

    assert node.event is not None
    assert (node.event.kind, text(node.event.condition)) == ("conditional", "${temperature > 30}")


def test_a_link_event_keeps_its_name() -> None:
    node = node_of(
        '<intermediateThrowEvent id="e"><linkEventDefinition name="toB"/>'
        "</intermediateThrowEvent>\n",
        "e",
    )

    assert node.event is not None and (node.event.kind, node.event.ref) == ("link", "toB")


# -- boundary events ---------------------------------------------------------------------


def boundary_nodes(boundary: str) -> Mapping[str, FlowNode]:
    model = only_process(
        START_END + '<userTask id="review"/>\n' + boundary + '<endEvent id="late"/>\n'
        '<sequenceFlow id="toLate" sourceRef="b" targetRef="late"/>\n',
        '<message id="m" name="withdrawn"/>',
    )
    return model.nodes


def test_a_boundary_event_is_attached_and_interrupting_by_default() -> None:
    nodes = boundary_nodes(
        '<boundaryEvent id="b" attachedToRef="review"><timerEventDefinition>'
        "<timeDuration>P3D</timeDuration></timerEventDefinition></boundaryEvent>\n"
    )

    boundary, review = nodes["b"], nodes["review"]
    assert boundary.attached_to == "review" and boundary.interrupting
    assert review.boundaries == ("b",)


def test_a_boundary_event_with_cancel_activity_false_does_not_interrupt() -> None:
    nodes = boundary_nodes(
        '<boundaryEvent id="b" attachedToRef="review" cancelActivity="false">'
        '<messageEventDefinition messageRef="m"/></boundaryEvent>\n'
    )

    boundary = nodes["b"]
    assert not boundary.interrupting
    assert boundary.event is not None and boundary.event.ref == "withdrawn"


def test_a_boundary_event_sits_in_the_scope_of_its_activity() -> None:
    model = only_process(
        START_END + '<subProcess id="sub">\n<startEvent id="subStart"/>\n<userTask id="inner"/>\n'
        '<sequenceFlow id="s1" sourceRef="subStart" targetRef="inner"/>\n</subProcess>\n'
        '<boundaryEvent id="b" attachedToRef="inner"><errorEventDefinition/></boundaryEvent>\n'
    )

    assert model.nodes["b"].scope == "sub"
    assert "b" in model.scopes["sub"].nodes
    assert model.nodes["inner"].boundaries == ("b",)


def test_an_error_boundary_names_the_variable_that_receives_the_code() -> None:
    nodes = boundary_nodes(
        '<boundaryEvent id="b" attachedToRef="review"><errorEventDefinition'
        ' camunda:errorCodeVariable="code"/></boundaryEvent>\n'
    )

    event = nodes["b"].event
    assert event is not None and (event.kind, event.code_variable) == ("error", "code")
