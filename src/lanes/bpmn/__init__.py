"""BPMN 2.0 XML -> validated, immutable process models.

Only bytes come in; nothing here touches files, the network, a database or HTTP.
Imports lanes.expr and nothing else of lanes.
"""

from lanes.bpmn.errors import BpmnError, Problem
from lanes.bpmn.model import (
    Definitions,
    Diagram,
    EventDefinition,
    FlowNode,
    MultiInstance,
    ProcessModel,
    SequenceFlow,
)
from lanes.bpmn.parser import parse

__all__ = [
    "BpmnError",
    "Definitions",
    "Diagram",
    "EventDefinition",
    "FlowNode",
    "MultiInstance",
    "Problem",
    "ProcessModel",
    "SequenceFlow",
    "parse",
]
