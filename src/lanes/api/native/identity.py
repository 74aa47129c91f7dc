"""Identity administration: users, groups and API tokens (`/users`, `/groups`)."""

from __future__ import annotations

from lanes.api.deps import ActorDep, JsonBody, ServicesDep
from lanes.api.native.params import UserIdPath
from lanes.api.native.paths import family_router
from lanes.api.native.schemas import GroupIn, GroupOut, TokenOut, UserIn, UserOut, UserPatch
from lanes.services import identity
from lanes.services.identity import KEEP, GroupView, UserView

router = family_router("users", "groups", tags=["identity"], dependencies=[JsonBody])


@router.post("/users", status_code=201, response_model=UserOut, summary="Create a user (admins)")
def create_user(body: UserIn, svc: ServicesDep, actor: ActorDep) -> UserView:
    return identity.create_user(svc, actor, body.id, body.name, body.email, body.groups, body.admin)


@router.get("/users/{user_id}", response_model=UserOut, summary="Read a user (admins, or self)")
def get_user(user_id: UserIdPath, svc: ServicesDep, actor: ActorDep) -> UserView:
    return identity.get_user(svc, actor, user_id)


@router.patch("/users/{user_id}", response_model=UserOut, summary="Change a user (admins)")
def update_user(
    user_id: UserIdPath, body: UserPatch, svc: ServicesDep, actor: ActorDep
) -> UserView:
    return identity.update_user(
        svc,
        actor,
        user_id,
        name=body.name,
        email=body.email if "email" in body.model_fields_set else KEEP,
        groups=body.groups,
        admin=body.admin,
    )


@router.post(
    "/users/{user_id}/tokens",
    status_code=201,
    response_model=TokenOut,
    summary="Issue an API token (admins, or the user for themselves)",
)
def issue_token(user_id: UserIdPath, svc: ServicesDep, actor: ActorDep) -> TokenOut:
    return TokenOut(token=identity.issue_token(svc, actor, user_id))


@router.post("/groups", status_code=201, response_model=GroupOut, summary="Create a group (admins)")
def create_group(body: GroupIn, svc: ServicesDep, actor: ActorDep) -> GroupView:
    return identity.create_group(svc, actor, body.id, body.name, body.type, body.parent_id)
