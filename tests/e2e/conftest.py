"""Fixtures for end-to-end tests: the whole app over HTTP, one fresh database per test.

Every test that uses `app`, `client` or `api` runs once per backend through
tests/conftest.py's `database_url`: ``[sqlite]`` always, ``[postgres]`` when
``LANES_TEST_POSTGRES_URL`` is set.

- ``app``: `create_app(Settings(database_url=..., admin_token=ADMIN_TOKEN, jobs=False))`;
- ``client``: a `TestClient` on it (lifespan run; server exceptions re-raised, so a bug
  that would answer 500 fails the test loudly);
- ``api``: `tests.e2e.support.Api`, the client plus helpers that go through the HTTP
  API only: create users with tokens, deploy, start, list tasks.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI

from lanes.api.app import create_app
from lanes.config import Settings
from tests.e2e.support import ADMIN_TOKEN, Api, TestClient

# -- the app ------------------------------------------------------------------------------


@pytest.fixture
def app(database_url: str) -> Iterator[FastAPI]:
    # no job executor: a test that wants timers to fire makes its own app with jobs on
    settings = Settings(database_url=database_url, admin_token=ADMIN_TOKEN, jobs=False)
    app = create_app(settings)
    yield app
    app.state.services.db.dispose()  # also when no client ran the lifespan


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as client:  # the lifespan disposes the database at the end
        yield client


@pytest.fixture
def api(client: TestClient) -> Api:
    return Api(client)
