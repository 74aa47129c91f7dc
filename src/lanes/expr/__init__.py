"""lanes.expr: a safe subset of JUEL, the expression language of Activiti, Flowable and Camunda.

`compile_expression` parses a text such as `${days > 3}` once; the `Expression`
it returns is evaluated many times against a mapping of variables. Nothing is
callable but a fixed table of built-ins; Python attributes are never read; no
text is ever passed to `eval`, `exec` or `compile`. The current time comes in
through `evaluate(..., now=...)`: nothing here reads the clock.

This package imports nothing from the rest of lanes.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from lanes.expr.errors import EvaluationFailure, ExpressionError, MissingVariable, UnknownVariable
from lanes.expr.evaluator import Run, compile_template
from lanes.expr.parser import parse
from lanes.expr.policy import check

__all__ = ["Expression", "ExpressionError", "UnknownVariable", "compile_expression"]


class Expression:
    """A compiled expression.

    Attributes:
        text: the source text.
        is_literal: True when the text holds no `${...}` / `#{...}`.
        variables: the variables the expression reads by name, which must be set
            when it is evaluated (names read through `execution.getVariable` or
            `variables:get`, which may be absent, are not included).
    """

    __slots__ = ("_run", "is_literal", "text", "variables")

    def __init__(self, text: str, is_literal: bool, variables: frozenset[str], run: Run) -> None:
        self.text = text
        self.is_literal = is_literal
        self.variables = variables
        self._run = run

    def evaluate(self, variables: Mapping[str, Any], now: datetime | None = None) -> Any:
        """Evaluate against `variables`.

        Args:
            variables: the process variables, by name.
            now: the current time, aware; needed only by `dateTime()`.

        Returns:
            The raw value when the text is one `${...}`; otherwise a string.

        Raises:
            UnknownVariable: a variable the expression reads is not in `variables`.
            ExpressionError: the expression cannot be evaluated with these values.
        """
        try:
            return self._run(variables, now)
        except MissingVariable as missing:
            raise UnknownVariable(missing.name, self.text) from None
        except EvaluationFailure as failure:
            raise ExpressionError(failure.reason, self.text) from None
        except (ArithmeticError, RecursionError) as error:
            raise ExpressionError(f"cannot evaluate: {error}", self.text) from None

    def __repr__(self) -> str:
        return f"Expression({self.text!r})"


def compile_expression(text: str) -> Expression:
    """Compile JUEL text, such as `${approved == true}` or `Hello ${name}`.

    Raises:
        ExpressionError: the text is not valid JUEL, too long or too deeply nested,
            or it reads or calls something that is not allowed.
    """
    template = parse(text)
    check(template, text)
    compiled = compile_template(template)
    is_literal = all(isinstance(part, str) for part in template.parts)
    return Expression(text, is_literal, compiled.variables, compiled.run)
