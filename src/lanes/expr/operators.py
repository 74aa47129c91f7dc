"""The operators of EL (sections 1.7 to 1.10 of the EL 2.2 specification).

Each function takes already evaluated operands and applies EL's coercion rules,
then Java's arithmetic: `/` always divides as Double (x/0 is Infinity or NaN),
`%` keeps the sign of the dividend, and `+` never concatenates strings. Python
ints do not overflow where Java's Long would wrap; that is the one deliberate
difference. Each starts with a fast path for two plain numbers, the common case.

This package imports nothing from the rest of lanes.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import date
from typing import Any

from lanes.expr.coercion import (
    is_number,
    looks_floating,
    parse_number,
    to_boolean,
    to_float,
    to_number,
    to_string,
    type_name,
)
from lanes.expr.dates import DateTime
from lanes.expr.errors import EvaluationFailure

_PLAIN = (int, float)


def _operand_pair(a: object, b: object) -> tuple[int, int] | tuple[float, float]:
    """Coerce two arithmetic operands to Long, or to Double when either is floating (EL 1.7.1)."""
    floating = isinstance(a, float) or isinstance(b, float)
    floating = floating or (isinstance(a, str) and looks_floating(a))
    floating = floating or (isinstance(b, str) and looks_floating(b))
    if floating:
        return to_float(a), to_float(b)
    x, y = to_number(a), to_number(b)
    if isinstance(x, float) or isinstance(y, float):  # not reached: such strings look floating
        return float(x), float(y)
    return x, y


def add(a: Any, b: Any) -> Any:
    if type(a) in _PLAIN and type(b) in _PLAIN:
        return a + b
    x, y = _operand_pair(a, b)
    return x + y


def subtract(a: Any, b: Any) -> Any:
    if type(a) in _PLAIN and type(b) in _PLAIN:
        return a - b
    x, y = _operand_pair(a, b)
    return x - y


def multiply(a: Any, b: Any) -> Any:
    if type(a) in _PLAIN and type(b) in _PLAIN:
        return a * b
    x, y = _operand_pair(a, b)
    return x * y


def divide(a: Any, b: Any) -> Any:
    """EL `/` and `div`: both operands as Double; null / null is 0."""
    if a is None and b is None:
        return 0
    x, y = to_float(a), to_float(b)
    if y == 0.0:
        if x == 0.0 or math.isnan(x):
            return math.nan
        negative = (x < 0) != (math.copysign(1.0, y) < 0)
        return -math.inf if negative else math.inf
    return x / y


def remainder(a: Any, b: Any) -> Any:
    """EL `%` and `mod`, with Java's sign rule (the result has the dividend's sign)."""
    if a is None and b is None:
        return 0
    x, y = _operand_pair(a, b)
    if isinstance(x, float) or isinstance(y, float):
        if y == 0.0 or math.isinf(x):
            return math.nan
        return math.fmod(x, y)
    if y == 0:
        raise EvaluationFailure("division by zero in '%'")
    result = abs(x) % abs(y)
    return -result if x < 0 else result


def negate(a: Any) -> Any:
    """EL unary minus: null is 0, a string is read as a number."""
    if type(a) in _PLAIN:
        return -a
    if a is None:
        return 0
    if isinstance(a, str):
        number = to_float(a) if looks_floating(a) else to_number(a)
        return -number
    if is_number(a):
        return -a
    raise EvaluationFailure(f"cannot negate {type_name(a)}")


def logical_not(a: Any) -> bool:
    return not to_boolean(a)


# -- equality (EL 1.8.2) ---------------------------------------------------------


def equal(a: Any, b: Any) -> bool:
    if a is b:
        return True
    if a is None or b is None:
        return False
    if type(a) in _PLAIN and type(b) in _PLAIN:
        return bool(a == b)
    if is_number(a) or is_number(b):
        if isinstance(a, float) or isinstance(b, float):
            return _as_float(a) == _as_float(b)
        return _as_number(a) == _as_number(b)
    if isinstance(a, bool) or isinstance(b, bool):
        return to_boolean(a) == to_boolean(b)
    if isinstance(a, str) or isinstance(b, str):
        return to_string(a) == to_string(b)
    return bool(a == b)


def not_equal(a: Any, b: Any) -> bool:
    return not equal(a, b)


def _as_number(value: object) -> int | float:
    """Coerce one side of a comparison with a number; a boolean is an error."""
    if isinstance(value, bool):
        raise EvaluationFailure(f"cannot compare boolean {to_string(value)} with a number")
    if isinstance(value, int | float):
        return value
    if isinstance(value, str):
        return 0 if value == "" else parse_number(value)
    raise EvaluationFailure(f"cannot compare {type_name(value)} with a number")


def _as_float(value: object) -> float:
    return float(_as_number(value))


# -- relational (EL 1.8.1) -------------------------------------------------------


def _compare(a: Any, b: Any, test: Callable[[Any, Any], bool]) -> bool:
    """Apply `test` after EL's relational coercions; null makes it false."""
    if a is None or b is None:
        return False
    if is_number(a) or is_number(b):
        if isinstance(a, float) or isinstance(b, float):
            return test(_as_float(a), _as_float(b))
        return test(_as_number(a), _as_number(b))
    if isinstance(a, str) or isinstance(b, str):
        if isinstance(a, bool | str) and isinstance(b, bool | str):
            return test(to_string(a), to_string(b))
    elif isinstance(a, bool) and isinstance(b, bool):
        return test(a, b)
    elif _both_dates(a, b):
        try:
            return test(a, b)
        except TypeError:
            pass  # a datetime with a time zone against one without
    raise EvaluationFailure(f"cannot compare {type_name(a)} with {type_name(b)}")


def _both_dates(a: object, b: object) -> bool:
    """Dates compare as Java's Comparable dates do: with values of their own class."""
    if isinstance(a, DateTime) and isinstance(b, DateTime):
        return True
    return isinstance(a, date) and isinstance(b, date) and type(a) is type(b)


def less(a: Any, b: Any) -> bool:
    if type(a) in _PLAIN and type(b) in _PLAIN:
        return bool(a < b)
    return _compare(a, b, lambda x, y: x < y)


def greater(a: Any, b: Any) -> bool:
    if type(a) in _PLAIN and type(b) in _PLAIN:
        return bool(a > b)
    return _compare(a, b, lambda x, y: x > y)


def less_equal(a: Any, b: Any) -> bool:
    if type(a) in _PLAIN and type(b) in _PLAIN:
        return bool(a <= b)
    if a is b:
        return True
    return _compare(a, b, lambda x, y: x <= y)


def greater_equal(a: Any, b: Any) -> bool:
    if type(a) in _PLAIN and type(b) in _PLAIN:
        return bool(a >= b)
    if a is b:
        return True
    return _compare(a, b, lambda x, y: x >= y)


BINARY: dict[str, Callable[[Any, Any], Any]] = {
    "+": add,
    "-": subtract,
    "*": multiply,
    "/": divide,
    "%": remainder,
    "==": equal,
    "!=": not_equal,
    "<": less,
    ">": greater,
    "<=": less_equal,
    ">=": greater_equal,
}
