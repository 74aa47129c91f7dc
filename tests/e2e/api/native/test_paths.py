"""Each native family's router names the heads of all its routes: a route outside them
would never be reached (the family turns such paths away unseen)."""

from __future__ import annotations

import pytest
from fastapi.routing import APIRoute

from lanes.api.native import MOUNT, definitions, forms, identity, instances, tasks
from lanes.api.prefix_router import PrefixRouter


@pytest.mark.parametrize("family", [tasks, instances, forms, definitions, identity])
def test_every_route_of_a_family_lies_under_its_roots(family: object) -> None:
    router = family.router  # type: ignore[attr-defined]
    assert isinstance(router, PrefixRouter)
    routes = [route for route in router.routes if isinstance(route, APIRoute)]
    assert routes
    for route in routes:
        assert (MOUNT + route.path).startswith(router.roots), route.path
