"""Built-ins: execution/task methods, Flowable variable functions, dateTime(), value methods."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from lanes.expr import ExpressionError, compile_expression

NOW = datetime(2024, 1, 31, 10, 0, tzinfo=UTC)
VARIABLES: dict[str, Any] = {
    "name": "  Ann Lee ",
    "empty_text": "",
    "tags": ["a", "b", "c"],
    "order": {"id": 7, "lines": []},
    "nothing": None,
    "days": 5,
    "flag": True,
}


def evaluate(text: str, variables: dict[str, Any] | None = None) -> Any:
    expression = compile_expression(text)
    return expression.evaluate(VARIABLES if variables is None else variables, now=NOW)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("${execution.getVariable('days')}", 5),
        ('${execution.getVariable("days")}', 5),
        ("${execution.getVariable('missing')}", None),
        ("${execution.getVariable('nothing')}", None),
        ("${execution.hasVariable('nothing')}", True),
        ("${execution.hasVariable('missing')}", False),
        ("${execution.getVariables().days}", 5),
        ("${task.getVariable('days')}", 5),
        ("${task.hasVariable('days')}", True),
        ("${execution.getVariable('order').id}", 7),
    ],
)
def test_execution_and_task_read_variables(text: str, expected: Any) -> None:
    assert evaluate(text) == expected


def test_get_variables_returns_a_copy() -> None:
    variables = {"a": 1}
    copy = evaluate("${execution.getVariables()}", variables)
    assert copy == variables
    assert copy is not variables


def test_task_is_an_ordinary_variable_when_not_calling_an_execution_method() -> None:
    assert evaluate("${task.name}", {"task": {"name": "review"}}) == "review"


@pytest.mark.parametrize("namespace", ["variables", "var", "vars"])
@pytest.mark.parametrize(
    ("call", "expected"),
    [
        ("get(days)", 5),
        ("get('days')", 5),
        ("get(missing)", None),
        ("getOrDefault(missing, 3)", 3),
        ("getOrDefault(nothing, 'x')", "x"),
        ("getOrDefault(days, 3)", 5),
        ("exists(days)", True),
        ("exists(nothing)", False),
        ("exists(missing)", False),
        ("isEmpty(empty_text)", True),
        ("isEmpty(nothing)", True),
        ("isEmpty(missing)", True),
        ("isEmpty(tags)", False),
        ("isNotEmpty(tags)", True),
        ("isNotEmpty(empty_text)", False),
        ("equals(days, 5)", True),
        ("equals(days, '5')", True),
        ("equals(days, 6)", False),
        ("equals(missing, null)", False),
        ("contains(tags, 'a')", True),
        ("contains(tags, 'a', 'c')", True),
        ("contains(tags, 'a', 'z')", False),
        ("contains(name, 'Ann')", True),
        ("contains(order, 'id')", True),
        ("contains(days, 5)", False),
        ("contains(missing, 'a')", False),
    ],
)
def test_flowable_variable_functions(namespace: str, call: str, expected: Any) -> None:
    assert evaluate("${" + namespace + ":" + call + "}") == expected


def test_variable_function_name_may_be_computed() -> None:
    assert evaluate("${var:get(names[0])}", {"names": ["a"], "a": 1}) == 1


def test_a_bare_identifier_argument_names_the_variable_itself() -> None:
    assert evaluate("${var:get(which)}", {"which": "a", "a": 1}) == "a"


def test_variable_functions_combine_with_operators() -> None:
    assert evaluate("${vars:getOrDefault(missing, 123) > 100}") is True
    assert evaluate("${var:exists(days) && days > 3 ? 'long' : 'short'}") == "long"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("${dateTime().toDate()}", NOW),
        ("${dateTime().plusSeconds(30).toDate()}", NOW + timedelta(seconds=30)),
        ("${dateTime().plusMinutes(5).toDate()}", NOW + timedelta(minutes=5)),
        ("${dateTime().plusHours(2).toDate()}", NOW + timedelta(hours=2)),
        ("${dateTime().plusDays(days).toDate()}", NOW + timedelta(days=5)),
        ("${dateTime().plusWeeks(1).toDate()}", NOW + timedelta(weeks=1)),
        ("${dateTime().plusMonths(1).toDate()}", datetime(2024, 2, 29, 10, 0, tzinfo=UTC)),
        ("${dateTime().plusYears(1).toDate()}", datetime(2025, 1, 31, 10, 0, tzinfo=UTC)),
        ("${dateTime().minusSeconds(30).toDate()}", NOW - timedelta(seconds=30)),
        ("${dateTime().minusMinutes(5).toDate()}", NOW - timedelta(minutes=5)),
        ("${dateTime().minusHours(2).toDate()}", NOW - timedelta(hours=2)),
        ("${dateTime().minusDays(1).toDate()}", NOW - timedelta(days=1)),
        ("${dateTime().minusWeeks(1).toDate()}", NOW - timedelta(weeks=1)),
        ("${dateTime().minusMonths(2).toDate()}", datetime(2023, 11, 30, 10, 0, tzinfo=UTC)),
        ("${dateTime().minusYears(1).toDate()}", datetime(2023, 1, 31, 10, 0, tzinfo=UTC)),
        ("${dateTime().plusDays('2').minusHours(1.9).toDate()}", NOW + timedelta(hours=47)),
        ("${dateTime().plusDays(1).toDate() > dateTime().toDate()}", True),
        ("${dateTime().plusDays(1) > dateTime()}", True),
    ],
)
def test_date_time_starts_at_now_and_shifts(text: str, expected: Any) -> None:
    assert evaluate(text) == expected


def test_date_time_keeps_the_zone_of_now() -> None:
    zone = timezone(timedelta(hours=-5))
    result = compile_expression("${dateTime().plusDays(1).toDate()}").evaluate(
        {}, now=datetime(2024, 1, 1, tzinfo=zone)
    )
    assert result == datetime(2024, 1, 2, tzinfo=zone)
    assert result.tzinfo is zone


@pytest.mark.parametrize(
    ("now", "message"),
    [
        (None, "dateTime\\(\\) needs the current time"),
        (datetime(2024, 1, 1), "dateTime\\(\\) needs the current time with a time zone"),
    ],
)
def test_date_time_needs_an_aware_now(now: datetime | None, message: str) -> None:
    with pytest.raises(ExpressionError, match=message):
        compile_expression("${dateTime()}").evaluate({}, now=now)


def test_date_time_out_of_range_is_an_error() -> None:
    with pytest.raises(ExpressionError, match="'plusYears' goes out of the range of dates"):
        evaluate("${dateTime().plusYears(100000)}")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("${name.length()}", 10),
        ("${name.size()}", 10),
        ("${tags.size()}", 3),
        ("${tags.length()}", 3),
        ("${order.size()}", 2),
        ("${name.trim()}", "Ann Lee"),
        ("${name.trim().toUpperCase()}", "ANN LEE"),
        ("${name.toLowerCase()}", "  ann lee "),
        ("${name.trim().startsWith('Ann')}", True),
        ("${name.trim().endsWith('Lee')}", True),
        ("${name.contains('n L')}", True),
        ("${name.contains(days)}", False),
        ("${tags.contains('b')}", True),
        ("${tags.contains('z')}", False),
        ("${tags.contains(tags)}", False),
        ("${order.contains('lines')}", True),
        ("${order.contains(tags)}", False),
        ("${empty_text.isEmpty()}", True),
        ("${tags.isEmpty()}", False),
        ("${order.lines.isEmpty()}", True),
        ("${name.equals('  Ann Lee ')}", True),
        ("${days.equals(5)}", True),
        ("${days.equals('5')}", False),
        ("${flag.equals(true)}", True),
        ("${flag.equals('true')}", False),
        ("${'\t x \n'.trim()}", "x"),
    ],
)
def test_methods_on_strings_lists_and_dicts(text: str, expected: Any) -> None:
    assert evaluate(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("${days.length()}", "method 'length' is not available on int"),
        ("${tags.trim()}", "method 'trim' is not available on list"),
        ("${flag.isEmpty()}", "method 'isEmpty' is not available on bool"),
        ("${days.contains(1)}", "method 'contains' is not available on int"),
        ("${nothing.trim()}", "cannot call 'trim' on null"),
        ("${nothing.equals(1)}", "cannot call 'equals' on null"),
        ("${name.plusDays(1)}", "method 'plusDays' is not available on str"),
        ("${name.toDate()}", "method 'toDate' is not available on str"),
    ],
)
def test_methods_on_the_wrong_type_are_evaluation_errors(text: str, message: str) -> None:
    with pytest.raises(ExpressionError, match=message):
        evaluate(text)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("${name.trim(1)}", "method 'trim' takes 0 arguments, not 1"),
        ("${name.contains()}", "method 'contains' takes 1 argument, not 0"),
        ("${execution.getVariable()}", "method 'getVariable' takes 1 argument, not 0"),
        ("${dateTime(1)}", "function 'dateTime' takes 0 arguments, not 1"),
        ("${var:get()}", "function 'var:get' takes 1 argument, not 0"),
        ("${var:getOrDefault(a)}", "function 'var:getOrDefault' takes 2 arguments, not 1"),
        ("${var:contains(a)}", "function 'var:contains' takes at least 2 arguments, not 1"),
    ],
)
def test_calls_with_the_wrong_number_of_arguments_do_not_compile(text: str, message: str) -> None:
    with pytest.raises(ExpressionError, match=message):
        compile_expression(text)
