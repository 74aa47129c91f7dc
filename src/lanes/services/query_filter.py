"""A small filter and sort language for list endpoints, parsed into a typed tree.

    filter := or
    or     := and ("OR" and)*
    and    := atom ("AND" atom)*
    atom   := "(" or ")" | FIELD op value
    op     := "=" | "<>" | "<" | ">" | "<=" | ">="
    value  := 'text' (a quote doubled inside) | integer
    sort   := FIELD ["ASC" | "DESC"] ("," FIELD ["ASC" | "DESC"])*

Keywords are case-insensitive; field names are not. `parse_filter` checks only the
syntax; `bind` then checks each field against a catalogue (the names a dialect offers,
each mapped to a neutral field of the store) and converts each value to the field's
type. Every refusal is `Invalid` naming the 0-based character position. Nothing here
builds SQL: the store turns a bound tree into a parameterised query, and `matches`
evaluates one against plain records.

Imports nothing of lanes but services.errors.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from lanes.services.errors import Invalid

__all__ = [
    "MAX_FILTER_LENGTH",
    "Comparison",
    "Expression",
    "Field",
    "Junction",
    "SortKey",
    "bind",
    "bind_sort",
    "matches",
    "parse_filter",
    "parse_sort",
]

MAX_FILTER_LENGTH = 4000
MAX_DEPTH = 32
MAX_SORT_KEYS = 8
# ASCII digits only: str.isdigit() also accepts '²', which int() refuses
_DIGITS = frozenset("0123456789")
OPERATORS = ("=", "<>", "<", ">", "<=", ">=")
Kind = Literal["int", "text", "date", "code"]


@dataclass(frozen=True, slots=True)
class Comparison:
    field: str
    op: str
    value: Any  # str or int as parsed; after `bind`, the neutral field's value
    position: int = 0


@dataclass(frozen=True, slots=True)
class Junction:
    op: Literal["and", "or"]
    parts: tuple[Expression, ...]


Expression = Comparison | Junction


@dataclass(frozen=True, slots=True)
class SortKey:
    field: str
    descending: bool = False


@dataclass(frozen=True, slots=True)
class Field:
    """What a dialect's field name stands for: a neutral field and its type.

    `codes` translates the dialect's code letters (for `code` fields) to neutral values."""

    target: str
    kind: Kind = "text"
    codes: Mapping[str, str] = field(default_factory=dict)


# -- tokens ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Token:
    kind: str  # name | text | int | op | ( | ) | , | end
    value: Any
    position: int


def _invalid(what: str, message: str, position: int) -> Invalid:
    return Invalid(
        f"{what}: {message} at position {position}", {"field": what, "position": position}
    )


def _tokens(text: str, what: str) -> list[_Token]:
    found: list[_Token] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char.isspace():
            i += 1
        elif char in "(),":
            found.append(_Token(char, char, i))
            i += 1
        elif char in "<>=":
            two = text[i : i + 2]
            op = two if two in ("<>", "<=", ">=") else char
            found.append(_Token("op", op, i))
            i += len(op)
        elif char == "'":
            value, end = _quoted(text, i, what)
            found.append(_Token("text", value, i))
            i = end
        elif char in _DIGITS or (char == "-" and text[i + 1 : i + 2] in _DIGITS):
            end = i + 1
            while end < len(text) and text[end] in _DIGITS:
                end += 1
            found.append(_Token("int", int(text[i:end]), i))
            i = end
        elif char.isascii() and (char.isalpha() or char == "_"):
            end = i + 1
            while (
                end < len(text)
                and text[end].isascii()
                and (text[end].isalnum() or text[end] == "_")
            ):
                end += 1
            found.append(_Token("name", text[i:end], i))
            i = end
        else:
            raise _invalid(what, f"unexpected character {char!r}", i)
    found.append(_Token("end", None, len(text)))
    return found


def _quoted(text: str, start: int, what: str) -> tuple[str, int]:
    parts: list[str] = []
    i = start + 1
    while i < len(text):
        if text[i] == "'":
            if text[i + 1 : i + 2] == "'":
                parts.append("'")
                i += 2
                continue
            return "".join(parts), i + 1
        parts.append(text[i])
        i += 1
    raise _invalid(what, "the quoted text is not closed", start)


# -- parsing -------------------------------------------------------------------------------


class _Parser:
    def __init__(self, text: str, what: str) -> None:
        self.what = what
        self.tokens = _tokens(text, what)
        self.at = 0

    @property
    def token(self) -> _Token:
        return self.tokens[self.at]

    def keyword(self, word: str) -> bool:
        token = self.token
        if token.kind == "name" and token.value.upper() == word:
            self.at += 1
            return True
        return False

    def fail(self, message: str) -> Invalid:
        return _invalid(self.what, message, self.token.position)

    def either(self, depth: int) -> Expression:
        parts = [self.both(depth)]
        while self.keyword("OR"):
            parts.append(self.both(depth))
        return parts[0] if len(parts) == 1 else Junction("or", tuple(parts))

    def both(self, depth: int) -> Expression:
        parts = [self.atom(depth)]
        while self.keyword("AND"):
            parts.append(self.atom(depth))
        return parts[0] if len(parts) == 1 else Junction("and", tuple(parts))

    def atom(self, depth: int) -> Expression:
        token = self.token
        if token.kind == "(":
            if depth >= MAX_DEPTH:
                raise self.fail(f"parentheses are nested more than {MAX_DEPTH} deep")
            self.at += 1
            inner = self.either(depth + 1)
            if self.token.kind != ")":
                raise self.fail("expected ')'")
            self.at += 1
            return inner
        if token.kind != "name" or token.value.upper() in ("AND", "OR"):
            raise self.fail("expected a field name or '('")
        self.at += 1
        op = self.token
        if op.kind != "op":
            raise self.fail(f"expected one of {' '.join(OPERATORS)} after {token.value}")
        self.at += 1
        value = self.token
        if value.kind not in ("text", "int"):
            raise self.fail("expected a quoted value or a number")
        self.at += 1
        return Comparison(token.value, op.value, value.value, token.position)


def parse_filter(text: str, what: str = "filter") -> Expression:
    """The tree of a filter expression; `Invalid` with the position of what is wrong."""
    if len(text) > MAX_FILTER_LENGTH:
        raise _invalid(what, f"longer than {MAX_FILTER_LENGTH} characters", MAX_FILTER_LENGTH)
    if not text.strip():
        raise _invalid(what, "the expression is empty", 0)
    parser = _Parser(text, what)
    tree = parser.either(0)
    if parser.token.kind != "end":
        raise parser.fail("expected AND, OR or the end of the expression")
    return tree


def parse_sort(text: str, what: str = "sort") -> list[SortKey]:
    """`Field [ASC|DESC]`, several separated by commas (at most MAX_SORT_KEYS)."""
    if len(text) > MAX_FILTER_LENGTH:
        raise _invalid(what, f"longer than {MAX_FILTER_LENGTH} characters", MAX_FILTER_LENGTH)
    if not text.strip():
        raise _invalid(what, "the sort order is empty", 0)
    parser = _Parser(text, what)
    keys: list[SortKey] = []
    while True:
        token = parser.token
        if token.kind != "name":
            raise parser.fail("expected a field name")
        parser.at += 1
        descending = False
        if parser.keyword("DESC"):
            descending = True
        else:
            parser.keyword("ASC")
        keys.append(SortKey(token.value, descending))
        if len(keys) > MAX_SORT_KEYS:
            raise _invalid(what, f"at most {MAX_SORT_KEYS} sort keys", token.position)
        if parser.token.kind == "end":
            return keys
        if parser.token.kind != ",":
            raise parser.fail("expected ASC, DESC, ',' or the end")
        parser.at += 1


# -- binding to a catalogue -------------------------------------------------------------------


def bind(tree: Expression, catalogue: Mapping[str, Field], what: str = "filter") -> Expression:
    """The same tree over neutral field names, each value converted to its field's type."""
    if isinstance(tree, Junction):
        return Junction(tree.op, tuple(bind(part, catalogue, what) for part in tree.parts))
    spec = catalogue.get(tree.field)
    if spec is None:
        raise _invalid(
            what,
            f"unknown field {tree.field!r}; use one of {', '.join(sorted(catalogue))}",
            tree.position,
        )
    return Comparison(spec.target, tree.op, _convert(tree, spec, what), tree.position)


def bind_sort(
    keys: list[SortKey], catalogue: Mapping[str, Field], what: str = "sort"
) -> list[SortKey]:
    bound: list[SortKey] = []
    for key in keys:
        spec = catalogue.get(key.field)
        if spec is None:
            raise Invalid(
                f"{what}: unknown field {key.field!r}; use one of {', '.join(sorted(catalogue))}",
                {"field": what},
            )
        bound.append(SortKey(spec.target, key.descending))
    return bound


def _convert(node: Comparison, spec: Field, what: str) -> Any:
    value = node.value
    if spec.kind == "int":
        if not isinstance(value, int):
            try:
                value = int(value.strip())
            except ValueError:
                raise _invalid(
                    what, f"{node.field} takes a number, not {value!r}", node.position
                ) from None
        if not -(2**63) <= value < 2**63:
            raise _invalid(what, f"{node.field}: {value} is out of range", node.position)
        return value
    if spec.kind == "date":
        if value == "":
            return None
        try:
            moment = datetime.fromisoformat(str(value))
        except ValueError:
            raise _invalid(
                what, f"{node.field} takes an ISO 8601 date-time, not {value!r}", node.position
            ) from None
        try:
            return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)
        except OverflowError:
            raise _invalid(
                what, f"{node.field}: {value!r} is out of range", node.position
            ) from None
    if spec.kind == "code":
        if node.op not in ("=", "<>"):
            raise _invalid(what, f"{node.field} can only be compared with = or <>", node.position)
        if str(value) not in spec.codes:
            raise _invalid(
                what,
                f"{node.field} is one of {', '.join(sorted(spec.codes))}, not {value!r}",
                node.position,
            )
        return spec.codes[str(value)]
    text = str(value)
    if "\x00" in text:
        raise _invalid(what, f"{node.field}: the value holds a NUL character", node.position)
    return text if text != "" else None


# -- evaluating against records -------------------------------------------------------------

_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "=": lambda a, b: bool(a == b),
    "<>": lambda a, b: bool(a != b),
    "<": lambda a, b: bool(a < b),
    ">": lambda a, b: bool(a > b),
    "<=": lambda a, b: bool(a <= b),
    ">=": lambda a, b: bool(a >= b),
}


def matches(tree: Expression, record: Mapping[str, Any]) -> bool:
    """Whether `record` (neutral field -> value) satisfies a bound tree.

    A value of None (unset) equals only None (an empty text or date in the filter) and is
    neither less nor greater than anything, as in SQL."""
    if isinstance(tree, Junction):
        results = (matches(part, record) for part in tree.parts)
        return all(results) if tree.op == "and" else any(results)
    actual, expected = record.get(tree.field), tree.value
    if actual is None or expected is None:
        if tree.op == "=":
            return actual is None and expected is None
        if tree.op == "<>":
            return (actual is None) != (expected is None)
        return False
    try:
        return _COMPARE[tree.op](actual, expected)
    except TypeError:
        return False
