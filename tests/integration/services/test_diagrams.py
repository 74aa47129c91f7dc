"""Definition and case diagrams (services/diagrams.py)."""

from __future__ import annotations

import pytest

from lanes.services import (
    diagrams,
    tasks,
)
from lanes.services.context import Services
from lanes.services.errors import Forbidden

from .helpers import (
    deploy,
    leave_xml,
    start,
    task_at,
    user,
)

ANN = user("ann")
BOSS = user("boss")


def test_an_instance_diagram_highlights_what_ran(services: Services) -> None:
    deploy(services, leave_xml())
    case = start(services, "leave", ANN, {"days": 1})
    tasks.complete(services, ANN, task_at(services, case.id, "fill_form").id)
    drawn = diagrams.instance_diagram(services, ANN, case.id)
    assert drawn.active == ["manager_short"]
    assert {"start", "fill_form", "how_long"} <= set(drawn.completed)
    assert drawn.taken == ["f1", "f2", "f3"]
    assert drawn.image.startswith(b"<svg") and drawn.name == "model.svg"
    with pytest.raises(Forbidden):
        diagrams.instance_diagram(services, BOSS, case.id)
