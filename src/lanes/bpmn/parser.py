"""BPMN 2.0 XML -> `Definitions`: one small builder per element kind, found in a table.

Errors are collected, not raised one at a time, so a deployment lists every problem at
once. Elements lanes cannot run are kept (with `unsupported` set) and reported as
warnings with their id and line. Imports bpmn's own modules and lanes.expr only.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from lxml import etree

from lanes.bpmn.diagram_reader import read_diagram
from lanes.bpmn.errors import BpmnError, Problem
from lanes.bpmn.model import (
    Annotation,
    Association,
    CallSpec,
    Definitions,
    EventDefinition,
    FlowNode,
    HumanTask,
    Lane,
    MessageFlow,
    MultiInstance,
    Participant,
    ProcessModel,
    Scope,
    SequenceFlow,
    ServiceCall,
    TimerKind,
    VariableMapping,
)
from lanes.bpmn.validate import validate_process
from lanes.bpmn.vendor import (
    BPMN_NS,
    split_list,
    vendor_attr,
    vendor_children,
    vendor_flag,
)
from lanes.bpmn.xmlsafe import load_xml
from lanes.expr import Expression, ExpressionError, compile_expression

_B = f"{{{BPMN_NS}}}"
_JUEL_LANGUAGES = {"", "juel", "http://www.w3.org/1999/xpath", "xpath", "${}"}
_VARIABLE_NAME = re.compile(r"^[A-Za-z_$][\w$]*$")
_LISTENERS = ("executionListener", "taskListener", "eventListener")

Builder = Callable[["_Reader", etree._Element, dict[str, Any]], None]


def parse(xml: bytes) -> Definitions:
    """Parse and validate a BPMN 2.0 document.

    Raises:
        BpmnError: listing every error; warnings travel in `Definitions.warnings`.
    """
    root = load_xml(xml)
    if root.tag != f"{_B}definitions":
        raise BpmnError(
            Problem(
                f"the root element is <{etree.QName(root).localname}>, not a BPMN 2.0 "
                f"<definitions> in namespace {BPMN_NS}",
                line=root.sourceline,
            )
        )
    return _Reader(root).read()


class _Reader:
    """Reads one <definitions> element; holds the problems found so far."""

    def __init__(self, root: etree._Element) -> None:
        self.root = root
        self.errors: list[Problem] = []
        self.warnings: list[Problem] = []
        self.messages = _named(root, "message", "name")
        self.signals = _named(root, "signal", "name")
        self.errors_by_id = _named(root, "error", "errorCode")
        self.escalations = _named(root, "escalation", "escalationCode")
        self.element_ids: dict[str, int | None] = {}

    # -- the whole document ---------------------------------------------------------

    def read(self) -> Definitions:
        for element in self.root.iter():
            if not isinstance(element.tag, str):
                continue
            element_id = element.get("id")
            if element_id is None or not element.tag.startswith(_B):
                continue
            if element_id in self.element_ids:
                self.error(f"duplicate id '{element_id}'", element_id, element.sourceline)
            else:
                self.element_ids[element_id] = element.sourceline
        processes: dict[str, ProcessModel] = {}
        for el in self.root.iterchildren(f"{_B}process"):
            process = self.read_process(el)
            if process is not None:
                processes[process.id] = process
        if not processes and not self.errors:
            self.error("the document holds no executable process")
        if self.errors:
            raise BpmnError(self.errors)
        participants, annotations, associations = self.read_collaboration()
        return Definitions(
            processes=processes,
            diagram=read_diagram(self.root, set(self.element_ids)),
            messages=self.messages,
            signals=self.signals,
            participants=participants,
            annotations=annotations,
            associations=associations,
            message_flows=tuple(
                MessageFlow(
                    el.get("id", ""),
                    el.get("sourceRef", ""),
                    el.get("targetRef", ""),
                    el.get("name"),
                )
                for el in self.root.iter(f"{_B}messageFlow")
            ),
            warnings=tuple(self.warnings),
        )

    def read_collaboration(
        self,
    ) -> tuple[tuple[Participant, ...], tuple[Annotation, ...], tuple[Association, ...]]:
        participants = tuple(
            Participant(el.get("id", ""), el.get("name"), el.get("processRef"))
            for el in self.root.iter(f"{_B}participant")
        )
        annotations = tuple(
            Annotation(el.get("id", ""), "".join(el.findtext(f"{_B}text") or "").strip())
            for el in self.root.iter(f"{_B}textAnnotation")
        )
        associations = tuple(
            Association(el.get("id", ""), el.get("sourceRef", ""), el.get("targetRef", ""))
            for el in self.root.iter(f"{_B}association")
        )
        return participants, annotations, associations

    # -- processes and scopes -------------------------------------------------------

    def read_process(self, el: etree._Element) -> ProcessModel | None:
        if el.get("isExecutable", "true").strip().lower() == "false":
            return None  # documentation of an outside participant: nothing to check or run
        process_id = el.get("id")
        if not process_id:
            self.error("a <process> has no id", None, el.sourceline)
            return None
        self.warn_listeners(el, process_id)
        nodes: dict[str, dict[str, Any]] = {}
        flows: dict[str, SequenceFlow] = {}
        lanes: list[Lane] = []
        self.read_scope(el, None, nodes, flows, lanes)
        if not nodes:
            return None  # an empty pool: an outside participant, nothing to run
        process = _assemble(process_id, el, nodes, flows, lanes)
        for problem in validate_process(process):
            (self.errors if problem.severity == "error" else self.warnings).append(problem)
        return process

    def read_scope(
        self,
        container: etree._Element,
        scope_id: str | None,
        nodes: dict[str, dict[str, Any]],
        flows: dict[str, SequenceFlow],
        lanes: list[Lane],
    ) -> None:
        for child in container.iterchildren():
            if not isinstance(child.tag, str) or not child.tag.startswith(_B):
                continue
            kind = child.tag[len(_B) :]
            if kind == "sequenceFlow":
                flow = self.read_flow(child)
                # A duplicate id is already an error; keeping the first element avoids a
                # second, misleading one (a start event replaced by a task "missing").
                if flow is not None and flow.id not in flows:
                    flows[flow.id] = flow
            elif kind == "laneSet":
                lanes.extend(_read_lanes(child))
            elif kind in BUILDERS or kind in UNSUPPORTED:
                node_id = child.get("id")
                if not node_id:
                    self.error(f"a <{kind}> has no id", None, child.sourceline)
                    continue
                kw = self.read_node(child, kind, node_id, scope_id)
                nodes.setdefault(node_id, kw)  # the first of duplicate ids, as for flows
                if kind in ("subProcess", "transaction", "adHocSubProcess"):
                    self.read_scope(child, node_id, nodes, flows, lanes)
            elif kind not in NOT_FLOW_ELEMENTS:
                self.warn(
                    f"<{kind}> is not run by lanes and is left out of the process",
                    child.get("id"),
                    child.sourceline,
                )

    def read_node(
        self, el: etree._Element, kind: str, node_id: str, scope_id: str | None
    ) -> dict[str, Any]:
        kw: dict[str, Any] = {
            "id": node_id,
            "kind": kind,
            "name": el.get("name"),
            "line": el.sourceline,
            "scope": scope_id,
            "default_flow": el.get("default"),
            "async_before": vendor_flag(el, "async") or vendor_flag(el, "asyncBefore"),
            "documentation": _text(el.find(f"{_B}documentation")) or None,
        }
        skip = vendor_attr(el, "skipExpression")
        if skip:
            kw["skip"] = self.expr(skip, node_id, el.sourceline, "skipExpression")
        if kind in UNSUPPORTED:
            self.unsupported(kw, UNSUPPORTED[kind])
        else:
            BUILDERS[kind](self, el, kw)
        loop = el.find(f"{_B}multiInstanceLoopCharacteristics")
        if loop is not None:
            kw["loop"] = self.read_loop(loop, node_id)
        if el.find(f"{_B}standardLoopCharacteristics") is not None:
            self.unsupported(kw, "standard loops (standardLoopCharacteristics) are not run")
        self.warn_listeners(el, node_id)
        return kw

    def read_flow(self, el: etree._Element) -> SequenceFlow | None:
        flow_id = el.get("id") or self.name_unnamed_flow(el)
        self.warn_listeners(el, flow_id)
        condition: Expression | None = None
        unsupported: str | None = None
        skip = vendor_attr(el, "skipExpression")
        cond_el = el.find(f"{_B}conditionExpression")
        text = _text(cond_el)
        if cond_el is not None and text:
            language = (cond_el.get("language") or "").strip().lower()
            if language in _JUEL_LANGUAGES:
                condition = self.expr(text, flow_id, cond_el.sourceline, "condition")
            else:
                unsupported = f"conditions in {language} are not run by lanes"
                self.warn(unsupported, flow_id, cond_el.sourceline)
        return SequenceFlow(
            id=flow_id,
            source=el.get("sourceRef", ""),
            target=el.get("targetRef", ""),
            name=el.get("name"),
            line=el.sourceline,
            condition=condition,
            unsupported=unsupported,
            skip=self.expr(skip, flow_id, el.sourceline, "skipExpression") if skip else None,
        )

    def read_loop(self, el: etree._Element, node_id: str) -> MultiInstance:
        line = el.sourceline
        cardinality = _text(el.find(f"{_B}loopCardinality"))
        collection = vendor_attr(el, "collection") or _text(el.find(f"{_B}loopDataInputRef"))
        element_variable = vendor_attr(el, "elementVariable")
        item = el.find(f"{_B}inputDataItem")
        if element_variable is None and item is not None:
            element_variable = item.get("name") or item.get("id")
        completion = _text(el.find(f"{_B}completionCondition"))
        if not cardinality and not collection:
            self.error(
                "a multi-instance activity needs loopCardinality or a collection", node_id, line
            )
        return MultiInstance(
            sequential=el.get("isSequential", "false").strip().lower() == "true",
            cardinality=self.expr(cardinality, node_id, line, "loopCardinality")
            if cardinality
            else None,
            collection=self.expr(_as_expression(collection), node_id, line, "collection")
            if collection
            else None,
            element_variable=element_variable,
            completion_condition=self.expr(completion, node_id, line, "completionCondition")
            if completion
            else None,
            loop_counter_variable=vendor_attr(el, "elementIndexVariable") or "loopCounter",
        )

    def name_unnamed_flow(self, el: etree._Element) -> str:
        """Activiti and Flowable accept flows without an id: name them by their line.

        Several such flows may share a line, and a name may already be taken; each gets
        its own name, so that none silently replaces another.
        """
        base = f"sequenceFlow_line{el.sourceline}"
        flow_id, n = base, 1
        while flow_id in self.element_ids:
            n += 1
            flow_id = f"{base}_{n}"
        self.element_ids[flow_id] = el.sourceline
        return flow_id

    def warn_listeners(self, el: etree._Element, element_id: str) -> None:
        """Listeners (Java, expressions or scripts) on a node, flow or process never run."""
        for listener in _LISTENERS:
            if vendor_children(el, listener):
                self.warn(f"{listener}s are not run by lanes", element_id, el.sourceline)

    # -- helpers used by the builders -----------------------------------------------

    def expr(self, text: str, element_id: str | None, line: int | None, what: str) -> Expression:
        try:
            return compile_expression(text)
        except ExpressionError as exc:
            self.error(f"{what} does not compile: {exc}", element_id, line)
            return compile_expression("")

    def error(self, message: str, element_id: str | None = None, line: int | None = None) -> None:
        self.errors.append(Problem(message, element_id, line, "error"))

    def warn(self, message: str, element_id: str | None = None, line: int | None = None) -> None:
        self.warnings.append(Problem(message, element_id, line, "warning"))

    def unsupported(self, kw: dict[str, Any], reason: str) -> None:
        kw["unsupported"] = reason
        self.warn(f"{reason}; a token reaching it raises an incident", kw["id"], kw["line"])

    def event_definition(self, el: etree._Element, kw: dict[str, Any]) -> None:
        """Fill kw["event"] from the single *EventDefinition child, if any."""
        found = [
            c
            for c in el.iterchildren()
            if isinstance(c.tag, str) and c.tag.startswith(_B) and c.tag.endswith("EventDefinition")
        ]
        if not found:
            return
        if len(found) > 1:
            self.unsupported(kw, "events with several event definitions are not run")
            return
        d = found[0]
        kind = d.tag[len(_B) : -len("EventDefinition")]
        node_id, line = kw["id"], d.sourceline
        if kind == "message":
            ref = d.get("messageRef")
            kw["event"] = EventDefinition("message", self.messages.get(ref or "", ref))
        elif kind == "signal":
            ref = d.get("signalRef")
            kw["event"] = EventDefinition("signal", self.signals.get(ref or "", ref))
        elif kind == "error":
            ref = d.get("errorRef")
            kw["event"] = EventDefinition(
                "error",
                self.errors_by_id.get(ref or "", ref),
                code_variable=vendor_attr(d, "errorCodeVariable"),
            )
        elif kind == "escalation":
            ref = d.get("escalationRef")
            kw["event"] = EventDefinition(
                "escalation",
                self.escalations.get(ref or "", ref),
                code_variable=vendor_attr(d, "escalationCodeVariable"),
            )
        elif kind == "timer":
            kw["event"] = self.timer_definition(d, node_id)
        elif kind == "conditional":
            text = _text(d.find(f"{_B}condition"))
            if not text:
                self.error("a conditional event needs a <condition>", node_id, line)
                return
            cond_el = d.find(f"{_B}condition")
            language = ((cond_el.get("language") if cond_el is not None else "") or "").lower()
            if language not in _JUEL_LANGUAGES:
                self.unsupported(kw, f"conditions in {language} are not run by lanes")
                return
            kw["event"] = EventDefinition(
                "conditional", condition=self.expr(text, node_id, line, "condition")
            )
        elif kind in ("terminate", "link", "cancel", "compensate"):
            kw["event"] = EventDefinition(kind, d.get("name"))
            if kind in ("cancel", "compensate"):
                self.unsupported(kw, f"{kind} events are not run by lanes")
        else:
            self.unsupported(kw, f"{kind} event definitions are not run by lanes")

    def timer_definition(self, d: etree._Element, node_id: str) -> EventDefinition | None:
        for tag, timer_kind in (
            ("timeDate", "date"),
            ("timeDuration", "duration"),
            ("timeCycle", "cycle"),
        ):
            text = _text(d.find(f"{_B}{tag}"))
            if text:
                kind: TimerKind = timer_kind  # type: ignore[assignment]
                return EventDefinition(
                    "timer",
                    timer_kind=kind,
                    timer=self.expr(text, node_id, d.sourceline, tag),
                )
        self.error("a timer needs timeDate, timeDuration or timeCycle", node_id, d.sourceline)
        return None


# -- builders: one per element kind ----------------------------------------------------


def _plain(reader: _Reader, el: etree._Element, kw: dict[str, Any]) -> None:
    """Gateways, plain tasks and manual tasks: nothing beyond the common fields."""


def _event(reader: _Reader, el: etree._Element, kw: dict[str, Any]) -> None:
    reader.event_definition(el, kw)


def _start_event(reader: _Reader, el: etree._Element, kw: dict[str, Any]) -> None:
    reader.event_definition(el, kw)
    kw["initiator"] = vendor_attr(el, "initiator")
    kw["interrupting"] = el.get("isInterrupting", "true").strip().lower() != "false"


def _boundary_event(reader: _Reader, el: etree._Element, kw: dict[str, Any]) -> None:
    reader.event_definition(el, kw)
    kw["attached_to"] = el.get("attachedToRef")
    kw["interrupting"] = el.get("cancelActivity", "true").strip().lower() != "false"


def _user_task(reader: _Reader, el: etree._Element, kw: dict[str, Any]) -> None:
    node_id, line = kw["id"], el.sourceline

    def compile_all(values: list[str], what: str) -> tuple[Expression, ...]:
        return tuple(reader.expr(v, node_id, line, what) for v in values)

    assignee = vendor_attr(el, "assignee")
    users = split_list(vendor_attr(el, "candidateUsers"))
    groups = split_list(vendor_attr(el, "candidateGroups"))
    performer = el.find(f"{_B}humanPerformer/{_B}resourceAssignmentExpression/{_B}formalExpression")
    if assignee is None and performer is not None and _text(performer):
        assignee = _text(performer)
    for owner in el.iterfind(
        f"{_B}potentialOwner/{_B}resourceAssignmentExpression/{_B}formalExpression"
    ):
        for part in split_list(_text(owner)):
            if part.startswith("user(") and part.endswith(")"):
                users.append(part[5:-1].strip())
            elif part.startswith("group(") and part.endswith(")"):
                groups.append(part[6:-1].strip())
            else:
                groups.append(part)  # a bare name is a group, as in Activiti
    due, priority = vendor_attr(el, "dueDate"), vendor_attr(el, "priority")
    kw["task"] = HumanTask(
        assignee=reader.expr(assignee, node_id, line, "assignee") if assignee else None,
        candidate_users=compile_all(users, "candidateUsers"),
        candidate_groups=compile_all(groups, "candidateGroups"),
        form_key=vendor_attr(el, "formKey"),
        due_date=reader.expr(due, node_id, line, "dueDate") if due else None,
        priority=reader.expr(priority, node_id, line, "priority") if priority else None,
        category=vendor_attr(el, "category"),
    )


def _service_task(reader: _Reader, el: etree._Element, kw: dict[str, Any]) -> None:
    """Service, send and business-rule tasks: served by an external worker.

    A Java class, delegate expression or bean expression becomes the worker's topic, so
    a worker can serve what the JVM engines would have called in-process.
    """
    result = vendor_attr(el, "resultVariable") or vendor_attr(el, "resultVariableName")
    if vendor_attr(el, "decisionRef"):
        reader.unsupported(kw, "DMN decisions are not run by lanes")
        return
    if (vendor_attr(el, "type") or "").lower() == "external" or vendor_attr(el, "topic"):
        topic = vendor_attr(el, "topic") or kw["id"]
        kw["service"] = ServiceCall("external", topic, result)
        return
    task_type = (vendor_attr(el, "type") or "").strip()
    if task_type.lower() == "dmn":
        reader.unsupported(kw, "DMN decisions are not run by lanes")
        return
    for implementation in ("class", "delegateExpression", "expression"):
        value = vendor_attr(el, implementation)
        if value:
            kw["service"] = ServiceCall(implementation, value.strip(), result)
            return
    if task_type:
        # mail, http, shell, camel, mule...: built into the JVM engines, not into lanes.
        reader.warn(
            f"{kw['kind']}s of type '{task_type}' are not run by lanes; "
            f"an external worker on topic '{task_type}' must serve them",
            kw["id"],
            kw["line"],
        )
        kw["service"] = ServiceCall(task_type, task_type, result)
        return
    kw["service"] = ServiceCall("none", kw["id"], result)


def _script_task(reader: _Reader, el: etree._Element, kw: dict[str, Any]) -> None:
    language = (el.get("scriptFormat") or "").strip().lower()
    script = _text(el.find(f"{_B}script"))
    if language == "juel" and script:
        try:
            kw["script"] = compile_expression(script)
        except ExpressionError as exc:
            reader.unsupported(kw, f"this JUEL script is outside what lanes runs: {exc}")
            return
        kw["script_result"] = vendor_attr(el, "resultVariable") or vendor_attr(
            el, "resultVariableName"
        )
        return
    reader.unsupported(kw, f"scripts in {language or 'an unnamed language'} are not run")


def _receive_task(reader: _Reader, el: etree._Element, kw: dict[str, Any]) -> None:
    ref = el.get("messageRef")
    if ref:
        kw["event"] = EventDefinition("message", reader.messages.get(ref, ref))


def _call_activity(reader: _Reader, el: etree._Element, kw: dict[str, Any]) -> None:
    node_id, line = kw["id"], el.sourceline
    called = el.get("calledElement") or vendor_attr(el, "calledElement")
    if not called:
        reader.error("a call activity needs calledElement", node_id, line)
        called = ""
    business_key = vendor_attr(el, "businessKey")

    def mappings(tag: str) -> tuple[VariableMapping, ...]:
        found = []
        for m in vendor_children(el, tag):
            expression = m.get("sourceExpression")
            if m.get("businessKey") is not None:
                continue
            found.append(
                VariableMapping(
                    source=m.get("source"),
                    source_expression=reader.expr(expression, node_id, m.sourceline, tag)
                    if expression
                    else None,
                    target=m.get("target"),
                    all=(m.get("variables") or "").strip() == "all",
                )
            )
        return tuple(found)

    for m in vendor_children(el, "in"):
        if m.get("businessKey"):
            business_key = m.get("businessKey")
    kw["call"] = CallSpec(
        called_element=reader.expr(called, node_id, line, "calledElement"),
        inputs=mappings("in"),
        outputs=mappings("out"),
        inherit_variables=vendor_flag(el, "inheritVariables"),
        business_key=reader.expr(business_key, node_id, line, "businessKey")
        if business_key
        else None,
    )


def _sub_process(reader: _Reader, el: etree._Element, kw: dict[str, Any]) -> None:
    kw["triggered_by_event"] = el.get("triggeredByEvent", "false").strip().lower() == "true"
    if kw["kind"] == "transaction":
        reader.warn(
            "a transaction runs as a plain subprocess (no compensation)", kw["id"], kw["line"]
        )


BUILDERS: dict[str, Builder] = {
    "startEvent": _start_event,
    "endEvent": _event,
    "intermediateCatchEvent": _event,
    "intermediateThrowEvent": _event,
    "boundaryEvent": _boundary_event,
    "task": _plain,
    "manualTask": _plain,
    "userTask": _user_task,
    "serviceTask": _service_task,
    "sendTask": _service_task,
    "businessRuleTask": _service_task,
    "scriptTask": _script_task,
    "receiveTask": _receive_task,
    "callActivity": _call_activity,
    "subProcess": _sub_process,
    "transaction": _sub_process,
    "exclusiveGateway": _plain,
    "parallelGateway": _plain,
    "inclusiveGateway": _plain,
    "eventBasedGateway": _plain,
}

# Children of a process or subprocess that describe rather than run: nothing to report.
NOT_FLOW_ELEMENTS = frozenset(
    {
        "documentation",
        "extensionElements",
        "ioSpecification",
        "property",
        "dataObject",
        "dataObjectReference",
        "dataStoreReference",
        "dataInputAssociation",
        "dataOutputAssociation",
        "textAnnotation",
        "association",
        "group",
        "category",
        "auditing",
        "monitoring",
        "supports",
        "correlationSubscription",
        "resourceRole",
        "potentialOwner",
        "humanPerformer",
        "performer",
        "multiInstanceLoopCharacteristics",
        "standardLoopCharacteristics",
        "incoming",
        "outgoing",
    }
)

UNSUPPORTED: dict[str, str] = {
    "complexGateway": "complex gateways are not run by lanes",
    "adHocSubProcess": "ad-hoc subprocesses are not run by lanes",
}


# -- assembling the frozen model ----------------------------------------------------------


def _assemble(
    process_id: str,
    el: etree._Element,
    node_kw: dict[str, dict[str, Any]],
    flows: dict[str, SequenceFlow],
    lanes: list[Lane],
) -> ProcessModel:
    incoming: dict[str, list[str]] = {n: [] for n in node_kw}
    outgoing: dict[str, list[str]] = {n: [] for n in node_kw}
    for flow in flows.values():
        if flow.source in outgoing:
            outgoing[flow.source].append(flow.id)
        if flow.target in incoming:
            incoming[flow.target].append(flow.id)
    boundaries: dict[str, list[str]] = {n: [] for n in node_kw}
    for node_id, kw in node_kw.items():
        attached = kw.get("attached_to")
        if attached in boundaries:
            boundaries[attached].append(node_id)
    nodes = {
        node_id: FlowNode(
            **kw,
            incoming=tuple(incoming[node_id]),
            outgoing=tuple(outgoing[node_id]),
            boundaries=tuple(boundaries[node_id]),
        )
        for node_id, kw in node_kw.items()
    }
    # A boundary event sits in the scope of the activity it is attached to.
    for node_id, node in nodes.items():
        if node.attached_to in nodes:
            nodes[node_id] = replace(node, scope=nodes[node.attached_to].scope)
    scope_ids: list[str | None] = [None, *(n for n in nodes if nodes[n].is_scope)]
    scopes: dict[str | None, Scope] = {}
    for scope_id in scope_ids:
        members = tuple(n for n, node in nodes.items() if node.scope == scope_id)
        scopes[scope_id] = Scope(
            id=scope_id,
            nodes=members,
            starts=tuple(
                n for n in members if nodes[n].kind == "startEvent" and not nodes[n].incoming
            ),
            event_subprocesses=tuple(
                n for n in members if nodes[n].is_scope and nodes[n].triggered_by_event
            ),
        )
    return ProcessModel(
        id=process_id,
        name=el.get("name"),
        line=el.sourceline,
        executable=True,
        nodes=nodes,
        flows=flows,
        scopes=scopes,
        candidate_starter_users=tuple(split_list(vendor_attr(el, "candidateStarterUsers"))),
        candidate_starter_groups=tuple(split_list(vendor_attr(el, "candidateStarterGroups"))),
        lanes=tuple(lanes),
        documentation=_text(el.find(f"{_B}documentation")) or None,
        version_tag=vendor_attr(el, "versionTag"),
    )


def _read_lanes(lane_set: etree._Element) -> list[Lane]:
    lanes: list[Lane] = []
    for lane in lane_set.iter(f"{_B}lane"):
        refs = tuple((_text(r) or "") for r in lane.iterchildren(f"{_B}flowNodeRef"))
        lanes.append(Lane(lane.get("id", ""), lane.get("name"), refs))
    return lanes


def _named(root: etree._Element, tag: str, attribute: str) -> dict[str, str]:
    """id -> name (or code) of root-level <message>, <signal>, <error>, <escalation>."""
    found: dict[str, str] = {}
    for el in root.iterchildren(f"{_B}{tag}"):
        element_id = el.get("id")
        if element_id:
            found[element_id] = el.get(attribute) or el.get("name") or element_id
    return found


def _text(el: etree._Element | None) -> str:
    if el is None:
        return ""
    return "".join(el.itertext()).strip()


def _as_expression(collection: str) -> str:
    """flowable:collection="userList" names a variable; "${list}" is an expression."""
    text = collection.strip()
    return "${" + text + "}" if _VARIABLE_NAME.match(text) else text
