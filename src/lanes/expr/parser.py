"""Parser: turns tokens into a `Template` of syntax trees (Pratt parser).

Only syntax is decided here; which names may be called or read is the job of
`policy`. The parser refuses text longer than `MAX_LENGTH` and trees nested
deeper than `MAX_DEPTH`, so that later tree walks cannot exhaust the stack.

Precedence, lowest first, as in the EL specification: `?:`, `||`, `&&`,
`== !=`, `< > <= >=`, `+ -`, `* / %`, unary `- ! empty`, then `. [] ()`.

This package imports nothing from the rest of lanes.
"""

from __future__ import annotations

from typing import NoReturn

from lanes.expr.ast import (
    Binary,
    Conditional,
    FunctionCall,
    Identifier,
    Index,
    Literal,
    LiteralValue,
    MethodCall,
    Node,
    Property,
    Template,
    Unary,
)
from lanes.expr.errors import ExpressionError
from lanes.expr.tokens import Token, TokenKind, tokenize

MAX_LENGTH = 10_000
MAX_DEPTH = 100

# Left binding power of each infix operator.
_INFIX: dict[str, int] = {
    "?": 1,
    "||": 2,
    "&&": 3,
    "==": 4,
    "!=": 4,
    "<": 5,
    ">": 5,
    "<=": 5,
    ">=": 5,
    "+": 6,
    "-": 6,
    "*": 7,
    "/": 7,
    "%": 7,
}
_PREFIX = frozenset({"-", "!", "empty"})

# Namespaces of the Flowable variable functions. Written `ns:name(...)`, they
# are always calls, even in the middle branch of `a ? b : c`.
FUNCTION_NAMESPACES = frozenset({"variables", "vars", "var"})


def parse(text: str) -> Template:
    """Parse a whole expression text (literal text with `${...}` / `#{...}` parts).

    Raises:
        ExpressionError: when the text is too long, too deeply nested or not valid JUEL.
    """
    if len(text) > MAX_LENGTH:
        raise ExpressionError(
            f"expression is {len(text)} characters long, more than the {MAX_LENGTH} allowed",
            text,
        )
    return _Parser(text, tokenize(text)).template()


class _Parser:
    def __init__(self, text: str, tokens: list[Token]) -> None:
        self._text = text
        self._tokens = tokens
        self._pos = 0
        self._depth = 0
        # > 0 while parsing `b` in `a ? b : c`, where `x:f(...)` is ambiguous.
        self._ternary_then = 0

    # -- token access -------------------------------------------------------

    def _peek(self, ahead: int = 0) -> Token:
        index = min(self._pos + ahead, len(self._tokens) - 1)
        return self._tokens[index]

    def _advance(self) -> Token:
        token = self._tokens[self._pos]
        if token.kind is not TokenKind.EOF:
            self._pos += 1
        return token

    def _at_op(self, op: str, ahead: int = 0) -> bool:
        token = self._peek(ahead)
        return token.kind is TokenKind.OP and token.value == op

    def _expect_op(self, op: str) -> Token:
        if not self._at_op(op):
            self._fail(f"expected '{op}'", self._peek())
        return self._advance()

    def _fail(self, reason: str, token: Token) -> NoReturn:
        if token.kind is TokenKind.EOF:
            found = "the end of the text"
        elif token.kind is TokenKind.END:
            found = "'}'"
        else:
            found = f"'{token.text}'"
        raise ExpressionError(f"{reason} but found {found} at position {token.pos}", self._text)

    def _checked(self, node: Node) -> Node:
        if node.depth > MAX_DEPTH:
            raise ExpressionError(
                f"expression is nested deeper than {MAX_DEPTH} levels", self._text
            )
        return node

    def _enter(self) -> None:
        self._depth += 1
        if self._depth > MAX_DEPTH:
            raise ExpressionError(
                f"expression is nested deeper than {MAX_DEPTH} levels", self._text
            )

    # -- grammar ------------------------------------------------------------

    def template(self) -> Template:
        parts: list[str | Node] = []
        while True:
            token = self._advance()
            if token.kind is TokenKind.EOF:
                return Template(tuple(parts))
            if token.kind is TokenKind.TEXT:
                assert isinstance(token.value, str)
                parts.append(token.value)
                continue
            # The tokenizer emits only TEXT, START ... END and EOF at this level.
            assert token.kind is TokenKind.START
            if self._peek().kind is TokenKind.END:
                self._fail("expected an expression", self._peek())
            parts.append(self._expression(0))
            if self._peek().kind is not TokenKind.END:
                self._fail("expected an operator or '}'", self._peek())
            self._advance()

    def _expression(self, min_power: int) -> Node:
        self._enter()
        left = self._unary()
        while True:
            token = self._peek()
            if token.kind is not TokenKind.OP or not isinstance(token.value, str):
                break
            power = _INFIX.get(token.value)
            if power is None or power <= min_power:
                break
            self._advance()
            if token.value == "?":
                self._ternary_then += 1
                then = self._expression(0)
                self._ternary_then -= 1
                self._expect_op(":")
                otherwise = self._expression(power - 1)  # right-associative
                left = self._checked(Conditional(left, then, otherwise))
            else:
                right = self._expression(power)
                left = self._checked(Binary(token.value, left, right))
        self._depth -= 1
        return left

    def _unary(self) -> Node:
        token = self._peek()
        if token.kind is TokenKind.OP and token.value in _PREFIX:
            self._advance()
            self._enter()
            operand = self._unary()
            self._depth -= 1
            assert isinstance(token.value, str)
            return self._checked(Unary(token.value, operand))
        return self._postfix(self._primary())

    def _primary(self) -> Node:
        token = self._advance()
        if token.kind is TokenKind.LITERAL:
            return Literal(_literal_value(token.value))
        if token.kind is TokenKind.OP and token.value == "(":
            node = self._nested(0)
            self._expect_op(")")
            return node
        if token.kind is TokenKind.IDENT:
            assert isinstance(token.value, str)
            return self._name(token.value, token)
        self._fail("expected a value", token)

    def _name(self, name: str, token: Token) -> Node:
        """An identifier, a call `name(...)` or a namespaced call `ns:name(...)`."""
        if name == "new" and self._peek().kind is TokenKind.IDENT:
            raise ExpressionError(
                f"'new' at position {token.pos} is not allowed: expressions cannot create objects",
                self._text,
            )
        if self._at_op("("):
            return self._checked(FunctionCall(None, name, self._arguments()))
        if (
            self._at_op(":")
            and _is_word(self._peek(1))
            and self._at_op("(", 2)
            and (name in FUNCTION_NAMESPACES or self._ternary_then == 0)
        ):
            self._advance()
            function = self._advance()
            return self._checked(FunctionCall(name, function.text, self._arguments()))
        return Identifier(name)

    def _postfix(self, node: Node) -> Node:
        while True:
            if self._at_op("."):
                self._advance()
                name = self._property_name()
                if self._at_op("("):
                    node = MethodCall(node, name, self._arguments())
                else:
                    node = Property(node, name)
            elif self._at_op("["):
                self._advance()
                index = self._nested(0)
                self._expect_op("]")
                node = Index(node, index)
            else:
                return node
            self._checked(node)

    def _property_name(self) -> str:
        token = self._advance()
        if _is_word(token):
            return token.text
        self._fail("expected a property name after '.'", token)

    def _arguments(self) -> tuple[Node, ...]:
        self._expect_op("(")
        args: list[Node] = []
        if not self._at_op(")"):
            args.append(self._nested(0))
            while self._at_op(","):
                self._advance()
                args.append(self._nested(0))
        self._expect_op(")")
        return tuple(args)

    def _nested(self, min_power: int) -> Node:
        """An expression inside brackets, where a ':' cannot end a ternary branch."""
        saved, self._ternary_then = self._ternary_then, 0
        node = self._expression(min_power)
        self._ternary_then = saved
        return node


def _literal_value(value: object) -> LiteralValue:
    assert value is None or isinstance(value, bool | int | float | str)
    return value


def _is_word(token: Token) -> bool:
    """An identifier, or a word JUEL reserves (`empty`, `eq`, `true`) used as a name.

    JUEL accepts only identifiers after '.' or 'ns:'; accepting reserved words
    there too costs nothing and gives a better message when the name is refused.
    """
    if token.kind is TokenKind.IDENT:
        return True
    return token.kind in (TokenKind.OP, TokenKind.LITERAL) and token.text.isidentifier()
