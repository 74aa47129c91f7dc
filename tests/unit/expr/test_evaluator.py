"""Evaluation of compiled expressions: real-model expressions, templates, access, errors."""

from __future__ import annotations

import contextlib
import math
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from lanes.expr import ExpressionError, UnknownVariable, compile_expression

NOW = datetime(2024, 3, 1, 9, 30, tzinfo=UTC)


def evaluate(text: str, **variables: Any) -> Any:
    return compile_expression(text).evaluate(variables, now=NOW)


# Expressions taken from real Activiti / Flowable / Camunda models.
REAL_MODEL_CASES: list[tuple[str, dict[str, Any], Any]] = [
    ("${initiator}", {"initiator": "kermit"}, "kermit"),
    ("${approved =='true'}", {"approved": True}, True),
    ("${approved =='true'}", {"approved": False}, False),
    ("${approved =='true'}", {"approved": "true"}, True),
    ("${approved =='true'}", {"approved": "false"}, False),
    ("${1==1}", {}, True),
    ("${5}", {}, 5),
    ("${not approved}", {"approved": False}, True),
    ("${!approved}", {"approved": True}, False),
    ("${input == -3}", {"input": -3}, True),
    ("${input == -3}", {"input": 3}, False),
    ("${input <= 2}", {"input": 2}, True),
    ("${input <= 2}", {"input": 2.5}, False),
    ("${execution.getVariable('var1') != null }", {}, False),
    ("${execution.getVariable('var1') != null }", {"var1": "x"}, True),
    ("${execution.getVariable('var') != null && var == 'goToB'}", {"var": "goToB"}, True),
    ("${execution.getVariable('var') != null && var == 'goToB'}", {"var": "goToC"}, False),
    ("${execution.getVariable('var') != null && var == 'goToB'}", {}, False),  # short-circuit
    ("${entity.leaveDays > 2}", {"entity": {"leaveDays": 3}}, True),
    ("${entity.leaveDays > 2}", {"entity": {"leaveDays": 1}}, False),
    ("${day>3}", {"day": 4}, True),
    ("${day>3}", {"day": 3}, False),
    (
        "${ nrOfCompletedInstances/nrOfInstances >= 1.00}",
        {"nrOfCompletedInstances": 3, "nrOfInstances": 3},
        True,
    ),
    (
        "${ nrOfCompletedInstances/nrOfInstances >= 1.00}",
        {"nrOfCompletedInstances": 2, "nrOfInstances": 3},
        False,
    ),
    (
        "${nrOfCompletedInstances/nrOfInstances >= 0.6 }",
        {"nrOfCompletedInstances": 3, "nrOfInstances": 5},
        True,
    ),
    (
        "${nrOfCompletedInstances/nrOfInstances >= 0.6 }",
        {"nrOfCompletedInstances": 2, "nrOfInstances": 5},
        False,
    ),
    ("#{exit}", {"exit": True}, True),
    ("${dateTime().plusWeeks(1).toDate()}", {}, datetime(2024, 3, 8, 9, 30, tzinfo=UTC)),
    ('${consult=="yes"}', {"consult": "yes"}, True),
    ('${consult=="yes"}', {"consult": "no"}, False),
    ("${invoiceId != null}", {"invoiceId": None}, False),
    ("${invoiceId != null}", {"invoiceId": "INV-1"}, True),
    ("${true}", {}, True),
    ("${false}", {}, False),
]


@pytest.mark.parametrize(("text", "variables", "expected"), REAL_MODEL_CASES)
def test_expressions_from_real_models_evaluate_as_in_juel(
    text: str, variables: dict[str, Any], expected: Any
) -> None:
    result = compile_expression(text).evaluate(variables, now=NOW)
    assert result == expected
    assert type(result) is type(expected)


@pytest.mark.parametrize(
    ("text", "variables", "expected"),
    [
        ("no expression here", {}, "no expression here"),
        ("", {}, ""),
        ("  ${n}  ", {"n": 7}, 7),
        ("${items}", {"items": [1, 2]}, [1, 2]),
        ("${m}", {"m": {"k": "v"}}, {"k": "v"}),
        ("${nothing}", {"nothing": None}, None),
        ("Hi ${name}, ${n} days", {"name": "Ann", "n": 3}, "Hi Ann, 3 days"),
        ("${a}${b}", {"a": 1, "b": 2}, "12"),
        ("[${x}]", {"x": None}, "[]"),
        ("${t} / ${f}", {"t": True, "f": False}, "true / false"),
        ("${x} days", {"x": 2.0}, "2.0 days"),
        ("${x} km", {"x": 1e10}, "1.0E10 km"),
        ("${l}!", {"l": [1, "a", None, True]}, "[1, a, null, true]!"),
        ("${m}!", {"m": {"a": 1, "b": None}}, "{a=1, b=null}!"),
        ("due ${dateTime().toDate()}", {}, "due 2024-03-01T09:30:00+00:00"),
        (r"\${not evaluated} ${1}", {}, "${not evaluated} 1"),
    ],
)
def test_a_single_expression_returns_its_value_and_mixed_text_returns_a_string(
    text: str, variables: dict[str, Any], expected: Any
) -> None:
    assert compile_expression(text).evaluate(variables, now=NOW) == expected


@pytest.mark.parametrize(
    ("text", "variables", "expected"),
    [
        ("${m.a}", {"m": {"a": 1}}, 1),
        ("${m.missing}", {"m": {"a": 1}}, None),
        ("${m['a']}", {"m": {"a": 1}}, 1),
        ('${m["a b"]}', {"m": {"a b": 2}}, 2),
        ("${m[k]}", {"m": {"x": 3}, "k": "x"}, 3),
        ("${m[1]}", {"m": {1: "one"}}, "one"),
        ("${m.a.b.c}", {"m": {"a": {"b": {"c": 4}}}}, 4),
        ("${m.a.b}", {"m": {"a": None}}, None),  # a null base gives null, as in EL
        ("${m.x.y}", {"m": {}}, None),
        ("${l[0]}", {"l": ["a", "b"]}, "a"),
        ("${l[1]}", {"l": ("a", "b")}, "b"),
        ("${l['1']}", {"l": ["a", "b"]}, "b"),
        ("${l[2]}", {"l": ["a", "b"]}, None),
        ("${l[-1]}", {"l": ["a", "b"]}, None),  # Java lists have no negative indexes
        ("${l[i]}", {"l": ["a", "b"], "i": 1.7}, "b"),  # coerced to int like Java
        ("${l[0].name}", {"l": [{"name": "n"}]}, "n"),
        ("${l[null]}", {"l": ["a"]}, None),
        ("${m[l]}", {"m": {"a": 1}, "l": [1]}, None),  # an unhashable key is simply missing
        ("${entity.leaveDays}", {"entity": {"leaveDays": 5}}, 5),
    ],
)
def test_property_and_index_access_on_dicts_and_lists(
    text: str, variables: dict[str, Any], expected: Any
) -> None:
    assert compile_expression(text).evaluate(variables) == expected


@pytest.mark.parametrize(
    ("text", "variables", "message"),
    [
        ("${s.x}", {"s": "text"}, "cannot read property 'x' of str"),
        ("${n.x}", {"n": 3}, "cannot read property 'x' of int"),
        ("${b[0]}", {"b": True}, "cannot read property '0' of bool"),
        ("${l.size}", {"l": [1]}, "cannot read property 'size' of list"),
        ("${l[true]}", {"l": [1]}, "cannot convert boolean true to a number"),
        ("${s[0]}", {"s": "abc"}, "cannot read property '0' of str"),
        ("${d.year}", {"d": datetime(2024, 1, 1)}, "cannot read property 'year' of datetime"),
    ],
)
def test_property_access_on_other_values_is_an_error(
    text: str, variables: dict[str, Any], message: str
) -> None:
    with pytest.raises(ExpressionError, match=message) as error:
        compile_expression(text).evaluate(variables)
    assert str(error.value).endswith(" in " + text)


def test_an_unknown_variable_is_an_error_naming_the_variable() -> None:
    expression = compile_expression("${approved == true}")
    with pytest.raises(UnknownVariable) as error:
        expression.evaluate({})
    assert error.value.name == "approved"
    assert str(error.value) == "unknown variable 'approved' in ${approved == true}"
    assert isinstance(error.value, ExpressionError)


def test_a_variable_set_to_null_is_not_unknown() -> None:
    assert evaluate("${x == null}", x=None) is True


@pytest.mark.parametrize(
    ("text", "variables"),
    [
        ("${a && b}", {"a": False}),
        ("${a and b}", {"a": False}),
        ("${a || b}", {"a": True}),
        ("${a or b}", {"a": True}),
        ("${a ? 1 : b}", {"a": True}),
        ("${a ? b : 2}", {"a": False}),
    ],
)
def test_logical_operators_and_ternary_do_not_evaluate_the_unused_side(
    text: str, variables: dict[str, Any]
) -> None:
    compile_expression(text).evaluate(variables)  # would raise UnknownVariable('b')


@pytest.mark.parametrize(
    ("text", "variables", "expected"),
    [
        ("${a && b}", {"a": True, "b": "true"}, True),
        ("${a || b}", {"a": None, "b": ""}, False),
        ("${a ? 'y' : 'n'}", {"a": "TRUE"}, "y"),
        ("${a ? 'y' : 'n'}", {"a": None}, "n"),
        ("${!a}", {"a": "yes"}, True),
        ("${not a}", {"a": None}, True),
    ],
)
def test_logical_operands_are_coerced_to_boolean_the_el_way(
    text: str, variables: dict[str, Any], expected: Any
) -> None:
    assert compile_expression(text).evaluate(variables) == expected


@pytest.mark.parametrize(
    ("text", "variables", "message"),
    [
        ("${a && true}", {"a": 1}, "cannot convert int 1 to a boolean"),
        ("${!a}", {"a": [1]}, "cannot convert list \\[1\\] to a boolean"),
        ("${a ? 1 : 2}", {"a": 0}, "cannot convert int 0 to a boolean"),
        ("${a + 1}", {"a": "abc"}, "cannot convert string 'abc' to a number"),
        ("${a % 0}", {"a": 5}, "division by zero"),
        ("${a > 1}", {"a": [1]}, "cannot compare list with a number"),
        ("${a < b}", {"a": [1], "b": {}}, "cannot compare list with dict"),
    ],
)
def test_evaluation_errors_are_expression_errors_naming_the_text(
    text: str, variables: dict[str, Any], message: str
) -> None:
    with pytest.raises(ExpressionError, match=message) as error:
        compile_expression(text).evaluate(variables)
    assert error.value.text == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("${-3}", -3),
        ("${- 2.5}", -2.5),
        ("${1 + 2 * 3}", 7),
        ("${(1 + 2) * 3}", 9),
        ("${7 / 2}", 3.5),
        ("${6 / 3}", 2.0),
        ("${7 div 2}", 3.5),
        ("${7 % 3}", 1),
        ("${7 mod 3}", 1),
        ("${-7 % 3}", -1),
        ("${7 % -3}", 1),
        ("${7.5 % 2}", 1.5),
        ("${'5' + 1}", 6),
        ("${'1.5' + 1}", 2.5),
        ("${1 == 1.0}", True),
        ("${'a' < 'b'}", True),
        ("${'10' < '9'}", True),
        ("${10 < '9'}", False),
        ("${1 lt 2 and 3 ge 3}", True),
        ("${empty ''}", True),
        ("${empty 'x'}", False),
        ("${true ? 'a' : 'b'}", "a"),
        ("${null == null}", True),
        ("${null + null}", 0),
        ("${1/0}", math.inf),
        ("${-1/0}", -math.inf),
    ],
)
def test_constant_expressions(text: str, expected: Any) -> None:
    result = evaluate(text)
    assert result == expected
    assert type(result) is type(expected)


def test_zero_divided_by_zero_is_nan_as_in_java() -> None:
    assert math.isnan(evaluate("${0/0}"))


def test_evaluate_does_not_modify_the_variables() -> None:
    variables = {"l": [1, 2], "m": {"a": 1}}
    compile_expression("${execution.getVariables()}").evaluate(variables)["l"] = "changed?"
    assert variables == {"l": [1, 2], "m": {"a": 1}}


# -- random arithmetic against a Python oracle ----------------------------------


def _java_remainder(x: Any, y: Any) -> Any:
    """Java's %: truncated division, so the result has the sign of the dividend."""
    if isinstance(x, float) or isinstance(y, float):
        return math.fmod(x, y)
    quotient = abs(x) // abs(y)
    if (x < 0) != (y < 0):
        quotient = -quotient
    return x - y * quotient


_OPS = {
    "+": lambda x, y: x + y,
    "-": lambda x, y: x - y,
    "*": lambda x, y: x * y,
    "/": lambda x, y: x / y,  # true division: EL divides as Double
    "%": _java_remainder,
}

_SPELLINGS = {"+": ["+"], "-": ["-"], "*": ["*"], "/": ["/", " div "], "%": ["%", " mod "]}


@st.composite
def arithmetic(draw: st.DrawFn, depth: int = 0) -> tuple[str, Any]:
    """A random arithmetic expression over ints, with the value Python computes for it."""
    if depth >= 4 or draw(st.booleans()):
        number = draw(st.integers(min_value=-1000, max_value=1000))
        return (f"({number})" if number < 0 else str(number)), number
    if draw(st.integers(0, 5)) == 0:
        text, value = draw(arithmetic(depth + 1))
        return f"-({text})", -value
    op = draw(st.sampled_from(sorted(_OPS)))
    left_text, left = draw(arithmetic(depth + 1))
    right_text, right = draw(arithmetic(depth + 1))
    assume(not (op in "/%" and right == 0))
    spelling = draw(st.sampled_from(_SPELLINGS[op]))
    return f"({left_text}{spelling}{right_text})", _OPS[op](left, right)


@given(arithmetic())
def test_random_integer_arithmetic_evaluates_like_python(case: tuple[str, Any]) -> None:
    text, expected = case
    result = evaluate("${" + text + "}")
    assert type(result) is type(expected)
    if isinstance(expected, float) and math.isnan(expected):
        assert math.isnan(result)
    else:
        assert result == expected


@given(arithmetic(), arithmetic())
def test_random_comparisons_evaluate_like_python(
    left: tuple[str, Any], right: tuple[str, Any]
) -> None:
    (left_text, x), (right_text, y) = left, right
    for op, expected in [("<", x < y), (">=", x >= y), ("==", x == y), ("!=", x != y)]:
        assert evaluate("${" + left_text + op + right_text + "}") is expected


_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 5),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=5),
    st.lists(st.integers(-2, 2), max_size=3),
    st.dictionaries(st.sampled_from(["a", "b"]), st.integers(), max_size=2),
)
_EXPRESSIONS = st.sampled_from(
    [
        "${a + b}", "${a - b}", "${a * b}", "${a / b}", "${a % b}", "${-a}", "${!a}",
        "${a < b}", "${a >= b}", "${a == b}", "${a != b}", "${a && b}", "${a || b}",
        "${empty a}", "${a ? a : b}", "${a[b]}", "${a.b}", "${a.size()}", "${a.trim()}",
        "${a.contains(b)}", "${a.equals(b)}", "${a} and ${b}", "${var:contains(a, b)}",
        "${var:equals(a, b)}", "${a.toUpperCase().startsWith(b)}", "${a[0][1]}",
    ]
)  # fmt: skip


@given(_EXPRESSIONS, _VALUES, _VALUES)
def test_any_values_evaluate_or_raise_expression_error(text: str, x: Any, y: Any) -> None:
    with contextlib.suppress(ExpressionError):
        compile_expression(text).evaluate({"a": x, "b": y}, now=NOW)
