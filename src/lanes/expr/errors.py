"""Errors raised by the expression language.

`ExpressionError` and `UnknownVariable` are public. `EvaluationFailure` and
`MissingVariable` are raised inside compiled closures, which do not know the
expression text; `Expression.evaluate` turns them into the public errors.

This package imports nothing from the rest of lanes.
"""

from __future__ import annotations

_MAX_SHOWN = 200


def _shown(text: str) -> str:
    """The expression text as it appears in a message, cut when very long."""
    if len(text) <= _MAX_SHOWN:
        return text
    return text[:_MAX_SHOWN] + "…"


class ExpressionError(Exception):
    """An expression that does not compile, or that fails to evaluate.

    Attributes:
        reason: what went wrong, without the expression text.
        text: the source text of the expression.
    """

    def __init__(self, reason: str, text: str = "") -> None:
        self.reason = reason
        self.text = text
        super().__init__(f"{reason} in {_shown(text)}" if text else reason)


class UnknownVariable(ExpressionError):
    """A variable the expression reads is not set.

    Attributes:
        name: the name of the missing variable.
    """

    def __init__(self, name: str, text: str = "") -> None:
        self.name = name
        super().__init__(f"unknown variable '{name}'", text)


class EvaluationFailure(Exception):
    """Raised by compiled code; carries a reason without the expression text."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


class MissingVariable(Exception):
    """Raised by compiled code when a variable is not in the mapping."""

    def __init__(self, name: str) -> None:
        self.name = name
        super().__init__(name)
