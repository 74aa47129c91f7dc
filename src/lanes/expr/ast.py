"""Syntax tree of a parsed expression: immutable dataclasses, one per construct.

Every node knows its `depth` (1 for a leaf) so the parser can refuse trees too
deep to evaluate safely. Word operators are already normalised by the
tokenizer: a `Binary` with op `'&&'` may have been written `and`.

This package imports nothing from the rest of lanes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TypeAlias

LiteralValue: TypeAlias = bool | int | float | str | None


@dataclass(frozen=True, slots=True)
class Literal:
    value: LiteralValue
    depth: int = field(default=1, init=False, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Identifier:
    name: str
    depth: int = field(default=1, init=False, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Unary:
    op: str  # '-', '!' or 'empty'
    operand: Node
    depth: int = field(default=1, init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "depth", self.operand.depth + 1)


@dataclass(frozen=True, slots=True)
class Binary:
    op: str  # one of + - * / % < > <= >= == != && ||
    left: Node
    right: Node
    depth: int = field(default=1, init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "depth", max(self.left.depth, self.right.depth) + 1)


@dataclass(frozen=True, slots=True)
class Conditional:
    test: Node
    then: Node
    otherwise: Node
    depth: int = field(default=1, init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        depth = max(self.test.depth, self.then.depth, self.otherwise.depth) + 1
        object.__setattr__(self, "depth", depth)


@dataclass(frozen=True, slots=True)
class Property:
    """`target.name`"""

    target: Node
    name: str
    depth: int = field(default=1, init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "depth", self.target.depth + 1)


@dataclass(frozen=True, slots=True)
class Index:
    """`target[index]`"""

    target: Node
    index: Node
    depth: int = field(default=1, init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "depth", max(self.target.depth, self.index.depth) + 1)


@dataclass(frozen=True, slots=True)
class MethodCall:
    """`target.name(args...)`"""

    target: Node
    name: str
    args: tuple[Node, ...]
    depth: int = field(default=1, init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        depth = max([self.target.depth, *(arg.depth for arg in self.args)]) + 1
        object.__setattr__(self, "depth", depth)


@dataclass(frozen=True, slots=True)
class FunctionCall:
    """`name(args...)` or `namespace:name(args...)`; namespace is None for the first."""

    namespace: str | None
    name: str
    args: tuple[Node, ...]
    depth: int = field(default=1, init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        depth = max([0, *(arg.depth for arg in self.args)]) + 1
        object.__setattr__(self, "depth", depth)


Node: TypeAlias = (
    Literal
    | Identifier
    | Unary
    | Binary
    | Conditional
    | Property
    | Index
    | MethodCall
    | FunctionCall
)


@dataclass(frozen=True, slots=True)
class Template:
    """A whole expression text: literal strings and `${...}` bodies, in order."""

    parts: tuple[str | Node, ...]
