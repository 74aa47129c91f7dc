"""Identity administration through /api/v1: users, groups and API tokens."""

from __future__ import annotations

from tests.e2e.support import Api, bearer, error_of


def test_an_admin_creates_a_user_who_can_read_their_own_record(api: Api) -> None:
    api.group("managers")
    response = api.post(
        "/users",
        api.admin,
        json={"id": "ann", "name": "Ann", "email": "ann@example.com", "groups": ["managers"]},
    )
    assert response.status_code == 201
    assert response.json() == {
        "id": "ann",
        "name": "Ann",
        "email": "ann@example.com",
        "admin": False,
        "groups": ["managers"],
    }
    ann = bearer(api.token("ann"))
    assert api.get("/users/ann", ann).json()["email"] == "ann@example.com"


def test_an_admin_flag_makes_a_user_an_administrator(api: Api) -> None:
    boss = api.user("boss", admin=True)
    assert api.get("/users/boss", boss).json()["admin"] is True
    assert api.post("/users", boss, json={"id": "x", "name": "X"}).status_code == 201


def test_creating_users_and_groups_needs_an_administrator(api: Api) -> None:
    bob = api.user("bob")
    response = api.post("/users", bob, json={"id": "eve", "name": "Eve"})
    assert response.status_code == 403
    assert error_of(response)["code"] == "forbidden"
    response = api.post("/groups", bob, json={"id": "g", "name": "G", "type": "role"})
    assert response.status_code == 403


def test_identity_routes_need_a_token(api: Api) -> None:
    assert api.post("/users", json={"id": "eve", "name": "Eve"}).status_code == 401
    assert api.get("/users/admin").status_code == 401
    assert api.post("/groups", json={"id": "g", "name": "G", "type": "role"}).status_code == 401
    assert api.post("/users/admin/tokens").status_code == 401


def test_a_user_id_that_exists_already_is_a_conflict(api: Api) -> None:
    api.user("bob")
    response = api.post("/users", api.admin, json={"id": "bob", "name": "Bob again"})
    assert response.status_code == 409
    assert error_of(response)["details"] == {"id": "bob"}


def test_a_user_in_an_unknown_group_is_refused_naming_the_group(api: Api) -> None:
    response = api.post("/users", api.admin, json={"id": "bob", "name": "B", "groups": ["nope"]})
    assert response.status_code == 400
    assert error_of(response)["details"]["unknown"] == ["nope"]


def test_user_fields_are_checked(api: Api) -> None:
    cases = [
        ({"name": "No id"}, "body.id"),
        ({"id": "x", "name": "X", "groups": "managers"}, "body.groups"),
        ({"id": "x" * 65, "name": "X"}, "body.id"),
        ({"id": "x", "name": "X", "nickname": "x"}, "body.nickname"),
    ]
    for body, location in cases:
        response = api.post("/users", api.admin, json=body)
        assert response.status_code == 422, body
        locations = [e["location"] for e in error_of(response)["details"]["errors"]]
        assert location in locations, (body, locations)
    bad_id = api.post("/users", api.admin, json={"id": "a b", "name": "X"})
    assert bad_id.status_code == 400
    assert error_of(bad_id)["details"] == {"field": "id"}
    bad_email = api.post("/users", api.admin, json={"id": "x", "name": "X", "email": "nope"})
    assert bad_email.status_code == 400


def test_a_user_reads_only_their_own_record(api: Api) -> None:
    api.user("ann")
    bob = api.user("bob")
    assert api.get("/users/bob", bob).status_code == 200
    assert api.get("/users/ann", bob).status_code == 403
    assert api.get("/users/nobody", bob).status_code == 403  # existence does not leak


def test_an_unknown_user_is_404_for_an_admin(api: Api) -> None:
    response = api.get("/users/nobody", api.admin)
    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"


def test_an_admin_changes_a_user(api: Api) -> None:
    api.group("hr")
    api.post("/users", api.admin, json={"id": "ann", "name": "Ann", "email": "a@example.com"})
    response = api.patch("/users/ann", api.admin, json={"groups": ["hr"], "name": "Ann B"})
    assert response.status_code == 200
    assert response.json() == {
        "id": "ann",
        "name": "Ann B",
        "email": "a@example.com",
        "admin": False,
        "groups": ["hr"],
    }
    cleared = api.patch("/users/ann", api.admin, json={"email": None})
    assert cleared.json()["email"] is None
    assert cleared.json()["groups"] == ["hr"]


def test_changing_users_needs_an_administrator_and_a_known_user(api: Api) -> None:
    bob = api.user("bob")
    assert api.patch("/users/bob", bob, json={"admin": True}).status_code == 403
    assert api.patch("/users/nobody", api.admin, json={"name": "N"}).status_code == 404
    assert api.patch("/users/bob", api.admin, json={"admin": "yes please"}).status_code == 422


def test_an_admin_creates_groups_of_each_type_with_parents(api: Api) -> None:
    company = api.post("/groups", api.admin, json={"id": "acme", "name": "Acme", "type": "org"})
    assert company.status_code == 201
    assert company.json() == {"id": "acme", "name": "Acme", "type": "org", "parent_id": None}
    sales = api.post(
        "/groups",
        api.admin,
        json={"id": "sales", "name": "Sales", "type": "org", "parentId": "acme"},
    )
    assert sales.status_code == 201
    assert sales.json()["parent_id"] == "acme"
    snake = api.post(
        "/groups",
        api.admin,
        json={"id": "emea", "name": "EMEA", "type": "org", "parent_id": "sales"},
    )
    assert snake.json()["parent_id"] == "sales"
    role = api.post("/groups", api.admin, json={"id": "clerk", "name": "Clerk", "type": "position"})
    assert role.status_code == 201


def test_group_rules_are_enforced(api: Api) -> None:
    api.group("managers")
    unknown_type = api.post("/groups", api.admin, json={"id": "g", "name": "G", "type": "team"})
    assert unknown_type.status_code == 422
    assert error_of(unknown_type)["details"]["errors"][0]["location"] == "body.type"
    duplicate = api.post("/groups", api.admin, json={"id": "managers", "name": "M", "type": "role"})
    assert duplicate.status_code == 409
    no_parent = api.post(
        "/groups", api.admin, json={"id": "g", "name": "G", "type": "org", "parentId": "none"}
    )
    assert no_parent.status_code == 400
    wrong_parent = api.post(
        "/groups", api.admin, json={"id": "g", "name": "G", "type": "org", "parentId": "managers"}
    )
    assert wrong_parent.status_code == 400


def test_a_user_issues_tokens_for_themselves_and_each_one_works(api: Api) -> None:
    bob = api.user("bob")
    response = api.post("/users/bob/tokens", bob)
    assert response.status_code == 201
    second = bearer(response.json()["token"])
    assert api.get("/users/bob", second).status_code == 200
    assert api.get("/users/bob", bob).status_code == 200  # earlier tokens stay valid


def test_a_user_cannot_issue_tokens_for_someone_else(api: Api) -> None:
    api.user("ann")
    bob = api.user("bob")
    assert api.post("/users/ann/tokens", bob).status_code == 403


def test_a_token_for_an_unknown_user_is_404(api: Api) -> None:
    assert api.post("/users/nobody/tokens", api.admin).status_code == 404
