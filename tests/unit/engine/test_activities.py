"""Tasks (engine/activities.py): user, manual, receive, service, script; skip and async."""

from __future__ import annotations

from datetime import timedelta

import pytest

from lanes.embedded import EngineError
from lanes.engine import commands as cmd
from lanes.engine import events as ev

from .bpmn_builder import (
    Harness,
    chain,
    linear,
    of_type,
    open_nodes,
    start,
    task_at,
    user_tasks,
)


def one_task(attributes: str, starter: str = "") -> str:
    """start (initiator variable `initiator` when `starter`) -> userTask t -> end."""
    initiator = ' flowable:initiator="initiator"' if starter else ""
    return (
        f'<startEvent id="start"{initiator}/>'
        f'<userTask id="t" name="Approve" {attributes}/>'
        '<endEvent id="end"/>' + chain("start", "t", "end")
    )


# -- user tasks -----------------------------------------------------------------------------


def test_user_task_assignee_from_the_initiator_expression() -> None:
    _, inst = start(one_task('flowable:assignee="${initiator}"', starter="yes"), user="alice")
    assert task_at(inst, "t").assignee == "alice"


def test_user_task_assignee_literal() -> None:
    _, inst = start(one_task('activiti:assignee="bob"'))
    assert task_at(inst, "t").assignee == "bob"


def test_user_task_assignee_from_camunda_attribute_and_variable() -> None:
    _, inst = start(one_task('camunda:assignee="${leader}"'), {"leader": "dora"})
    assert task_at(inst, "t").assignee == "dora"


def test_user_task_candidate_users_from_a_comma_separated_attribute() -> None:
    _, inst = start(one_task('flowable:candidateUsers="bob, carol"'))
    task = task_at(inst, "t")
    assert task.candidate_users == ("bob", "carol")
    assert task.assignee is None


def test_user_task_candidate_users_from_a_list_variable() -> None:
    _, inst = start(one_task('flowable:candidateUsers="${approvers}"'), {"approvers": ["x", "y"]})
    assert task_at(inst, "t").candidate_users == ("x", "y")


def test_user_task_candidate_users_from_a_comma_string_variable() -> None:
    _, inst = start(one_task('flowable:candidateUsers="${approvers}"'), {"approvers": "x, y"})
    assert task_at(inst, "t").candidate_users == ("x", "y")


def test_user_task_candidate_users_mixing_literals_and_expressions() -> None:
    _, inst = start(one_task('flowable:candidateUsers="ann,${boss}"'), {"boss": "zed"})
    assert task_at(inst, "t").candidate_users == ("ann", "zed")


def test_user_task_candidate_groups_from_attribute_and_list() -> None:
    _, inst = start(one_task('flowable:candidateGroups="hr,${dept}"'), {"dept": ["it", "ops"]})
    assert task_at(inst, "t").candidate_groups == ("hr", "it", "ops")


def test_user_task_form_key() -> None:
    _, inst = start(one_task('flowable:formKey="forms/approve"'))
    assert task_at(inst, "t").form_key == "forms/approve"


def test_user_task_due_date_from_an_iso_duration() -> None:
    _, inst = start(one_task('flowable:dueDate="P2D"'))
    assert task_at(inst, "t").due == "2026-03-04T09:00:00Z"


def test_user_task_due_date_from_an_iso_date_expression() -> None:
    _, inst = start(
        one_task('flowable:dueDate="${deadline}"'), {"deadline": "2026-04-01T12:00:00Z"}
    )
    assert task_at(inst, "t").due == "2026-04-01T12:00:00Z"


def test_user_task_priority_literal_and_expression() -> None:
    _, inst = start(one_task('flowable:priority="80"'))
    assert task_at(inst, "t").priority == 80
    _, inst = start(one_task('flowable:priority="${prio}"'), {"prio": 10})
    assert task_at(inst, "t").priority == 10
    _, inst = start(one_task(""))
    assert task_at(inst, "t").priority == 50


def test_user_task_with_a_priority_that_is_not_a_number_raises_an_incident() -> None:
    _, inst = start(one_task('flowable:priority="${prio}"'), {"prio": "high"})
    assert [i.node_id for i in inst.incidents] == ["t"]
    assert inst.tasks() == []


def test_task_created_event_carries_everything_a_task_list_shows() -> None:
    h = Harness(
        one_task(
            'flowable:assignee="${initiator}" flowable:candidateGroups="hr" '
            'flowable:formKey="f1" flowable:dueDate="PT3H" flowable:priority="70"',
            starter="yes",
        )
    )
    events = h.send(cmd.StartInstance(user="alice"))
    (created,) = of_type(events, ev.TaskCreated)
    assert created.node_id == "t"
    assert created.name == "Approve"
    assert created.assignee == "alice"
    assert created.candidate_groups == ("hr",)
    assert created.form_key == "f1"
    assert created.due == "2026-03-02T12:00:00Z"
    assert created.priority == 70
    assert created.task_id in h.state["tasks"]


def test_completing_a_user_task_emits_task_ended_with_the_variables() -> None:
    h = Harness(linear("a"))
    h.send(cmd.StartInstance())
    task_id = h.task_id("a")
    events = h.send(cmd.CompleteTask(task_id, {"ok": True}, user="bob"))
    (ended,) = of_type(events, ev.TaskEnded)
    assert (ended.task_id, ended.reason, ended.user, ended.variables) == (
        task_id,
        "completed",
        "bob",
        {"ok": True},
    )
    assert h.state["ex"]["i"]["vars"] == {"ok": True}


def test_completing_with_local_variables_keeps_them_off_the_instance() -> None:
    h = Harness(linear("a", "b"))
    h.send(cmd.StartInstance())
    h.send(cmd.CompleteTask(h.task_id("a"), {"note": 1}, local=True))
    assert "note" not in h.state["ex"]["i"]["vars"]


def test_user_task_due_date_from_a_duration_variable() -> None:
    _, inst = start(one_task('flowable:dueDate="${wait}"'), {"wait": "PT30M"})
    assert task_at(inst, "t").due == "2026-03-02T09:30:00Z"


# -- pass-through tasks ---------------------------------------------------------------------


def test_manual_task_and_plain_task_pass_straight_through() -> None:
    body = (
        '<startEvent id="start"/><manualTask id="manual"/><task id="plain"/>'
        + user_tasks("a")
        + '<endEvent id="end"/>'
        + chain("start", "manual", "plain", "a", "end")
    )
    _, inst = start(body)
    assert inst.visited == ["start", "manual", "plain", "a"]
    assert open_nodes(inst) == ["a"]


# -- receive tasks --------------------------------------------------------------------------


def test_receive_task_without_a_message_waits_for_a_trigger() -> None:
    body = (
        '<startEvent id="start"/><receiveTask id="wait"/>'
        + user_tasks("after")
        + '<endEvent id="end"/>'
        + chain("start", "wait", "after", "end")
    )
    _, inst = start(body)
    assert inst.active_nodes() == ["wait"]
    assert inst.tasks() == []
    inst.trigger("wait", {"arrived": True})
    assert open_nodes(inst) == ["after"]
    assert inst.variables == {"arrived": True}


def test_trigger_at_a_node_where_nothing_waits_is_refused() -> None:
    _, inst = start(linear("a"))
    with pytest.raises(EngineError):
        inst.trigger("a")


def test_receive_task_with_a_message_continues_on_that_message() -> None:
    body = (
        '<startEvent id="start"/><receiveTask id="wait" messageRef="m"/>'
        + user_tasks("after")
        + '<endEvent id="end"/>'
        + chain("start", "wait", "after", "end")
    )
    _, inst = start(body, header='<message id="m" name="delivered"/>')
    inst.trigger_message("delivered", {"parcel": 3})
    assert open_nodes(inst) == ["after"]
    assert inst.variables == {"parcel": 3}


# -- service tasks --------------------------------------------------------------------------


def service_body(attributes: str) -> str:
    return (
        f'<startEvent id="start"/><serviceTask id="svc" {attributes}/>'
        + user_tasks("after")
        + '<endEvent id="end"/>'
        + chain("start", "svc", "after", "end")
    )


def test_external_service_task_uses_the_camunda_topic() -> None:
    _, inst = start(service_body('camunda:type="external" camunda:topic="invoice"'))
    (ext,) = inst.external_tasks()
    assert (ext.node_id, ext.topic) == ("svc", "invoice")
    assert inst.active_nodes() == ["svc"]


def test_service_task_bound_to_a_java_class_becomes_an_external_task_on_that_topic() -> None:
    _, inst = start(service_body('flowable:class="com.acme.SendMail"'))
    (ext,) = inst.external_tasks()
    assert ext.topic == "com.acme.SendMail"


def test_service_task_with_a_delegate_expression_uses_it_as_topic() -> None:
    _, inst = start(service_body('activiti:delegateExpression="${mailer}"'))
    (ext,) = inst.external_tasks()
    assert ext.topic == "${mailer}"


def test_completing_an_external_task_moves_on_with_its_variables() -> None:
    h = Harness(service_body('camunda:type="external" camunda:topic="invoice"'))
    events = h.send(cmd.StartInstance())
    (created,) = of_type(events, ev.ExternalTaskCreated)
    assert (created.topic, created.node_id) == ("invoice", "svc")
    events = h.send(cmd.CompleteExternalTask(created.external_task_id, {"total": 12}))
    assert of_type(events, ev.ExternalTaskEnded) == [
        ev.ExternalTaskEnded(created.external_task_id, "completed")
    ]
    assert h.state["ext"] == {}
    assert h.state["ex"]["i"]["vars"] == {"total": 12}
    assert [t["node"] for t in h.state["tasks"].values()] == ["after"]


def test_external_task_result_goes_to_the_result_variable() -> None:
    _, inst = start(service_body('flowable:class="com.acme.Calc" flowable:resultVariable="sum"'))
    (ext,) = inst.external_tasks()
    inst.complete_external(ext.id, {"result": 5})
    assert inst.variables == {"sum": 5}
    assert open_nodes(inst) == ["after"]


def test_completing_an_unknown_external_task_is_refused() -> None:
    _, inst = start(service_body('flowable:class="com.acme.Calc"'))
    with pytest.raises(EngineError):
        inst.complete_external("no-such-task")


def test_send_and_business_rule_tasks_are_external_too() -> None:
    body = (
        '<startEvent id="start"/><sendTask id="send" camunda:topic="mail"/>'
        '<businessRuleTask id="rule" flowable:class="com.acme.Rules"/><endEvent id="end"/>'
        + chain("start", "send", "rule", "end")
    )
    _, inst = start(body)
    (ext,) = inst.external_tasks()
    assert ext.topic == "mail"
    inst.complete_external(ext.id)
    (ext,) = inst.external_tasks()
    assert ext.topic == "com.acme.Rules"
    inst.complete_external(ext.id)
    assert inst.ended


def test_error_thrown_from_an_external_task_ends_it_and_takes_the_error_boundary() -> None:
    body = (
        '<startEvent id="start"/><serviceTask id="svc" camunda:topic="charge"/>'
        '<boundaryEvent id="failed" attachedToRef="svc"><errorEventDefinition errorRef="err"/>'
        "</boundaryEvent>"
        + user_tasks("after", "fix")
        + '<endEvent id="end"/>'
        + chain("start", "svc", "after", "end")
        + chain("failed", "fix", "end")
    )
    h = Harness(body, header='<error id="err" errorCode="DECLINED"/>')
    events = h.send(cmd.StartInstance())
    (created,) = of_type(events, ev.ExternalTaskCreated)
    events = h.send(cmd.ThrowError(created.external_task_id, "DECLINED"))
    assert of_type(events, ev.ExternalTaskEnded) == [
        ev.ExternalTaskEnded(created.external_task_id, "error")
    ]
    assert h.state["ext"] == {}
    assert [t["node"] for t in h.state["tasks"].values()] == ["fix"]


# -- script tasks ---------------------------------------------------------------------------


def script_body(attributes: str, script: str) -> str:
    return (
        f'<startEvent id="start"/><scriptTask id="calc" {attributes}>'
        f"<script><![CDATA[{script}]]></script></scriptTask>"
        + user_tasks("after")
        + '<endEvent id="end"/>'
        + chain("start", "calc", "after", "end")
    )


def test_juel_script_task_stores_its_value_in_the_result_variable() -> None:
    body = script_body('scriptFormat="juel" flowable:resultVariable="sum"', "${a + b}")
    _, inst = start(body, {"a": 2, "b": 3})
    assert inst.variables["sum"] == 5
    assert open_nodes(inst) == ["after"]


def test_script_in_a_language_that_is_not_enabled_raises_an_incident() -> None:
    body = script_body('scriptFormat="groovy"', "execution.setVariable('x', 1)")
    h = Harness(body)
    events = h.send(cmd.StartInstance())
    (incident,) = of_type(events, ev.Incident)
    assert incident.node_id == "calc"
    assert "groovy" in incident.message
    assert h.state["tasks"] == {}
    assert h.state["status"] == "active"


def test_retrying_an_unsupported_script_raises_a_fresh_incident() -> None:
    _, inst = start(script_body('scriptFormat="groovy"', "x = 1"))
    (incident,) = inst.incidents
    inst.retry(incident.id)
    (again,) = inst.incidents
    assert again.id != incident.id
    assert again.node_id == "calc"


# -- skip expressions -----------------------------------------------------------------------


SKIPPABLE = (
    '<startEvent id="start"/><userTask id="t" flowable:skipExpression="${skip}"/>'
    + user_tasks("after")
    + '<endEvent id="end"/>'
    + chain("start", "t", "after", "end")
)


def test_skip_expression_is_ignored_unless_skipping_is_enabled() -> None:
    _, inst = start(SKIPPABLE, {"skip": True})
    assert open_nodes(inst) == ["t"]


@pytest.mark.parametrize(
    "flag", ["_FLOWABLE_SKIP_EXPRESSION_ENABLED", "_ACTIVITI_SKIP_EXPRESSION_ENABLED"]
)
def test_skip_expression_skips_the_task_when_enabled_and_true(flag: str) -> None:
    _, inst = start(SKIPPABLE, {"skip": True, flag: True})
    assert open_nodes(inst) == ["after"]
    _, inst = start(SKIPPABLE, {"skip": False, flag: "true"})
    assert open_nodes(inst) == ["t"]


# -- async continuations --------------------------------------------------------------------


ASYNC = (
    '<startEvent id="start"/><userTask id="t" flowable:async="true"/>'
    '<endEvent id="end"/>' + chain("start", "t", "end")
)


def test_async_task_waits_for_its_job_in_the_bare_engine() -> None:
    h = Harness(ASYNC)
    events = h.send(cmd.StartInstance())
    (job,) = of_type(events, ev.JobScheduled)
    assert (job.kind, job.node_id) == ("async", "t")
    assert h.state["tasks"] == {}
    assert h.state["visited"] == ["start"]
    h.send(cmd.FireJob(job.job_id))
    assert [t["node"] for t in h.state["tasks"].values()] == ["t"]
    assert h.state["visited"] == ["start", "t"]


def test_async_task_runs_at_once_in_the_embedded_engine() -> None:
    _, inst = start(ASYNC)
    assert open_nodes(inst) == ["t"]
    assert inst.state["subs"] == {}
    inst.complete(task_at(inst, "t").id)
    assert inst.ended


def test_async_task_reached_by_a_timer_runs_when_the_clock_fires_the_timer() -> None:
    body = (
        '<startEvent id="start"/><intermediateCatchEvent id="wait"><timerEventDefinition>'
        "<timeDuration>PT1H</timeDuration></timerEventDefinition></intermediateCatchEvent>"
        '<userTask id="t" flowable:async="true"/><endEvent id="end"/>'
        + chain("start", "wait", "t", "end")
    )
    engine, inst = start(body)
    engine.advance_clock(timedelta(hours=1))
    assert open_nodes(inst) == ["t"]


def test_async_service_task_in_the_embedded_engine_becomes_an_external_task() -> None:
    _, inst = start(service_body('flowable:async="true" flowable:class="com.acme.X"'))
    (ext,) = inst.external_tasks()
    assert ext.topic == "com.acme.X"
