"""Evaluator: compiles a checked syntax tree into nested Python closures.

Each node becomes a function `run(variables, now) -> value`, built once at
compile time, so evaluation is a handful of plain calls with no tree walking and
no dispatch on node type. Closures raise `EvaluationFailure` / `MissingVariable`;
`Expression.evaluate` adds the expression text to them.

Property and index access reads only dict keys and list items, never attributes
of Python objects.

This package imports nothing from the rest of lanes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any, TypeAlias

from lanes.expr.ast import (
    Binary,
    Conditional,
    FunctionCall,
    Identifier,
    Index,
    Literal,
    MethodCall,
    Node,
    Property,
    Template,
    Unary,
)
from lanes.expr.builtins import (
    EXECUTION_METHODS,
    EXECUTION_ROOTS,
    METHODS,
    VARIABLE_FUNCTIONS,
    date_time,
)
from lanes.expr.coercion import is_empty, to_boolean, to_int, to_string, type_name
from lanes.expr.errors import EvaluationFailure, MissingVariable
from lanes.expr.operators import BINARY, logical_not, negate

Run: TypeAlias = Callable[[Mapping[str, Any], datetime | None], Any]

_SEQUENCES = (list, tuple)


class Compiled:
    """The result of compiling a template: its run function and the variables it reads."""

    __slots__ = ("run", "variables")

    def __init__(self, run: Run, variables: frozenset[str]) -> None:
        self.run = run
        self.variables = variables


def compile_template(template: Template) -> Compiled:
    """Build the run function of a template already checked by `policy.check`.

    A template that is one `${...}` (with only whitespace around it) returns the
    raw value; literal text with several parts returns a string.
    """
    compiler = _Compiler()
    nodes = [part for part in template.parts if not isinstance(part, str)]
    text_parts = [part for part in template.parts if isinstance(part, str)]
    if not nodes:
        literal = "".join(text_parts)
        return Compiled(lambda variables, now: literal, frozenset())
    if len(nodes) == 1 and all(part.strip() == "" for part in text_parts):
        return Compiled(compiler.node(nodes[0]), frozenset(compiler.variables))
    pieces: list[Run] = []
    for part in template.parts:
        if isinstance(part, str):
            pieces.append(_constant(part))
        else:
            pieces.append(compiler.node(part))
    return Compiled(_concatenation(tuple(pieces)), frozenset(compiler.variables))


def _constant(value: Any) -> Run:
    def run(variables: Mapping[str, Any], now: datetime | None) -> Any:
        return value

    return run


def _concatenation(pieces: tuple[Run, ...]) -> Run:
    def run(variables: Mapping[str, Any], now: datetime | None) -> str:
        return "".join([to_string(piece(variables, now)) for piece in pieces])

    return run


class _Compiler:
    def __init__(self) -> None:
        self.variables: set[str] = set()

    def node(self, node: Node) -> Run:
        match node:
            case Literal(value=value):
                return _constant(value)
            case Identifier(name=name):
                self.variables.add(name)
                return _variable(name)
            case Unary(op="-", operand=Literal(value=int() | float() as number)) if not isinstance(
                number, bool
            ):
                return _constant(-number)
            case Unary(op=op, operand=operand):
                return _unary(op, self.node(operand))
            case Binary(op="&&", left=left, right=right):
                return _and(self.node(left), self.node(right))
            case Binary(op="||", left=left, right=right):
                return _or(self.node(left), self.node(right))
            case Binary(op=op, left=left, right=Literal(value=value)):
                return _binary_constant(BINARY[op], self.node(left), value)
            case Binary(op=op, left=left, right=right):
                return _binary(BINARY[op], self.node(left), self.node(right))
            case Conditional(test=test, then=then, otherwise=otherwise):
                return _conditional(self.node(test), self.node(then), self.node(otherwise))
            case Property(target=target, name=name):
                return _property(self.node(target), name)
            case Index(target=target, index=Literal(value=value)):
                return _property(self.node(target), value)
            case Index(target=target, index=index):
                return _index(self.node(target), self.node(index))
            case MethodCall():
                return self._method_call(node)
            case FunctionCall():
                return self._function_call(node)
        raise AssertionError(f"unknown node {node!r}")

    def _method_call(self, call: MethodCall) -> Run:
        args = tuple(self.node(arg) for arg in call.args)
        target = call.target
        if isinstance(target, Identifier) and target.name in EXECUTION_ROOTS:
            execution_method = EXECUTION_METHODS.get(call.name)
            if execution_method is not None:
                return _execution_call(execution_method.call, args)
        return _method(METHODS[call.name].call, self.node(target), args)

    def _function_call(self, call: FunctionCall) -> Run:
        if call.namespace is None:  # dateTime(), the only bare function the policy lets by
            return lambda variables, now: date_time(now)
        function = VARIABLE_FUNCTIONS[call.name].call
        first, *rest = call.args
        name: Run = _constant(first.name) if isinstance(first, Identifier) else self.node(first)
        return _variable_function(function, name, tuple(self.node(arg) for arg in rest))


# -- closures -----------------------------------------------------------------


def _variable(name: str) -> Run:
    def run(variables: Mapping[str, Any], now: datetime | None) -> Any:
        try:
            return variables[name]
        except KeyError:
            raise MissingVariable(name) from None

    return run


def _unary(op: str, operand: Run) -> Run:
    if op == "-":

        def run_negate(variables: Mapping[str, Any], now: datetime | None) -> Any:
            return negate(operand(variables, now))

        return run_negate
    if op == "!":

        def run_not(variables: Mapping[str, Any], now: datetime | None) -> Any:
            value = operand(variables, now)
            if value is True:
                return False
            if value is False:
                return True
            return logical_not(value)

        return run_not

    def run_empty(variables: Mapping[str, Any], now: datetime | None) -> Any:
        return is_empty(operand(variables, now))

    return run_empty


def _and(left: Run, right: Run) -> Run:
    def run(variables: Mapping[str, Any], now: datetime | None) -> bool:
        value = left(variables, now)
        if not (value if value is True or value is False else to_boolean(value)):
            return False
        value = right(variables, now)
        return value if value is True or value is False else to_boolean(value)

    return run


def _or(left: Run, right: Run) -> Run:
    def run(variables: Mapping[str, Any], now: datetime | None) -> bool:
        value = left(variables, now)
        if value if value is True or value is False else to_boolean(value):
            return True
        value = right(variables, now)
        return value if value is True or value is False else to_boolean(value)

    return run


def _binary(operator: Callable[[Any, Any], Any], left: Run, right: Run) -> Run:
    def run(variables: Mapping[str, Any], now: datetime | None) -> Any:
        return operator(left(variables, now), right(variables, now))

    return run


def _binary_constant(operator: Callable[[Any, Any], Any], left: Run, constant: Any) -> Run:
    def run(variables: Mapping[str, Any], now: datetime | None) -> Any:
        return operator(left(variables, now), constant)

    return run


def _conditional(test: Run, then: Run, otherwise: Run) -> Run:
    def run(variables: Mapping[str, Any], now: datetime | None) -> Any:
        if to_boolean(test(variables, now)):
            return then(variables, now)
        return otherwise(variables, now)

    return run


def _property(target: Run, key: Any) -> Run:
    """`a.b` and `a['b']`: the key is known at compile time (and checked by the policy)."""

    def run(variables: Mapping[str, Any], now: datetime | None) -> Any:
        return read(target(variables, now), key)

    return run


def _index(target: Run, index: Run) -> Run:
    def run(variables: Mapping[str, Any], now: datetime | None) -> Any:
        key = index(variables, now)
        if isinstance(key, str) and key.startswith("_"):
            raise EvaluationFailure(
                f"index {key!r} is not allowed: names starting with '_' are refused"
            )
        return read(target(variables, now), key)

    return run


def read(base: Any, key: Any) -> Any:
    """EL's `base[key]` for the Map and List resolvers; null base gives null.

    A missing map key, a null index and a list index out of range give null, as in
    JUEL.
    Nothing else has properties: a Python object's attributes are never read.
    """
    if isinstance(base, dict):
        try:
            return base.get(key)
        except TypeError:  # an unhashable key, such as a list
            return None
    if isinstance(base, _SEQUENCES):
        if key is None:
            return None
        if isinstance(key, str) and not key.lstrip("+-").isdigit():
            raise EvaluationFailure(f"cannot read property '{key}' of {type_name(base)}")
        position = to_int(key)
        return base[position] if 0 <= position < len(base) else None
    if base is None:
        return None
    if isinstance(base, Mapping):
        try:
            return base.get(key)
        except TypeError:
            return None
    raise EvaluationFailure(f"cannot read property '{to_string(key)}' of {type_name(base)}")


def _method(method: Callable[[Any, Any], Any], target: Run, args: tuple[Run, ...]) -> Run:
    def run(variables: Mapping[str, Any], now: datetime | None) -> Any:
        value = target(variables, now)
        return method(value, [arg(variables, now) for arg in args])

    return run


def _execution_call(method: Callable[[Any, Any], Any], args: tuple[Run, ...]) -> Run:
    def run(variables: Mapping[str, Any], now: datetime | None) -> Any:
        return method(variables, [arg(variables, now) for arg in args])

    return run


def _variable_function(
    function: Callable[[Any, str, Any], Any], name: Run, rest: tuple[Run, ...]
) -> Run:
    def run(variables: Mapping[str, Any], now: datetime | None) -> Any:
        variable = to_string(name(variables, now))
        return function(variables, variable, [arg(variables, now) for arg in rest])

    return run
