from tests.unit.engine.bpmn_builder import *
from lanes.engine import commands as cmd
from lanes.engine import events as ev
import pytest
from datetime import timedelta

def test_retry_gateway_incident():
    body = ('<startEvent id="start"/><exclusiveGateway id="gw"/>' + user_tasks("a","b") + '<endEvent id="end"/>'
        + flow("start","gw") + flow("gw","a","${x > 1}") + flow("gw","b","${x <= 1}") + chain("a","end") + chain("b","end"))
    _, inst = start(body)
    (inc,) = inst.incidents
    inst.set_variables({"x": 5})
    inst.retry(inc.id)
    assert inst.incidents == []
    assert open_nodes(inst) == ["a"]
    assert inst.visited.count("gw") >= 1

def test_conditional_boundary():
    body = ('<startEvent id="start"/>' + user_tasks("work","escape","next") +
        '<boundaryEvent id="edge" attachedToRef="work"><conditionalEventDefinition><condition xsi:type="tFormalExpression">${urgent}</condition></conditionalEventDefinition></boundaryEvent>'
        '<endEvent id="end"/>' + chain("start","work","next","end") + chain("edge","escape","end"))
    _, inst = start(body, {"urgent": False})
    inst.set_variables({"urgent": True})
    assert open_nodes(inst) == ["escape"]

def test_non_interrupting_message_esp_twice():
    body = ('<startEvent id="start"/>' + user_tasks("work") + '<endEvent id="end"/>' + chain("start","work","end")
        + '<subProcess id="esp" triggeredByEvent="true"><startEvent id="es" isInterrupting="false"><messageEventDefinition messageRef="m"/></startEvent>'
        + user_tasks("handle") + '<endEvent id="ee"/>' + chain("es","handle","ee") + '</subProcess>')
    _, inst = start(body, header='<message id="m" name="info"/>')
    inst.trigger_message("info"); inst.trigger_message("info")
    assert open_nodes(inst) == ["handle","handle","work"]
    for t in tasks_at(inst,"handle"): inst.complete(t.id)
    complete_at(inst,"work")
    assert inst.ended

def test_error_in_sub_caught_by_outer_esp():
    body = ('<startEvent id="start"/><subProcess id="sub"><startEvent id="ss"/><userTask id="w"/><endEvent id="sf"><errorEventDefinition errorRef="err"/></endEvent>'
        + chain("ss","w","sf") + '</subProcess>' + user_tasks("after") + '<endEvent id="end"/>' + chain("start","sub","after","end")
        + '<subProcess id="esp" triggeredByEvent="true"><startEvent id="es"><errorEventDefinition errorRef="err"/></startEvent>' + user_tasks("repair") + '<endEvent id="ee"/>' + chain("es","repair","ee") + '</subProcess>')
    _, inst = start(body, header='<error id="err" errorCode="E"/>')
    complete_at(inst,"w")
    assert open_nodes(inst) == ["repair"]
    complete_at(inst,"repair")
    assert inst.ended

def test_escalation_end_in_sub_non_interrupting_boundary():
    body = ('<startEvent id="start"/><subProcess id="sub"><startEvent id="ss"/><parallelGateway id="f"/><userTask id="w"/><userTask id="x"/><endEvent id="se"><escalationEventDefinition escalationRef="esc"/></endEvent><endEvent id="se2"/>'
        + chain("ss","f") + chain("f","w","se") + chain("f","x","se2") + '</subProcess>'
        '<boundaryEvent id="caught" attachedToRef="sub" cancelActivity="false"><escalationEventDefinition escalationRef="esc"/></boundaryEvent>'
        + user_tasks("after","notice") + '<endEvent id="end"/>' + chain("start","sub","after","end") + chain("caught","notice","end"))
    _, inst = start(body, header='<escalation id="esc" escalationCode="LATE"/>')
    complete_at(inst,"w")
    assert open_nodes(inst) == ["notice","x"]
    complete_at(inst,"x")
    assert open_nodes(inst) == ["after","notice"]

def test_link_events():
    body = ('<startEvent id="start"/><intermediateThrowEvent id="go"><linkEventDefinition name="L"/></intermediateThrowEvent>'
        '<intermediateCatchEvent id="land"><linkEventDefinition name="L"/></intermediateCatchEvent>' + user_tasks("a") + '<endEvent id="end"/>'
        + chain("start","go") + chain("land","a","end"))
    _, inst = start(body)
    assert open_nodes(inst) == ["a"]

def test_complete_local():
    h = Harness(linear("a","b"))
    h.send(cmd.StartInstance())
    h.send(cmd.CompleteTask(h.task_id("a"), {"note": 1}, local=True))
    assert "note" not in h.state["ex"]["i"]["vars"]

def test_call_business_key():
    child = '<startEvent id="c"/><userTask id="w"/><endEvent id="e"/>' + chain("c","w","e")
    body = '<startEvent id="start"/><callActivity id="call" calledElement="child" flowable:businessKey="${bk}"/><endEvent id="end"/>' + chain("start","call","end")
    eng = deploy(model_xml(body), model_xml(child, process_id="child"))
    inst = eng.start("p", {"bk": "K-1"})
    assert inst.children()[0].business_key == "K-1"

def test_signal_end_event():
    header = '<signal id="s" name="done"/>'
    catcher = ('<startEvent id="start"/><intermediateCatchEvent id="wait"><signalEventDefinition signalRef="s"/></intermediateCatchEvent>' + user_tasks("after") + '<endEvent id="end"/>' + chain("start","wait","after","end"))
    thrower = '<startEvent id="ts"/><endEvent id="te"><signalEventDefinition signalRef="s"/></endEvent>' + chain("ts","te")
    eng = deploy(model_xml(catcher, header=header), model_xml(thrower, process_id="q", header=header))
    w = eng.start("p"); t = eng.start("q")
    assert t.ended and open_nodes(w) == ["after"]

def test_complex_gateway_incident():
    body = '<startEvent id="start"/><complexGateway id="cg"/>' + user_tasks("a") + '<endEvent id="end"/>' + chain("start","cg","a","end")
    _, inst = start(body)
    assert [i.node_id for i in inst.incidents] == ["cg"]

def test_jump_to_end_event_ends():
    _, inst = start(linear("a","b"))
    inst.jump(task_at(inst,"a").id, "end")
    assert inst.ended

def test_remove_instance_sequential_cardinality():
    body = ('<startEvent id="start"/><userTask id="sign"><multiInstanceLoopCharacteristics isSequential="true"><loopCardinality>3</loopCardinality></multiInstanceLoopCharacteristics></userTask>'
        + user_tasks("after") + '<endEvent id="end"/>' + chain("start","sign","after","end"))
    _, inst = start(body)
    inst.remove_instance(task_at(inst,"sign").id)
    complete_at(inst,"sign"); 
    assert open_nodes(inst) == ["after"]

def test_mi_dotted_element():
    body = ('<startEvent id="start"/><userTask id="sign" flowable:assignee="${u.name}"><multiInstanceLoopCharacteristics isSequential="false" flowable:collection="people" flowable:elementVariable="u"/></userTask>'
        + user_tasks("after") + '<endEvent id="end"/>' + chain("start","sign","after","end"))
    _, inst = start(body, {"people": [{"name": "ann"}, {"name": "bob"}]})
    assert sorted(t.assignee for t in tasks_at(inst,"sign")) == ["ann","bob"]

def test_mi_completion_on_loop_counter_sequential():
    body = ('<startEvent id="start"/><userTask id="sign"><multiInstanceLoopCharacteristics isSequential="true"><loopCardinality>5</loopCardinality><completionCondition>${loopCounter >= 1}</completionCondition></multiInstanceLoopCharacteristics></userTask>'
        + user_tasks("after") + '<endEvent id="end"/>' + chain("start","sign","after","end"))
    _, inst = start(body)
    complete_at(inst,"sign"); complete_at(inst,"sign")
    assert open_nodes(inst) == ["after"]

def test_timer_boundary_on_receive_task():
    body = ('<startEvent id="start"/><receiveTask id="r"/><boundaryEvent id="b" attachedToRef="r"><timerEventDefinition><timeDuration>PT1H</timeDuration></timerEventDefinition></boundaryEvent>'
        + user_tasks("after","late") + '<endEvent id="end"/>' + chain("start","r","after","end") + chain("b","late","end"))
    eng, inst = start(body)
    eng.advance_clock(timedelta(hours=1))
    assert open_nodes(inst) == ["late"]
    with pytest.raises(Exception):
        inst.trigger("r")

def test_event_gateway_receive_task():
    body = ('<startEvent id="start"/><eventBasedGateway id="g"/><receiveTask id="r" messageRef="m"/><intermediateCatchEvent id="t"><timerEventDefinition><timeDuration>PT1H</timeDuration></timerEventDefinition></intermediateCatchEvent>'
        + user_tasks("a","b") + '<endEvent id="end"/>' + chain("start","g") + chain("g","r","a","end") + chain("g","t","b","end"))
    eng, inst = start(body, header='<message id="m" name="go"/>')
    inst.trigger_message("go")
    assert open_nodes(inst) == ["a"]
    assert inst.state["subs"] == {}

def test_message_end_event():
    body = '<startEvent id="s"/><endEvent id="e"><messageEventDefinition messageRef="m"/></endEvent>' + chain("s","e")
    h = Harness(body, header='<message id="m" name="bye"/>')
    events = h.send(cmd.StartInstance({"k": 1}))
    assert [m.name for m in of_type(events, ev.MessageThrown)] == ["bye"]
    assert h.state["status"] == "completed"

def test_interrupting_esp_in_sub_by_message():
    body = ('<startEvent id="start"/><subProcess id="sub"><startEvent id="ss"/><userTask id="w"/><endEvent id="se"/>' + chain("ss","w","se")
        + '<subProcess id="esp" triggeredByEvent="true"><startEvent id="es"><messageEventDefinition messageRef="m"/></startEvent><userTask id="h"/><endEvent id="ee"/>' + chain("es","h","ee") + '</subProcess></subProcess>'
        + user_tasks("after") + '<endEvent id="end"/>' + chain("start","sub","after","end"))
    _, inst = start(body, header='<message id="m" name="stop"/>')
    inst.trigger_message("stop")
    assert open_nodes(inst) == ["h"]
    complete_at(inst, "h")
    assert open_nodes(inst) == ["after"]

def test_return_into_mi_subprocess_instance():
    body = ('<startEvent id="start"/><subProcess id="sub"><multiInstanceLoopCharacteristics isSequential="false"><loopCardinality>2</loopCardinality></multiInstanceLoopCharacteristics>'
        '<startEvent id="ss"/>' + user_tasks("x","y") + '<endEvent id="se"/>' + chain("ss","x","y","se") + '</subProcess>' + user_tasks("after") + '<endEvent id="end"/>' + chain("start","sub","after","end"))
    _, inst = start(body)
    inst.complete(tasks_at(inst,"x")[0].id)
    y = task_at(inst,"y")
    inst.return_to(y.id, "x")
    assert open_nodes(inst) == ["x","x"]
    for t in tasks_at(inst,"x"): inst.complete(t.id)
    for t in tasks_at(inst,"y"): inst.complete(t.id)
    assert open_nodes(inst) == ["after"]

def test_withdraw_nonint_boundary_fired():
    pass

def test_inclusive_join_token_in_subprocess_upstream():
    body = ('<startEvent id="start"/><inclusiveGateway id="split"/><inclusiveGateway id="merge"/>' + user_tasks("a","after") +
        '<subProcess id="sub"><startEvent id="ss"/><userTask id="inner"/><endEvent id="se"/>' + chain("ss","inner","se") + '</subProcess><endEvent id="end"/>'
        + flow("start","split") + flow("split","a","${true}") + flow("split","sub","${true}") + chain("a","merge") + chain("sub","merge") + chain("merge","after","end"))
    _, inst = start(body)
    complete_at(inst,"a")
    assert open_nodes(inst) == ["inner"]
    complete_at(inst,"inner")
    assert open_nodes(inst) == ["after"]

def test_due_date_expression_duration():
    body = '<startEvent id="start"/><userTask id="t" flowable:dueDate="${d}"/><endEvent id="end"/>' + chain("start","t","end")
    _, inst = start(body, {"d": "PT30M"})
    assert task_at(inst,"t").due == "2026-03-02T09:30:00Z"

def test_parallel_join_in_loop_twice():
    body = ('<startEvent id="start"/><parallelGateway id="fork"/><parallelGateway id="join"/><exclusiveGateway id="again"/>' + user_tasks("b","c") + '<endEvent id="end"/>'
        + chain("start","fork") + chain("fork","b","join") + chain("fork","c","join") + chain("join","again") + flow("again","fork","${loop}") + flow("again","end","${!loop}"))
    _, inst = start(body, {"loop": True})
    complete_at(inst,"b"); complete_at(inst,"c",{"loop": False})
    assert open_nodes(inst) == ["b","c"]
    complete_at(inst,"c"); complete_at(inst,"b")
    assert inst.ended
