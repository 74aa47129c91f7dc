"""Parser: templates, JUEL precedence and associativity, calls, limits, syntax errors."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lanes.expr import ExpressionError, compile_expression
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
from lanes.expr.parser import MAX_DEPTH, MAX_LENGTH, parse

a, b, c, d = Identifier("a"), Identifier("b"), Identifier("c"), Identifier("d")


def tree(body: str) -> Node:
    """The single tree of `${body}`."""
    (node,) = parse("${" + body + "}").parts
    assert not isinstance(node, str)
    return node


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("plain", ("plain",)),
        ("", ()),
        ("${a}", (a,)),
        ("#{a}", (a,)),
        (" ${a} ", (" ", a, " ")),
        ("Hi ${a}, ${b} days", ("Hi ", a, ", ", b, " days")),
        ("${a}${b}", (a, b)),
    ],
)
def test_template_keeps_text_and_expressions_in_order(text: str, parts: tuple[object, ...]) -> None:
    assert parse(text) == Template(parts)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("a + b * c", Binary("+", a, Binary("*", b, c))),
        ("a * b + c", Binary("+", Binary("*", a, b), c)),
        ("a - b - c", Binary("-", Binary("-", a, b), c)),
        ("a / b div c mod d", Binary("%", Binary("/", Binary("/", a, b), c), d)),
        ("a + b > c", Binary(">", Binary("+", a, b), c)),
        ("a < b == c", Binary("==", Binary("<", a, b), c)),
        ("a == b && c", Binary("&&", Binary("==", a, b), c)),
        ("a || b && c", Binary("||", a, Binary("&&", b, c))),
        ("a or b and c", Binary("||", a, Binary("&&", b, c))),
        ("(a || b) && c", Binary("&&", Binary("||", a, b), c)),
        ("!a == b", Binary("==", Unary("!", a), b)),
        ("not a && b", Binary("&&", Unary("!", a), b)),
        ("-a * b", Binary("*", Unary("-", a), b)),
        ("- -a", Unary("-", Unary("-", a))),
        ("empty a.b", Unary("empty", Property(a, "b"))),
        ("!empty a", Unary("!", Unary("empty", a))),
        ("a ? b : c", Conditional(a, b, c)),
        ("a ? b : c ? d : a", Conditional(a, b, Conditional(c, d, a))),
        ("a ? b ? c : d : a", Conditional(a, Conditional(b, c, d), a)),
        ("a || b ? c : d", Conditional(Binary("||", a, b), c, d)),
        ("a gt 1 ? 'x' : 'y'", Conditional(Binary(">", a, Literal(1)), Literal("x"), Literal("y"))),
        ("a le b ne c eq d", Binary("==", Binary("!=", Binary("<=", a, b), c), d)),
    ],
)
def test_operators_follow_juel_precedence_and_associativity(body: str, expected: Node) -> None:
    assert tree(body) == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("a.b.c", Property(Property(a, "b"), "c")),
        ("a['b']", Index(a, Literal("b"))),
        ("a[0].b", Property(Index(a, Literal(0)), "b")),
        ("a[b[0]]", Index(a, Index(b, Literal(0)))),
        ("a.empty", Property(a, "empty")),
        ("a.trim()", MethodCall(a, "trim", ())),
        ("a.b.contains(c, d)", MethodCall(Property(a, "b"), "contains", (c, d))),
        (
            "execution.getVariable('x')",
            MethodCall(Identifier("execution"), "getVariable", (Literal("x"),)),
        ),
        ("dateTime()", FunctionCall(None, "dateTime", ())),
        (
            "dateTime().plusDays(1).toDate()",
            MethodCall(
                MethodCall(FunctionCall(None, "dateTime", ()), "plusDays", (Literal(1),)),
                "toDate",
                (),
            ),
        ),
        ("variables:get(a)", FunctionCall("variables", "get", (a,))),
        ("var:equals(a, 'x')", FunctionCall("var", "equals", (a, Literal("x")))),
        ("vars:exists('a')", FunctionCall("vars", "exists", (Literal("a"),))),
    ],
)
def test_postfix_access_and_calls(body: str, expected: Node) -> None:
    assert tree(body) == expected


def test_namespaced_call_is_a_call_inside_a_ternary_branch_for_known_namespaces() -> None:
    assert tree("a ? var:get(b) : c") == Conditional(a, FunctionCall("var", "get", (b,)), c)


def test_colon_in_a_ternary_branch_ends_the_branch_for_other_names() -> None:
    assert tree("a ? b:dateTime()") == Conditional(a, b, FunctionCall(None, "dateTime", ()))


def test_nodes_know_their_depth() -> None:
    assert tree("a").depth == 1
    assert tree("a + b * c").depth == 3
    assert tree("a.b.c").depth == 3


def test_text_longer_than_the_limit_is_refused() -> None:
    text = "${" + "a" * MAX_LENGTH + "}"
    with pytest.raises(ExpressionError, match="more than the 10000 allowed"):
        parse(text)


def test_text_at_the_length_limit_is_parsed() -> None:
    text = "${'" + "x" * (MAX_LENGTH - 5) + "'}"
    assert len(text) == MAX_LENGTH
    assert parse(text) == Template((Literal("x" * (MAX_LENGTH - 5)),))


def test_a_long_flat_chain_counts_as_deep_nesting() -> None:
    # a + a + ... is a left-leaning tree; evaluating it recurses once per operator.
    with pytest.raises(ExpressionError, match="nested deeper"):
        parse("${" + "+".join(["1"] * 200) + "}")


@pytest.mark.parametrize(
    "body",
    [
        "(" * (MAX_DEPTH + 1) + "a" + ")" * (MAX_DEPTH + 1),
        "!" * (MAX_DEPTH + 1) + "a",
        "-" * 5000 + "a",
        "a" + "+a" * (MAX_DEPTH + 1),
        "a" + ".b" * (MAX_DEPTH + 1),
        "a" + "[0]" * (MAX_DEPTH + 1),
        "a ? " * (MAX_DEPTH + 1) + "a" + " : a" * (MAX_DEPTH + 1),
    ],
)
def test_nesting_deeper_than_the_limit_is_refused(body: str) -> None:
    with pytest.raises(ExpressionError, match="nested deeper than 100 levels"):
        parse("${" + body + "}")


def test_nesting_at_the_limit_is_accepted() -> None:
    body = "(" * 90 + "a" + ")" * 90
    assert parse("${" + body + "}") == Template((a,))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("${}", "expected an expression but found '}' at position 2"),
        ("${a +}", "expected a value but found '}' at position 5"),
        ("${a b}", "expected an operator or '}' but found 'b' at position 4"),
        ("${(a}", "expected '\\)' but found '}'"),
        ("${a[0}", "expected '\\]' but found '}'"),
        ("${a ? b}", "expected ':' but found '}'"),
        ("${a.}", "expected a property name after '.' but found '}'"),
        ("${a.1}", "expected an operator or '}' but found '.1'"),
        ("${f(a,)}", "expected a value but found '\\)'"),
        ("${[1, 2]}", "expected a value but found '\\['"),
        ("${a)}", "expected an operator or '}' but found '\\)'"),
        ("${a}}", None),  # a stray } after an expression is literal text
    ],
)
def test_syntax_errors_name_what_was_found_and_where(text: str, message: str | None) -> None:
    if message is None:
        assert parse(text).parts == (a, "}")
        return
    with pytest.raises(ExpressionError, match=message) as error:
        parse(text)
    assert error.value.text == text
    assert str(error.value).endswith(" in " + text)


JUEL_FRAGMENTS = st.sampled_from(
    [
        "${", "#{", "}", "(", ")", "[", "]", ".", ",", "?", ":", "'", '"', "\\", " ",
        "a", "b", "_x", "execution", "getVariable", "dateTime", "var", "T", "new",
        "0", "1", "2.5", "1e3", "true", "null", "empty", "not", "and", "div",
        "+", "-", "*", "/", "%", "==", "!=", "<", ">=", "&&", "||", "!", "'s'",
        "trim", "plusDays", "toDate", "__class__", "class", "Runtime",
    ]
)  # fmt: skip


@given(st.text(max_size=60))
def test_random_text_compiles_or_raises_expression_error(text: str) -> None:
    with contextlib.suppress(ExpressionError):
        compile_expression(text)


@given(st.lists(JUEL_FRAGMENTS, max_size=25).map("".join))
def test_random_juel_fragments_compile_or_raise_expression_error(text: str) -> None:
    with contextlib.suppress(ExpressionError):
        compile_expression(text)
