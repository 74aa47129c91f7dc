"""Fixtures of the Activiti dialect's tests: `act`, an HTTP helper at the server root."""

from __future__ import annotations

import pytest

from tests.e2e.api.activiti.helpers import Act
from tests.e2e.support import Api


@pytest.fixture
def act(api: Api) -> Act:
    return Act(api)
