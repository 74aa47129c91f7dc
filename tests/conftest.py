"""Database fixtures shared by tests/integration and tests/e2e: a fresh, migrated database
per test and backend.

Each test that uses `database_url` runs once per backend:

- ``[sqlite]``: a copy of a migrated SQLite file in the test's ``tmp_path``, always;
- ``[postgres]``: a new database made from a migrated template with
  ``CREATE DATABASE ... TEMPLATE``, when ``LANES_TEST_POSTGRES_URL`` names a server the
  tests may create databases on (e.g. ``postgresql://postgres@127.0.0.1:5432/postgres``);
  dropped after the test, whatever it left open. These parameters carry the ``postgres``
  mark and are skipped without a URL.

Migrating costs more than copying, so each backend's schema is migrated once a session.
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
    name = f"lanes_template_{uuid.uuid4().hex[:12]}"
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
    name = f"lanes_test_{uuid.uuid4().hex[:16]}"
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


# The dialect translations run on SQLite only: the services below them (tests/integration)
# and the native API run on both backends, and running every dialect test twice more than
# doubled the PostgreSQL share of CI for no new coverage of the store.
_SQLITE_ONLY = ("tests/e2e/api/activiti/", "tests/e2e/api/cosminexus/", "tests/e2e/api/ibps/")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    dropped = {
        item for item in items if _postgres_variant(item) and item.nodeid.startswith(_SQLITE_ONLY)
    }
    if dropped:
        config.hook.pytest_deselected(items=list(dropped))
        items[:] = [item for item in items if item not in dropped]


def _postgres_variant(item: pytest.Item) -> bool:
    callspec = getattr(item, "callspec", None)
    return callspec is not None and callspec.params.get("database_url") == "postgres"
