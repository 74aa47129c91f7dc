"""Identity use cases: users, groups, API tokens, and turning a credential into an Actor.

Each public function is one transaction (`svc.db.write()` or `svc.db.read()`) that
authorizes first and returns a plain frozen DTO. Rows are read and written through
`lanes.store.identity`; this module never imports SQLAlchemy (nor FastAPI): the API
layer hands it header values and maps its errors to HTTP statuses.

Rules: administrators manage users and groups; a user may read their own record and
issue tokens for themselves. A user is an administrator when their `admin` flag is set
or they belong to the group with id `admin`. Tokens are random, shown once, and stored
only as their sha256 digest.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Final

from lanes.services.actor import Actor
from lanes.services.context import Services
from lanes.services.errors import Conflict, Forbidden, Invalid, NotFound, Unauthorized
from lanes.store import identity as store

__all__ = [
    "ADMIN_GROUP",
    "ADMIN_USER",
    "GROUP_TYPES",
    "KEEP",
    "GroupView",
    "UserView",
    "authenticate",
    "create_group",
    "create_user",
    "ensure_admin",
    "get_user",
    "issue_token",
    "org_chain",
    "update_user",
]

GROUP_TYPES: Final = ("role", "org", "position")
ADMIN_GROUP: Final = "admin"  # members of this group are administrators
ADMIN_USER: Final = "admin"  # the user LANES_ADMIN_TOKEN creates

_ID = re.compile(r"[A-Za-z0-9_.@-]{1,64}")
_NAME_MAX = 255
_EMAIL_MAX = 255
_ENSURE_ADMIN_ATTEMPTS = 5


@dataclass(frozen=True, slots=True)
class UserView:
    id: str
    name: str
    email: str | None
    admin: bool
    groups: tuple[str, ...]  # direct group ids, sorted


@dataclass(frozen=True, slots=True)
class GroupView:
    id: str
    name: str
    type: str  # role | org | position
    parent_id: str | None


class _Keep(Enum):
    KEEP = "keep"


KEEP: Final = _Keep.KEEP
"""`update_user(email=KEEP)` leaves the e-mail address as it is (None clears it)."""


# -- users ------------------------------------------------------------------------------


def create_user(
    svc: Services,
    actor: Actor,
    user_id: str,
    name: str,
    email: str | None = None,
    groups: Sequence[str] = (),
    admin: bool = False,
) -> UserView:
    """Create a user (administrators only) with the given direct group memberships."""
    _require_admin(actor, "create users")
    _check_id(user_id, "id", "user")
    name = _checked_name(name)
    email = _checked_email(email)
    group_ids = tuple(sorted(dict.fromkeys(groups)))
    record = store.UserRecord(user_id, name, email, admin, group_ids)
    try:
        with svc.db.write() as conn:
            if store.user_with_groups(conn, user_id) is not None:
                raise _user_exists(user_id)
            _check_groups_exist(group_ids, store.get_groups(conn, group_ids))
            store.insert_user(conn, record, svc.now())
    except store.Duplicate:  # created by someone else since we looked
        raise _user_exists(user_id) from None
    return _user_view(record)


def update_user(
    svc: Services,
    actor: Actor,
    user_id: str,
    *,
    name: str | None = None,
    email: str | _Keep | None = KEEP,
    groups: Sequence[str] | None = None,
    admin: bool | None = None,
) -> UserView:
    """Change what is given (administrators only); `groups` replaces all memberships.

    `name`, `groups` and `admin` are left alone when None, `email` when KEEP.
    """
    _require_admin(actor, "change users")
    new_name = None if name is None else _checked_name(name)
    new_email = email if isinstance(email, _Keep) else _checked_email(email)
    new_groups = None if groups is None else tuple(sorted(dict.fromkeys(groups)))
    with svc.db.write() as conn:
        current = store.user_with_groups(conn, user_id)
        if current is None:
            raise NotFound(f"There is no user {user_id!r}.", {"id": user_id})
        if new_groups is not None:
            _check_groups_exist(new_groups, store.get_groups(conn, new_groups))
        record = store.UserRecord(
            user_id,
            current.name if new_name is None else new_name,
            current.email if isinstance(new_email, _Keep) else new_email,
            current.admin if admin is None else admin,
            current.groups if new_groups is None else new_groups,
        )
        store.update_user(conn, record)
    svc.tokens.clear()  # their groups or admin flag may have changed
    return _user_view(record)


def get_user(svc: Services, actor: Actor, user_id: str) -> UserView:
    """A user's record: administrators see anyone, other users only themselves.

    A non-administrator asking for someone else is refused whether or not that user
    exists, so the answer tells nothing about which ids are taken.
    """
    if not actor.admin and actor.user_id != user_id:
        raise Forbidden("You may only read your own user record.")
    with svc.db.read() as conn:
        record = store.user_with_groups(conn, user_id)
    if record is None:
        raise NotFound(f"There is no user {user_id!r}.", {"id": user_id})
    return _user_view(record)


# -- groups -----------------------------------------------------------------------------


def create_group(
    svc: Services,
    actor: Actor,
    group_id: str,
    name: str,
    type: str,  # shadows the builtin: it is the field's name in every API dialect
    parent_id: str | None = None,
) -> GroupView:
    """Create a group (administrators only).

    `type` is role, org or position. An org group's parent must be an org group; a
    group may not be its own ancestor.
    """
    _require_admin(actor, "create groups")
    _check_id(group_id, "id", "group")
    name = _checked_name(name)
    if type not in GROUP_TYPES:
        raise Invalid(
            f"Unknown group type {type!r}: use one of {', '.join(GROUP_TYPES)}.",
            {"field": "type", "allowed": list(GROUP_TYPES)},
        )
    if parent_id is not None and parent_id == group_id:
        raise Invalid(f"Group {group_id!r} cannot be its own parent.", {"field": "parentId"})
    record = store.GroupRecord(group_id, name, type, parent_id)
    try:
        with svc.db.write() as conn:
            if store.get_group(conn, group_id) is not None:
                raise _group_exists(group_id)
            if parent_id is not None:
                _check_parent(record, store.get_group(conn, parent_id))
            store.insert_group(conn, record)
    except store.Duplicate:
        raise _group_exists(group_id) from None
    return GroupView(record.id, record.name, record.type, record.parent_id)


def org_chain(svc: Services, group_ids: Iterable[str]) -> tuple[str, ...]:
    """The org groups among `group_ids` and all their ancestors, nearest first.

    For form rights granted to an org unit: they reach the members of every unit below
    it. Non-org ids are dropped; cyclic parent links end the walk instead of looping.
    """
    wanted = list(group_ids)
    if not wanted:
        return ()
    with svc.db.read() as conn:
        return store.group_ancestors(conn, wanted)


# -- tokens and authentication ----------------------------------------------------------


def issue_token(svc: Services, actor: Actor, user_id: str) -> str:
    """A new API token for the user (administrators, or the user for themselves).

    The token is returned once and stored only as its hash; earlier tokens stay valid.
    """
    if not actor.admin and actor.user_id != user_id:
        raise Forbidden("You may only issue tokens for yourself.")
    token = secrets.token_urlsafe(32)
    with svc.db.write() as conn:
        if store.user_with_groups(conn, user_id) is None:
            raise NotFound(f"There is no user {user_id!r}.", {"id": user_id})
        store.insert_token(conn, store.token_hash(token), user_id, svc.now())
    return token


def authenticate(
    svc: Services,
    *,
    bearer: str | None = None,
    basic_user: str | None = None,
    basic_password: str | None = None,
) -> Actor:
    """The Actor a credential stands for: remembered for a few seconds (`svc.tokens`),
    else read from the database.

    `bearer` is the token of `Authorization: Bearer` or `X-Authorization-access_token`;
    HTTP Basic gives a user id and, as the password, one of that user's tokens. Exactly
    one of the two must be given.
    """
    token, claimed_user = _credential(bearer, basic_user, basic_password)
    digest = store.token_hash(token)
    remembered = svc.tokens.get(digest)
    if remembered is not None:
        return _claimed(remembered, claimed_user)
    with svc.db.read() as conn:
        owner = store.user_for_token_hash(conn, digest)
    if owner is None:
        raise Unauthorized("The API token is not valid: it is unknown or has been revoked.")
    groups = frozenset(group_id for group_id, _ in owner.groups)
    actor = Actor(
        owner.user_id,
        groups=groups,
        admin=owner.admin or ADMIN_GROUP in groups,
        roles=frozenset(group_id for group_id, kind in owner.groups if kind == "role"),
    )
    svc.tokens.put(digest, actor)
    return _claimed(actor, claimed_user)


def remembered_actor(
    svc: Services,
    *,
    bearer: str | None = None,
    basic_user: str | None = None,
    basic_password: str | None = None,
) -> Actor | None:
    """The Actor of a credential seen in the last few seconds, without touching the
    database; None when it has to be read. A malformed credential is refused here."""
    token, claimed_user = _credential(bearer, basic_user, basic_password)
    actor = svc.tokens.get(store.token_hash(token))
    return None if actor is None else _claimed(actor, claimed_user)


def _credential(
    bearer: str | None, basic_user: str | None, basic_password: str | None
) -> tuple[str, str | None]:
    """(token, the user id HTTP Basic claims, if it was Basic)."""
    has_basic = bool(basic_user) or bool(basic_password)
    if bearer and has_basic:
        raise Unauthorized("Send one credential, a bearer token or HTTP Basic, not both.")
    if bearer:
        return bearer, None
    if has_basic:
        if not basic_user or not basic_password:
            raise Unauthorized(
                "HTTP Basic credentials need a user id and, as the password, an API token."
            )
        return basic_password, basic_user
    raise Unauthorized(
        "Authentication required: send an API token as 'Authorization: Bearer <token>' "
        "or 'X-Authorization-access_token', or HTTP Basic with your user id and token."
    )


def _claimed(actor: Actor, claimed_user: str | None) -> Actor:
    if claimed_user is not None and claimed_user != actor.user_id:
        raise Unauthorized("The API token does not belong to the user id given in HTTP Basic.")
    return actor


def ensure_admin(svc: Services, token: str) -> None:
    """Make user `admin` an administrator holding exactly `token` (LANES_ADMIN_TOKEN).

    Idempotent, and safe when several server processes start at once: a process that
    loses the race to insert the user or the token starts over and finds the row.
    Earlier tokens of `admin` are revoked; its group memberships are kept.
    """
    if not token or not token.strip():
        raise Invalid("The admin token must not be empty.", {"field": "token"})
    digest = store.token_hash(token)
    for attempt in range(_ENSURE_ADMIN_ATTEMPTS):
        try:
            with svc.db.write() as conn:
                current = store.user_with_groups(conn, ADMIN_USER)
                if current is None:
                    record = store.UserRecord(ADMIN_USER, "Administrator", None, True, ())
                    store.insert_user(conn, record, svc.now())
                else:
                    store.update_user(
                        conn,
                        store.UserRecord(
                            ADMIN_USER, "Administrator", current.email, True, current.groups
                        ),
                    )
                store.delete_user_tokens(conn, ADMIN_USER)
                store.delete_token(conn, digest)  # in case another user somehow holds it
                store.insert_token(conn, digest, ADMIN_USER, svc.now())
            svc.tokens.clear()  # the earlier tokens are revoked
            return
        except store.Duplicate:
            if attempt == _ENSURE_ADMIN_ATTEMPTS - 1:
                raise Conflict(
                    "Could not set up the admin user: other processes kept changing it."
                ) from None


# -- helpers ----------------------------------------------------------------------------


def _require_admin(actor: Actor, what: str) -> None:
    if not actor.admin:
        raise Forbidden(f"Only administrators may {what}.")


def _check_id(value: str, field: str, kind: str) -> None:
    if not value or not value.strip():
        raise Invalid(f"The {kind} id must not be empty.", {"field": field})
    if len(value) > 64:
        raise Invalid(f"The {kind} id is longer than 64 characters.", {"field": field})
    if not _ID.fullmatch(value):
        raise Invalid(
            f"The {kind} id {value!r} may only hold letters, digits and _ . @ -.",
            {"field": field},
        )


def _checked_name(name: str) -> str:
    name = name.strip() if name else ""
    if not name:
        raise Invalid("The name must not be empty.", {"field": "name"})
    if len(name) > _NAME_MAX:
        raise Invalid(f"The name is longer than {_NAME_MAX} characters.", {"field": "name"})
    return name


def _checked_email(email: str | None) -> str | None:
    if email is None:
        return None
    email = email.strip()
    if not email:
        return None
    if len(email) > _EMAIL_MAX or "@" not in email or any(c.isspace() for c in email):
        raise Invalid(f"{email!r} is not an e-mail address.", {"field": "email"})
    return email


def _check_groups_exist(group_ids: Sequence[str], found: Mapping[str, object]) -> None:
    unknown = [group_id for group_id in group_ids if group_id not in found]
    if unknown:
        names = ", ".join(repr(group_id) for group_id in unknown)
        raise Invalid(
            f"Unknown group{'s' if len(unknown) > 1 else ''}: {names}.",
            {"field": "groups", "unknown": unknown},
        )


def _check_parent(group: store.GroupRecord, parent: store.GroupRecord | None) -> None:
    if parent is None:
        raise Invalid(f"Unknown parent group {group.parent_id!r}.", {"field": "parentId"})
    if group.type == "org" and parent.type != "org":
        raise Invalid(
            f"An org group's parent must be an org group; {parent.id!r} is a {parent.type}.",
            {"field": "parentId"},
        )


def _user_exists(user_id: str) -> Conflict:
    return Conflict(f"User {user_id!r} exists already.", {"id": user_id})


def _group_exists(group_id: str) -> Conflict:
    return Conflict(f"Group {group_id!r} exists already.", {"id": group_id})


def _user_view(record: store.UserRecord) -> UserView:
    return UserView(record.id, record.name, record.email, record.admin, record.groups)
