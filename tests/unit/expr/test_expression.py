"""The public API: compile_expression, Expression's attributes and the error types."""

from __future__ import annotations

import pytest

import lanes.expr
from lanes.expr import Expression, ExpressionError, UnknownVariable, compile_expression


def test_public_names() -> None:
    assert sorted(lanes.expr.__all__) == [
        "Expression",
        "ExpressionError",
        "UnknownVariable",
        "compile_expression",
    ]


@pytest.mark.parametrize(
    ("text", "is_literal"),
    [
        ("plain text", True),
        ("", True),
        ("costs $5 or #3", True),
        (r"\${escaped}", True),
        ("${a}", False),
        ("#{a}", False),
        ("x ${a} y", False),
    ],
)
def test_is_literal_is_true_only_without_expressions(text: str, is_literal: bool) -> None:
    expression = compile_expression(text)
    assert expression.is_literal is is_literal
    assert expression.text == text


def test_literal_text_evaluates_to_itself() -> None:
    assert compile_expression("approve it").evaluate({}) == "approve it"


@pytest.mark.parametrize(
    ("text", "variables"),
    [
        ("plain", set()),
        ("${1 + 2}", set()),
        ("${days > 3}", {"days"}),
        ("${a.b.c + d[e]}", {"a", "d", "e"}),
        ("Hi ${name}, ${n} days", {"name", "n"}),
        ("${x ? y : z}", {"x", "y", "z"}),
        ("${execution.getVariable('var') != null && var == 'goToB'}", {"var"}),
        ("${task.getVariable('a')}", set()),
        ("${task.name}", {"task"}),
        ("${var:get(a) == b}", {"b"}),
        ("${var:get(name)}", set()),
        ("${dateTime().plusDays(n)}", {"n"}),
        ("${tags.contains(tag)}", {"tags", "tag"}),
    ],
)
def test_variables_are_the_names_read_directly(text: str, variables: set[str]) -> None:
    assert compile_expression(text).variables == frozenset(variables)


def test_expression_repr_shows_the_text() -> None:
    assert repr(compile_expression("${a}")) == "Expression('${a}')"


def test_compiled_expressions_are_reusable_with_other_variables() -> None:
    expression = compile_expression("${days > 3}")
    assert [expression.evaluate({"days": d}) for d in (1, 4, 3.5, "10")] == [
        False,
        True,
        True,
        True,
    ]


def test_errors_carry_reason_and_text() -> None:
    with pytest.raises(ExpressionError) as error:
        compile_expression("${a +}")
    assert error.value.text == "${a +}"
    assert error.value.reason == "expected a value but found '}' at position 5"
    assert str(error.value) == "expected a value but found '}' at position 5 in ${a +}"


def test_very_long_text_is_shortened_in_messages() -> None:
    text = "${a +" + " " * 500 + "}"
    with pytest.raises(ExpressionError) as error:
        compile_expression(text)
    assert error.value.text == text
    assert len(str(error.value)) < 300


def test_unknown_variable_is_an_expression_error_with_the_name() -> None:
    error = UnknownVariable("approved", "${approved}")
    assert isinstance(error, ExpressionError)
    assert error.name == "approved"
    assert str(error) == "unknown variable 'approved' in ${approved}"


def test_expression_is_the_type_returned() -> None:
    assert isinstance(compile_expression("${a}"), Expression)
