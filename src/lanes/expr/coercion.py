"""Type coercions of the EL specification (section 1.23 of EL 2.2, "Type Conversion").

Values are the Python forms of process variables: None, bool, int, float, str,
lists, dicts, and datetimes. Coercions that EL calls an error raise
`EvaluationFailure`. Note that `bool` is a subclass of `int` in Python but never
a number in EL, so every numeric test here excludes it.

This package imports nothing from the rest of lanes.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal

from lanes.expr.errors import EvaluationFailure

_INTEGER = re.compile(r"[+-]?[0-9]+")
_DECIMAL = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


def type_name(value: object) -> str:
    """The name used for a value's type in messages."""
    if value is None:
        return "null"
    return type(value).__name__


def is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def looks_floating(text: str) -> bool:
    """EL treats a string operand as a Double when it contains '.', 'e' or 'E'."""
    return "." in text or "e" in text or "E" in text


def parse_number(text: str) -> int | float:
    """Read a string as a number the way Java's Long.valueOf / Double.valueOf would.

    Raises:
        EvaluationFailure: when the string is not a number.
    """
    stripped = text.strip()
    if _INTEGER.fullmatch(stripped):
        return int(stripped)
    if _DECIMAL.fullmatch(stripped):
        return float(stripped)
    raise EvaluationFailure(f"cannot convert string {text!r} to a number")


def to_number(value: object) -> int | float:
    """EL coercion to Number: null and "" are 0; a boolean is an error."""
    if value is None:
        return 0
    if isinstance(value, bool):
        raise EvaluationFailure(f"cannot convert boolean {to_string(value)} to a number")
    if isinstance(value, int | float):
        return value
    if isinstance(value, str):
        return 0 if value == "" else parse_number(value)
    raise EvaluationFailure(f"cannot convert {type_name(value)} to a number")


def to_float(value: object) -> float:
    """EL coercion to Double."""
    number = to_number(value)
    try:
        return float(number)
    except OverflowError:
        return math.inf if number > 0 else -math.inf


def to_int(value: object) -> int:
    """EL coercion to Long/Integer: a Double is truncated, as Java's longValue() does."""
    number = to_number(value)
    if isinstance(number, float):
        if math.isnan(number):
            return 0
        if math.isinf(number):
            raise EvaluationFailure(f"cannot convert {to_string(number)} to an integer")
        return int(number)
    return number


def to_boolean(value: object) -> bool:
    """EL coercion to Boolean: null and "" are false, a string is true only if "true"."""
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        return value.lower() == "true"
    raise EvaluationFailure(f"cannot convert {type_name(value)} {to_string(value)} to a boolean")


def to_string(value: object) -> str:
    """EL coercion to String, spelling values as Java's toString() would."""
    if isinstance(value, str):
        return value
    if value is None:
        return ""
    return _java_string(value)


def _java_string(value: object) -> str:
    """Java's String.valueOf: null is "null" here (inside lists and maps)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, float):
        return java_double_string(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Mapping):
        inner = ", ".join(f"{_java_string(k)}={_java_string(v)}" for k, v in value.items())
        return "{" + inner + "}"
    if isinstance(value, list | tuple | set | frozenset):
        return "[" + ", ".join(_java_string(item) for item in value) + "]"
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def java_double_string(value: float) -> str:
    """Java's Double.toString: plain between 10^-3 and 10^7, else like 1.0E10."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    if value == 0 or 1e-3 <= abs(value) < 1e7:
        return repr(value)  # Python prints this range plainly, with the same digits
    shortest = Decimal(repr(value)).normalize()
    digits = "".join(str(d) for d in shortest.as_tuple().digits)
    sign = "-" if value < 0 else ""
    return f"{sign}{digits[0]}.{digits[1:] or '0'}E{shortest.adjusted()}"


def is_empty(value: object) -> bool:
    """EL `empty`: true for null, "" and empty collections."""
    if value is None:
        return True
    if isinstance(value, str | list | tuple | set | frozenset | Mapping):
        return len(value) == 0
    return False
