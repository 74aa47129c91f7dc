"""Fixtures for integration tests: every test gets its own fresh, migrated database.

Each test that uses `database_url`, `database` or `services` runs once per backend:

- ``[sqlite]``: a new SQLite file in the test's ``tmp_path``, always;
- ``[postgres]``: a new PostgreSQL database, when ``LANES_TEST_POSTGRES_URL`` is set
  (e.g. ``postgresql://postgres@127.0.0.1:5432/postgres``). The database is created
  through the server's ``postgres`` maintenance database under a unique name, migrated,
  and dropped after the test, whatever it left open. These parameters carry the
  ``postgres`` mark (select or deselect them with ``-m``) and are skipped without a URL.

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


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of a fresh database holding the current schema (one per test and backend)."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'lanes.db'}"
        _migrate(url)
        yield url
    else:
        with fresh_postgres_database(POSTGRES_URL) as url:
            _migrate(url)
            yield url


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


@contextmanager
def fresh_postgres_database(server_url: str) -> Iterator[str]:
    """Create an empty database with a unique name on the server of `server_url`.

    Yields its URL (same driver, user and host as `server_url`); drops it on exit, forcing
    out any connection a test left behind.
    """
    url = make_url(server_url)
    maintenance = url.set(drivername="postgresql", database="postgres")
    name = f"lanes_test_{uuid.uuid4().hex[:16]}"
    with _autocommit(maintenance.render_as_string(hide_password=False)) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with _autocommit(maintenance.render_as_string(hide_password=False)) as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


@contextmanager
def _autocommit(url: str) -> Iterator[psycopg.Connection[TupleRow]]:
    # CREATE / DROP DATABASE cannot run inside a transaction block
    with psycopg.connect(url, autocommit=True) as conn:
        yield conn


def _migrate(url: str) -> None:
    db = Database(url)
    try:
        upgrade(db)
    finally:
        db.dispose()
