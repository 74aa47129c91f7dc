"""Pure renderer: BPMN DI (+ active / completed / taken ids) -> SVG. Imports only lanes.bpmn."""
