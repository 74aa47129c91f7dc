"""lanes: a BPMN 2.0 workflow engine and approval server."""

__version__ = "0.1.0"
