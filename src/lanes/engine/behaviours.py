"""The table from BPMN element kind to the function that runs a token entering it.

Imports engine modules only.
"""

from __future__ import annotations

from lanes.engine import activities, event_nodes, gateways
from lanes.engine.runtime import Behaviour

BEHAVIOURS: dict[str, Behaviour] = {
    "startEvent": event_nodes.start_event,
    "endEvent": event_nodes.end_event,
    "intermediateCatchEvent": event_nodes.intermediate_catch_event,
    "intermediateThrowEvent": event_nodes.intermediate_throw_event,
    "boundaryEvent": event_nodes.boundary_event,
    "task": activities.pass_through,
    "manualTask": activities.pass_through,
    "userTask": activities.user_task,
    "receiveTask": activities.receive_task,
    "serviceTask": activities.external_task,
    "sendTask": activities.external_task,
    "businessRuleTask": activities.external_task,
    "scriptTask": activities.script_task,
    "callActivity": activities.call_activity,
    "subProcess": activities.sub_process,
    "transaction": activities.sub_process,
    "exclusiveGateway": gateways.exclusive_gateway,
    "parallelGateway": gateways.parallel_gateway,
    "inclusiveGateway": gateways.inclusive_gateway,
    "eventBasedGateway": gateways.event_based_gateway,
}
