"""The migrations build exactly the schema lanes.store.tables declares, on every backend."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from lanes.store import tables as t
from lanes.store.db import Database


def test_the_migrated_schema_matches_the_table_declarations(database: Database) -> None:
    with database.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        differences = compare_metadata(context, t.metadata)
    assert differences == []
