"""The BPMN execution core: pure functions from (model, state, command) to outcomes."""
