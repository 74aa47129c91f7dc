"""Fixtures for integration tests: every test gets its own fresh, migrated database.

Each test that uses `database_url`, `database` or `services` runs once per backend:

- ``[sqlite]``: a new SQLite file in the test's ``tmp_path``, always;
- ``[postgres]``: a new PostgreSQL database, when ``LANES_TEST_POSTGRES_URL`` is set
  (e.g. ``postgresql://postgres@127.0.0.1:5432/postgres``; only its server, user and
  driver are used). The database gets a unique name, is created through the server's
  ``postgres`` maintenance database and is dropped after the test, whatever the test
  left connected. These parameters carry the ``postgres`` mark (select or deselect them
  with ``-m``) and are skipped without a URL.

Migrating costs more than creating, so each backend's schema is migrated once per
session with `lanes.store.migrate.upgrade` into a template, and every test gets a copy
(a file copy for SQLite, ``CREATE DATABASE ... TEMPLATE`` for PostgreSQL).

Fixtures:

- ``database_url``: the URL of that fresh, migrated database, for a test that needs a
  second ``Database`` on it (dispose what you create);
- ``database``: a ``lanes.store.db.Database`` on it, disposed after the test;
- ``services``: ``Services(database)`` with the real clock.

Use them from any test under ``tests/integration``; nothing here is specific to one
feature.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest
from psycopg import sql
from psycopg.rows import TupleRow
from sqlalchemy.engine import make_url

from lanes.services.context import Services
from lanes.store.db import Database
from lanes.store.migrate import upgrade

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


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file to copy (closed, so the copy is complete)."""
    path = tmp_path_factory.mktemp("template") / "lanes.db"
    _migrate(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def postgres_template() -> Iterator[str]:
    """The name of a migrated template database on the server, dropped after the session."""
    name = f"lanes_it_template_{uuid.uuid4().hex[:12]}"
    with _maintenance() as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        _migrate(_postgres_url(name))  # disposed: a template must have no connections
        yield name
    finally:
        _drop_database(name)


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
    name = f"lanes_it_{uuid.uuid4().hex[:16]}"
    with _maintenance() as conn:
        conn.execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                sql.Identifier(name), sql.Identifier(template_name)
            )
        )
    try:
        yield _postgres_url(name)
    finally:
        _drop_database(name)


@pytest.fixture
def database(database_url: str) -> Iterator[Database]:
    db = Database(database_url)
    try:
        yield db
    finally:
        db.dispose()


@pytest.fixture
def services(database: Database) -> Services:
    return Services(database)


def _postgres_url(database: str) -> str:
    return make_url(POSTGRES_URL).set(database=database).render_as_string(hide_password=False)


@contextmanager
def _maintenance() -> Iterator[psycopg.Connection[TupleRow]]:
    # CREATE / DROP DATABASE cannot run inside a transaction block: autocommit
    url = make_url(POSTGRES_URL).set(drivername="postgresql", database="postgres")
    with psycopg.connect(url.render_as_string(hide_password=False), autocommit=True) as conn:
        yield conn


def _drop_database(name: str) -> None:
    with _maintenance() as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def _migrate(url: str) -> None:
    db = Database(url)
    try:
        upgrade(db)
    finally:
        db.dispose()
