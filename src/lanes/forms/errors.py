"""The one error of the forms package: input that does not fit, naming where.

Imports nothing of lanes.
"""

from __future__ import annotations


class FormError(ValueError):
    """A form definition or a rule set that does not fit; `field` names the member."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
