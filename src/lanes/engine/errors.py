"""Why a command cannot be applied. Raised before anything in the state changed.

Imports nothing from the rest of lanes.
"""

from __future__ import annotations


class EngineError(Exception):
    """A command that does not apply to this instance in its current state."""


class TaskNotFound(EngineError):
    """No open task, external task, job or execution with that id."""


class InvalidMove(EngineError):
    """A move (jump, return, withdraw, add/remove instance) that is not allowed now."""


class InstanceEnded(EngineError):
    """The instance has already ended."""


class Stuck(Exception):
    """An expected failure at a node (bad expression, no matching flow).

    Never leaves the engine: the run turns it into an Incident event on the token.
    """
