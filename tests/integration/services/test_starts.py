"""Starting a case from a process reference (services/starts.py)."""

from __future__ import annotations

import pytest

from lanes.services import (
    starts,
)
from lanes.services.context import Services
from lanes.services.errors import Forbidden, Invalid, NotFound

from .helpers import (
    ADMIN,
    APPROVAL,
    deploy,
    user,
)

ANN = user("ann")


def test_start_case_resolves_key_version_and_id_and_starts_for_another_user_as_admin(
    services: Services,
) -> None:
    first = deploy(services, APPROVAL)
    case = starts.start_case(services, ADMIN, "approval:1", assignee="zoe")
    assert case.definition.id == first.id and case.instance.started_by == "zoe"
    assert case.instance.variables["assignee"] == "zoe"
    assert [t.assignee for t in case.tasks] == ["zoe"]
    assert starts.find_definition(services, str(first.id)).id == first.id
    own = starts.start_case(services, ANN, "approval", assignee="zoe")
    assert own.instance.started_by == "ann"  # a user starts as themself
    with pytest.raises(Forbidden):
        starts.start_case(services, ANN, "approval", starter="zoe")
    with pytest.raises(NotFound):
        starts.find_definition(services, "approval:7")
    with pytest.raises(Invalid):
        starts.find_definition(services, "")
