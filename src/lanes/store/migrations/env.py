"""Alembic environment: runs lanes' migrations on the connection `migrate.upgrade` passes."""

from __future__ import annotations

from alembic import context

from lanes.store.tables import metadata

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run lanes migrations through lanes.store.migrate.upgrade")
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
