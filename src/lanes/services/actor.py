"""Who is calling: the authenticated user, their direct groups and admin flag.

Org ancestors (for rules that cover sub-organisations) come from identity.org_chain.

Imports nothing from the rest of lanes.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Actor:
    user_id: str
    groups: frozenset[str] = field(default_factory=frozenset)
    admin: bool = False
    roles: frozenset[str] = field(default_factory=frozenset)  # groups of type role

    def in_any(self, groups: list[str] | tuple[str, ...]) -> bool:
        return any(g in self.groups for g in groups)


SYSTEM = Actor("system", admin=True)
