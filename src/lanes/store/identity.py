"""Identity rows: users, groups, memberships and API tokens, in SQLAlchemy Core.

The only module with SQL for identity. Every function takes a `Connection` inside a
transaction the caller opened (`Database.write()` / `Database.read()`) and returns plain
frozen records, never SQLAlchemy rows, so the services above never see SQLAlchemy.
Tokens are stored as the sha256 hex digest of the token, never the token itself.

Rules (who may do what, which group types exist) belong to `lanes.services.identity`;
this module only reads and writes. It imports nothing from lanes outside `lanes.store`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, bindparam, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from lanes.store import tables as t
from lanes.store.prepared import Prepared

__all__ = [
    "Duplicate",
    "GroupRecord",
    "TokenOwner",
    "UserRecord",
    "delete_token",
    "delete_user_tokens",
    "get_group",
    "get_groups",
    "group_ancestors",
    "insert_group",
    "insert_token",
    "insert_user",
    "token_hash",
    "update_group",
    "update_user",
    "user_for_token_hash",
    "user_with_groups",
]


class Duplicate(Exception):
    """An insert hit a primary key or unique constraint: the row exists already.

    On PostgreSQL the transaction is unusable afterwards; let the exception leave the
    `Database.write()` block (which rolls back) and, if useful, run a new transaction.
    """


@dataclass(frozen=True, slots=True)
class UserRecord:
    id: str
    name: str
    email: str | None
    admin: bool
    groups: tuple[str, ...]  # direct memberships, sorted


@dataclass(frozen=True, slots=True)
class GroupRecord:
    id: str
    name: str
    type: str
    parent_id: str | None


@dataclass(frozen=True, slots=True)
class TokenOwner:
    """What authentication needs about a token's user: id, admin flag, groups with types."""

    user_id: str
    admin: bool
    groups: tuple[tuple[str, str], ...]  # (group id, group type), sorted by id


def token_hash(token: str) -> str:
    """The stored form of an API token: sha256 of its UTF-8 bytes, as 64 hex digits."""
    return hashlib.sha256(token.encode()).hexdigest()


# -- users ------------------------------------------------------------------------------

_USER_WITH_GROUPS = (
    select(t.user.c.id, t.user.c.name, t.user.c.email, t.user.c.admin, t.membership.c.group_id)
    .select_from(t.user.outerjoin(t.membership, t.membership.c.user_id == t.user.c.id))
    .where(t.user.c.id == bindparam("user_id"))
)


def user_with_groups(conn: Connection, user_id: str) -> UserRecord | None:
    """The user and their direct group ids (one query), or None if there is no such user."""
    rows = conn.execute(_USER_WITH_GROUPS, {"user_id": user_id}).all()
    if not rows:
        return None
    first = rows[0]
    groups = tuple(sorted(row.group_id for row in rows if row.group_id is not None))
    return UserRecord(first.id, first.name, first.email, bool(first.admin), groups)


def insert_user(conn: Connection, user: UserRecord, created_at: datetime) -> None:
    """Insert the user row and one membership per group. Raises Duplicate if the id exists."""
    with _duplicates_raised():
        conn.execute(
            insert(t.user).values(
                id=user.id,
                name=user.name,
                email=user.email,
                admin=user.admin,
                created_at=created_at,
            )
        )
    _insert_memberships(conn, user.id, user.groups)


def update_user(conn: Connection, user: UserRecord) -> bool:
    """Overwrite name, email, admin flag and memberships; False if there is no such user."""
    found = conn.execute(
        update(t.user)
        .where(t.user.c.id == user.id)
        .values(name=user.name, email=user.email, admin=user.admin)
    ).rowcount
    if not found:
        return False
    conn.execute(delete(t.membership).where(t.membership.c.user_id == user.id))
    _insert_memberships(conn, user.id, user.groups)
    return True


def _insert_memberships(conn: Connection, user_id: str, group_ids: Iterable[str]) -> None:
    rows = [{"user_id": user_id, "group_id": group_id} for group_id in dict.fromkeys(group_ids)]
    if rows:
        conn.execute(insert(t.membership), rows)


# -- groups -----------------------------------------------------------------------------


def get_group(conn: Connection, group_id: str) -> GroupRecord | None:
    return get_groups(conn, [group_id]).get(group_id)


def get_groups(conn: Connection, group_ids: Iterable[str]) -> dict[str, GroupRecord]:
    """The groups among `group_ids` that exist, by id (one query; missing ids are absent)."""
    wanted = list(dict.fromkeys(group_ids))
    if not wanted:
        return {}
    rows = conn.execute(select(t.group).where(t.group.c.id.in_(wanted)))
    return {row.id: GroupRecord(row.id, row.name, row.type, row.parent_id) for row in rows}


def insert_group(conn: Connection, group: GroupRecord) -> None:
    """Insert a group. Raises Duplicate if the id exists."""
    with _duplicates_raised():
        conn.execute(
            insert(t.group).values(
                id=group.id, name=group.name, type=group.type, parent_id=group.parent_id
            )
        )


def update_group(conn: Connection, group: GroupRecord) -> bool:
    """Overwrite name, type and parent; False if there is no such group."""
    return bool(
        conn.execute(
            update(t.group)
            .where(t.group.c.id == group.id)
            .values(name=group.name, type=group.type, parent_id=group.parent_id)
        ).rowcount
    )


def group_ancestors(conn: Connection, group_ids: Iterable[str]) -> tuple[str, ...]:
    """The org groups among `group_ids`, then their parents, grandparents and so on.

    Only groups of type `org` take part: other ids are dropped and the walk stops at a
    parent that is not an org. Nearest first (breadth-first), each id once, and safe on
    cyclic parent links: one recursive query whose UNION drops rows already seen.
    """
    start = list(dict.fromkeys(group_ids))
    if not start:
        return ()
    g = t.group
    chain = (
        select(g.c.id, g.c.parent_id)
        .where(g.c.id.in_(start), g.c.type == "org")
        .cte("org_chain", recursive=True)
    )
    parent = g.alias("parent")
    chain = chain.union(
        select(parent.c.id, parent.c.parent_id)
        .join(chain, parent.c.id == chain.c.parent_id)
        .where(parent.c.type == "org")
    )
    parent_of = {
        row.id: row.parent_id for row in conn.execute(select(chain.c.id, chain.c.parent_id))
    }
    ordered: dict[str, None] = {}
    level = [group_id for group_id in start if group_id in parent_of]
    while level:
        level = [group_id for group_id in level if group_id not in ordered]
        ordered.update(dict.fromkeys(level))
        level = [p for group_id in level if (p := parent_of[group_id]) in parent_of]
    return tuple(ordered)


# -- tokens -----------------------------------------------------------------------------


def insert_token(conn: Connection, digest: str, user_id: str, created_at: datetime) -> None:
    """Store a token by its hash (see `token_hash`). Raises Duplicate if the hash exists."""
    with _duplicates_raised():
        conn.execute(insert(t.token).values(hash=digest, user_id=user_id, created_at=created_at))


def delete_user_tokens(conn: Connection, user_id: str) -> int:
    """Revoke every token of a user; the number revoked."""
    return conn.execute(delete(t.token).where(t.token.c.user_id == user_id)).rowcount


def delete_token(conn: Connection, digest: str) -> bool:
    return bool(conn.execute(delete(t.token).where(t.token.c.hash == digest)).rowcount)


# token -> user -> memberships -> groups: what every authenticated request needs, in one
# round trip, prepared once.
_TOKEN_OWNER = Prepared(
    select(t.user.c.id, t.user.c.admin, t.group.c.id.label("group_id"), t.group.c.type)
    .select_from(
        t.token.join(t.user, t.user.c.id == t.token.c.user_id)
        .outerjoin(t.membership, t.membership.c.user_id == t.user.c.id)
        .outerjoin(t.group, t.group.c.id == t.membership.c.group_id)
    )
    .where(t.token.c.hash == bindparam("digest"))
)


def user_for_token_hash(conn: Connection, digest: str) -> TokenOwner | None:
    """The owner of the token with this hash, with their groups; None for an unknown hash."""
    rows = _TOKEN_OWNER.all(conn, {"digest": digest})
    if not rows:
        return None
    first = rows[0]
    groups = tuple(sorted((row.group_id, row.type) for row in rows if row.group_id is not None))
    return TokenOwner(first.id, bool(first.admin), groups)


# -- errors -----------------------------------------------------------------------------


@contextmanager
def _duplicates_raised() -> Iterator[None]:
    try:
        yield
    except IntegrityError as error:
        if _is_unique_violation(error):
            raise Duplicate(str(error.orig)) from error
        raise


def _is_unique_violation(error: IntegrityError) -> bool:
    cause = error.orig
    sqlstate = getattr(cause, "sqlstate", None)  # psycopg
    if sqlstate is not None:
        return bool(sqlstate == "23505")
    name = getattr(cause, "sqlite_errorname", "")  # sqlite3, Python 3.11+
    return name in ("SQLITE_CONSTRAINT_PRIMARYKEY", "SQLITE_CONSTRAINT_UNIQUE")
