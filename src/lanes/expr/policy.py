"""Policy: what a parsed expression may read and call, checked before it is compiled.

The parser accepts any JUEL; this module refuses what lanes does not allow, at
compile time, with a message naming the offending part:

* names starting with '_' (identifiers, properties, literal string indexes);
* `getClass` anywhere and `class` as a property;
* type references `T(...)` and any function outside `dateTime()` and the
  Flowable `variables:` functions;
* any method outside the fixed table of `builtins`, with the wrong number of
  arguments, or called on `Runtime`, `ProcessBuilder` or `System`;
* `execution` other than as `execution.getVariable/getVariables/hasVariable(...)`.

The parser bounds the depth of trees, so the recursion here is safe.

This package imports nothing from the rest of lanes.
"""

from __future__ import annotations

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
from lanes.expr.builtins import (
    BARE_FUNCTIONS,
    EXECUTION_METHODS,
    EXECUTION_ROOTS,
    METHODS,
    VARIABLE_FUNCTIONS,
    VARIABLE_NAMESPACES,
)
from lanes.expr.errors import ExpressionError

FORBIDDEN_NAMES = frozenset({"getClass"})
FORBIDDEN_PROPERTIES = frozenset({"class"})
FORBIDDEN_CALL_TARGETS = frozenset({"Runtime", "ProcessBuilder", "System"})


def check(template: Template, text: str) -> None:
    """Refuse a template that reads or calls anything outside the policy.

    Raises:
        ExpressionError: naming the first offending part found.
    """
    checker = _Checker(text)
    for part in template.parts:
        if not isinstance(part, str):
            checker.node(part)


class _Checker:
    def __init__(self, text: str) -> None:
        self._text = text

    def _refuse(self, reason: str) -> ExpressionError:
        return ExpressionError(reason, self._text)

    def node(self, node: Node) -> None:
        match node:
            case Literal():
                pass
            case Identifier(name=name):
                self._name(name, "variable")
                if name == "execution":
                    raise self._refuse(
                        "'execution' is not allowed here: it can only call getVariable,"
                        " getVariables or hasVariable"
                    )
            case Unary(operand=operand):
                self.node(operand)
            case Binary(left=left, right=right):
                self.node(left)
                self.node(right)
            case Conditional(test=test, then=then, otherwise=otherwise):
                self.node(test)
                self.node(then)
                self.node(otherwise)
            case Property(target=target, name=name):
                self.node(target)
                self._property(name)
            case Index(target=target, index=index):
                self.node(target)
                self.node(index)
                if isinstance(index, Literal) and isinstance(index.value, str):
                    self._property(index.value)
            case MethodCall():
                self._method_call(node)
            case FunctionCall():
                self._function_call(node)

    def _name(self, name: str, what: str) -> None:
        if name.startswith("_"):
            raise self._refuse(
                f"{what} '{name}' is not allowed: names starting with '_' are refused"
            )
        if name in FORBIDDEN_NAMES:
            raise self._refuse(f"'{name}' is not allowed")

    def _property(self, name: str) -> None:
        self._name(name, "property")
        if name in FORBIDDEN_PROPERTIES:
            raise self._refuse(f"property '{name}' is not allowed")

    def _method_call(self, call: MethodCall) -> None:
        target = call.target
        if isinstance(target, Identifier) and target.name in EXECUTION_ROOTS:
            if call.name in EXECUTION_METHODS:
                spec = EXECUTION_METHODS[call.name]
                self._arguments(call.args)
                self._arity(f"method '{call.name}'", len(call.args), spec.min_args, spec.max_args)
                return
            if target.name == "execution":
                self._name(call.name, "method")
                raise self._refuse(
                    f"method '{call.name}' is not allowed on execution: only getVariable,"
                    " getVariables and hasVariable can be called"
                )
        self.node(target)
        self._arguments(call.args)
        for name in _target_names(target):
            if name in FORBIDDEN_CALL_TARGETS:
                raise self._refuse(f"'{name}' is not allowed as the target of a method call")
        self._name(call.name, "method")
        if call.name in EXECUTION_METHODS:
            raise self._refuse(
                f"method '{call.name}' is not allowed here: it can only be called on execution"
                " or task"
            )
        method = METHODS.get(call.name)
        if method is None:
            raise self._refuse(
                f"method '{call.name}' is not allowed: expressions can call only a fixed set"
                " of methods"
            )
        self._arity(f"method '{call.name}'", len(call.args), method.min_args, method.max_args)

    def _function_call(self, call: FunctionCall) -> None:
        if call.namespace is None:
            if call.name == "T":
                raise self._refuse("type reference 'T(...)' is not allowed")
            self._name(call.name, "function")
            if call.name not in BARE_FUNCTIONS:
                raise self._refuse(f"function '{call.name}' is not allowed")
            self._arguments(call.args)
            self._arity(f"function '{call.name}'", len(call.args), 0, 0)
            return
        label = f"function '{call.namespace}:{call.name}'"
        function = VARIABLE_FUNCTIONS.get(call.name)
        if call.namespace not in VARIABLE_NAMESPACES or function is None:
            raise self._refuse(f"{label} is not allowed")
        self._arity(label, len(call.args), function.min_args, function.max_args)
        first, *rest = call.args
        if isinstance(first, Identifier):  # a bare variable name, not a variable read
            self._name(first.name, "variable")
        else:
            self.node(first)
        self._arguments(tuple(rest))

    def _arguments(self, args: tuple[Node, ...]) -> None:
        for arg in args:
            self.node(arg)

    def _arity(self, label: str, count: int, least: int, most: int | None) -> None:
        if least <= count and (most is None or count <= most):
            return
        if most is None:
            wanted = f"at least {least}"
        elif least == most:
            wanted = f"{least}"
        else:
            wanted = f"{least} to {most}"
        plural = "" if wanted == "1" else "s"
        raise self._refuse(f"{label} takes {wanted} argument{plural}, not {count}")


def _target_names(target: Node) -> list[str]:
    """The names along the chain `a.b['c'].d(...)` that a method is called on."""
    names: list[str] = []
    node: Node | None = target
    while node is not None:
        match node:
            case Identifier(name=name):
                names.append(name)
                node = None
            case Property(target=inner, name=name) | MethodCall(target=inner, name=name):
                names.append(name)
                node = inner
            case Index(target=inner, index=index):
                if isinstance(index, Literal) and isinstance(index.value, str):
                    names.append(index.value)
                node = inner
            case FunctionCall(name=name):
                names.append(name)
                node = None
            case _:
                node = None
    return names
