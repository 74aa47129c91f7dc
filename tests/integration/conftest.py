"""Fixtures for integration tests: `database` (a Database on a fresh, migrated database
per test and backend, from tests/conftest.py's `database_url`) and `services`.

Use them from any test under ``tests/integration``; nothing here is specific to one
feature.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from lanes.services.context import Services
from lanes.store.db import Database


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
