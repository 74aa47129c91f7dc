"""EL operators on evaluated operands: arithmetic, equality and relational coercions."""

from __future__ import annotations

import math
from datetime import UTC, datetime
from typing import Any

import pytest

from lanes.expr.dates import DateTime
from lanes.expr.errors import EvaluationFailure
from lanes.expr.operators import (
    add,
    divide,
    equal,
    greater,
    greater_equal,
    less,
    less_equal,
    multiply,
    negate,
    not_equal,
    remainder,
    subtract,
)

JAN = datetime(2024, 1, 1, tzinfo=UTC)
FEB = datetime(2024, 2, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("operator", "a", "b", "expected"),
    [
        (add, 1, 2, 3),
        (add, 1, 2.5, 3.5),
        (add, "1", 2, 3),
        (add, "1.5", 2, 3.5),
        (add, "1e1", 0, 10.0),
        (add, None, 2, 2),
        (add, None, None, 0),
        (add, "", 2, 2),
        (subtract, 5, "2", 3),
        (subtract, 10**20, 1, 10**20 - 1),  # Python ints do not wrap like Java's Long
        (multiply, 3, 4, 12),
        (multiply, 3, 0.5, 1.5),
        (divide, 7, 2, 3.5),
        (divide, 6, 3, 2.0),
        (divide, "6", 3, 2.0),
        (divide, None, None, 0),
        (divide, None, 4, 0.0),
        (divide, 1, 0, math.inf),
        (divide, -1, 0, -math.inf),
        (divide, 1, -0.0, -math.inf),
        (remainder, 7, 3, 1),
        (remainder, -7, 3, -1),
        (remainder, 7, -3, 1),
        (remainder, -7, -3, -1),
        (remainder, 7.5, 2, 1.5),
        (remainder, -7.5, 2, -1.5),
        (remainder, "7", 3, 1),
        (remainder, None, None, 0),
        (negate, 3, None, -3),
        (negate, "3", None, -3),
        (negate, "3.5", None, -3.5),
        (negate, None, None, 0),
        (negate, "", None, 0),
    ],
)
def test_arithmetic_coerces_operands_as_el_does(
    operator: Any, a: Any, b: Any, expected: Any
) -> None:
    result = operator(a) if operator is negate else operator(a, b)
    assert result == expected
    assert type(result) is type(expected)


@pytest.mark.parametrize(("a", "b"), [(0, 0), (0.0, 0), (math.nan, 1), (1, math.nan)])
def test_division_without_a_number_result_is_nan(a: Any, b: Any) -> None:
    assert math.isnan(divide(a, b))


@pytest.mark.parametrize(("a", "b"), [(1.5, 0), (math.inf, 2.0)])
def test_floating_remainder_without_a_number_result_is_nan(a: Any, b: Any) -> None:
    assert math.isnan(remainder(a, b))


@pytest.mark.parametrize(
    ("operator", "a", "b", "message"),
    [
        (add, "a", "b", "cannot convert string 'a' to a number"),
        (add, True, 1, "cannot convert boolean true to a number"),
        (subtract, [1], 1, "cannot convert list to a number"),
        (multiply, {}, 2, "cannot convert dict to a number"),
        (divide, "x", 1, "cannot convert string 'x' to a number"),
        (remainder, 1, 0, "division by zero"),
    ],
)
def test_arithmetic_on_non_numbers_is_an_error(operator: Any, a: Any, b: Any, message: str) -> None:
    with pytest.raises(EvaluationFailure, match=message):
        operator(a, b)


def test_plus_never_concatenates_strings() -> None:
    assert add("1", "2") == 3
    with pytest.raises(EvaluationFailure):
        add("Hello ", "world")


@pytest.mark.parametrize("value", [True, [1], {"a": 1}])
def test_negating_a_non_number_is_an_error(value: Any) -> None:
    with pytest.raises(EvaluationFailure, match="cannot"):
        negate(value)


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        (None, None, True),
        (None, 0, False),
        (None, "", False),
        (1, 1, True),
        (1, 1.0, True),
        (1, "1", True),
        ("1.0", 1, True),
        (0, "", True),  # EL coerces "" to 0
        (True, "true", True),
        (True, "TRUE", True),
        (False, "false", True),
        (False, "yes", True),  # Boolean.valueOf("yes") is false
        (True, "yes", False),
        (True, True, True),
        ("a", "a", True),
        ("a", "b", False),
        ([1, 2], [1, 2], True),
        ({"a": 1}, {"a": 1}, True),
        ("[1, 2]", [1, 2], True),  # a string compares with the other side's toString()
        (JAN, JAN, True),
        (JAN, FEB, False),
        (DateTime(JAN), DateTime(JAN), True),
    ],
)
def test_equality_coerces_as_el_does(a: Any, b: Any, expected: bool) -> None:
    assert equal(a, b) is expected
    assert equal(b, a) is expected
    assert not_equal(a, b) is (not expected)


@pytest.mark.parametrize(
    ("a", "b", "message"),
    [
        (1, "abc", "cannot convert string 'abc' to a number"),
        (1, True, "cannot compare boolean true with a number"),
        (1.5, [1], "cannot compare list with a number"),
    ],
)
def test_equality_between_a_number_and_a_non_number_is_an_error(
    a: Any, b: Any, message: str
) -> None:
    with pytest.raises(EvaluationFailure, match=message):
        equal(a, b)


@pytest.mark.parametrize(
    ("a", "b", "lt", "gt", "le", "ge"),
    [
        (1, 2, True, False, True, False),
        (2, 2, False, False, True, True),
        (2.5, 2, False, True, False, True),
        ("2", 10, True, False, True, False),  # number against string: numeric
        ("2", "10", False, True, False, True),  # two strings: lexicographic
        ("a", "b", True, False, True, False),
        (False, True, True, False, True, False),
        (True, "true", False, False, True, True),
        (JAN, FEB, True, False, True, False),
        (DateTime(FEB), DateTime(JAN), False, True, False, True),
        (None, 1, False, False, False, False),
        (1, None, False, False, False, False),
        (None, None, False, False, True, True),
    ],
)
def test_relational_operators_coerce_as_el_does(
    a: Any, b: Any, lt: bool, gt: bool, le: bool, ge: bool
) -> None:
    assert (less(a, b), greater(a, b), less_equal(a, b), greater_equal(a, b)) == (lt, gt, le, ge)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ([1], [2]),
        ({}, {}),
        (True, 1),
        ("a", [1]),
        (JAN, DateTime(JAN)),
        (JAN, datetime(2024, 1, 1)),  # aware against naive
        (JAN, JAN.date()),
    ],
)
def test_relational_operators_refuse_values_that_do_not_compare(a: Any, b: Any) -> None:
    with pytest.raises(EvaluationFailure, match="cannot"):
        less(a, b)
