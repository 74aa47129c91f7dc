"""lanes.services.instances on a real database: starting, reading, suspending and ending
cases, variables, messages, signals and call activities."""

from __future__ import annotations

from typing import Any

import pytest

from lanes.services import deployments, instances, tasks
from lanes.services.actor import Actor
from lanes.services.context import Services
from lanes.services.errors import Conflict, Forbidden, Invalid, NotFound

from .helpers import (
    ADMIN,
    APPROVAL,
    deploy,
    flows,
    model_xml,
    open_nodes,
    operation_names,
    start,
    task_at,
    task_row,
    user,
    visited,
)

ANN = user("ann")
BOB = user("bob")
RITA = user("rita")

SIMPLE = model_xml(
    '<startEvent id="start"/><userTask id="work" name="Work" flowable:assignee="ann"/>'
    '<endEvent id="end"/>' + flows("start", "work", "end"),
    "simple",
)

GUARDED = model_xml(
    '<startEvent id="start"/><userTask id="work" flowable:assignee="ann"/>'
    '<endEvent id="end"/>' + flows("start", "work", "end"),
    "guarded",
    attrs='flowable:candidateStarterUsers="ann, carl" flowable:candidateStarterGroups="sales"',
)

PAYMENT = model_xml(
    '<startEvent id="start"/>'
    '<intermediateCatchEvent id="wait_paid"><messageEventDefinition messageRef="m_paid"/>'
    "</intermediateCatchEvent>"
    '<userTask id="ship" name="Ship" flowable:assignee="ann"/>'
    '<endEvent id="end"/>' + flows("start", "wait_paid", "ship", "end"),
    "payment",
    header='<message id="m_paid" name="paid"/>',
)

ORDER = model_xml(
    '<startEvent id="start"><messageEventDefinition messageRef="m_order"/></startEvent>'
    '<userTask id="handle" name="Handle order" flowable:assignee="ann"/>'
    '<endEvent id="end"/>' + flows("start", "handle", "end"),
    "order",
    header='<message id="m_order" name="new-order"/>',
)

ALARM = model_xml(
    '<startEvent id="start"/>'
    '<intermediateCatchEvent id="wait_go"><signalEventDefinition signalRef="s_go"/>'
    "</intermediateCatchEvent>"
    '<userTask id="react" name="React" flowable:assignee="ann"/>'
    '<endEvent id="end"/>' + flows("start", "wait_go", "react", "end"),
    "alarm",
    header='<signal id="s_go" name="go"/>',
)

PARENT = model_xml(
    '<startEvent id="start"/>'
    '<callActivity id="call" calledElement="child">'
    "<extensionElements>"
    '<flowable:in source="amount" target="amount"/>'
    '<flowable:out source="verdict" target="verdict"/>'
    "</extensionElements>"
    "</callActivity>"
    '<userTask id="check" name="Check" flowable:assignee="boss"/>'
    '<endEvent id="end"/>' + flows("start", "call", "check", "end"),
    "parent",
)

CHILD = model_xml(
    '<startEvent id="start"/>'
    '<userTask id="child_task" name="Child task" flowable:assignee="cleo"/>'
    '<endEvent id="end"/>' + flows("start", "child_task", "end"),
    "child",
)


# -- start ----------------------------------------------------------------------------------


def test_start_by_key_runs_to_the_first_wait_state(services: Services) -> None:
    definition = deploy(services, SIMPLE)
    view = instances.start_instance(
        services, BOB, key="simple", variables={"amount": 12}, business_key="INV-1"
    ).instance
    assert (view.definition_id, view.process_key, view.business_key) == (
        definition.id,
        "simple",
        "INV-1",
    )
    assert (view.status, view.suspended, view.started_by) == ("active", False, "bob")
    assert (view.ended_at, view.end_node, view.parent_id) == (None, None, None)
    assert view.variables == {"amount": 12}
    assert view.active_nodes == ["work"]
    assert instances.get_instance(services, BOB, view.id) == view
    assert operation_names(services, instance_id=view.id) == ["start"]


def test_start_answers_with_the_tasks_it_opened(services: Services) -> None:
    deploy(services, SIMPLE)
    started = instances.start_instance(services, BOB, key="simple")
    assert started.tasks == tasks.instance_tasks(services, BOB, started.instance.id, True)
    assert [t.node_id for t in started.tasks] == ["work"]


def test_start_sets_the_initiator_variable(services: Services) -> None:
    deploy(services, APPROVAL)
    view = start(services, "approval", ANN)
    assert view.variables == {"applicant": "ann"}
    assert task_at(services, view.id, "draft").assignee == "ann"


def test_start_by_definition_id_runs_that_version(services: Services) -> None:
    first = deploy(services, SIMPLE)
    deploy(services, SIMPLE.replace(b'name="Work"', b'name="Other work"'))
    view = instances.start_instance(services, ANN, definition_id=first.id).instance
    assert view.definition_id == first.id
    assert task_at(services, view.id, "work").name == "Work"


def test_a_process_without_wait_states_ends_at_start(services: Services) -> None:
    deploy(services, model_xml('<startEvent id="s"/><endEvent id="e"/>' + flows("s", "e"), "q"))
    view = start(services, "q")
    assert (view.status, view.end_node, view.active_nodes) == ("completed", "e", [])
    assert view.ended_at is not None


@pytest.mark.parametrize(
    "how",
    [
        pytest.param({}, id="neither"),
        pytest.param({"key": "simple", "definition_id": 1}, id="both"),
    ],
)
def test_start_needs_exactly_one_of_key_and_definition_id(
    services: Services, how: dict[str, Any]
) -> None:
    deploy(services, SIMPLE)
    with pytest.raises(Invalid):
        instances.start_instance(services, ANN, **how)


def test_start_of_unknown_definitions_is_not_found(services: Services) -> None:
    with pytest.raises(NotFound, match="'ghost'"):
        instances.start_instance(services, ANN, key="ghost")
    with pytest.raises(NotFound, match="424242"):
        instances.start_instance(services, ANN, definition_id=424242)


@pytest.mark.parametrize(
    "starter",
    [
        pytest.param(user("ann"), id="listed-user"),
        pytest.param(user("carl"), id="second-listed-user"),
        pytest.param(user("dora", "sales"), id="member-of-listed-group"),
        pytest.param(ADMIN, id="admin"),
    ],
)
def test_candidate_starters_may_start(services: Services, starter: Actor) -> None:
    deploy(services, GUARDED)
    assert start(services, "guarded", starter).status == "active"


@pytest.mark.parametrize(
    "starter",
    [pytest.param(user("bob"), id="unlisted"), pytest.param(user("eve", "hr"), id="other-group")],
)
def test_others_may_not_start_a_definition_with_candidate_starters(
    services: Services, starter: Actor
) -> None:
    deploy(services, GUARDED)
    with pytest.raises(Forbidden, match="candidate starters"):
        start(services, "guarded", starter)
    assert instances.list_instances(services, ADMIN).total == 0


# -- get / list ----------------------------------------------------------------------------


@pytest.fixture
def approval(services: Services) -> int:
    """An approval case started by ann, drafted by ann, waiting for review (rita)."""
    deploy(services, APPROVAL)
    view = start(services, "approval", ANN, business_key="CASE-1")
    tasks.complete(services, ANN, task_at(services, view.id, "draft").id)
    return view.id


def test_the_starter_a_participant_and_admins_see_an_instance(
    services: Services, approval: int
) -> None:
    assert instances.get_instance(services, ANN, approval).id == approval
    assert instances.get_instance(services, ADMIN, approval).id == approval
    with pytest.raises(Forbidden):
        instances.get_instance(services, RITA, approval)  # only offered a task so far
    assert instances.list_instances(services, RITA).total == 0
    tasks.claim(services, RITA, task_at(services, approval, "review").id)
    assert instances.get_instance(services, RITA, approval).business_key == "CASE-1"
    assert [i.id for i in instances.list_instances(services, RITA).items] == [approval]


def test_others_may_not_see_an_instance(services: Services, approval: int) -> None:
    with pytest.raises(Forbidden):
        instances.get_instance(services, BOB, approval)
    with pytest.raises(Forbidden):
        instances.history(services, BOB, approval)
    with pytest.raises(Forbidden):
        instances.get_variables(services, BOB, approval)
    with pytest.raises(Forbidden):
        tasks.instance_tasks(services, BOB, approval)


def test_unknown_instances_are_not_found(services: Services) -> None:
    for read in (instances.get_instance, instances.history, instances.get_variables):
        with pytest.raises(NotFound):
            read(services, ADMIN, 424242)


def test_list_instances_shows_users_only_their_own_cases(services: Services) -> None:
    deploy(services, SIMPLE)
    ann_case = start(services, "simple", ANN, business_key="A")
    bob_case = start(services, "simple", BOB, business_key="B")
    assert [i.id for i in instances.list_instances(services, BOB).items] == [bob_case.id]
    # ann is the assignee of the task in bob's case: she takes part in it
    mine = instances.list_instances(services, ANN)
    assert sorted(i.id for i in mine.items) == sorted([ann_case.id, bob_case.id])
    assert mine.total == 2
    assert instances.list_instances(services, user("nobody")).total == 0
    assert instances.list_instances(services, ADMIN).total == 2


def test_list_instances_filters(services: Services) -> None:
    deploy(services, SIMPLE)
    deploy(services, APPROVAL)
    a = start(services, "simple", ANN, business_key="A")
    b = start(services, "simple", BOB, business_key="B")
    c = start(services, "approval", ANN, business_key="A")
    tasks.complete(services, ANN, task_at(services, a.id, "work").id)

    def ids(**filters: Any) -> list[int]:
        page = instances.list_instances(services, ADMIN, **filters)
        assert page.total == len(page.items)
        return sorted(i.id for i in page.items)

    assert ids(process_key="simple") == sorted([a.id, b.id])
    assert ids(business_key="A") == sorted([a.id, c.id])
    assert ids(status="completed") == [a.id]
    assert ids(status="active") == sorted([b.id, c.id])
    assert ids(started_by="bob") == [b.id]
    assert ids(process_key="approval", business_key="B") == []
    page = instances.list_instances(services, ADMIN, offset=1, limit=1)
    assert (page.total, len(page.items)) == (3, 1)


def test_history_lists_activities_with_start_and_end_times(services: Services) -> None:
    deploy(services, SIMPLE)
    view = start(services, "simple", ANN)
    waiting = instances.history(services, ANN, view.id)
    assert [(a.node_id, a.kind) for a in waiting] == [("start", "startEvent"), ("work", "userTask")]
    assert waiting[0].ended_at is not None
    assert waiting[1].ended_at is None
    tasks.complete(services, ANN, task_at(services, view.id, "work").id)
    done = instances.history(services, ANN, view.id)
    assert [a.node_id for a in done] == ["start", "work", "end"]
    assert all(a.ended_at is not None and a.started_at <= a.ended_at for a in done)
    assert not any(a.canceled for a in done)
    assert done[1].name == "Work"


# -- suspend / activate ----------------------------------------------------------------------


def test_a_suspended_instance_refuses_task_actions_until_activated(
    services: Services, approval: int
) -> None:
    review = task_at(services, approval, "review")
    view = instances.set_suspended(services, ADMIN, approval, True)
    assert view.suspended is True
    with pytest.raises(Conflict, match="suspended"):
        tasks.claim(services, RITA, review.id)
    with pytest.raises(Conflict, match="suspended"):
        tasks.complete(services, RITA, review.id)
    with pytest.raises(Conflict, match="suspended"):
        instances.set_variables(services, ANN, approval, {"x": 1})
    assert instances.set_suspended(services, ADMIN, approval, False).suspended is False
    tasks.complete(services, RITA, review.id)
    assert open_nodes(services, approval) == ["sign"]
    assert operation_names(services, instance_id=approval)[-3:] == [
        "suspend",
        "activate",
        "complete",
    ]


def test_suspend_errors(services: Services, approval: int) -> None:
    with pytest.raises(Forbidden):
        instances.set_suspended(services, ANN, approval, True)
    with pytest.raises(NotFound):
        instances.set_suspended(services, ADMIN, 424242, True)
    instances.terminate(services, ADMIN, approval)
    with pytest.raises(Conflict, match="ended"):
        instances.set_suspended(services, ADMIN, approval, True)


# -- terminate -------------------------------------------------------------------------------


def test_terminate_cancels_the_open_tasks_and_ends_the_case(
    services: Services, approval: int
) -> None:
    review = task_at(services, approval, "review")
    view = instances.terminate(services, ANN, approval, reason="changed my mind")
    assert (view.status, view.active_nodes) == ("terminated", [])
    assert view.ended_at is not None
    assert view.end_reason == "changed my mind"
    ended = tasks.get_task(services, ADMIN, review.id)
    assert ended.ended_at is not None
    assert ended.end_reason != "completed"
    assert tasks.todo(services, RITA).total == 0
    assert open_nodes(services, approval) == []
    with pytest.raises(Conflict):
        tasks.complete(services, RITA, review.id)
    with pytest.raises(Conflict):
        instances.terminate(services, ADMIN, approval)
    assert operation_names(services, instance_id=approval)[-1] == "terminate"
    assert tasks.done(services, RITA).total == 0  # cancelled work is not "done"


def test_terminate_with_a_long_reason(services: Services, approval: int) -> None:
    reason = "the customer withdrew the order by phone on Monday; nothing left to approve"
    review = task_at(services, approval, "review")
    view = instances.terminate(services, ANN, approval, reason=reason)
    assert (view.status, view.end_reason) == ("terminated", reason)
    assert tasks.get_task(services, ADMIN, review.id).ended_at is not None


def test_only_the_starter_and_admins_terminate(services: Services, approval: int) -> None:
    with pytest.raises(Forbidden):
        instances.terminate(services, RITA, approval)
    with pytest.raises(NotFound):
        instances.terminate(services, ADMIN, 424242)
    assert instances.terminate(services, ADMIN, approval).status == "terminated"


# -- variables ---------------------------------------------------------------------------------


def test_set_variables_merges_and_get_variables_reads_them(
    services: Services, approval: int
) -> None:
    assert instances.set_variables(services, ANN, approval, {"amount": 5, "tags": ["a"]}) == {
        "applicant": "ann",
        "amount": 5,
        "tags": ["a"],
    }
    instances.set_variables(services, ADMIN, approval, {"amount": 7, "nested": {"k": None}})
    assert instances.get_variables(services, ANN, approval) == {
        "applicant": "ann",
        "amount": 7,
        "tags": ["a"],
        "nested": {"k": None},
    }
    assert operation_names(services, instance_id=approval)[-2:] == [
        "set-variables",
        "set-variables",
    ]


def test_set_variables_errors(services: Services, approval: int) -> None:
    with pytest.raises(Forbidden):
        instances.set_variables(services, BOB, approval, {"x": 1})
    with pytest.raises(NotFound):
        instances.set_variables(services, ADMIN, 424242, {"x": 1})
    instances.terminate(services, ADMIN, approval)
    with pytest.raises(Conflict):
        instances.set_variables(services, ADMIN, approval, {"x": 1})
    assert "x" not in instances.get_variables(services, ADMIN, approval)


def test_completing_a_task_with_variables_shows_them_on_the_instance(
    services: Services, approval: int
) -> None:
    tasks.complete(services, RITA, task_at(services, approval, "review").id, {"ok": True})
    assert instances.get_variables(services, ANN, approval)["ok"] is True


# -- messages ---------------------------------------------------------------------------------


def test_correlate_message_by_business_key_advances_only_that_instance(
    services: Services,
) -> None:
    deploy(services, PAYMENT)
    first = start(services, "payment", business_key="INV-1")
    second = start(services, "payment", business_key="INV-2")
    assert first.active_nodes == ["wait_paid"]
    view = instances.correlate_message(
        services, ADMIN, "paid", business_key="INV-2", variables={"paid": 99}
    )
    assert view.id == second.id
    assert view.active_nodes == ["ship"]
    assert view.variables["paid"] == 99
    assert open_nodes(services, first.id) == []
    assert instances.get_instance(services, ADMIN, first.id).active_nodes == ["wait_paid"]
    assert visited(services, second.id) == ["start", "wait_paid", "ship"]


def test_correlate_message_by_instance_id(services: Services) -> None:
    deploy(services, PAYMENT)
    first = start(services, "payment")
    second = start(services, "payment")
    view = instances.correlate_message(services, ADMIN, "paid", instance_id=second.id)
    assert view.id == second.id
    assert instances.get_instance(services, ADMIN, first.id).active_nodes == ["wait_paid"]
    with pytest.raises(Conflict, match="not waiting"):
        instances.correlate_message(services, ADMIN, "paid", instance_id=second.id)
    with pytest.raises(NotFound, match="does not exist"):
        instances.correlate_message(services, ADMIN, "paid", instance_id=second.id + 10**9)


def test_a_message_is_delivered_once(services: Services) -> None:
    deploy(services, PAYMENT)
    only = start(services, "payment", business_key="INV-1")
    instances.correlate_message(services, ADMIN, "paid", business_key="INV-1")
    with pytest.raises(NotFound):
        instances.correlate_message(services, ADMIN, "paid", business_key="INV-1")
    assert visited(services, only.id).count("wait_paid") == 1


def test_a_message_for_nobody_is_not_found(services: Services) -> None:
    deploy(services, PAYMENT)
    start(services, "payment", business_key="INV-1")
    with pytest.raises(NotFound):
        instances.correlate_message(services, ADMIN, "unheard-of")
    with pytest.raises(NotFound):
        instances.correlate_message(services, ADMIN, "paid", business_key="INV-9")


def test_a_suspended_instance_does_not_take_a_message(services: Services) -> None:
    deploy(services, PAYMENT)
    waiting = start(services, "payment", business_key="INV-1")
    instances.set_suspended(services, ADMIN, waiting.id, True)
    with pytest.raises(Conflict, match="suspended"):
        instances.correlate_message(services, ADMIN, "paid", business_key="INV-1")
    assert instances.get_instance(services, ADMIN, waiting.id).active_nodes == ["wait_paid"]


def test_a_message_start_event_starts_an_instance(services: Services) -> None:
    definition = deploy(services, ORDER)
    view = instances.correlate_message(
        services, BOB, "new-order", business_key="ORD-7", variables={"items": 3}
    )
    assert (view.definition_id, view.business_key, view.started_by) == (
        definition.id,
        "ORD-7",
        "bob",
    )
    assert view.variables == {"items": 3}
    assert view.active_nodes == ["handle"]
    assert visited(services, view.id) == ["start", "handle"]
    again = instances.correlate_message(services, BOB, "new-order")
    assert again.id != view.id
    assert instances.list_instances(services, ADMIN, process_key="order").total == 2


def test_a_message_does_not_start_a_suspended_definition(services: Services) -> None:
    definition = deploy(services, ORDER)
    deployments.set_definition_suspended(services, ADMIN, definition.id, True)
    with pytest.raises(Conflict, match="suspended"):
        instances.correlate_message(services, ADMIN, "new-order")


# -- signals ------------------------------------------------------------------------------------


def test_send_signal_reaches_every_waiting_instance(services: Services) -> None:
    deploy(services, ALARM)
    deploy(services, SIMPLE)
    waiting = [start(services, "alarm") for _ in range(3)]
    bystander = start(services, "simple")
    assert instances.send_signal(services, ADMIN, "go", {"level": 2}) == 3
    for view in waiting:
        now = instances.get_instance(services, ADMIN, view.id)
        assert now.active_nodes == ["react"]
        assert now.variables["level"] == 2
    assert instances.get_instance(services, ADMIN, bystander.id).active_nodes == ["work"]
    assert instances.send_signal(services, ADMIN, "go") == 0
    assert instances.send_signal(services, ADMIN, "nothing-listens") == 0


def test_send_signal_skips_suspended_instances(services: Services) -> None:
    deploy(services, ALARM)
    awake, asleep = start(services, "alarm"), start(services, "alarm")
    instances.set_suspended(services, ADMIN, asleep.id, True)
    assert instances.send_signal(services, ADMIN, "go") == 1
    assert instances.get_instance(services, ADMIN, awake.id).active_nodes == ["react"]
    assert instances.get_instance(services, ADMIN, asleep.id).active_nodes == ["wait_go"]


# -- call activities ---------------------------------------------------------------------------


def child_of(services: Services, parent_id: int) -> int:
    (child,) = [
        i
        for i in instances.list_instances(services, ADMIN, process_key="child").items
        if i.parent_id == parent_id
    ]
    return child.id


def test_a_call_activity_starts_a_child_instance(services: Services) -> None:
    deploy(services, CHILD)
    deploy(services, PARENT)
    parent = start(services, "parent", ANN, variables={"amount": 100, "secret": "x"})
    assert parent.active_nodes == ["call"]
    child = instances.get_instance(services, ADMIN, child_of(services, parent.id))
    assert (child.parent_id, child.status, child.process_key) == (parent.id, "active", "child")
    assert child.variables == {"amount": 100}  # only what the in mapping passes
    assert child.active_nodes == ["child_task"]
    assert tasks.todo(services, user("cleo")).items[0].instance_id == child.id


def test_a_start_answers_with_the_tasks_of_called_processes_the_starter_may_see(
    services: Services,
) -> None:
    deploy(services, CHILD)
    deploy(services, PARENT)
    started = instances.start_instance(services, ADMIN, key="parent", variables={"amount": 1})
    child_id = child_of(services, started.instance.id)
    assert [(t.instance_id, t.node_id) for t in started.tasks] == [(child_id, "child_task")]
    # ann starts the parent; the called case is the system's, and its task is cleo's
    assert (
        instances.start_instance(services, ANN, key="parent", variables={"amount": 1}).tasks == []
    )


def test_a_completion_answers_with_the_callers_next_task_to_whoever_may_see_it(
    services: Services,
) -> None:
    deploy(services, CHILD)
    deploy(services, PARENT)
    parent = start(services, "parent", ANN, variables={"amount": 100})
    work = task_at(services, child_of(services, parent.id), "child_task")
    completed = tasks.complete(services, ADMIN, work.id, {"verdict": "ok"})
    assert [(t.instance_id, t.node_id) for t in completed.next_tasks] == [(parent.id, "check")]


def test_the_parent_resumes_when_the_child_ends_with_its_out_mappings(
    services: Services,
) -> None:
    deploy(services, CHILD)
    deploy(services, PARENT)
    parent = start(services, "parent", ANN, variables={"amount": 100})
    child_id = child_of(services, parent.id)
    work = task_at(services, child_id, "child_task")
    completed = tasks.complete(services, user("cleo"), work.id, {"verdict": "ok", "private": 1})
    # the caller's next task was opened in the same transaction, but cleo has no part in
    # the calling case: her answer leaves it out
    assert completed.next_tasks == []
    child = instances.get_instance(services, ADMIN, child_id)
    assert (child.status, child.end_node) == ("completed", "end")
    resumed = instances.get_instance(services, ADMIN, parent.id)
    assert resumed.status == "active"
    assert resumed.active_nodes == ["check"]
    assert resumed.variables == {"amount": 100, "verdict": "ok"}
    assert visited(services, parent.id) == ["start", "call", "check"]
    tasks.complete(services, user("boss"), task_at(services, parent.id, "check").id)
    assert instances.get_instance(services, ADMIN, parent.id).status == "completed"


def test_terminating_the_parent_ends_the_child(services: Services) -> None:
    deploy(services, CHILD)
    deploy(services, PARENT)
    parent = start(services, "parent", ANN, variables={"amount": 1})
    child_id = child_of(services, parent.id)
    work = task_at(services, child_id, "child_task")
    instances.terminate(services, ANN, parent.id)
    assert instances.get_instance(services, ADMIN, child_id).status == "terminated"
    assert task_row(services, work.id).ended_at is not None
    assert tasks.todo(services, user("cleo")).total == 0


def test_a_call_to_an_undeployed_process_raises_an_incident(services: Services) -> None:
    deploy(services, PARENT)
    parent = start(services, "parent", ANN, variables={"amount": 1})
    view = instances.get_instance(services, ADMIN, parent.id)
    assert view.status == "active"
    assert view.active_nodes == ["call"]
    assert instances.list_instances(services, ADMIN, process_key="child").total == 0


def test_only_someone_who_may_see_an_instance_may_send_it_a_message(services: Services) -> None:
    deploy(services, PAYMENT)
    case = start(services, "payment", Actor("ann"), business_key="INV-9")
    with pytest.raises(Forbidden):
        instances.correlate_message(services, Actor("mallory"), "paid", business_key="INV-9")
    assert instances.get_instance(services, ADMIN, case.id).active_nodes == ["wait_paid"]
    view = instances.correlate_message(services, Actor("ann"), "paid", business_key="INV-9")
    assert view.active_nodes == ["ship"]


def test_only_administrators_broadcast_signals(services: Services) -> None:
    deploy(services, ALARM)
    waiting = start(services, "alarm", Actor("ann"))
    with pytest.raises(Forbidden):
        instances.send_signal(services, Actor("ann"), "go")
    assert instances.get_instance(services, ADMIN, waiting.id).active_nodes == ["wait_go"]


SIGNAL_STARTED = model_xml(
    '<startEvent id="start"><signalEventDefinition signalRef="s_go"/></startEvent>'
    '<userTask id="react" name="React" flowable:assignee="ann"/>'
    '<endEvent id="end"/>' + flows("start", "react", "end"),
    "on_go",
    header='<signal id="s_go" name="go"/>',
)


def test_a_signal_starts_every_process_with_that_signal_start_event(services: Services) -> None:
    deploy(services, SIGNAL_STARTED)
    deploy(services, ALARM)
    waiting = start(services, "alarm")
    assert instances.send_signal(services, ADMIN, "go", {"level": 3}) == 2
    started = instances.list_instances(services, ADMIN, process_key="on_go").items
    assert [(i.active_nodes, i.variables) for i in started] == [(["react"], {"level": 3})]
    assert instances.get_instance(services, ADMIN, waiting.id).active_nodes == ["react"]


def test_a_suspended_definition_is_not_started_by_a_signal(services: Services) -> None:
    definition = deploy(services, SIGNAL_STARTED)
    deployments.set_definition_suspended(services, ADMIN, definition.id, True)
    assert instances.send_signal(services, ADMIN, "go") == 0
