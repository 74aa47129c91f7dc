"""Gateways (engine/gateways.py): exclusive, parallel, inclusive, event-based, and
conditional flows leaving an activity."""

from __future__ import annotations

from datetime import timedelta

from lanes.engine import commands as cmd
from lanes.engine import events as ev

from .bpmn_builder import (
    Harness,
    chain,
    complete_at,
    flow,
    of_type,
    open_nodes,
    start,
    user_tasks,
)

# start -> gw -(x > 1)-> a, -(x > 0)-> b, default -> c; each task -> end
EXCLUSIVE = (
    '<startEvent id="start"/>'
    '<exclusiveGateway id="gw" default="gw-c"/>'
    + user_tasks("a", "b", "c")
    + '<endEvent id="end"/>'
    + flow("start", "gw")
    + flow("gw", "a", "${x > 1}")
    + flow("gw", "b", "${x > 0}")
    + flow("gw", "c")
    + chain("a", "end")
    + chain("b", "end")
    + chain("c", "end")
)


def test_exclusive_gateway_takes_the_first_matching_flow_in_document_order() -> None:
    _, inst = start(EXCLUSIVE, {"x": 5})
    assert open_nodes(inst) == ["a"]
    assert inst.visited == ["start", "gw", "a"]


def test_exclusive_gateway_takes_the_default_flow_when_nothing_matches() -> None:
    _, inst = start(EXCLUSIVE, {"x": 0})
    assert open_nodes(inst) == ["c"]


def test_exclusive_gateway_without_a_match_or_default_raises_an_incident_on_the_gateway() -> None:
    body = (
        '<startEvent id="start"/><exclusiveGateway id="gw"/>'
        + user_tasks("a")
        + '<endEvent id="end"/>'
        + flow("start", "gw")
        + flow("gw", "a", "${x > 1}")
        + chain("a", "end")
    )
    h = Harness(body)
    events = h.send(cmd.StartInstance({"x": 0}))
    incidents = of_type(events, ev.Incident)
    assert [i.node_id for i in incidents] == ["gw"]
    assert "gw" in incidents[0].message
    assert h.state["status"] == "active"
    assert h.state["tasks"] == {}
    assert [i["node"] for i in h.state["incidents"].values()] == ["gw"]


def test_exclusive_gateway_incident_is_visible_on_the_embedded_instance() -> None:
    body = (
        '<startEvent id="start"/><exclusiveGateway id="gw"/>'
        + user_tasks("a")
        + '<endEvent id="end"/>'
        + flow("start", "gw")
        + flow("gw", "a", "${x > 1}")
        + chain("a", "end")
    )
    _, inst = start(body, {"x": 0})
    assert [i.node_id for i in inst.incidents] == ["gw"]
    assert inst.active_nodes() == ["gw"]
    assert not inst.ended


def test_exclusive_gateway_condition_giving_the_string_true_counts_as_true() -> None:
    body = (
        '<startEvent id="start"/><exclusiveGateway id="gw" default="gw-b"/>'
        + user_tasks("a", "b")
        + '<endEvent id="end"/>'
        + flow("start", "gw")
        + flow("gw", "a", "${flag}")
        + flow("gw", "b")
        + chain("a", "end")
        + chain("b", "end")
    )
    _, inst = start(body, {"flag": "true"})
    assert open_nodes(inst) == ["a"]
    _, inst = start(body, {"flag": "false"})
    assert open_nodes(inst) == ["b"]


def test_exclusive_gateway_unknown_variable_in_condition_is_an_incident_naming_it() -> None:
    _, inst = start(EXCLUSIVE, {})
    assert [i.node_id for i in inst.incidents] == ["gw"]
    assert "x" in inst.incidents[0].message


# start -> fork -> a, b -> join -> c -> end
PARALLEL = (
    '<startEvent id="start"/><parallelGateway id="fork"/><parallelGateway id="join"/>'
    + user_tasks("a", "b", "c")
    + '<endEvent id="end"/>'
    + chain("start", "fork")
    + chain("fork", "a", "join")
    + chain("fork", "b", "join")
    + chain("join", "c", "end")
)


def test_parallel_split_opens_one_task_per_outgoing_flow() -> None:
    _, inst = start(PARALLEL)
    assert open_nodes(inst) == ["a", "b"]


def test_parallel_join_waits_for_all_incoming_tokens() -> None:
    _, inst = start(PARALLEL)
    complete_at(inst, "a")
    assert open_nodes(inst) == ["b"]
    assert inst.active_nodes() == ["b", "join"]
    complete_at(inst, "b")
    assert open_nodes(inst) == ["c"]
    assert inst.visited.count("c") == 1
    assert inst.active_nodes() == ["c"]


def test_parallel_join_then_end_completes_the_instance() -> None:
    _, inst = start(PARALLEL)
    complete_at(inst, "b")
    complete_at(inst, "a")
    complete_at(inst, "c")
    assert inst.ended
    assert inst.status == "completed"


# start -> split -(${a})-> ta, -(${b})-> tb, default -> tc -> merge -> after -> end
INCLUSIVE = (
    '<startEvent id="start"/>'
    '<inclusiveGateway id="split" default="split-tc"/><inclusiveGateway id="merge"/>'
    + user_tasks("ta", "tb", "tc", "after")
    + '<endEvent id="end"/>'
    + flow("start", "split")
    + flow("split", "ta", "${a}")
    + flow("split", "tb", "${b}")
    + flow("split", "tc")
    + chain("ta", "merge")
    + chain("tb", "merge")
    + chain("tc", "merge")
    + chain("merge", "after", "end")
)


def test_inclusive_split_takes_every_flow_whose_condition_holds() -> None:
    _, inst = start(INCLUSIVE, {"a": True, "b": True})
    assert open_nodes(inst) == ["ta", "tb"]


def test_inclusive_split_takes_the_default_flow_when_no_condition_holds() -> None:
    _, inst = start(INCLUSIVE, {"a": False, "b": False})
    assert open_nodes(inst) == ["tc"]


def test_inclusive_split_always_takes_unconditioned_flows() -> None:
    body = (
        '<startEvent id="start"/><inclusiveGateway id="split"/><inclusiveGateway id="merge"/>'
        + user_tasks("a", "b", "c", "after")
        + '<endEvent id="end"/>'
        + flow("start", "split")
        + flow("split", "a")
        + flow("split", "b", "${false}")
        + flow("split", "c", "${true}")
        + chain("a", "merge")
        + chain("b", "merge")
        + chain("c", "merge")
        + chain("merge", "after", "end")
    )
    _, inst = start(body)
    assert open_nodes(inst) == ["a", "c"]
    complete_at(inst, "c")
    assert open_nodes(inst) == ["a"]
    complete_at(inst, "a")
    assert open_nodes(inst) == ["after"]


def test_inclusive_join_is_not_blocked_by_a_branch_that_was_not_taken() -> None:
    _, inst = start(INCLUSIVE, {"a": True, "b": False})
    complete_at(inst, "ta")
    assert open_nodes(inst) == ["after"]


def test_inclusive_join_waits_for_every_taken_branch() -> None:
    _, inst = start(INCLUSIVE, {"a": True, "b": True})
    complete_at(inst, "ta")
    assert open_nodes(inst) == ["tb"]
    assert "merge" in inst.active_nodes()
    complete_at(inst, "tb")
    assert open_nodes(inst) == ["after"]
    assert inst.visited.count("after") == 1


def test_inclusive_join_waits_for_a_token_still_upstream_on_a_longer_branch() -> None:
    body = (
        '<startEvent id="start"/><inclusiveGateway id="split"/><inclusiveGateway id="merge"/>'
        + user_tasks("short", "long1", "long2", "after")
        + '<endEvent id="end"/>'
        + flow("start", "split")
        + flow("split", "short", "${true}")
        + flow("split", "long1", "${true}")
        + chain("short", "merge")
        + chain("long1", "long2", "merge")
        + chain("merge", "after", "end")
    )
    _, inst = start(body)
    complete_at(inst, "short")
    complete_at(inst, "long1")
    assert open_nodes(inst) == ["long2"]
    complete_at(inst, "long2")
    assert open_nodes(inst) == ["after"]


# start -> ebg -> (message "go" | timer PT1H | signal "stop") -> task each
EVENT_BASED = (
    '<startEvent id="start"/><eventBasedGateway id="ebg"/>'
    '<intermediateCatchEvent id="msg"><messageEventDefinition messageRef="m_go"/>'
    "</intermediateCatchEvent>"
    '<intermediateCatchEvent id="timer"><timerEventDefinition>'
    "<timeDuration>PT1H</timeDuration></timerEventDefinition></intermediateCatchEvent>"
    '<intermediateCatchEvent id="sig"><signalEventDefinition signalRef="s_stop"/>'
    "</intermediateCatchEvent>"
    + user_tasks("after_msg", "after_timer", "after_sig")
    + '<endEvent id="end"/>'
    + chain("start", "ebg")
    + chain("ebg", "msg", "after_msg", "end")
    + chain("ebg", "timer", "after_timer", "end")
    + chain("ebg", "sig", "after_sig", "end")
)
EVENT_HEADER = '<message id="m_go" name="go"/><signal id="s_stop" name="stop"/>'


def test_event_based_gateway_waits_for_all_following_events() -> None:
    h = Harness(EVENT_BASED, header=EVENT_HEADER)
    events = h.send(cmd.StartInstance())
    assert sorted((s.kind, s.name) for s in of_type(events, ev.SubscriptionOpened)) == [
        ("message", "go"),
        ("signal", "stop"),
    ]
    assert [j.node_id for j in of_type(events, ev.JobScheduled)] == ["timer"]
    assert len(h.state["subs"]) == 3


def test_event_based_gateway_message_wins_and_the_others_are_cancelled() -> None:
    h = Harness(EVENT_BASED, header=EVENT_HEADER)
    h.send(cmd.StartInstance())
    events = h.send(cmd.CorrelateMessage("go"))
    assert len(of_type(events, ev.JobCancelled)) == 1
    assert len(of_type(events, ev.SubscriptionClosed)) == 2
    assert h.state["subs"] == {}
    assert [t["node"] for t in h.state["tasks"].values()] == ["after_msg"]


def test_event_based_gateway_timer_wins_when_it_fires_first() -> None:
    engine, inst = start(EVENT_BASED, header=EVENT_HEADER)
    engine.advance_clock(timedelta(hours=1))
    assert open_nodes(inst) == ["after_timer"]
    assert inst.state["subs"] == {}
    assert "msg" not in inst.visited
    engine.signal("stop")
    assert open_nodes(inst) == ["after_timer"]


def test_event_based_gateway_signal_wins_and_a_later_message_is_refused() -> None:
    engine, inst = start(EVENT_BASED, header=EVENT_HEADER)
    engine.signal("stop")
    assert open_nodes(inst) == ["after_sig"]
    assert inst.state["subs"] == {}
    engine.advance_clock(timedelta(hours=2))
    assert open_nodes(inst) == ["after_sig"]
    assert "timer" not in inst.visited


def test_conditional_flows_leaving_a_task_take_every_true_flow() -> None:
    body = (
        '<startEvent id="start"/><userTask id="t" default="t-other"/>'
        + user_tasks("x", "y", "other")
        + '<endEvent id="end"/>'
        + chain("start", "t")
        + flow("t", "x", "${go_x}")
        + flow("t", "y", "${go_y}")
        + flow("t", "other")
        + chain("x", "end")
        + chain("y", "end")
        + chain("other", "end")
    )
    _, inst = start(body)
    complete_at(inst, "t", {"go_x": True, "go_y": True})
    assert open_nodes(inst) == ["x", "y"]


def test_conditional_flows_leaving_a_task_fall_back_to_its_default_flow() -> None:
    body = (
        '<startEvent id="start"/><userTask id="t" default="t-other"/>'
        + user_tasks("x", "other")
        + '<endEvent id="end"/>'
        + chain("start", "t")
        + flow("t", "x", "${go_x}")
        + flow("t", "other")
        + chain("x", "end")
        + chain("other", "end")
    )
    _, inst = start(body)
    complete_at(inst, "t", {"go_x": False})
    assert open_nodes(inst) == ["other"]


def test_exclusive_gateway_looping_back_revisits_the_task() -> None:
    body = (
        '<startEvent id="start"/><userTask id="a"/><exclusiveGateway id="gw"/><endEvent id="end"/>'
        + chain("start", "a", "gw")
        + flow("gw", "a", "${again}")
        + flow("gw", "end", "${!again}")
    )
    _, inst = start(body)
    complete_at(inst, "a", {"again": True})
    complete_at(inst, "a", {"again": False})
    assert inst.ended
    assert inst.visited == ["start", "a", "gw", "a", "gw", "end"]


def test_retrying_a_gateway_incident_after_fixing_the_variable_moves_on() -> None:
    body = (
        '<startEvent id="start"/><exclusiveGateway id="gw"/>'
        + user_tasks("a", "b")
        + '<endEvent id="end"/>'
        + flow("start", "gw")
        + flow("gw", "a", "${x > 1}")
        + flow("gw", "b", "${x <= 1}")
        + chain("a", "end")
        + chain("b", "end")
    )
    _, inst = start(body)
    (incident,) = inst.incidents
    inst.set_variables({"x": 5})
    inst.retry(incident.id)
    assert inst.incidents == []
    assert open_nodes(inst) == ["a"]


def test_complex_gateway_is_not_run_and_raises_an_incident() -> None:
    body = (
        '<startEvent id="start"/><complexGateway id="cg"/>'
        + user_tasks("a")
        + '<endEvent id="end"/>'
        + chain("start", "cg", "a", "end")
    )
    _, inst = start(body)
    assert [i.node_id for i in inst.incidents] == ["cg"]


def test_inclusive_join_waits_for_a_token_inside_a_subprocess_on_another_branch() -> None:
    body = (
        '<startEvent id="start"/><inclusiveGateway id="split"/><inclusiveGateway id="merge"/>'
        + user_tasks("a", "after")
        + '<subProcess id="sub"><startEvent id="s_start"/><userTask id="inner"/>'
        '<endEvent id="s_end"/>' + chain("s_start", "inner", "s_end") + "</subProcess>"
        '<endEvent id="end"/>'
        + flow("start", "split")
        + flow("split", "a", "${true}")
        + flow("split", "sub", "${true}")
        + chain("a", "merge")
        + chain("sub", "merge")
        + chain("merge", "after", "end")
    )
    _, inst = start(body)
    complete_at(inst, "a")
    assert open_nodes(inst) == ["inner"]
    complete_at(inst, "inner")
    assert open_nodes(inst) == ["after"]


def test_parallel_fork_and_join_inside_a_loop_run_again_each_round() -> None:
    body = (
        '<startEvent id="start"/><exclusiveGateway id="merge"/><parallelGateway id="fork"/>'
        '<parallelGateway id="join"/><exclusiveGateway id="again"/>'
        + user_tasks("b", "c")
        + '<endEvent id="end"/>'
        + chain("start", "merge", "fork")
        + chain("fork", "b", "join")
        + chain("fork", "c", "join")
        + chain("join", "again")
        + flow("again", "merge", "${loop}")
        + flow("again", "end", "${!loop}")
    )
    _, inst = start(body, {"loop": True})
    complete_at(inst, "b")
    complete_at(inst, "c")
    assert open_nodes(inst) == ["b", "c"]
    complete_at(inst, "c", {"loop": False})
    complete_at(inst, "b")
    assert inst.ended


def test_event_based_gateway_with_a_receive_task_waits_for_its_message() -> None:
    body = (
        '<startEvent id="start"/><eventBasedGateway id="ebg"/>'
        '<receiveTask id="r" messageRef="m"/>'
        '<intermediateCatchEvent id="timer"><timerEventDefinition>'
        "<timeDuration>PT1H</timeDuration></timerEventDefinition></intermediateCatchEvent>"
        + user_tasks("a", "b")
        + '<endEvent id="end"/>'
        + chain("start", "ebg")
        + chain("ebg", "r", "a", "end")
        + chain("ebg", "timer", "b", "end")
    )
    _, inst = start(body, header='<message id="m" name="go"/>')
    inst.trigger_message("go")
    assert open_nodes(inst) == ["a"]
    assert inst.state["subs"] == {}
