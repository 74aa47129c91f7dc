"""Tokenizer: text mode, expression mode, literals and normalised operators."""

from __future__ import annotations

import pytest

from lanes.expr import ExpressionError
from lanes.expr.tokens import Token, TokenKind, tokenize


def kinds_and_values(text: str) -> list[tuple[TokenKind, object]]:
    return [(token.kind, token.value) for token in tokenize(text)[:-1]]


def expression_values(text: str) -> list[object]:
    """The token values between ${ and }."""
    tokens = tokenize(text)
    assert tokens[0].kind is TokenKind.START
    assert tokens[-2].kind is TokenKind.END
    return [token.value for token in tokens[1:-2]]


def test_plain_text_is_one_text_token_then_eof() -> None:
    tokens = tokenize("hello world")
    assert tokens == [
        Token(TokenKind.TEXT, "hello world", "hello world", 0),
        Token(TokenKind.EOF, None, "", 11),
    ]


def test_empty_text_is_only_eof() -> None:
    assert [token.kind for token in tokenize("")] == [TokenKind.EOF]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("${a}", [(TokenKind.START, "${"), (TokenKind.IDENT, "a"), (TokenKind.END, "}")]),
        ("#{a}", [(TokenKind.START, "#{"), (TokenKind.IDENT, "a"), (TokenKind.END, "}")]),
        (
            "Hi ${n}!",
            [
                (TokenKind.TEXT, "Hi "),
                (TokenKind.START, "${"),
                (TokenKind.IDENT, "n"),
                (TokenKind.END, "}"),
                (TokenKind.TEXT, "!"),
            ],
        ),
        ("cost $5 #3 {x}", [(TokenKind.TEXT, "cost $5 #3 {x}")]),
        ("a}b", [(TokenKind.TEXT, "a}b")]),
    ],
)
def test_text_mode_splits_literal_text_from_expressions(
    text: str, expected: list[tuple[TokenKind, object]]
) -> None:
    assert kinds_and_values(text) == expected


@pytest.mark.parametrize(
    ("text", "literal"),
    [(r"\${a}", "${a}"), (r"\#{a}", "#{a}"), (r"a\b", r"a\b"), ("\\$x", "\\$x")],
)
def test_backslash_escapes_only_an_expression_start_in_text(text: str, literal: str) -> None:
    assert kinds_and_values(text) == [(TokenKind.TEXT, literal)]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("${0}", 0),
        ("${42}", 42),
        ("${1.00}", 1.0),
        ("${1.}", 1.0),
        ("${.5}", 0.5),
        ("${2e3}", 2000.0),
        ("${2.5E-1}", 0.25),
        ("${true}", True),
        ("${false}", False),
        ("${null}", None),
    ],
)
def test_literals_carry_their_python_value(text: str, value: object) -> None:
    values = expression_values(text)
    assert values == [value]
    assert type(values[0]) is type(value)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("${'abc'}", "abc"),
        ('${"abc"}', "abc"),
        ("${'a}b'}", "a}b"),
        (r"${'it\'s'}", "it's"),
        (r'${"say \"hi\""}', 'say "hi"'),
        (r"${'back\\slash'}", "back\\slash"),
        (r"${'keep\n'}", "keep\\n"),  # JUEL knows only \\ \' \" as escapes
        ("${''}", ""),
    ],
)
def test_strings_take_juel_escapes(text: str, value: str) -> None:
    assert expression_values(text) == [value]


@pytest.mark.parametrize(
    ("word", "op"),
    [
        ("and", "&&"),
        ("or", "||"),
        ("not", "!"),
        ("eq", "=="),
        ("ne", "!="),
        ("lt", "<"),
        ("gt", ">"),
        ("le", "<="),
        ("ge", ">="),
        ("div", "/"),
        ("mod", "%"),
        ("empty", "empty"),
    ],
)
def test_word_operators_are_normalised_to_symbols(word: str, op: str) -> None:
    token = tokenize("${" + word + "}")[1]
    assert (token.kind, token.value, token.text) == (TokenKind.OP, op, word)


def test_longest_symbol_wins() -> None:
    assert expression_values("${a<=b>=c==d!=e&&f||!g}") == [
        "a", "<=", "b", ">=", "c", "==", "d", "!=", "e", "&&", "f", "||", "!", "g",
    ]  # fmt: skip


@pytest.mark.parametrize(
    "name", ["a", "_x", "$x", "leaveDays", "x1", "été", "金额", "andy", "nullable"]
)
def test_identifiers_include_java_identifier_characters(name: str) -> None:
    token = tokenize("${" + name + "}")[1]
    assert (token.kind, token.value) == (TokenKind.IDENT, name)


def test_whitespace_and_newlines_inside_an_expression_are_skipped() -> None:
    assert expression_values("${ a\n\t>\r\n3 }") == ["a", ">", 3]


def test_tokens_record_their_position() -> None:
    tokens = tokenize("x ${ab > 3}")
    assert [(token.text, token.pos) for token in tokens] == [
        ("x ", 0), ("${", 2), ("ab", 4), (">", 7), ("3", 9), ("}", 10), ("", 11),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("${a", "never closed by '}'"),
        ("${'abc}", "string starting at position 2 is never closed"),
        ("${a @ b}", "unexpected character '@' at position 4"),
        ("${a = b}", "unexpected character '='"),
        ("${a; b}", "unexpected character ';'"),
        ("${{}}", "unexpected character '{'"),
        ("${a instanceof b}", "'instanceof' at position 4 is not supported"),
    ],
)
def test_bad_characters_and_unclosed_parts_raise_expression_error(text: str, message: str) -> None:
    with pytest.raises(ExpressionError, match=message) as error:
        tokenize(text)
    assert text in str(error.value)
