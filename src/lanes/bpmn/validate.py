"""Structural checks on an assembled process: what makes a deployment refuse it.

Imports bpmn's own modules only.
"""

from __future__ import annotations

from lanes.bpmn.errors import Problem
from lanes.bpmn.model import ProcessModel

_TRIGGERED_STARTS = {"message", "timer", "signal", None}


def validate_process(process: ProcessModel) -> list[Problem]:
    """Every problem in `process`, errors and warnings, in document order."""
    problems: list[Problem] = []

    def error(message: str, element_id: str | None, line: int | None) -> None:
        problems.append(Problem(message, element_id, line))

    for flow in process.flows.values():
        for end, ref in (("source", flow.source), ("target", flow.target)):
            if ref not in process.nodes:
                error(
                    f"sequence flow {end} '{ref}' is not a flow node of process '{process.id}'",
                    flow.id,
                    flow.line,
                )
    for node in process.nodes.values():
        if node.default_flow and node.default_flow not in node.outgoing:
            error(
                f"default flow '{node.default_flow}' is not an outgoing flow of the node",
                node.id,
                node.line,
            )
        if node.kind == "boundaryEvent":
            if not node.attached_to:
                error("a boundary event needs attachedToRef", node.id, node.line)
            elif node.attached_to not in process.nodes:
                error(
                    f"boundary event is attached to unknown activity '{node.attached_to}'",
                    node.id,
                    node.line,
                )
            if node.event is None and node.unsupported is None:
                error("a boundary event needs an event definition", node.id, node.line)
        if node.is_scope and not node.unsupported:
            scope = process.scopes[node.id]
            if node.triggered_by_event:
                starts = [n for n in scope.nodes if process.nodes[n].kind == "startEvent"]
                if len(starts) != 1 or process.nodes[starts[0]].event is None:
                    error(
                        "an event subprocess needs exactly one start event with a trigger",
                        node.id,
                        node.line,
                    )
            elif scope.nodes and not _none_starts(process, node.id):
                error("a subprocess needs a none start event", node.id, node.line)
    if process.nodes and not any(
        (s.event.kind if s.event else None) in _TRIGGERED_STARTS for s in process.start_events()
    ):
        error(
            f"process '{process.id}' has no none, message, timer or signal start event",
            process.id,
            process.line,
        )
    return problems


def _none_starts(process: ProcessModel, scope_id: str) -> list[str]:
    return [n for n in process.scopes[scope_id].starts if process.nodes[n].event is None]
