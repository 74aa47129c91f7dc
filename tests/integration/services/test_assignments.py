"""Assigning a node of a case by key or name (services/assignments.py)."""

from __future__ import annotations

import pytest

from lanes.services import (
    assignments,
)
from lanes.services.context import Services
from lanes.services.errors import Forbidden, NotFound

from .helpers import (
    ADMIN,
    APPROVAL,
    deploy,
    start,
    user,
)

ANN = user("ann")


def test_assign_node_finds_the_node_by_name_when_the_key_is_unknown(
    services: Services,
) -> None:
    deploy(services, APPROVAL)
    case = start(services, "approval", ANN)
    assert assignments.assign_node(services, ADMIN, case.id, "x", "Sign", "sam") == "sign"
    with pytest.raises(NotFound):
        assignments.assign_node(services, ADMIN, case.id, "x", "Nothing", "sam")
    with pytest.raises(Forbidden):
        assignments.assign_node(services, ANN, case.id, "sign", None, "sam")
