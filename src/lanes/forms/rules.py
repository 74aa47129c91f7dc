"""Rules of one field and whom they match: `right_of(rules, person)` is `b`/`e`/`r`/`h`.

A field carries four rule lists, `read`, `edit`, `required` and `hide`; each rule is
`{type, rightsId, rightsName}` with comma-joined ids and names. The effective right is
`b` (required) if a `required` rule matches, else `e` (edit) if an `edit` rule matches,
else `r` (read-only) if a `read` rule matches, else `h` (hidden). `hide` is kept for the
designer and does not change the right (spec/ibps-form-rights.md).

Imports nothing of lanes but this package.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from lanes.forms.errors import FormError
from lanes.forms.model import is_plain_text

__all__ = [
    "DEFAULT_RULES",
    "EDIT",
    "HIDDEN",
    "READ",
    "REQUIRED",
    "RIGHTS_ORDER",
    "RULE_LISTS",
    "RULE_TYPES",
    "FieldRules",
    "Person",
    "Rule",
    "matches",
    "right_of",
    "rules_from_json",
    "rules_to_json",
]

REQUIRED: Final = "b"
EDIT: Final = "e"
READ: Final = "r"
HIDDEN: Final = "h"
RIGHTS_ORDER: Final = (HIDDEN, READ, EDIT, REQUIRED)  # weakest first
RULE_TYPES: Final = ("none", "all", "employee", "role", "org", "orgSub", "position")
RULE_LISTS: Final = ("read", "edit", "required", "hide")
_ID_MAX = 4000  # characters of a comma-joined id or name list


@dataclass(frozen=True, slots=True)
class Rule:
    """One entry of a rule list; `rights_id` / `rights_name` are None when not given."""

    type: str
    rights_id: str | None = None
    rights_name: str | None = None

    @property
    def ids(self) -> frozenset[str]:
        return frozenset(p.strip() for p in (self.rights_id or "").split(",") if p.strip())

    def to_json(self) -> dict[str, str]:
        out = {"type": self.type}
        if self.rights_id is not None:
            out["rightsId"] = self.rights_id
        if self.rights_name is not None:
            out["rightsName"] = self.rights_name
        return out


@dataclass(frozen=True, slots=True)
class FieldRules:
    read: tuple[Rule, ...]
    edit: tuple[Rule, ...]
    required: tuple[Rule, ...]
    hide: tuple[Rule, ...]


DEFAULT_RULES: Final = FieldRules(
    read=(Rule("all"),),
    edit=(Rule("all"),),
    required=(Rule("none", "", ""),),
    hide=(Rule("none", "", ""),),
)
"""What a field has where nothing is saved: everybody reads and edits, nothing required."""


@dataclass(frozen=True, slots=True)
class Person:
    """Who the rights are computed for, as the identity store knows them.

    `orgs` are the org groups the user belongs to directly; `org_chain` those and every
    ancestor org (a member of a sub-org is reached by `orgSub` on any org above it)."""

    user_id: str
    roles: frozenset[str] = field(default_factory=frozenset)
    orgs: frozenset[str] = field(default_factory=frozenset)
    org_chain: frozenset[str] = field(default_factory=frozenset)
    positions: frozenset[str] = field(default_factory=frozenset)


def matches(rule: Rule, person: Person) -> bool:
    """Whether the rule reaches the person (rule types of the spec; `none` reaches nobody)."""
    if rule.type == "all":
        return True
    if rule.type == "employee":
        return person.user_id in rule.ids
    if rule.type == "role":
        return not rule.ids.isdisjoint(person.roles)
    if rule.type == "org":
        return not rule.ids.isdisjoint(person.orgs)
    if rule.type == "orgSub":
        return not rule.ids.isdisjoint(person.org_chain | person.orgs)
    if rule.type == "position":
        return not rule.ids.isdisjoint(person.positions)
    return False  # none


def right_of(rules: FieldRules, person: Person) -> str:
    """The person's right on a field: `b` > `e` > `r` > `h`, the first list that matches."""
    if any(matches(r, person) for r in rules.required):
        return REQUIRED
    if any(matches(r, person) for r in rules.edit):
        return EDIT
    if any(matches(r, person) for r in rules.read):
        return READ
    return HIDDEN


def rules_from_json(raw: Mapping[str, Any], where: str) -> FieldRules:
    """The four rule lists of a field as the designer sends them; a list left out gets
    its default.

    Raises:
        FormError: an entry that is not a rule or an unknown type, named `where.list`.
    """
    lists: dict[str, tuple[Rule, ...]] = {}
    for name in RULE_LISTS:
        value = raw.get(name)
        if value is None:
            lists[name] = getattr(DEFAULT_RULES, name)
            continue
        if not isinstance(value, list):
            raise FormError(f"'{name}' of {where} must be a list of rules", f"{where}.{name}")
        lists[name] = tuple(_rule(entry, f"{where}.{name}") for entry in value)
    return FieldRules(**lists)


def _rule(entry: Any, where: str) -> Rule:
    if not isinstance(entry, Mapping):
        raise FormError("a rule is an object {type, rightsId, rightsName}", where)
    kind = entry.get("type")
    if kind not in RULE_TYPES:
        raise FormError(
            f"unknown rule type {kind!r} in {where}; use one of {', '.join(RULE_TYPES)}", where
        )
    return Rule(
        kind,
        _joined(entry.get("rightsId"), f"{where}.rightsId"),
        _joined(entry.get("rightsName"), f"{where}.rightsName"),
    )


def _joined(value: Any, where: str) -> str | None:
    if value is None:
        return None
    if isinstance(value, list) and all(isinstance(v, str | int) for v in value):
        value = ",".join(str(v) for v in value)
    elif isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or len(value) > _ID_MAX or not is_plain_text(value):
        raise FormError(f"a comma-joined list of at most {_ID_MAX} characters is required", where)
    return value


def rules_to_json(rules: FieldRules) -> dict[str, list[dict[str, str]]]:
    return {name: [r.to_json() for r in getattr(rules, name)] for name in RULE_LISTS}
