"""Conformance runs over the shared BPMN corpus (Activiti, Flowable, Camunda 7, Chinese OA)."""
