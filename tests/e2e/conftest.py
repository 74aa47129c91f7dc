"""Fixtures for end-to-end tests: the whole app over HTTP, one fresh database per test.

Every test that uses `database_url` (or `app`, `client`, `api`) runs once per backend,
as in tests/integration: ``[sqlite]`` always, ``[postgres]`` (marked ``postgres``) when
``LANES_TEST_POSTGRES_URL`` is set. To keep that cheap, each backend's schema is
migrated once per session into a template; a test gets a copy (a file copy for SQLite,
``CREATE DATABASE ... TEMPLATE`` for PostgreSQL), dropped after it.

- ``app``: `create_app(Settings(database_url=..., admin_token=ADMIN_TOKEN, jobs=False))`;
- ``client``: a `TestClient` on it (lifespan run; server exceptions re-raised, so a bug
  that would answer 500 fails the test loudly);
- ``api``: `tests.e2e.support.Api`, the client plus helpers that go through the HTTP
  API only: create users with tokens, deploy, start, list tasks.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg
import pytest
from fastapi import FastAPI
from psycopg import sql
from sqlalchemy.engine import make_url

from lanes.api.app import create_app
from lanes.config import Settings
from lanes.store.db import Database
from lanes.store.migrate import upgrade
from tests.e2e.support import ADMIN_TOKEN, Api, TestClient

POSTGRES_URL = os.environ.get("LANES_TEST_POSTGRES_URL", "")

BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param(
        "postgres",
        id="postgres",
        marks=[
            pytest.mark.postgres,
            pytest.mark.skipif(
                not POSTGRES_URL, reason="set LANES_TEST_POSTGRES_URL to run on PostgreSQL"
            ),
        ],
    ),
]


# -- databases ----------------------------------------------------------------------------


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "lanes.db"
    _migrate(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def postgres_template() -> Iterator[str]:
    """The name of a migrated template database on the server, dropped after the session."""
    name = f"lanes_e2e_template_{uuid.uuid4().hex[:12]}"
    with _maintenance() as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        _migrate(_postgres_url(name))
        yield name
    finally:
        with _maintenance() as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of a fresh database holding the current schema (one per test and backend)."""
    if request.param == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        path = tmp_path / "lanes.db"
        shutil.copyfile(template, path)
        yield f"sqlite:///{path}"
        return
    template_name: str = request.getfixturevalue("postgres_template")
    name = f"lanes_e2e_{uuid.uuid4().hex[:16]}"
    with _maintenance() as conn:
        conn.execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                sql.Identifier(name), sql.Identifier(template_name)
            )
        )
    try:
        yield _postgres_url(name)
    finally:
        with _maintenance() as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


def _postgres_url(database: str) -> str:
    return make_url(POSTGRES_URL).set(database=database).render_as_string(hide_password=False)


@contextmanager
def _maintenance() -> Iterator[psycopg.Connection[Any]]:
    # CREATE / DROP DATABASE cannot run inside a transaction block
    url = make_url(POSTGRES_URL).set(drivername="postgresql", database="postgres")
    with psycopg.connect(url.render_as_string(hide_password=False), autocommit=True) as conn:
        yield conn


def _migrate(url: str) -> None:
    db = Database(url)
    try:
        upgrade(db)
    finally:
        db.dispose()


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
