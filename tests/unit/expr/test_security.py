"""Policy: what an expression may not read or call is refused at compile time."""

from __future__ import annotations

import ast
import pathlib
from typing import Any

import pytest

import lanes.expr
from lanes.expr import ExpressionError, compile_expression


@pytest.mark.parametrize(
    ("text", "offending"),
    [
        ("${''.__class__}", "'__class__'"),
        ("${x.__dict__}", "'__dict__'"),
        ("${a['__class__']}", "'__class__'"),
        ('${a["_private"]}', "'_private'"),
        ("${_secret}", "'_secret'"),
        ("${x._y}", "'_y'"),
        ("${x.__len__()}", "'__len__'"),
        ("${var:get(_x)}", "'_x'"),
        ("${T(java.lang.Runtime).getRuntime()}", "'T(...)'"),
        ("${T(java.lang.System).exit(0)}", "'T(...)'"),
        ("${new java.lang.ProcessBuilder('ls').start()}", "'new'"),
        ("${new Object()}", "'new'"),
        ("${x.getClass()}", "'getClass'"),
        ("${x.getClass().forName('java.lang.Runtime')}", "'getClass'"),
        ("${x.getClass}", "'getClass'"),
        ("${x.class}", "'class'"),
        ("${x['class']}", "'class'"),
        ("${''.class.forName('x')}", "'class'"),
        ("${Runtime.getRuntime().exec('ls')}", "'Runtime'"),
        ("${java.lang.Runtime.getRuntime()}", "'Runtime'"),
        ("${java.lang.System.exit(0)}", "'System'"),
        ("${System.getenv('HOME')}", "'System'"),
        ("${ProcessBuilder.trim()}", "'ProcessBuilder'"),
        ("${x['Runtime'].size()}", "'Runtime'"),
        ("${confirmationService.confirm(employeeName, numberOfDays)}", "method 'confirm'"),
        ("${printer.printMessage()}", "method 'printMessage'"),
        ("${execution.setVariable('a', 1)}", "method 'setVariable'"),
        ("${execution.getProcessInstanceId()}", "method 'getProcessInstanceId'"),
        ("${execution.id}", "'execution'"),
        ("${execution}", "'execution'"),
        ("${execution['x']}", "'execution'"),
        ("${x.getVariable('a')}", "method 'getVariable'"),
        ("${eval('1')}", "function 'eval'"),
        ("${fn:join(a, ',')}", "function 'fn:join'"),
        ("${variables:base64(a)}", "function 'variables:base64'"),
        ("${variables:eq(a, 1)}", "function 'variables:eq'"),
        ("${x.wait()}", "method 'wait'"),
        ("${'a'.concat('b')}", "method 'concat'"),
    ],
)
def test_forbidden_access_is_refused_at_compile_time_naming_the_part(
    text: str, offending: str
) -> None:
    with pytest.raises(ExpressionError) as error:
        compile_expression(text)
    message = str(error.value)
    assert offending in message
    assert message.endswith(" in " + text)
    assert "not allowed" in message


def test_nested_forbidden_access_is_found_inside_arguments_and_branches() -> None:
    for text in [
        "${a ? b : x.__class__}",
        "${tags.contains(x.__class__)}",
        "${var:equals(a, x._y)}",
        "${-(!(empty x.__class__))}",
        "Hello ${name}, ${x.__class__}",
    ]:
        with pytest.raises(ExpressionError, match=r"'__class__'|'_y'"):
            compile_expression(text)


@pytest.mark.parametrize(
    ("variables", "offending"),
    [({"k": "__class__"}, "'__class__'"), ({"k": "_x"}, "'_x'")],
)
def test_a_dynamic_index_starting_with_underscore_is_refused_when_evaluated(
    variables: dict[str, Any], offending: str
) -> None:
    expression = compile_expression("${m[k]}")
    with pytest.raises(ExpressionError, match=offending):
        expression.evaluate({"m": {"_x": 1, "__class__": 2}, **variables})


def test_python_attributes_of_values_are_never_read() -> None:
    class Account:
        balance = 100

    expression = compile_expression("${account.balance}")
    with pytest.raises(ExpressionError, match="cannot read property 'balance' of Account"):
        expression.evaluate({"account": Account()})


def test_names_that_only_look_dangerous_are_ordinary() -> None:
    variables = {"system": {"name": "a"}, "runtimeDays": 3, "classes": ["x"], "Runtime": 1}
    assert compile_expression("${system.name.trim()}").evaluate(variables) == "a"
    assert compile_expression("${runtimeDays > 2}").evaluate(variables) is True
    assert compile_expression("${classes.size()}").evaluate(variables) == 1
    assert compile_expression("${Runtime + 1}").evaluate(variables) == 2
    assert compile_expression("${new}").evaluate({"new": 5}) == 5


_FORBIDDEN_CALLS = frozenset({"eval", "exec", "compile", "getattr", "setattr", "__import__"})
_CLOCK_CALLS = frozenset({".now", ".utcnow", ".today", ".time"})
_ALLOWED_MODULES = frozenset(
    {"__future__", "calendar", "collections", "dataclasses", "datetime", "decimal", "enum",
     "math", "re", "typing"}
)  # fmt: skip


def _calls_and_imports(tree: ast.AST) -> tuple[set[str], set[str]]:
    """Names called (".attr" for method calls) and modules imported by a module."""
    calls: set[str] = set()
    modules: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            calls.add(node.func.id)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            calls.add("." + node.func.attr)
        elif isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            modules.add(node.module)
    return calls, modules


@pytest.mark.parametrize(
    "path", sorted(pathlib.Path(lanes.expr.__file__).parent.glob("*.py")), ids=lambda p: p.name
)
def test_no_module_reads_the_clock_runs_code_or_imports_the_rest_of_lanes(
    path: pathlib.Path,
) -> None:
    calls, modules = _calls_and_imports(ast.parse(path.read_text()))
    assert not calls & _FORBIDDEN_CALLS
    assert not calls & _CLOCK_CALLS
    for module in modules:
        assert module.startswith("lanes.expr") or module.split(".")[0] in _ALLOWED_MODULES, module
