"""The only callable things in an expression: a fixed table of methods and functions.

Methods are looked up by name at compile time (`METHODS`, `EXECUTION_METHODS`) and
dispatch on the type of their target when called; a name outside these tables
never compiles. Functions are `dateTime()` and the Flowable variable functions
`variables:get(name)` and friends (`var:` and `vars:` are aliases).

This package imports nothing from the rest of lanes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any, NamedTuple

from lanes.expr.coercion import is_empty, to_int, to_string, type_name
from lanes.expr.dates import DateTime
from lanes.expr.errors import EvaluationFailure
from lanes.expr.operators import equal

Variables = Mapping[str, Any]


class Method(NamedTuple):
    min_args: int
    max_args: int
    call: Callable[[Any, Sequence[Any]], Any]  # (target, args) -> result


class ExecutionMethod(NamedTuple):
    min_args: int
    max_args: int
    call: Callable[[Variables, Sequence[Any]], Any]  # (variables, args) -> result


class VariableFunction(NamedTuple):
    """A `variables:name(varName, ...)` function; counts include the variable name."""

    min_args: int
    max_args: int | None  # None: any number
    call: Callable[[Variables, str, Sequence[Any]], Any]  # (variables, name, rest)


# -- methods on values --------------------------------------------------------

_SIZED = (str, list, tuple, set, frozenset, Mapping)


def _unavailable(name: str, target: object) -> EvaluationFailure:
    if target is None:
        return EvaluationFailure(f"cannot call '{name}' on null")
    return EvaluationFailure(f"method '{name}' is not available on {type_name(target)}")


def _size(name: str) -> Callable[[Any, Sequence[Any]], Any]:
    def size(target: Any, args: Sequence[Any]) -> int:
        if isinstance(target, _SIZED):
            return len(target)
        raise _unavailable(name, target)

    return size


def _is_empty(target: Any, args: Sequence[Any]) -> bool:
    if isinstance(target, _SIZED):
        return len(target) == 0
    raise _unavailable("isEmpty", target)


def _contains(target: Any, args: Sequence[Any]) -> bool:
    item = args[0]
    if isinstance(target, str):
        return to_string(item) in target
    if isinstance(target, list | tuple | set | frozenset | Mapping):
        try:
            return item in target
        except TypeError:  # an unhashable item looked up in a set or dict
            return False
    raise _unavailable("contains", target)


def _string_method(
    name: str, apply: Callable[[str, Sequence[Any]], Any]
) -> Callable[[Any, Sequence[Any]], Any]:
    def method(target: Any, args: Sequence[Any]) -> Any:
        if isinstance(target, str):
            return apply(target, args)
        raise _unavailable(name, target)

    return method


_JAVA_TRIMMED = "".join(chr(code) for code in range(33))


def _java_trim(text: str) -> str:
    """Java's String.trim removes every character up to U+0020 from both ends."""
    return text.strip(_JAVA_TRIMMED)


def _equals(target: Any, args: Sequence[Any]) -> bool:
    """Java's equals: no coercion, so 1.equals(true) and 'true'.equals(true) are false."""
    if target is None:
        raise _unavailable("equals", target)
    other = args[0]
    if isinstance(target, bool) != isinstance(other, bool):
        return False
    if isinstance(target, str) != isinstance(other, str):
        return False
    return bool(target == other)


def _shift(name: str, unit: str, sign: int) -> Callable[[Any, Sequence[Any]], Any]:
    def shift(target: Any, args: Sequence[Any]) -> DateTime:
        if not isinstance(target, DateTime):
            raise _unavailable(name, target)
        try:
            return target.shifted(unit, sign * to_int(args[0]))
        except (OverflowError, ValueError) as error:
            raise EvaluationFailure(f"'{name}' goes out of the range of dates") from error

    return shift


def _to_date(target: Any, args: Sequence[Any]) -> datetime:
    if isinstance(target, DateTime):
        return target.to_date()
    raise _unavailable("toDate", target)


def _date_methods() -> dict[str, Method]:
    methods: dict[str, Method] = {}
    for unit in ("Seconds", "Minutes", "Hours", "Days", "Weeks", "Months", "Years"):
        for prefix, sign in (("plus", 1), ("minus", -1)):
            name = prefix + unit
            methods[name] = Method(1, 1, _shift(name, unit.lower(), sign))
    methods["toDate"] = Method(0, 0, _to_date)
    return methods


METHODS: dict[str, Method] = {
    "length": Method(0, 0, _size("length")),
    "size": Method(0, 0, _size("size")),
    "isEmpty": Method(0, 0, _is_empty),
    "contains": Method(1, 1, _contains),
    "startsWith": Method(
        1, 1, _string_method("startsWith", lambda s, a: s.startswith(to_string(a[0])))
    ),
    "endsWith": Method(1, 1, _string_method("endsWith", lambda s, a: s.endswith(to_string(a[0])))),
    "toUpperCase": Method(0, 0, _string_method("toUpperCase", lambda s, a: s.upper())),
    "toLowerCase": Method(0, 0, _string_method("toLowerCase", lambda s, a: s.lower())),
    "trim": Method(0, 0, _string_method("trim", lambda s, a: _java_trim(s))),
    "equals": Method(1, 1, _equals),
    **_date_methods(),
}

# -- execution.xxx(...) and task.xxx(...) -------------------------------------

EXECUTION_ROOTS = frozenset({"execution", "task"})

EXECUTION_METHODS: dict[str, ExecutionMethod] = {
    "getVariable": ExecutionMethod(1, 1, lambda variables, args: variables.get(to_string(args[0]))),
    "getVariables": ExecutionMethod(0, 0, lambda variables, args: dict(variables)),
    "hasVariable": ExecutionMethod(1, 1, lambda variables, args: to_string(args[0]) in variables),
}

# -- functions ------------------------------------------------------------------

VARIABLE_NAMESPACES = frozenset({"variables", "vars", "var"})


def _get_or_default(variables: Variables, name: str, rest: Sequence[Any]) -> Any:
    value = variables.get(name)
    return rest[0] if value is None else value


def _variable_equals(variables: Variables, name: str, rest: Sequence[Any]) -> bool:
    value = variables.get(name)
    return value is not None and equal(value, rest[0])


def _variable_contains(variables: Variables, name: str, rest: Sequence[Any]) -> bool:
    """True when the variable holds every one of the values (all must match)."""
    value = variables.get(name)
    if isinstance(value, str):
        return all(to_string(item) in value for item in rest)
    if isinstance(value, list | tuple | set | frozenset | Mapping):
        try:
            return all(item in value for item in rest)
        except TypeError:  # an unhashable item looked up in a set or dict
            return False
    return False


VARIABLE_FUNCTIONS: dict[str, VariableFunction] = {
    "get": VariableFunction(1, 1, lambda variables, name, rest: variables.get(name)),
    "getOrDefault": VariableFunction(2, 2, _get_or_default),
    "exists": VariableFunction(1, 1, lambda variables, name, rest: variables.get(name) is not None),
    "isEmpty": VariableFunction(1, 1, lambda variables, name, rest: is_empty(variables.get(name))),
    "isNotEmpty": VariableFunction(
        1, 1, lambda variables, name, rest: not is_empty(variables.get(name))
    ),
    "equals": VariableFunction(2, 2, _variable_equals),
    "contains": VariableFunction(2, None, _variable_contains),
}


def date_time(now: datetime | None) -> DateTime:
    """`dateTime()`: the current moment, which the caller passes to evaluate()."""
    if now is None:
        raise EvaluationFailure("dateTime() needs the current time, and none was given")
    if now.tzinfo is None or now.utcoffset() is None:
        raise EvaluationFailure("dateTime() needs the current time with a time zone")
    return DateTime(now)


BARE_FUNCTIONS = frozenset({"dateTime"})
