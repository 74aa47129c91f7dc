"""lanes.services.identity: users, groups, tokens and authentication on a real database."""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable

import pytest
from sqlalchemy import select

from lanes.services.actor import SYSTEM, Actor
from lanes.services.context import TOKEN_TTL_SECONDS, Services
from lanes.services.errors import Conflict, Forbidden, Invalid, NotFound, Unauthorized
from lanes.services.identity import (
    KEEP,
    GroupView,
    UserView,
    authenticate,
    create_group,
    create_user,
    ensure_admin,
    get_user,
    issue_token,
    org_chain,
    remembered_actor,
    update_user,
)
from lanes.store import identity as store
from lanes.store import tables as t

ADMIN = Actor("root", admin=True)
ALICE = Actor("alice")
BOB = Actor("bob")


def run_together(workers: list[Callable[[], None]]) -> list[BaseException]:
    """Start every worker at once (a barrier); return what they raised."""
    barrier = threading.Barrier(len(workers))
    errors: list[BaseException] = []

    def run(work: Callable[[], None]) -> None:
        try:
            barrier.wait()
            work()
        except BaseException as error:  # collected for the test to inspect
            errors.append(error)

    threads = [threading.Thread(target=run, args=(work,)) for work in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def token_rows(services: Services) -> list[tuple[str, str]]:
    with services.db.read() as conn:
        rows = conn.execute(select(t.token.c.hash, t.token.c.user_id)).all()
    return [(row.hash, row.user_id) for row in rows]


@pytest.fixture
def org(services: Services) -> Services:
    """Groups: an org tree company > sales > sales-east, a role, a position; users alice, bob."""
    create_group(services, ADMIN, "company", "Company", "org")
    create_group(services, ADMIN, "sales", "Sales", "org", parent_id="company")
    create_group(services, ADMIN, "sales-east", "Sales East", "org", parent_id="sales")
    create_group(services, ADMIN, "managers", "Managers", "role")
    create_group(services, ADMIN, "clerk", "Clerk", "position", parent_id="sales")
    create_user(services, ADMIN, "alice", "Alice", "alice@example.com", ["sales-east", "managers"])
    create_user(services, ADMIN, "bob", "Bob")
    return services


# -- create_user ------------------------------------------------------------------------


def test_create_user_returns_the_user_with_sorted_groups(org: Services) -> None:
    view = create_user(org, ADMIN, "carol.c@x-1_", " Carol ", None, ["sales", "managers"])
    assert view == UserView("carol.c@x-1_", "Carol", None, False, ("managers", "sales"))
    assert get_user(org, ADMIN, "carol.c@x-1_") == view


def test_create_user_can_make_an_admin(services: Services) -> None:
    assert create_user(services, ADMIN, "dana", "Dana", admin=True).admin is True


def test_create_user_accepts_an_id_of_64_characters(services: Services) -> None:
    assert create_user(services, ADMIN, "u" * 64, "Long").id == "u" * 64


def test_create_user_is_for_admins_only_and_checks_that_first(services: Services) -> None:
    with pytest.raises(Forbidden, match="administrators"):
        create_user(services, ALICE, "carol", "Carol")
    with pytest.raises(Forbidden):  # not Invalid: a non-admin learns nothing about input rules
        create_user(services, ALICE, "", "")
    with pytest.raises(NotFound):
        get_user(services, ADMIN, "carol")


@pytest.mark.parametrize(
    ("user_id", "name", "field"),
    [
        ("", "Name", "id"),
        ("   ", "Name", "id"),
        ("has space", "Name", "id"),
        ("slash/no", "Name", "id"),
        ("ümlaut", "Name", "id"),
        ("u" * 65, "Name", "id"),
        ("ok", "", "name"),
        ("ok", "   ", "name"),
        ("ok", "n" * 256, "name"),
    ],
)
def test_create_user_refuses_a_bad_id_or_name(
    services: Services, user_id: str, name: str, field: str
) -> None:
    with pytest.raises(Invalid) as refused:
        create_user(services, ADMIN, user_id, name)
    assert refused.value.details["field"] == field


def test_create_user_refuses_a_bad_email(services: Services) -> None:
    with pytest.raises(Invalid, match="e-mail") as refused:
        create_user(services, ADMIN, "eve", "Eve", "not an address")
    assert refused.value.details == {"field": "email"}


def test_create_user_names_every_unknown_group(org: Services) -> None:
    with pytest.raises(Invalid, match="'ghosts', 'nobody'") as refused:
        create_user(org, ADMIN, "eve", "Eve", groups=["sales", "ghosts", "nobody"])
    assert refused.value.details == {"field": "groups", "unknown": ["ghosts", "nobody"]}
    with pytest.raises(NotFound):
        get_user(org, ADMIN, "eve")


def test_create_user_refuses_an_existing_id(org: Services) -> None:
    with pytest.raises(Conflict, match="'alice' exists"):
        create_user(org, ADMIN, "alice", "Another Alice")


def test_create_user_racing_on_one_id_creates_it_once(services: Services) -> None:
    def make(n: int) -> Callable[[], None]:
        def work() -> None:
            create_user(services, ADMIN, "same", f"Try {n}")

        return work

    errors = run_together([make(n) for n in range(6)])
    assert len(errors) == 5
    assert all(isinstance(error, Conflict) for error in errors)
    assert get_user(services, ADMIN, "same").name.startswith("Try ")


# -- update_user ------------------------------------------------------------------------


def test_update_user_changes_only_what_is_given(org: Services) -> None:
    view = update_user(org, ADMIN, "alice", name="Alice A.")
    assert view == UserView(
        "alice", "Alice A.", "alice@example.com", False, ("managers", "sales-east")
    )
    assert get_user(org, ADMIN, "alice") == view


def test_update_user_replaces_groups_email_and_admin(org: Services) -> None:
    view = update_user(org, ADMIN, "alice", email="a@new.example", groups=["company"], admin=True)
    assert view == UserView("alice", "Alice", "a@new.example", True, ("company",))
    assert get_user(org, ADMIN, "alice") == view


def test_update_user_clears_email_with_none_and_keeps_it_with_keep(org: Services) -> None:
    assert update_user(org, ADMIN, "alice", email=KEEP).email == "alice@example.com"
    assert update_user(org, ADMIN, "alice", email=None).email is None
    assert get_user(org, ADMIN, "alice").email is None


def test_update_user_with_no_groups_removes_every_membership(org: Services) -> None:
    assert update_user(org, ADMIN, "alice", groups=[]).groups == ()


def test_update_user_errors(org: Services) -> None:
    with pytest.raises(Forbidden):
        update_user(org, ALICE, "alice", name="Me")
    with pytest.raises(NotFound, match="'ghost'"):
        update_user(org, ADMIN, "ghost", name="Ghost")
    with pytest.raises(Invalid, match="'ghosts'"):
        update_user(org, ADMIN, "alice", groups=["ghosts"])
    with pytest.raises(Invalid):
        update_user(org, ADMIN, "alice", name=" ")
    with pytest.raises(Invalid):
        update_user(org, ADMIN, "alice", email="nope")
    assert get_user(org, ADMIN, "alice").groups == ("managers", "sales-east")


# -- get_user ---------------------------------------------------------------------------


def test_get_user_lets_a_user_read_themselves(org: Services) -> None:
    assert get_user(org, ALICE, "alice").name == "Alice"


def test_get_user_tells_an_admin_about_unknown_ids(org: Services) -> None:
    with pytest.raises(NotFound, match="'ghost'"):
        get_user(org, ADMIN, "ghost")


@pytest.mark.parametrize("other", ["bob", "ghost"])
def test_get_user_refuses_other_users_without_telling_who_exists(org: Services, other: str) -> None:
    with pytest.raises(Forbidden) as refused:
        get_user(org, ALICE, other)
    assert other not in refused.value.message


# -- create_group -----------------------------------------------------------------------


def test_create_group_returns_the_group(services: Services) -> None:
    assert create_group(services, ADMIN, "hq", "HQ", "org") == GroupView("hq", "HQ", "org", None)
    assert create_group(services, ADMIN, "dev", "Dev", "org", "hq") == GroupView(
        "dev", "Dev", "org", "hq"
    )
    assert create_group(services, ADMIN, "lead", "Lead", "position", "dev").parent_id == "dev"
    assert create_group(services, ADMIN, "ops", "Ops", "role").type == "role"


def test_create_group_errors(org: Services) -> None:
    with pytest.raises(Forbidden):
        create_group(org, ALICE, "x", "X", "role")
    with pytest.raises(Invalid, match="role, org, position") as refused:
        create_group(org, ADMIN, "x", "X", "team")
    assert refused.value.details["field"] == "type"
    with pytest.raises(Invalid, match="parent group 'nowhere'"):
        create_group(org, ADMIN, "x", "X", "org", parent_id="nowhere")
    with pytest.raises(Invalid, match="its own parent"):
        create_group(org, ADMIN, "x", "X", "org", parent_id="x")
    with pytest.raises(Invalid, match="must be an org group"):
        create_group(org, ADMIN, "x", "X", "org", parent_id="managers")
    with pytest.raises(Invalid) as bad_id:
        create_group(org, ADMIN, "a b", "X", "role")
    assert bad_id.value.details["field"] == "id"
    with pytest.raises(Invalid):
        create_group(org, ADMIN, "x", "", "role")
    with pytest.raises(Conflict, match="'sales' exists"):
        create_group(org, ADMIN, "sales", "Sales again", "org")


# -- org_chain --------------------------------------------------------------------------


def test_org_chain_gives_org_groups_and_their_ancestors_nearest_first(org: Services) -> None:
    assert org_chain(org, ["managers", "sales-east", "clerk"]) == ("sales-east", "sales", "company")
    assert org_chain(org, ["company", "sales-east"]) == ("company", "sales-east", "sales")
    assert org_chain(org, ["managers", "ghost"]) == ()
    assert org_chain(org, []) == ()


def test_org_chain_ends_on_a_parent_cycle(org: Services) -> None:
    with org.db.write() as conn:  # no service makes a cycle; the store can
        store.update_group(conn, store.GroupRecord("company", "Company", "org", "sales-east"))
    assert org_chain(org, ["sales"]) == ("sales", "company", "sales-east")


# -- issue_token ------------------------------------------------------------------------


def test_issue_token_for_a_user_by_an_admin_and_by_themselves(org: Services) -> None:
    by_admin = issue_token(org, ADMIN, "alice")
    by_self = issue_token(org, ALICE, "alice")
    assert by_admin != by_self
    assert len(by_admin) >= 43
    assert authenticate(org, bearer=by_admin).user_id == "alice"
    assert authenticate(org, bearer=by_self).user_id == "alice"


def test_issue_token_errors(org: Services) -> None:
    with pytest.raises(Forbidden):
        issue_token(org, ALICE, "bob")
    with pytest.raises(Forbidden):
        issue_token(org, ALICE, "ghost")
    with pytest.raises(NotFound, match="'ghost'"):
        issue_token(org, ADMIN, "ghost")
    assert token_rows(org) == []


def test_tokens_are_stored_only_as_their_sha256(org: Services) -> None:
    token = issue_token(org, ADMIN, "alice")
    rows = token_rows(org)
    assert rows == [(hashlib.sha256(token.encode()).hexdigest(), "alice")]
    with org.db.read() as conn:
        stored = [tuple(row) for row in conn.execute(select(t.token)).all()]
    assert not any(token in str(value) for row in stored for value in row)


# -- authenticate -----------------------------------------------------------------------


def test_authenticate_bearer_gives_the_users_groups_and_roles(org: Services) -> None:
    actor = authenticate(org, bearer=issue_token(org, ADMIN, "alice"))
    assert actor == Actor(
        "alice",
        groups=frozenset({"sales-east", "managers"}),
        admin=False,
        roles=frozenset({"managers"}),
    )


def test_authenticate_a_user_without_groups(org: Services) -> None:
    assert authenticate(org, bearer=issue_token(org, ADMIN, "bob")) == Actor("bob")


def test_authenticate_admin_by_flag_or_by_the_admin_group(org: Services) -> None:
    create_user(org, ADMIN, "flagged", "Flagged", admin=True)
    create_group(org, ADMIN, "admin", "Administrators", "role")
    create_user(org, ADMIN, "member", "Member", groups=["admin"])
    assert authenticate(org, bearer=issue_token(org, ADMIN, "flagged")).admin is True
    member = authenticate(org, bearer=issue_token(org, ADMIN, "member"))
    assert member.admin is True
    assert member.roles == frozenset({"admin"})


def test_authenticate_http_basic_with_the_tokens_owner(org: Services) -> None:
    token = issue_token(org, ADMIN, "alice")
    assert authenticate(org, basic_user="alice", basic_password=token).user_id == "alice"


def test_authenticate_refuses_basic_with_another_user_id(org: Services) -> None:
    token = issue_token(org, ADMIN, "alice")
    with pytest.raises(Unauthorized, match="does not belong"):
        authenticate(org, basic_user="bob", basic_password=token)
    with pytest.raises(Unauthorized, match="does not belong"):
        authenticate(org, basic_user="ghost", basic_password=token)


@pytest.mark.parametrize(
    ("credentials", "message"),
    [
        ({}, "Authentication required"),
        ({"bearer": ""}, "Authentication required"),
        ({"bearer": "not-a-token"}, "not valid"),
        ({"basic_user": "alice", "basic_password": "not-a-token"}, "not valid"),
        ({"basic_user": "alice"}, "need a user id"),
        ({"basic_password": "whatever"}, "need a user id"),
        ({"bearer": "x", "basic_user": "alice", "basic_password": "y"}, "not both"),
    ],
)
def test_authenticate_refuses_missing_unknown_or_mixed_credentials(
    org: Services, credentials: dict[str, str], message: str
) -> None:
    with pytest.raises(Unauthorized, match=message):
        authenticate(org, **credentials)


def test_authenticate_sees_changes_at_once(org: Services) -> None:
    token = issue_token(org, ADMIN, "alice")
    assert authenticate(org, bearer=token).admin is False
    update_user(org, ADMIN, "alice", groups=["company"], admin=True)
    actor = authenticate(org, bearer=token)
    assert (actor.admin, actor.groups, actor.roles) == (True, frozenset({"company"}), frozenset())


def test_authenticate_remembers_a_token_for_a_few_seconds(
    org: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = issue_token(org, ADMIN, "alice")
    first = authenticate(org, bearer=token)
    statements = org.db.statements
    assert authenticate(org, bearer=token) == first
    assert remembered_actor(org, bearer=token) == first
    assert org.db.statements == statements  # answered without the database
    with pytest.raises(Unauthorized, match="does not belong"):
        authenticate(org, basic_user="bob", basic_password=token)
    # another process revokes the token: this one notices once the few seconds are up
    with org.db.write() as conn:
        store.delete_user_tokens(conn, "alice")
    assert authenticate(org, bearer=token) == first
    later = time.monotonic() + TOKEN_TTL_SECONDS + 1
    monkeypatch.setattr("lanes.services.context.time.monotonic", lambda: later)
    assert remembered_actor(org, bearer=token) is None
    with pytest.raises(Unauthorized, match="not valid"):
        authenticate(org, bearer=token)


def test_unknown_tokens_are_not_remembered(org: Services) -> None:
    with pytest.raises(Unauthorized):
        authenticate(org, bearer="not-yet")
    with org.db.write() as conn:
        store.insert_token(conn, store.token_hash("not-yet"), "bob", org.now())
    assert authenticate(org, bearer="not-yet").user_id == "bob"


# -- ensure_admin -----------------------------------------------------------------------


def test_ensure_admin_creates_the_admin_with_that_token(services: Services) -> None:
    ensure_admin(services, "s3cret-admin-token")
    actor = authenticate(services, bearer="s3cret-admin-token")
    assert (actor.user_id, actor.admin) == ("admin", True)
    assert get_user(services, actor, "admin") == UserView("admin", "Administrator", None, True, ())
    assert token_rows(services) == [(store.token_hash("s3cret-admin-token"), "admin")]


def test_ensure_admin_is_idempotent(services: Services) -> None:
    ensure_admin(services, "same-token")
    ensure_admin(services, "same-token")
    assert token_rows(services) == [(store.token_hash("same-token"), "admin")]
    assert authenticate(services, basic_user="admin", basic_password="same-token").admin


def test_ensure_admin_replaces_earlier_admin_tokens(services: Services) -> None:
    ensure_admin(services, "first")
    issued = issue_token(services, SYSTEM, "admin")
    ensure_admin(services, "second")
    for old in ("first", issued):
        with pytest.raises(Unauthorized):
            authenticate(services, bearer=old)
    assert authenticate(services, bearer="second").user_id == "admin"
    assert token_rows(services) == [(store.token_hash("second"), "admin")]


def test_ensure_admin_promotes_an_existing_admin_user_and_keeps_its_groups(org: Services) -> None:
    create_user(org, ADMIN, "admin", "Someone", "boss@example.com", ["managers"])
    issue_token(org, ADMIN, "admin")
    ensure_admin(org, "the-token")
    assert get_user(org, ADMIN, "admin") == UserView(
        "admin", "Administrator", "boss@example.com", True, ("managers",)
    )
    assert len(token_rows(org)) == 1


def test_ensure_admin_refuses_an_empty_token(services: Services) -> None:
    for token in ("", "  "):
        with pytest.raises(Invalid):
            ensure_admin(services, token)


def test_ensure_admin_from_two_threads_at_once_both_succeed(services: Services) -> None:
    for round_ in range(5):
        token = f"token-{round_}"
        errors = run_together([lambda token=token: ensure_admin(services, token)] * 2)
        assert errors == []
        assert token_rows(services) == [(store.token_hash(token), "admin")]
        assert authenticate(services, bearer=token).admin is True


def test_ensure_admin_on_a_fresh_database_from_many_threads(services: Services) -> None:
    errors = run_together([lambda: ensure_admin(services, "boot")] * 6)
    assert errors == []
    assert token_rows(services) == [(store.token_hash("boot"), "admin")]
