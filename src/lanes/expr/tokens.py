"""Tokenizer: turns expression source text into a list of tokens.

The text is read in two modes. Outside `${...}` / `#{...}` it is literal text
(where `\\${` and `\\#{` stand for a literal `${` / `#{`, as in JUEL). Inside, it
is split into the tokens of the JUEL grammar. Word operators (`and`, `eq`, `div`,
...) are normalised to their symbol so the parser sees one spelling.

This package imports nothing from the rest of lanes.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

from lanes.expr.errors import ExpressionError


class TokenKind(enum.Enum):
    TEXT = "text"  # literal text outside ${...}
    START = "start"  # ${ or #{
    END = "end"  # the } closing an expression
    LITERAL = "literal"  # number, string, true, false, null
    IDENT = "ident"
    OP = "op"  # operators and punctuation, value normalised (e.g. 'and' -> '&&')
    EOF = "eof"


@dataclass(frozen=True, slots=True)
class Token:
    kind: TokenKind
    value: object  # str for TEXT/IDENT/OP, the Python value for LITERAL
    text: str  # the source spelling, for messages
    pos: int  # offset in the source text


WORD_OPERATORS: dict[str, str] = {
    "and": "&&",
    "or": "||",
    "not": "!",
    "eq": "==",
    "ne": "!=",
    "lt": "<",
    "gt": ">",
    "le": "<=",
    "ge": ">=",
    "div": "/",
    "mod": "%",
    "empty": "empty",
}

WORD_LITERALS: dict[str, object] = {"true": True, "false": False, "null": None}

RESERVED_WORDS = frozenset({"instanceof"})

# Longest first so that '<=' wins over '<'.
_SYMBOLS = (
    "==",
    "!=",
    "<=",
    ">=",
    "&&",
    "||",
    "<",
    ">",
    "!",
    "+",
    "-",
    "*",
    "/",
    "%",
    "?",
    ":",
    ".",
    "[",
    "]",
    "(",
    ")",
    ",",
)

_NUMBER = re.compile(r"(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|[0-9]+(?:[eE][+-]?[0-9]+)?")
_SPACE = " \t\r\n\f"
_DIGITS = "0123456789"
_DIGIT_SET = frozenset(_DIGITS)
_ESCAPABLE = "\\'\""


def _is_ident_start(ch: str) -> bool:
    return ch.isalpha() or ch == "_" or ch == "$"


def _is_ident_part(ch: str) -> bool:
    return _is_ident_start(ch) or ch.isdecimal()


def tokenize(text: str) -> list[Token]:
    """Split `text` into tokens, ending with one EOF token.

    Raises:
        ExpressionError: on a character, string or `${` that is not closed or not valid.
    """
    tokens: list[Token] = []
    pos = 0
    length = len(text)
    while pos < length:
        pos = _read_text(text, pos, tokens)
        if pos < length:
            pos = _read_expression(text, pos, tokens)
    tokens.append(Token(TokenKind.EOF, None, "", length))
    return tokens


def _read_text(text: str, pos: int, tokens: list[Token]) -> int:
    """Read literal text up to the next unescaped `${` / `#{`; return where it stopped."""
    start = pos
    chunk: list[str] = []
    length = len(text)
    while pos < length:
        ch = text[pos]
        if ch in "$#" and text.startswith("{", pos + 1):
            break
        if ch == "\\" and pos + 2 < length and text[pos + 1] in "$#" and text[pos + 2] == "{":
            chunk.append(text[pos + 1 : pos + 3])
            pos += 3
            continue
        chunk.append(ch)
        pos += 1
    if pos > start:
        tokens.append(Token(TokenKind.TEXT, "".join(chunk), text[start:pos], start))
    return pos


def _read_expression(text: str, pos: int, tokens: list[Token]) -> int:
    """Read the tokens of one `${...}` starting at `pos`; return the offset after `}`."""
    tokens.append(Token(TokenKind.START, text[pos : pos + 2], text[pos : pos + 2], pos))
    opened = pos
    pos += 2
    length = len(text)
    while pos < length:
        ch = text[pos]
        if ch in _SPACE:
            pos += 1
        elif ch == "}":
            tokens.append(Token(TokenKind.END, "}", "}", pos))
            return pos + 1
        elif ch == "'" or ch == '"':
            pos = _read_string(text, pos, tokens)
        elif ch in _DIGITS or (ch == "." and text[pos + 1 : pos + 2] in _DIGIT_SET):
            pos = _read_number(text, pos, tokens)
        elif _is_ident_start(ch):
            pos = _read_word(text, pos, tokens)
        else:
            pos = _read_symbol(text, pos, tokens)
    raise ExpressionError(
        f"'{text[opened : opened + 2]}' at position {opened} is never closed by '}}'", text
    )


def _read_string(text: str, pos: int, tokens: list[Token]) -> int:
    """Read a quoted string. Like JUEL, only \\\\, \\' and \\" are escapes."""
    quote = text[pos]
    start = pos
    pos += 1
    chars: list[str] = []
    length = len(text)
    while pos < length:
        ch = text[pos]
        if ch == "\\" and pos + 1 < length and text[pos + 1] in _ESCAPABLE:
            chars.append(text[pos + 1])
            pos += 2
        elif ch == quote:
            tokens.append(Token(TokenKind.LITERAL, "".join(chars), text[start : pos + 1], start))
            return pos + 1
        else:
            chars.append(ch)
            pos += 1
    raise ExpressionError(f"string starting at position {start} is never closed", text)


def _read_number(text: str, pos: int, tokens: list[Token]) -> int:
    match = _NUMBER.match(text, pos)
    assert match is not None  # the caller saw a digit, or '.' and a digit
    spelling = match.group()
    is_float = any(c in spelling for c in ".eE")
    value: int | float = float(spelling) if is_float else int(spelling)
    tokens.append(Token(TokenKind.LITERAL, value, spelling, pos))
    return match.end()


def _read_word(text: str, pos: int, tokens: list[Token]) -> int:
    end = pos + 1
    while end < len(text) and _is_ident_part(text[end]):
        end += 1
    word = text[pos:end]
    if word in WORD_OPERATORS:
        tokens.append(Token(TokenKind.OP, WORD_OPERATORS[word], word, pos))
    elif word in WORD_LITERALS:
        tokens.append(Token(TokenKind.LITERAL, WORD_LITERALS[word], word, pos))
    elif word in RESERVED_WORDS:
        raise ExpressionError(f"'{word}' at position {pos} is not supported", text)
    else:
        tokens.append(Token(TokenKind.IDENT, word, word, pos))
    return end


def _read_symbol(text: str, pos: int, tokens: list[Token]) -> int:
    for symbol in _SYMBOLS:
        if text.startswith(symbol, pos):
            tokens.append(Token(TokenKind.OP, symbol, symbol, pos))
            return pos + len(symbol)
    raise ExpressionError(f"unexpected character {text[pos]!r} at position {pos}", text)
