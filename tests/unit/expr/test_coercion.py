"""EL type coercions: to boolean, number, string, and `empty`."""

from __future__ import annotations

import math
from datetime import UTC, datetime
from typing import Any

import pytest

from lanes.expr.coercion import (
    is_empty,
    is_number,
    java_double_string,
    parse_number,
    to_boolean,
    to_float,
    to_int,
    to_number,
    to_string,
)
from lanes.expr.errors import EvaluationFailure


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, False),
        ("", False),
        (True, True),
        (False, False),
        ("true", True),
        ("TRUE", True),
        ("True", True),
        ("yes", False),
        ("false", False),
        ("1", False),
    ],
)
def test_to_boolean_follows_boolean_value_of(value: Any, expected: bool) -> None:
    assert to_boolean(value) is expected


@pytest.mark.parametrize("value", [0, 1, 1.5, [], {}, datetime(2024, 1, 1)])
def test_to_boolean_of_anything_else_is_an_error(value: Any) -> None:
    with pytest.raises(EvaluationFailure, match="to a boolean"):
        to_boolean(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, 0),
        ("", 0),
        (3, 3),
        (2.5, 2.5),
        ("42", 42),
        (" 42 ", 42),
        ("-7", -7),
        ("+7", 7),
        ("2.5", 2.5),
        (".5", 0.5),
        ("1e3", 1000.0),
        ("1E-1", 0.1),
    ],
)
def test_to_number_reads_null_empty_and_numeric_strings(value: Any, expected: Any) -> None:
    result = to_number(value)
    assert result == expected
    assert type(result) is type(expected)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (True, "cannot convert boolean true to a number"),
        ("abc", "cannot convert string 'abc' to a number"),
        ("1_000", "cannot convert string '1_000' to a number"),
        ("nan", "cannot convert string 'nan' to a number"),
        ([1], "cannot convert list to a number"),
    ],
)
def test_to_number_of_anything_else_is_an_error(value: Any, message: str) -> None:
    with pytest.raises(EvaluationFailure, match=message):
        to_number(value)


def test_parse_number_keeps_integers_exact() -> None:
    assert parse_number("12345678901234567890") == 12345678901234567890


def test_to_float_of_a_huge_integer_is_infinity() -> None:
    assert to_float(10**400) == math.inf


@pytest.mark.parametrize(
    ("value", "expected"), [(3, 3), (3.9, 3), (-3.9, -3), ("4", 4), (None, 0), (math.nan, 0)]
)
def test_to_int_truncates_like_java_long_value(value: Any, expected: int) -> None:
    assert to_int(value) == expected


def test_to_int_of_infinity_is_an_error() -> None:
    with pytest.raises(EvaluationFailure, match="cannot convert Infinity to an integer"):
        to_int(math.inf)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, ""),
        ("s", "s"),
        (True, "true"),
        (False, "false"),
        (12, "12"),
        (1.0, "1.0"),
        (0.001, "0.001"),
        (1e-4, "1.0E-4"),
        (1234567.5, "1234567.5"),
        (1e7, "1.0E7"),
        (-2.5e20, "-2.5E20"),
        (1.234e-5, "1.234E-5"),
        (math.nan, "NaN"),
        (math.inf, "Infinity"),
        (-math.inf, "-Infinity"),
        ([1, None, "a"], "[1, null, a]"),
        ({"k": [True]}, "{k=[true]}"),
        (datetime(2024, 1, 2, 3, 4, tzinfo=UTC), "2024-01-02T03:04:00+00:00"),
    ],
)
def test_to_string_spells_values_as_java_to_string(value: Any, expected: str) -> None:
    assert to_string(value) == expected


def test_java_double_string_keeps_the_shortest_digits() -> None:
    assert java_double_string(0.1 + 0.2) == "0.30000000000000004"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, True),
        ("", True),
        ([], True),
        ((), True),
        ({}, True),
        (set(), True),
        ("a", False),
        ([0], False),
        ({"a": None}, False),
        (0, False),
        (False, False),
    ],
)
def test_is_empty_is_true_for_null_and_empty_strings_and_collections(
    value: Any, expected: bool
) -> None:
    assert is_empty(value) is expected


@pytest.mark.parametrize(
    ("value", "expected"), [(1, True), (1.5, True), (True, False), ("1", False)]
)
def test_booleans_are_not_numbers(value: Any, expected: bool) -> None:
    assert is_number(value) is expected
